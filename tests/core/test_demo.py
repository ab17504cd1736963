from django.apps import apps
from django.core import serializers
from django.test import Client

from ekonseling.accounts.models import Role, User
from ekonseling.core import demo
from ekonseling.counseling import demo as counseling_demo
from ekonseling.students import demo as students_demo
from ekonseling.students.models import Student


def _snapshot():
    models = [m for m in apps.get_models() if m._meta.app_label in {"core", "accounts", "students"}]
    models = [m for m in models if m._meta.model_name != "auditevent"]
    return {m._meta.label: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_loading_the_demo_twice_changes_nothing(db):
    demo.load()
    first = _snapshot()

    demo.load()

    assert _snapshot() == first


def test_the_demo_has_every_role_and_a_student_account(db):
    demo.load()

    roles = set(User.objects.values_list("role", flat=True))
    assert {Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA} <= roles
    assert Student.objects.count() == len(students_demo.ROMBELS) * students_demo.STUDENTS_PER_ROMBEL
    assert Student.objects.get(user__username="siswa").rombel.name == "X-1"
    assert all(len(nisn) == 10 for nisn in Student.objects.values_list("nisn", flat=True))


def test_every_printed_demo_login_signs_in(db):
    demo.load()

    for username, password, _role in demo.demo_logins():
        client = Client()
        response = client.post("/masuk/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.get("/beranda/").status_code == 200, username


def test_the_demo_school_screens_its_students_sundanese(db):
    from ekonseling.core.models import School
    from ekonseling.counseling import lexicons

    demo.load()
    school = School.objects.get(counseling_settings__risk_lexicon_extension=counseling_demo.DEMO_RISK_LEXICON)

    screening = lexicons.for_school(school.pk).screen("bu, aing hayang paeh wae")

    assert screening.flagged and screening.categories == ("suicide",)
