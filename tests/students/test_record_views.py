"""The student record over HTTP: who sees and changes what, exports, erasure, year-end, caseloads."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from ekonseling.accounts.models import User
from ekonseling.core.models import AuditEvent
from ekonseling.students import records
from ekonseling.students.models import AcademicYear, DeletionRequest, Enrollment, Guardian, Rombel, Student
from tests import factories

ADDRESS = "Jl. Melati Nomor 7"
CARRY_OUT = {"password": factories.PASSWORD, "decision": "carry_out"}
FATHER = "Budi Santoso"


@pytest.fixture
def record(world):
    """world.student with a full buku pribadi."""
    student = world.student
    student.address = ADDRESS
    student.living_with = "Bersama orang tua"
    student.special_needs = "Disleksia ringan"
    student.save()
    Guardian.objects.create(student=student, relation="ayah", name=FATHER, phone="0812000111")
    return student


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_data(response):
    """The POST a browser would send for the edit page as it stands."""
    data = {}
    form = response.context["form"]
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "photo":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    formset = response.context["guardians"]
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = value
    for f in formset.forms:
        for name in f.fields:
            if name == "DELETE":
                continue
            value = f[name].value()
            data[f.add_prefix(name)] = "" if value is None else str(value)
    return data


def png(size=(40, 50), color="red", exif=False):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif:
        info = Image.Exif()
        info[0x010F] = "PhoneMaker"  # Make
        image.save(out, "JPEG", exif=info)
        return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")
    image.save(out, "PNG")
    return SimpleUploadedFile("foto.png", out.getvalue(), content_type="image/png")


# --- who sees what --------------------------------------------------------------------------------


def test_a_guru_bk_sees_only_their_caseload_including_individual_students(client, world):
    client.force_login(world.gurubk)

    listed = set(client.get("/siswa/").context["page"].object_list)
    assert listed == {world.student, world.classmate}
    assert client.get(f"/siswa/{world.other_student.pk}/").status_code == 404

    world.other_student.counselors.add(world.gurubk)

    listed = set(client.get("/siswa/").context["page"].object_list)
    assert listed == {world.student, world.classmate, world.other_student}
    assert client.get(f"/siswa/{world.other_student.pk}/").status_code == 200
    only_individual = client.get("/siswa/", {"caseload": "individual"}).context["page"].object_list
    assert list(only_individual) == [world.other_student]
    by_rombel = client.get("/siswa/", {"caseload": "rombel"}).context["page"].object_list
    assert set(by_rombel) == {world.student, world.classmate}


def test_a_wali_kelas_sees_only_basic_data_of_their_rombel(client, world, record):
    client.force_login(world.walikelas)

    html = page(client, f"/siswa/{record.pk}/")

    assert record.nisn in html
    assert ADDRESS not in html
    assert FATHER not in html
    assert "Asma ringan" not in html and "Disleksia" not in html
    assert not AuditEvent.objects.filter(action="read").exists()
    assert client.get(f"/siswa/{world.other_student.pk}/").status_code == 404
    assert client.get(f"/siswa/{record.pk}/data-pribadi.json").status_code == 403
    assert client.get(f"/siswa/rombel/{world.rombel_a.pk}/ekspor.xlsx").status_code == 403
    assert client.get(f"/siswa/{record.pk}/ubah/").status_code == 403


def test_a_counselor_sees_the_whole_record_and_the_read_of_health_data_is_logged(client, world, record):
    client.force_login(world.gurubk)

    html = page(client, f"/siswa/{record.pk}/")

    assert ADDRESS in html and FATHER in html and "Asma ringan" in html and "Disleksia" in html
    read = AuditEvent.objects.get(action="read")
    assert (read.actor, read.object_id) == (world.gurubk, str(record.pk))


def test_the_operator_sees_the_record_but_not_health_data(client, world, record):
    client.force_login(world.operator)

    html = page(client, f"/siswa/{record.pk}/")

    assert ADDRESS in html and FATHER in html
    assert "Asma ringan" not in html and "Disleksia" not in html


def test_a_student_sees_only_themselves(client, world, record):
    client.force_login(world.siswa)

    html = page(client, f"/siswa/{record.pk}/")

    assert ADDRESS in html and "Asma ringan" in html
    assert client.get(f"/siswa/{world.classmate.pk}/").status_code == 404
    assert client.get("/siswa/").status_code == 403
    assert client.get(f"/siswa/{record.pk}/data-pribadi.json").status_code == 200
    assert client.get(f"/siswa/{world.classmate.pk}/data-pribadi.json").status_code == 404
    assert client.get(f"/siswa/{record.pk}/ubah/").status_code == 403


def test_the_principal_is_refused(client, world):
    client.force_login(world.kepsek)

    for url in [
        "/siswa/",
        f"/siswa/{world.student.pk}/",
        f"/siswa/{world.student.pk}/ubah/",
        f"/siswa/{world.student.pk}/data-pribadi.json",
        f"/siswa/rombel/{world.rombel_a.pk}/ekspor.xlsx",
        "/siswa/caseload/",
        "/siswa/kenaikan-kelas/",
        "/siswa/penghapusan/",
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    "url",
    [
        "/siswa/{student}/",
        "/siswa/{student}/ubah/",
        "/siswa/{student}/foto/",
        "/siswa/{student}/data-pribadi.json",
        "/siswa/{student}/hapus/",
        "/siswa/rombel/{rombel}/ekspor.xlsx",
    ],
)
def test_another_schools_objects_are_404(client, world, other_world, url):
    other_world.student.photo = SimpleUploadedFile("x.jpg", b"x")
    other_world.student.save()
    client.force_login(world.operator)

    response = client.get(url.format(student=other_world.student.pk, rombel=other_world.rombel_a.pk))

    assert response.status_code == 404


def test_another_schools_deletion_request_is_404(client, world, other_world):
    deletion = records.request_deletion(other_world.student, other_world.koordinator, "Permintaan orang tua")
    client.force_login(world.operator)

    response = client.post(
        f"/siswa/penghapusan/{deletion.pk}/", {"password": factories.PASSWORD, "decision": "carry_out"}
    )

    assert response.status_code == 404
    assert Student.objects.filter(pk=other_world.student.pk).exists()


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("koordinator", ["ubah", "data-pribadi.json", "hapus", "ekspor.xlsx"], []),
        ("operator", ["ubah", "data-pribadi.json", "hapus", "ekspor.xlsx"], []),
        ("gurubk", ["ubah", "ekspor.xlsx"], ["data-pribadi.json", "hapus"]),
        ("walikelas", [], ["ubah", "data-pribadi.json", "hapus", "ekspor.xlsx"]),
        ("siswa", ["data-pribadi.json"], ["ubah", "hapus", "ekspor.xlsx"]),
    ],
)
def test_the_student_page_offers_only_the_allowed_actions(client, world, role, shown, hidden):
    client.force_login(getattr(world, role))

    html = page(client, f"/siswa/{world.student.pk}/")

    for part in shown:
        assert part in html, part
    for part in hidden:
        assert part not in html, part


def test_the_list_offers_the_rombel_export_to_its_counselor(client, world):
    client.force_login(world.gurubk)

    assert f"/siswa/rombel/{world.rombel_a.pk}/ekspor.xlsx" in page(client, f"/siswa/?rombel={world.rombel_a.pk}")
    world.other_student.counselors.add(world.gurubk)  # rombel_b now appears in the filter, but is not theirs
    assert "ekspor.xlsx" not in page(client, f"/siswa/?rombel={world.rombel_b.pk}")


# --- list filters ------------------------------------------------------------------------------------


def test_the_list_shows_active_students_unless_asked(client, world):
    world.classmate.status, world.classmate.left_on = Student.Status.GRADUATED, datetime.date(2027, 6, 30)
    world.classmate.save()
    client.force_login(world.koordinator)

    default = set(client.get("/siswa/").context["page"].object_list)
    graduated = list(client.get("/siswa/", {"status": "graduated"}).context["page"].object_list)
    everyone = set(client.get("/siswa/", {"status": "all"}).context["page"].object_list)

    assert world.classmate not in default
    assert graduated == [world.classmate]
    assert everyone == {world.student, world.classmate, world.other_student}


def test_the_list_filters_by_flags_and_caseload(client, world, record):
    world.classmate.needs_attention = True
    world.classmate.living_with = "Wali"
    world.classmate.save()
    client.force_login(world.koordinator)

    def listed(**params):
        return set(client.get("/siswa/", params).context["page"].object_list)

    assert listed(flag="attention") == {world.classmate}
    assert listed(flag="special_needs") == {record}
    assert listed(flag="no_account") == {world.classmate, world.other_student}
    assert listed(flag="not_with_parents") == {world.classmate}
    assert listed(caseload=str(world.gurubk_other.pk)) == {world.other_student}


def test_a_wali_kelas_cannot_filter_by_counseling_or_health_flags(client, world, record):
    world.classmate.needs_attention = True
    world.classmate.save()
    client.force_login(world.walikelas)

    response = client.get("/siswa/")
    flags = {value for value, _label in response.context["flags"]}
    ignored = set(client.get("/siswa/", {"flag": "special_needs"}).context["page"].object_list)

    assert flags == {"no_account"}
    assert ignored == {world.student, world.classmate}
    assert "⚑" not in response.content.decode()


# --- editing ------------------------------------------------------------------------------------------


def test_the_operator_edits_the_record_but_not_health_or_flags(client, world, record):
    client.force_login(world.operator)
    response = client.get(f"/siswa/{record.pk}/ubah/")
    fields = set(response.context["form"].fields)
    assert {"name", "address", "living_with", "rombel", "photo"} <= fields
    assert not {"health_notes", "special_needs", "needs_attention"} & fields
    data = form_data(response)
    data.update(address="Jl. Kenanga 3", health_notes="forged", needs_attention="on")

    response = client.post(f"/siswa/{record.pk}/ubah/", data)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.address == "Jl. Kenanga 3"
    assert record.health_notes == "Asma ringan."
    assert record.needs_attention is False
    event = AuditEvent.objects.get(action="change")
    assert event.detail == "changed: address"


def test_a_counselor_edits_health_notes_and_the_flag_and_the_log_has_no_values(client, world, record):
    client.force_login(world.gurubk)
    response = client.get(f"/siswa/{record.pk}/ubah/")
    fields = set(response.context["form"].fields)
    assert {"health_notes", "special_needs", "needs_attention", "counselors", "address"} <= fields
    assert "rombel" not in fields  # moving a student between rombel is the operator's
    data = form_data(response)
    data.update(health_notes="Asma, membawa inhaler", needs_attention="on")

    client.post(f"/siswa/{record.pk}/ubah/", data)

    record.refresh_from_db()
    assert record.health_notes == "Asma, membawa inhaler"
    assert record.needs_attention is True
    event = AuditEvent.objects.get(action="change")
    assert "health_notes" in event.detail and "needs_attention" in event.detail
    assert "inhaler" not in event.detail


def test_opening_the_edit_form_with_health_notes_is_a_logged_read(client, world, record):
    client.force_login(world.koordinator)

    client.get(f"/siswa/{record.pk}/ubah/")

    assert AuditEvent.objects.filter(action="read", object_id=str(record.pk)).exists()


def test_guardians_are_added_changed_and_removed(client, world, record):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    forms = {data[k]: k.rsplit("-", 1)[0] for k in data if k.endswith("-relation")}
    data[f"{forms['ibu']}-name"] = "Siti Aminah"
    data[f"{forms['ibu']}-occupation"] = "Guru"
    data[f"{forms['ayah']}-DELETE"] = "on"

    response = client.post(f"/siswa/{record.pk}/ubah/", data)

    assert response.status_code == 302
    assert {(g.relation, g.name) for g in record.guardians.all()} == {("ibu", "Siti Aminah")}
    detail = AuditEvent.objects.get(action="change").detail
    assert "guardian:ibu" in detail and "guardian:ayah" in detail and "Siti" not in detail


def test_a_forged_second_father_is_refused(client, world, record):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    mother = next(k.rsplit("-", 1)[0] for k in data if k.endswith("-relation") and data[k] == "ibu")
    data[f"{mother}-relation"] = "ayah"
    data[f"{mother}-name"] = "Ayah Kedua"

    response = client.post(f"/siswa/{record.pk}/ubah/", data)

    assert response.status_code == 200
    assert record.guardians.count() == 1


def test_an_invalid_nisn_is_refused(client, world, record):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))

    for nisn in ["12345", world.classmate.nisn]:
        data["nisn"] = nisn
        response = client.post(f"/siswa/{record.pk}/ubah/", data)
        assert response.status_code == 200
        assert "nisn" in response.context["form"].errors


def test_edit_rights_follow_the_caseload(client, world):
    client.force_login(world.gurubk_other)
    assert client.get(f"/siswa/{world.student.pk}/ubah/").status_code == 404
    client.force_login(world.koordinator)
    assert client.get(f"/siswa/{world.other_student.pk}/ubah/").status_code == 200


def test_a_counselor_shares_a_student_with_a_colleague(client, world, record):
    client.force_login(world.gurubk)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["counselors"] = [str(world.gurubk_other.pk)]

    client.post(f"/siswa/{record.pk}/ubah/", data)

    client.force_login(world.gurubk_other)
    assert client.get(f"/siswa/{record.pk}/").status_code == 200


# --- the photo ----------------------------------------------------------------------------------------


def test_a_photo_is_uploaded_reencoded_and_served_only_to_allowed_users(client, world, record):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["photo"] = png(size=(1200, 1600), exif=True)

    assert client.post(f"/siswa/{record.pk}/ubah/", data).status_code == 302

    record.refresh_from_db()
    assert record.photo.name.startswith("students/photos/") and record.photo.name.endswith(".jpg")
    with record.photo.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    assert stored.size == (600, 800)
    assert not stored.getexif()  # the phone's metadata (and its location) is gone
    for user in [world.operator, world.koordinator, world.gurubk, world.walikelas, world.siswa]:
        client.force_login(user)
        response = client.get(f"/siswa/{record.pk}/foto/")
        assert response.status_code == 200, user.role
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(world.gurubk_other)
    assert client.get(f"/siswa/{record.pk}/foto/").status_code == 404
    client.force_login(world.kepsek)
    assert client.get(f"/siswa/{record.pk}/foto/").status_code == 403
    client.logout()
    assert client.get(f"/siswa/{record.pk}/foto/").status_code == 302


def test_a_replaced_or_removed_photo_file_is_deleted(client, world, record, django_capture_on_commit_callbacks):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["photo"] = png()
    client.post(f"/siswa/{record.pk}/ubah/", data)
    record.refresh_from_db()
    first = record.photo.name
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["photo"] = png(color="blue")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/siswa/{record.pk}/ubah/", data)

    record.refresh_from_db()
    assert record.photo.name != first
    assert not record.photo.storage.exists(first)
    second = record.photo.name
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["remove_photo"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/siswa/{record.pk}/ubah/", data)

    record.refresh_from_db()
    assert not record.photo
    assert not record.photo.storage.exists(second)
    assert AuditEvent.objects.filter(action="change").first().detail == "changed: photo"


def _gif():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return SimpleUploadedFile("foto.gif", out.getvalue(), content_type="image/gif")


@pytest.mark.parametrize(
    "upload",
    [lambda: SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg"), _gif],
    ids=["not-an-image", "gif"],
)
def test_a_non_photo_upload_is_refused(client, world, record, upload):
    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    data["photo"] = upload()

    response = client.post(f"/siswa/{record.pk}/ubah/", data)

    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    record.refresh_from_db()
    assert not record.photo


def test_a_photo_over_2_mb_is_refused(client, world, record):
    import os

    client.force_login(world.operator)
    data = form_data(client.get(f"/siswa/{record.pk}/ubah/"))
    out = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(out, "PNG")
    assert out.tell() > 2 * 1024 * 1024
    data["photo"] = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")

    response = client.post(f"/siswa/{record.pk}/ubah/", data)

    assert "2 MB" in str(response.context["form"].errors["photo"])


# --- UU PDP: export -----------------------------------------------------------------------------------


def test_the_personal_data_export_is_a_logged_json_attachment(client, world, record):
    client.force_login(world.siswa)

    response = client.get(f"/siswa/{record.pk}/data-pribadi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="data-pribadi-{record.nisn}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content.decode("utf-8"))
    assert (data["complete"], data["omitted"]) == (True, [])
    assert data["student"]["health_notes"] == "Asma ringan."
    assert data["student"]["address"] == ADDRESS
    assert data["guardians"][0]["name"] == FATHER
    assert data["account"] == {
        "username": world.siswa.username,
        "full_name": world.siswa.full_name,
        "first_name": "",
        "last_name": "",
        "email": "",
        "role": "siswa",
        "active": True,
        "created": data["account"]["created"],
        "last_sign_in": data["account"]["last_sign_in"],
    }
    assert data["account"]["last_sign_in"] is not None  # this download's own sign-in
    assert "password" not in response.content.decode()
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.object_id) == (world.siswa, str(record.pk))
    assert event.detail == "personal data (UU PDP), JSON, complete"


def test_the_coordinators_export_has_health_and_counseling_but_says_what_may_be_missing(client, world, record):
    # An anonymous question the student has not revealed stays out of a staff member's copy (it
    # would tell them who asked), so that copy never claims to be complete.
    client.force_login(world.koordinator)

    data = json.loads(client.get(f"/siswa/{record.pk}/data-pribadi.json").content)

    assert data["student"]["health_notes"] == "Asma ringan."
    assert data["counseling"] == {"chats": [], "letters": [], "anonymous_questions": [], "call_ins": []}
    assert data["instrument_sheets"] == []
    assert data["sociometric_choices"] == []
    assert (data["complete"], data["omitted"]) == (False, ["counseling.not_readable_by_requester"])
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.object_id) == (world.koordinator, str(record.pk))


def test_the_operators_export_leaves_out_health_data_and_says_so(client, world, record):
    client.force_login(world.operator)

    response = client.get(f"/siswa/{record.pk}/data-pribadi.json")

    data = json.loads(response.content)
    assert "health_notes" not in data["student"] and "special_needs" not in data["student"]
    # Nor the counselor's flag, nor the last-changed time that moves when a hidden field changes
    # (issue 11, inference; tests/test_inference.py).
    assert "needs_attention" not in data["student"] and "updated_at" not in data["student"]
    # The operator never reads counseling content: no conversations, no instrument sheets, no case book.
    sections = ["counseling", "instrument_sheets", "case_book", "service_records", "sociometric_choices"]
    sections += ["appointments"]
    for section in sections:
        assert data[section] is None, section
    omitted = ["health_notes", "special_needs", "needs_attention", "updated_at", *sections]
    assert (data["complete"], data["omitted"]) == (False, omitted)
    assert "Asma" not in response.content.decode()
    assert AuditEvent.objects.get(action="export").detail == (
        "personal data (UU PDP), JSON, leaves out " + ", ".join(omitted)
    )


@pytest.mark.parametrize(("role", "status"), [("operator", 200), ("gurubk", 403), ("walikelas", 403)])
def test_who_may_export_personal_data(client, world, role, status):
    client.force_login(getattr(world, role))

    assert client.get(f"/siswa/{world.student.pk}/data-pribadi.json").status_code == status


# --- UU PDP: erasure ----------------------------------------------------------------------------------


def test_a_deletion_request_is_carried_out_by_the_operator(client, world, record):
    name, nisn, user_pk = record.name, record.nisn, world.siswa.pk
    client.force_login(world.gurubk)
    client.get(f"/siswa/{record.pk}/")  # a logged read that names the student
    client.force_login(world.siswa)
    client.get(f"/siswa/{record.pk}/")  # the student's own visit, with their address
    AuditEvent.objects.create(school=world.school, action="create", detail=f"imported {name.upper()} from Dapodik")

    client.force_login(world.koordinator)
    assert client.get(f"/siswa/{record.pk}/hapus/").status_code == 200
    reason = f"Surat permintaan orang tua {name} ({nisn}), 3 Maret"
    response = client.post(f"/siswa/{record.pk}/hapus/", {"reason": reason})
    assert response.status_code == 302
    deletion = DeletionRequest.objects.get()
    assert deletion.status == DeletionRequest.Status.PENDING
    assert client.post(f"/siswa/penghapusan/{deletion.pk}/", {"password": factories.PASSWORD}).status_code == 403

    client.force_login(world.operator)
    assert name in page(client, "/siswa/penghapusan/")
    wrong = {"password": "not-my-password", "decision": "carry_out"}
    client.post(f"/siswa/penghapusan/{deletion.pk}/", wrong)
    assert Student.objects.filter(pk=record.pk).exists()

    response = client.post(
        f"/siswa/penghapusan/{deletion.pk}/", {"password": factories.PASSWORD, "decision": "carry_out"}
    )

    assert response.status_code == 302
    assert not Student.objects.filter(pk=record.pk).exists()
    assert not User.objects.filter(pk=user_pk).exists()
    assert not Guardian.objects.filter(name=FATHER).exists()
    deletion.refresh_from_db()
    assert deletion.status == DeletionRequest.Status.DONE
    assert deletion.student_label == f"NISN ****{nisn[-4:]}"
    assert deletion.decided_by == world.operator
    assert deletion.reason == "Surat permintaan orang tua [dihapus] ([dihapus]), 3 Maret"
    for event in AuditEvent.objects.all():
        assert name not in event.object_repr and name not in event.detail
        assert event.actor_name != world.siswa.username
    about = AuditEvent.objects.filter(object_type="students.Student", object_id=str(record.pk))
    assert about.exists() and {e.object_repr for e in about} == {"[dihapus]"}
    assert {e.action for e in about} >= {"read", "create"}  # what happened stays in the log
    erased = AuditEvent.objects.get(action="delete")
    assert erased.actor == world.operator and nisn[-4:] in erased.detail and nisn not in erased.detail
    assert f"NISN ****{nisn[-4:]}" in page(client, "/siswa/penghapusan/")


def test_a_deletion_request_can_be_rejected(client, world):
    deletion = records.request_deletion(world.student, world.koordinator, "Salah kirim")
    client.force_login(world.operator)

    client.post(
        f"/siswa/penghapusan/{deletion.pk}/", {"password": factories.PASSWORD, "decision": "reject", "note": "ditarik"}
    )

    deletion.refresh_from_db()
    assert (deletion.status, deletion.decision_note) == (DeletionRequest.Status.REJECTED, "ditarik")
    assert Student.objects.filter(pk=world.student.pk).exists()
    # A decided request cannot be carried out afterwards.
    client.post(f"/siswa/penghapusan/{deletion.pk}/", {"password": factories.PASSWORD, "decision": "carry_out"})
    assert Student.objects.filter(pk=world.student.pk).exists()


def test_one_pending_request_per_student(client, world):
    client.force_login(world.koordinator)
    client.post(f"/siswa/{world.student.pk}/hapus/", {"reason": "Permintaan pertama"})
    client.post(f"/siswa/{world.student.pk}/hapus/", {"reason": "Permintaan kedua"})

    assert DeletionRequest.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("gurubk", 403), ("walikelas", 403), ("siswa", 403), ("operator", 200)])
def test_who_may_request_deletion(client, world, role, status):
    client.force_login(getattr(world, role))

    assert client.get(f"/siswa/{world.student.pk}/hapus/").status_code == status


# --- rombel export ------------------------------------------------------------------------------------


def _sheet(content):
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    return ws, rows[0], rows[1], rows[2:]


def test_the_rombel_export_reads_back_with_nisn_as_text_and_no_health(client, world, record):
    record.nisn = "0012345678"
    record.health_notes = "Epilepsi"
    record.save()
    world.classmate.name = '=HYPERLINK("http://evil")'
    world.classmate.save()
    client.force_login(world.koordinator)

    response = client.get(f"/siswa/rombel/{world.rombel_a.pk}/ekspor.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rombel-x-a-')
    ws, title, header, rows = _sheet(response.content)
    assert "X-A" in title[0] and world.school.name in title[0] and "2026/2027" in title[0]
    assert ws.freeze_panes == "A3"
    by_nisn = {row[1]: row for row in rows}
    assert "0012345678" in by_nisn  # the leading zeros survive
    assert ADDRESS in by_nisn["0012345678"] and FATHER in by_nisn["0012345678"]
    cells = [str(c) for row in rows for c in row if c is not None]
    assert not any("Epilepsi" in c or "Asma" in c or "Disleksia" in c for c in cells)
    assert not any("health" in str(h).lower() or "kesehatan" in str(h).lower() for h in header)
    assert ws.cell(row=2 + [r[3] for r in rows].index(world.classmate.name) + 1, column=4).data_type == "s"
    assert len(rows) == 2
    event = AuditEvent.objects.get(action="export")
    assert event.object_type == "students.Rombel" and event.object_id == str(world.rombel_a.pk)


def test_the_export_has_only_basic_columns_for_whoever_may_not_read_the_record(world, record):
    _ws, _title, header, rows = _sheet(records.rombel_xlsx(world.rombel_a, world.walikelas))

    assert "NISN" in header
    assert len(header) == 8
    assert not any(ADDRESS in str(c) or FATHER in str(c) for row in rows for c in row)


@pytest.mark.parametrize(
    ("role", "rombel", "status"),
    [
        ("gurubk", "rombel_a", 200),
        ("gurubk", "rombel_b", 404),
        ("operator", "rombel_b", 200),
        ("siswa", "rombel_a", 403),
    ],
)
def test_who_may_export_a_rombel(client, world, role, rombel, status):
    client.force_login(getattr(world, role))

    assert client.get(f"/siswa/rombel/{getattr(world, rombel).pk}/ekspor.xlsx").status_code == status


def test_an_earlier_years_rombel_exports_its_enrolled_students(world):
    old = factories.academic_year(world.school, name="2025/2026", is_current=False, starts_on=datetime.date(2025, 7, 1))
    old_rombel = factories.rombel(world.school, year=old, name="IX-Z", grade=9)
    Enrollment.objects.create(student=world.classmate, academic_year=old, rombel=old_rombel, rombel_name="IX-Z")

    _ws, _title, _header, rows = _sheet(records.rombel_xlsx(old_rombel, world.koordinator))

    assert [row[3] for row in rows] == [world.classmate.name]


# --- the year-end step and caseloads ------------------------------------------------------------------


def test_the_operator_runs_the_year_end_from_the_form(client, world):
    factories.rombel(world.school, name="XII-A", grade=12)
    graduate = factories.student(world.school, rombel=Rombel.objects.get(name="XII-A"))
    client.force_login(world.operator)

    response = client.get("/siswa/kenaikan-kelas/")
    form = response.context["form"]
    assert form["name"].value() == "2027/2028"
    assert form[f"target_{world.rombel_a.pk}"].value() == "XI-A"
    assert {row["rombel"].name: row["final"] for row in form.rows} == {"X-A": False, "X-B": False, "XII-A": True}

    response = client.post(
        "/siswa/kenaikan-kelas/",
        {
            "name": "2027/2028",
            "starts_on": "2027-07-12",
            "ends_on": "2028-06-30",
            f"target_{world.rombel_a.pk}": "XI-A",
            f"target_{world.rombel_b.pk}": "XI-B",
            "retained": [str(world.classmate.pk)],
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/siswa/"
    assert "2027/2028" in response.content.decode()
    world.student.refresh_from_db()
    world.classmate.refresh_from_db()
    graduate.refresh_from_db()
    assert world.student.rombel.name == "XI-A"
    assert (world.classmate.rombel.name, world.classmate.rombel.grade) == ("X-A", 10)
    assert graduate.status == Student.Status.GRADUATED
    assert AcademicYear.objects.get(school=world.school, is_current=True).name == "2027/2028"


def test_a_refused_year_end_shows_the_reason_and_changes_nothing(client, world):
    client.force_login(world.operator)

    response = client.post(
        "/siswa/kenaikan-kelas/",
        {
            "name": "2026/2027",
            "starts_on": "2027-07-12",
            "ends_on": "2028-06-30",
            f"target_{world.rombel_a.pk}": "XI-A",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert AcademicYear.objects.filter(school=world.school).count() == 1


@pytest.mark.parametrize("role", ["koordinator", "gurubk", "walikelas"])
def test_only_the_operator_runs_the_year_end(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get("/siswa/kenaikan-kelas/").status_code == 403


def test_the_coordinator_assigns_rombel_to_counselors(client, world):
    client.force_login(world.koordinator)
    response = client.get("/siswa/caseload/")
    assert response.status_code == 200
    assert response.context["sizes"] == [
        {world.gurubk: 2, world.gurubk_other: 1, world.koordinator: 0}[c] for c in response.context["counselors"]
    ]

    client.post(
        "/siswa/caseload/",
        {"assign": [f"{world.rombel_a.pk}:{world.gurubk.pk}", f"{world.rombel_b.pk}:{world.gurubk.pk}"]},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Peramban BK",
    )

    assert set(world.rombel_b.counselors.all()) == {world.gurubk}
    assert set(world.rombel_a.counselors.all()) == {world.gurubk}
    event = AuditEvent.objects.get(action="change")
    assert "1 assignments added, 1 removed" in event.detail
    # The action records the explicit actor and where the request came from.
    assert (event.actor, event.ip_address, event.user_agent) == (world.koordinator, "10.1.2.3", "Peramban BK")
    client.force_login(world.gurubk)
    assert client.get(f"/siswa/{world.other_student.pk}/").status_code == 200


def test_a_caseload_form_naming_another_schools_counselor_changes_nothing(client, world, other_world):
    client.force_login(world.koordinator)

    client.post("/siswa/caseload/", {"assign": [f"{world.rombel_a.pk}:{other_world.gurubk.pk}"]})

    assert set(world.rombel_a.counselors.all()) == {world.gurubk}


@pytest.mark.parametrize("role", ["gurubk", "walikelas", "siswa"])
def test_others_cannot_manage_caseloads(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get("/siswa/caseload/").status_code == 403


# --- query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 40])
def test_the_filtered_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    factories.student(world.school, rombel=world.rombel_a, sex="L", needs_attention=True)
    for n in range(extra):
        factories.student(world.school, rombel=world.rombel_a, sex="L", needs_attention=n % 2 == 0)
    client.force_login(world.koordinator)
    params = {"q": "Siswa", "sex": "L", "flag": "attention", "caseload": str(world.gurubk.pk), "status": "active"}

    # session, user+school, OTP device, counselors (filter options), count, rombel options, page,
    # session save (3)
    with django_assert_num_queries(10):
        client.get("/siswa/", params)


@pytest.mark.parametrize("extra", [0, 40])
def test_a_guru_bks_list_with_a_rombel_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    for _ in range(extra):
        factories.student(world.school, rombel=world.rombel_a)
    client.force_login(world.gurubk)

    # session, user+school, OTP device, exportable rombel + its counselor check, count, rombel
    # options, page, session save (3)
    with django_assert_num_queries(11):
        client.get("/siswa/", {"rombel": world.rombel_a.pk, "caseload": "rombel"})


@pytest.mark.parametrize("rows", [0, 6])
def test_a_guru_bks_detail_runs_a_fixed_number_of_queries(client, world, record, django_assert_num_queries, rows):
    from ekonseling.students.models import AttendanceSummary, Semester

    for n in range(rows):
        year = factories.academic_year(
            world.school, name=f"{2010 + n}/{2011 + n}", is_current=False, starts_on=datetime.date(2010 + n, 7, 1)
        )
        Enrollment.objects.create(student=record, academic_year=year, rombel_name=f"X-{n}", outcome="promoted")
        semester = Semester.objects.create(
            academic_year=year, number=1, starts_on=year.starts_on, ends_on=datetime.date(2010 + n, 12, 20)
        )
        AttendanceSummary.objects.create(student=record, semester=semester, sick=n)
        record.counselors.add(factories.user(world.school, "guru_bk"))
    if rows:
        Guardian.objects.create(student=record, relation="ibu", name="Ibu")
        Guardian.objects.create(student=record, relation="wali", name="Wali")
    client.force_login(world.gurubk)

    # session, user+school, OTP device, student (scoped) + rombel, rombel counselors and individual
    # counselors (prefetched once: every caseload question of the policy reads them), guardians,
    # enrollments, attendance, unseen profile changes, the counseling section's conversations, the
    # instruments section's submitted sheets, the case book's timeline (referrals, cases,
    # conversations), the services section's records, the sociometry section's surveys, the
    # appointments section, audit insert, session save (3)
    with django_assert_num_queries(23):
        client.get(f"/siswa/{record.pk}/")
