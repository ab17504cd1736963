"""The case book's letters: PDF on the school letterhead with the counselor's and the principal's
signatures, read back as text with pdftotext (poppler-utils)."""

import datetime
import re

import pytest
from django.urls import reverse

from ekonseling.cases import actions
from ekonseling.cases.models import CaseConference, HomeVisit, ParentCallIn, ReferralOut
from ekonseling.core.models import AuditEvent
from tests.core.test_pdf import PDFTOTEXT, pdf_text, school_with_letterhead

pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")

DAY = datetime.date(2026, 12, 7)
PURPOSE = "Membicarakan dugaan kekerasan di rumah"


def _records(case):
    return {
        "panggilan-ortu": ParentCallIn(
            case=case,
            parent_name="Ibu Sari Dewi",
            meet_on=DAY,
            meet_at=datetime.time(9, 30),
            place="Ruang BK",
            purpose=PURPOSE,
        ),
        "kunjungan-rumah": HomeVisit(
            case=case, visit_on=DAY, address="Jl. Mawar No. 7, Padang", purpose=PURPOSE, met_with="Ibu kandung"
        ),
        "konferensi": CaseConference(
            case=case,
            held_on=DAY,
            place="Aula sekolah",
            participants="Rina — guru BK\nBudi — wali kelas\nIbu Sari — orang tua",
            agenda="Penanganan perundungan",
            outcome="Mediasi dan pemantauan dua minggu",
        ),
        "alih-tangan": ReferralOut(
            case=case,
            to_kind="psychologist",
            to_name="Biro Psikologi Harapan",
            to_address="Jl. Sudirman 10",
            reason="Kecemasan berat yang perlu asesmen psikolog",
            referred_on=DAY,
        ),
    }


EXPECTED = {
    "panggilan-ortu": ["SURAT PANGGILAN ORANG TUA", "Ibu Sari Dewi", "Ruang BK", "09.30"],
    "kunjungan-rumah": ["SURAT KUNJUNGAN RUMAH", "Jl. Mawar No. 7, Padang"],
    "konferensi": ["BERITA ACARA KONFERENSI KASUS", "Budi — wali kelas", "Mediasi dan pemantauan dua minggu"],
    "alih-tangan": ["SURAT ALIH TANGAN KASUS", "Biro Psikologi Harapan", "Psikolog", "asesmen psikolog"],
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_letter_is_on_the_letterhead_with_both_signatories(client, world, kind):
    school = school_with_letterhead(world)
    case = actions.open_case(world.student, world.gurubk, title="Perundungan", bidang="sosial")
    record = actions.save_record(_records(case)[kind], world.gurubk)

    client.force_login(world.gurubk)
    response = client.get(reverse("cases:record_letter", args=[kind, record.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = re.sub(r"[ \t]+", " ", pdf_text(response.content))
    for expected in [
        school.name,
        "Jl. Merdeka No. 1, Padang, Sumatera Barat",
        "NPSN 10301234",
        world.student.name,
        "X-A",
        world.gurubk.display_name,
        "NIP 198001012005012001",
        "Mengetahui,",
        "Kepala Sekolah",
        "Drs. Hendra Gunawan",
        "NIP 196501011990031001",
        *EXPECTED[kind],
    ]:
        assert expected in text, (expected, text)
    assert (
        AuditEvent.objects.filter(action="export", object_id=str(case.pk), detail__endswith="letter PDF").count() == 1
    )


def test_the_parent_call_in_letter_does_not_name_the_problem(client, world):
    school_with_letterhead(world)
    case = actions.open_case(world.student, world.gurubk, title="Dugaan kekerasan", bidang="pribadi")
    record = actions.save_record(_records(case)["panggilan-ortu"], world.gurubk)
    client.force_login(world.gurubk)
    text = pdf_text(client.get(reverse("cases:record_letter", args=["panggilan-ortu", record.pk])).content)
    assert PURPOSE not in text and "kekerasan" not in text


def test_a_counselor_the_case_is_not_shared_with_cannot_print_its_letters(client, world):
    case = actions.open_case(world.other_student, world.gurubk_other, title="x", bidang="sosial")
    record = actions.save_record(_records(case)["kunjungan-rumah"], world.gurubk_other)
    client.force_login(world.gurubk)
    assert client.get(reverse("cases:record_letter", args=["kunjungan-rumah", record.pk])).status_code == 404
    assert client.get(reverse("cases:record", args=["kunjungan-rumah", record.pk])).status_code == 404
    # A shared counselor reads the case but does not print letters in its name.
    actions.share(case, world.gurubk_other, world.gurubk)
    assert client.get(reverse("cases:record_letter", args=["kunjungan-rumah", record.pk])).status_code == 404


def test_records_are_made_and_edited_through_their_forms(client, world):
    world.student.address = "Jl. Kenanga 3, Padang"
    world.student.save(update_fields=["address"])
    case = actions.open_case(world.student, world.gurubk, title="x", bidang="sosial")
    client.force_login(world.gurubk)
    form = client.get(reverse("cases:record_new", args=[case.pk, "kunjungan-rumah"])).content.decode()
    assert 'value="Jl. Kenanga 3, Padang"' in form  # the visit starts from the address on record
    response = client.post(
        reverse("cases:record_new", args=[case.pk, "kunjungan-rumah"]),
        {"visit_on": "2026-12-07", "address": "Jl. Mawar 7", "purpose": "Silaturahmi", "met_with": "", "findings": ""},
    )
    visit = HomeVisit.objects.get()
    assert response.status_code == 302 and visit.case == case and visit.created_by == world.gurubk
    response = client.post(
        reverse("cases:record", args=["kunjungan-rumah", visit.pk]),
        {
            "visit_on": "2026-12-07",
            "address": "Jl. Mawar 7",
            "purpose": "Silaturahmi",
            "findings": "Orang tua kooperatif",
        },
    )
    visit.refresh_from_db()
    assert response.status_code == 302 and visit.findings == "Orang tua kooperatif"
    # An empty form stores nothing.
    response = client.post(reverse("cases:record_new", args=[case.pk, "konferensi"]), {})
    assert response.status_code == 200 and not CaseConference.objects.exists()
    assert client.get(reverse("cases:record_new", args=[case.pk, "nonsense"])).status_code == 404


def test_the_coordinator_signs_under_their_own_role(client, world):
    school_with_letterhead(world)
    world.koordinator.nip = "197001011995032001"
    world.koordinator.save(update_fields=["nip"])
    case = actions.open_case(world.student, world.gurubk, title="x", bidang="sosial")
    record = actions.save_record(_records(case)["konferensi"], world.gurubk)
    client.force_login(world.koordinator)
    text = pdf_text(client.get(reverse("cases:record_letter", args=["konferensi", record.pk])).content)
    assert world.koordinator.display_name in text and "NIP 197001011995032001" in text
    assert "Koordinator BK" in text and "Guru Bimbingan dan Konseling" not in text
