"""The audit log speaks the reader's language: details, the CSV header and actions (issue 15)."""

import csv
import io

import pytest

from ekonseling.core import audit
from ekonseling.core.models import AuditEvent

from .test_no_english import english_on


def _event(world, detail, obj=None, action=AuditEvent.Action.READ):
    return audit.record_for(world.gurubk, action, obj or world.student, detail)


def test_field_names_and_phrasings_are_shown_in_indonesian(client, world):
    _event(world, "health_notes, special_needs")
    _event(world, "critical items: 4, 19")
    _event(world, "changed: full_name", action=AuditEvent.Action.CHANGE)
    _event(world, "role guru_bk -> wali_kelas; password withdrawn", obj=world.gurubk)
    client.force_login(world.koordinator)
    page = client.get("/audit/").content.decode()
    assert "health_notes" not in page and "special_needs" not in page
    assert "critical items" not in page and "butir kritis: 4, 19" in page
    assert "password withdrawn" not in page and "sandi ditarik" in page
    assert english_on(page) == []


def test_the_csv_header_and_actions_are_in_the_readers_language(client, world):
    _event(world, "health_notes")
    client.force_login(world.koordinator)
    rows = list(csv.reader(io.StringIO(client.get("/audit/ekspor/?action=read").content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["waktu", "pengguna", "tindakan"]
    assert rows[1][2] == "baca"
    assert "health_notes" not in rows[1][6]
    client.post("/i18n/setlang/", {"language": "en"})
    rows = list(csv.reader(io.StringIO(client.get("/audit/ekspor/?action=read").content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["time", "user", "action"] and rows[1][2] == "read"


def test_an_unknown_detail_is_shown_as_stored():
    assert audit.shown_detail("something new 12") == "something new 12"


def test_stored_codes_in_details_are_shown_as_their_labels():
    from django.utils import translation

    with translation.override("id"):
        assert audit.shown_detail("case opened (wali_kelas)", "cases.Case") == "kasus dibuka (Wali kelas)"
        assert audit.shown_detail("home visit #3", "cases.Case") == "kunjungan rumah #3"
        assert audit.shown_detail("sociometric survey of X-1", "sociometry.Survey") == "survei sosiometri X-1"


# --- the registry: the kernel matches, the apps phrase (core/registry.py, register_audit_detail) ------


def _log(client, language):
    """The audit log's details column, on the page and in the CSV, in `language`."""
    client.post("/i18n/setlang/", {"language": language})
    page = client.get("/audit/").content.decode()
    rows = list(csv.reader(io.StringIO(client.get("/audit/ekspor/").content.decode("utf-8-sig"))))
    return page, [row[6] for row in rows[1:]]


def test_an_unregistered_detail_is_shown_as_stored_and_a_registered_one_translated(client, world, monkeypatch):
    from django.utils.translation import gettext_lazy

    from ekonseling.core import registry

    monkeypatch.setattr(registry, "_AUDIT_DETAILS", dict(registry._AUDIT_DETAILS))  # undone after the test
    _event(world, "attachment drawer 5")
    client.force_login(world.koordinator)
    for language in ("id", "en"):
        page, details = _log(client, language)
        assert "attachment drawer 5" in details and "attachment drawer 5" in page

    # An app registers the phrasing (here with a template the catalogue already translates).
    registry.register_audit_detail(r"attachment drawer (?P<n>\d+)", gettext_lazy("attachment %(n)s"))
    page, details = _log(client, "id")
    assert "lampiran 5" in details and "lampiran 5" in page and "attachment drawer" not in page
    page, details = _log(client, "en")
    assert "attachment 5" in details and "attachment drawer" not in page
    assert audit.shown_detail("attachment drawer 5") == "attachment 5"
    assert audit.shown_detail("attachment drawer five") == "attachment drawer five"  # no match: as stored


def test_each_app_registers_its_own_phrasings_and_the_kernel_names_none():
    from pathlib import Path

    from ekonseling.core import registry

    source = (Path(audit.__file__)).read_text()
    for phrase in ("critical items", "password withdrawn", "referral", "health_notes", "alert on", "held on"):
        assert phrase not in source
    patterns = [detail.pattern.pattern for detail in registry.audit_details()]
    assert r"critical items: (?P<items>[\d, ]+)\Z" in patterns  # instruments/plugin.py
    assert patterns[0] == r"(?P<what>.*); password withdrawn\Z"  # a wrapper is tried before all others


DETAILS = [
    # (detail, record type, Indonesian, English): one per app's registration, as the log showed them before.
    (
        "role guru_bk -> wali_kelas; password withdrawn",
        "accounts.User",
        "peran Guru BK → Wali kelas; sandi ditarik",
        "role Guru BK → Homeroom teacher; password withdrawn",
    ),
    (
        "own profile: phone, address",
        "students.Student",
        "data diri sendiri: telepon, alamat",
        "own profile: phone, address",
    ),
    ("alert handled", "safety.Alert", "peringatan: Sudah ditangani", "alert Handled"),
    ("transferred to Ibu Sari", "counseling.Conversation", "dialihkan kepada Ibu Sari", "transferred to Ibu Sari"),
    ("critical items: 4, 19", "safety.Alert", "butir kritis: 4, 19", "critical items: 4, 19"),
    (
        "service recorded: group, 12 students",
        "records.ServiceRecord",
        "layanan dicatat: Kelompok siswa, 12 siswa",
        "service recorded: A group of students, 12 students",
    ),
    (
        "parent call-in #5 letter PDF",
        "cases.Case",
        "panggilan orang tua #5, PDF surat",
        "parent call-in #5, letter PDF",
    ),
    ("case opened (wali_kelas)", "cases.Case", "kasus dibuka (Wali kelas)", "case opened (Homeroom teacher)"),
    (
        "response of student 12 (paper)",
        "sociometry.Survey",
        "jawaban siswa 12 (Diinput dari lembar kertas)",
        "response of student 12 (Paper sheet entered)",
    ),
    ("appointment requested", "appointments.Appointment", "janji konseling diminta", "appointment requested"),
    (
        "drafted from administration 3: 2 of 5 accepted",
        "program.Program",
        "disusun dari pemberian instrumen #3: 2 dari 5 topik diterima",
        "drafted from instrument administration #3: 2 of 5 topics accepted",
    ),
    ("changed: full_name", "students.Student", "diubah: nama lengkap", "changed: full name"),
    ("audit log, 12 events", "", "log audit, 12 kejadian", "audit log, 12 events"),
]


@pytest.mark.parametrize(("detail", "object_type", "indonesian", "english"), DETAILS)
def test_every_apps_registered_phrasing_reads_as_before_in_both_languages(detail, object_type, indonesian, english):
    from django.utils import translation

    with translation.override("id"):
        assert audit.shown_detail(detail, object_type) == indonesian
    with translation.override("en"):
        assert audit.shown_detail(detail, object_type) == english


def test_record_for_is_event_for_written(world):
    kwargs = {"ip": "10.0.0.9", "user_agent": "Tes/2.0", "school": world.school, "private_time": True}
    built = audit.event_for(world.gurubk, audit.Action.READ, world.student, "live", **kwargs)
    written = audit.record_for(world.gurubk, audit.Action.READ, world.student, "live", **kwargs)
    fields = ["school_id", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "detail",
              "ip_address", "user_agent", "private_time"]  # fmt: skip
    assert [getattr(written, f) for f in fields] == [getattr(built, f) for f in fields]
    assert built.pk is None and AuditEvent.objects.filter(pk=written.pk).exists()
    with pytest.raises(TypeError):
        audit.record_for(world.gurubk, audit.Action.READ, nonsense=1)
