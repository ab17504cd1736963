"""The audit log speaks the reader's language: details, the CSV header and actions (issue 15)."""

import csv
import io

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
