"""The BK program against figures worked out by hand.

The seeded AKPD: PRI items 1–3 (pribadi), SOS 4–5 (sosial), BEL 6–8 (belajar), KAR 9–10 (karier),
answered by the four students of rombel X-A (world.rombel_a):

    S1: 1 2 4 6 9      S2: 1 6 7 9 10      S3: 1 2 3 6 7      S4: 2 5 7 10

"ya" counts: 1→3, 2→3, 3→1, 4→1, 5→1, 6→3, 7→3, 8→0, 9→2, 10→2. Ranked per bidang (ties in item
order, items nobody asked for left out): pribadi 1, 2, 3; sosial 4, 5; belajar 6, 7; karier 9, 10.
Bidang figures Σya / (items × N): pribadi 7/12 = 58.3 %, sosial 2/8 = 25 %, belajar 6/12 = 50 %,
karier 4/8 = 50 %: highest first (ties in the canonical order) pribadi, belajar, karier, sosial.
Two per bidang, first of each bidang first: 1, 6, 9, 4, 2, 7, 10, 5, scheduled one a month from
August: Aug, Sep, Oct, Nov, Jan, Feb, Mar, Apr (week 1).
"""

import datetime
import json
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from ekonseling.core.errors import ActionError
from ekonseling.instruments import reports as instrument_reports
from ekonseling.instruments import services as instrument_services
from ekonseling.program import reports, services
from ekonseling.program.models import Program, ProgramItem, ProgramVersion, Realisation, Rpl
from ekonseling.records import services as record_services
from tests import factories

AREAS = [
    ("PRI", "pribadi", (1, 2, 3)),
    ("SOS", "sosial", (4, 5)),
    ("BEL", "belajar", (6, 7, 8)),
    ("KAR", "karier", (9, 10)),
]
DEFINITION = {
    "code": "AKPD-PROGRAM",
    "version": "1",
    "title": "AKPD uji program",
    "school_levels": ["SMA"],
    "scoring": "needs",
    "answer_format": "yes_no",
    "areas": [{"code": code, "name": code, "bidang": bidang} for code, bidang, _ in AREAS],
    "items": [{"number": n, "area": code, "text": f"Kebutuhan {n}"} for code, _, numbers in AREAS for n in numbers],
}
SHEETS = [(1, 2, 4, 6, 9), (1, 6, 7, 9, 10), (1, 2, 3, 6, 7), (2, 5, 7, 10)]


def _akpd(world, opened_by=None):
    instrument, _ = instrument_services.import_definition(world.school, json.dumps(DEFINITION), "akpd.json")
    factories.student(world.school, rombel=world.rombel_a)
    factories.student(world.school, rombel=world.rombel_a)
    now = datetime.datetime.now(datetime.UTC)
    administration = instrument_services.open_administration(
        instrument=instrument,
        title="AKPD X-A",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        created_by=opened_by or world.gurubk,
        rombels=[world.rombel_a],
    )
    for sheet, yes in zip(administration.assignments.order_by("pk"), SHEETS, strict=True):
        items = {str(n): "ya" if n in yes else "tidak" for n in range(1, 11)}
        instrument_services.record_sheet(sheet, {"items": items}, by=world.koordinator, source="paper")
    return administration


@pytest.fixture
def akpd(world):
    return _akpd(world)


@pytest.fixture
def program(world, akpd):
    return services.draft(world.gurubk, akpd, per_bidang=2)


def _plan(version):
    return [
        (i.bidang, i.topic, i.month, i.week, i.need_item, i.need_percent, i.grade, i.rombel_id)
        for i in version.items.order_by("pk")
    ]


def test_the_instruments_ranking_by_hand(akpd):
    ranking = instrument_reports.needs_ranking(akpd)
    assert {b: [(n.number, n.frequency) for n in needs] for b, needs in ranking.items()} == {
        "pribadi": [(1, 3), (2, 3), (3, 1)],
        "sosial": [(4, 1), (5, 1)],
        "belajar": [(6, 3), (7, 3)],
        "karier": [(9, 2), (10, 2)],
    }


def test_a_program_drafted_from_the_needs_ranking(world, program):
    version = program.current()
    assert version.number == 1 and not version.frozen
    a = world.rombel_a.pk
    assert _plan(version) == [
        ("pribadi", "Kebutuhan 1", 8, 1, 1, Decimal("75.00"), 10, a),
        ("belajar", "Kebutuhan 6", 9, 1, 6, Decimal("75.00"), 10, a),
        ("karier", "Kebutuhan 9", 10, 1, 9, Decimal("50.00"), 10, a),
        ("sosial", "Kebutuhan 4", 11, 1, 4, Decimal("25.00"), 10, a),
        ("pribadi", "Kebutuhan 2", 1, 1, 2, Decimal("75.00"), 10, a),
        ("belajar", "Kebutuhan 7", 2, 1, 7, Decimal("75.00"), 10, a),
        ("karier", "Kebutuhan 10", 3, 1, 10, Decimal("50.00"), 10, a),
        ("sosial", "Kebutuhan 5", 4, 1, 5, Decimal("25.00"), 10, a),
    ]
    assert set(version.items.values_list("service_type", flat=True)) == {"bimbingan_klasikal"}
    # The semester programs: July–December and January–June.
    assert [i.need_item for i in reports.items_with_status(version, 1)] == [1, 6, 9, 4]
    assert [i.need_item for i in reports.items_with_status(version, 2)] == [2, 7, 10, 5]


def test_ten_per_bidang_takes_every_need_asked_for_once(world, akpd):
    program = services.draft(world.gurubk, akpd, per_bidang=10)
    # 9 items were asked for (item 8 by nobody); the tenth month position wraps to week 2.
    items = list(program.current().items.order_by("pk"))
    assert [i.need_item for i in items] == [1, 6, 9, 4, 2, 7, 10, 5, 3]
    assert [(items[-1].month, items[-1].week) for _ in (0,)] == [(5, 1)]


def test_drafting_is_refused_for_other_kinds_and_other_counselors(world, akpd):
    with pytest.raises(ActionError) as caught:
        services.draft(world.gurubk_other, akpd)  # rombel_a is not gurubk_other's, nor did they open it
    assert caught.value.code == "program.not_allowed"
    raw = (instrument_services.SAMPLES_DIR / "itp-sma-contoh.json").read_bytes()
    itp, _ = instrument_services.import_definition(world.school, raw, "itp-sma-contoh.json")
    now = datetime.datetime.now(datetime.UTC)
    other = instrument_services.open_administration(
        instrument=itp,
        title="ITP",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    with pytest.raises(ActionError) as caught:
        services.draft(world.gurubk, other)
    assert caught.value.code == "instruments.not_needs"
    assert Program.objects.count() == 0


def test_draft_over_http_proposed_then_accepted(client, world, akpd):
    client.force_login(world.gurubk)
    response = client.post(
        reverse("program:draft"), {"administration": akpd.pk, "per_bidang": 1, "title": "", "step": "propose"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Program.objects.exists()  # a proposal writes nothing
    # The bidang with the highest needs first, each with its proposed topic ticked.
    assert [page.index(f'data-bidang="{b}"') for b in ("pribadi", "belajar", "karier", "sosial")] == sorted(
        page.index(f'data-bidang="{b}"') for b in ("pribadi", "belajar", "karier", "sosial")
    )
    assert page.count('name="accept"') == 4 and ("58,3 %" in page or "58.3 %" in page)
    nothing = client.post(
        reverse("program:draft"), {"administration": akpd.pk, "per_bidang": 1, "step": "accept", "accept": []}
    )
    assert nothing.status_code == 200 and not Program.objects.exists()
    response = client.post(
        reverse("program:draft"),
        {"administration": akpd.pk, "per_bidang": 1, "title": "", "step": "accept", "accept": ["1", "9", "4"]},
    )
    program = Program.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("program:detail", args=[program.pk])
    # The accepted ones keep the month the proposal showed (item 6 was not accepted: October stays free).
    assert [(i.need_item, i.month) for i in program.current().items.order_by("pk")] == [(1, 8), (9, 10), (4, 11)]
    page = client.get(reverse("program:calendar", args=[program.pk])).content.decode()
    assert "Kebutuhan 1" in page and "Kebutuhan 9" in page and "Kebutuhan 6" not in page


def test_the_counselor_edits_adds_and_removes(world, program):
    version = program.current()
    first = version.items.order_by("pk").first()
    data = services.ItemData("pribadi", "Mengenal diri", "bimbingan_kelompok", 7, 2, None, None)
    services.change_item(world.gurubk, first, data)
    first.refresh_from_db()
    assert (first.topic, first.service_type, first.month, first.week, first.grade, first.rombel_id) == (
        "Mengenal diri",
        "bimbingan_kelompok",
        7,
        2,
        None,
        None,
    )
    added = services.add_item(world.koordinator, version, services.ItemData("karier", "Studi lanjut", "orientasi", 6))
    services.remove_item(world.gurubk, version.items.get(need_item=10))
    assert version.items.count() == 8 and added.version_id == version.pk
    with pytest.raises(ActionError) as caught:  # not the author, not the coordinator
        services.add_item(world.gurubk_other, version, services.ItemData("karier", "X", "orientasi", 6))
    assert caught.value.code == "program.not_allowed"
    with pytest.raises(ActionError):  # a month is a month
        services.add_item(world.gurubk, version, services.ItemData("karier", "X", "orientasi", 13))


def test_saved_versions_are_read_only(client, world, program):
    v1 = program.current()
    item = v1.items.order_by("pk").first()
    services.save_rpl(world.gurubk, item, {"tujuan": "Tujuan v1", "materi": "Materi"})
    v2 = services.save_version(world.gurubk, program, "Disetujui kepala sekolah")
    v1.refresh_from_db()
    assert v1.frozen and v1.note == "Disetujui kepala sekolah" and not v2.frozen and v2.number == 2
    assert program.current() == v2
    assert _plan(v1) == _plan(v2)  # the copy starts the same
    copy = v2.items.get(origin=item)
    assert copy.rpl.tujuan == "Tujuan v1"
    before = _plan(v1)
    for attempt in (
        lambda: services.change_item(world.gurubk, item, services.ItemData("pribadi", "Ubah", "orientasi", 7)),
        lambda: services.remove_item(world.gurubk, item),
        lambda: services.add_item(world.koordinator, v1, services.ItemData("pribadi", "Baru", "orientasi", 7)),
        lambda: services.save_rpl(world.gurubk, item, {"tujuan": "Diubah"}),
    ):
        with pytest.raises(ActionError) as caught:
            attempt()
        assert caught.value.code == "program.frozen"
    # ... and over HTTP: the old item's form is refused, the new version changes alone.
    client.force_login(world.koordinator)
    response = client.post(
        reverse("program:item", args=[item.pk]),
        {"topic": "Lewat HTTP", "bidang": "sosial", "service_type": "orientasi", "month": "9"},
    )
    assert response.status_code == 404
    assert client.post(reverse("program:item_delete", args=[item.pk])).status_code == 302
    services.change_item(world.gurubk, copy, services.ItemData("sosial", "Versi dua", "orientasi", 9))
    assert _plan(v1) == before and Rpl.objects.get(item=item).tujuan == "Tujuan v1"
    assert ProgramItem.objects.filter(pk=item.pk).exists()
    page = client.get(reverse("program:detail", args=[program.pk]) + "?versi=1").content.decode()
    assert 'data-testid="frozen"' in page and "Kebutuhan 1" in page and "Versi dua" not in page


def _record(world, bidang, day, rombel=None, counselor=None, service_type="bimbingan_klasikal"):
    data = record_services.RecordData(
        service_type=service_type,
        bidang=bidang,
        medium="tatap_muka",
        date=day,
        duration_minutes=45,
        scope="rombel",
        topic=f"Klasikal {bidang} {day:%m-%d}",
        rombel=rombel or world.rombel_a,
    )
    return record_services.create_record(counselor or world.gurubk, data)


AUG, SEP, OCT = datetime.date(2026, 8, 12), datetime.date(2026, 9, 9), datetime.date(2026, 10, 7)


def test_realisation_counts_by_hand(client, world, program):
    version = program.current()
    item = {i.need_item: i for i in version.items.all()}
    a = _record(world, "pribadi", AUG)
    b = _record(world, "sosial", SEP)
    c = _record(world, "sosial", SEP + datetime.timedelta(days=7))
    services.link(world.gurubk, item[1], a)  # pribadi, August
    services.link(world.gurubk, item[4], b)  # sosial (planned in November): two records, one item done
    services.link(world.gurubk, item[4], c)
    services.link(world.gurubk, item[4], c)  # twice: still one link
    report = reports.realisation(version)
    by_bidang = {code: (total.done, total.planned) for code, _label, _cells, total in report.rows}
    assert by_bidang == {"pribadi": (1, 2), "sosial": (1, 2), "belajar": (0, 2), "karier": (0, 2)}
    months = [m for m, _label in report.months]
    assert months == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    assert [(c.done, c.planned) for c in report.month_totals] == [
        (0, 0),
        (1, 1),
        (0, 1),
        (0, 1),
        (1, 1),
        (0, 0),
        (0, 1),
        (0, 1),
        (0, 1),
        (0, 1),
        (0, 0),
        (0, 0),
    ]
    assert (report.total.done, report.total.planned, report.total.percent, report.records) == (2, 8, 25, 3)
    first_semester = reports.realisation(version, 1)
    assert (first_semester.total.done, first_semester.total.planned, first_semester.total.percent) == (2, 4, 50)
    # Unlinking undoes it; a saved version keeps its links in the copy.
    services.unlink(world.gurubk, item[1], a)
    assert reports.realisation(version).total.done == 1
    v2 = services.save_version(world.gurubk, program)
    assert reports.realisation(v2).total.done == 1 and Realisation.objects.count() == 4
    client.force_login(world.koordinator)
    page = client.get(reverse("program:realisation", args=[program.pk])).content.decode()
    assert "1/8" in page


def test_suggestions_match_type_bidang_rombel_and_month(client, world, program):
    item = program.current().items.get(need_item=1)  # pribadi, August, rombel_a
    good = _record(world, "pribadi", AUG)
    _record(world, "sosial", AUG)  # another bidang
    _record(world, "pribadi", SEP)  # another month
    _record(world, "pribadi", AUG, rombel=world.rombel_b, counselor=world.gurubk_other)  # another rombel
    _record(world, "pribadi", AUG, service_type="orientasi")  # another service
    assert services.suggestions(world.gurubk, item) == [good]
    client.force_login(world.gurubk)
    page = client.get(reverse("program:item", args=[item.pk])).content.decode()
    assert good.topic in page
    response = client.post(reverse("program:link", args=[item.pk]), {"record": good.pk, "action": "link"})
    assert response.status_code == 302 and Realisation.objects.filter(item=item, record=good).exists()
    assert services.suggestions(world.gurubk, item) == []


def test_a_record_the_counselor_may_not_read_cannot_be_linked(client, world, program):
    item = program.current().items.get(need_item=1)
    theirs = _record(world, "pribadi", AUG, rombel=world.rombel_b, counselor=world.gurubk_other)
    with pytest.raises(ActionError):
        services.link(world.gurubk, item, theirs)
    client.force_login(world.gurubk)
    response = client.post(reverse("program:link", args=[item.pk]), {"record": theirs.pk, "action": "link"})
    assert response.status_code == 400 and not Realisation.objects.exists()


def test_the_principal_sees_aggregates_only(client, world, program):
    item = program.current().items.get(need_item=1)
    record = _record(world, "pribadi", AUG)
    services.link(world.gurubk, item, record)
    client.force_login(world.kepsek)
    page = client.get(reverse("program:recap")).content.decode()
    assert 'data-testid="realisation"' in page and "1/8" in page
    for secret in ("Kebutuhan", record.topic, world.student.name, world.gurubk.display_name):
        assert secret not in page
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="program-recap-card"' in home and "1/8" in home
    for name in ("program:detail", "program:realisation", "program:calendar"):
        assert client.get(reverse(name, args=[program.pk])).status_code == 403
    assert client.get(reverse("program:item", args=[item.pk])).status_code == 403


def test_rpl_drafted_from_the_item_and_exported_on_the_letterhead(client, world, program, tmp_path):
    world.school.city = "Yogyakarta"
    world.school.npsn = "20401234"
    world.school.save()
    item = program.current().items.get(need_item=6)
    client.force_login(world.gurubk)
    page = client.get(reverse("program:rpl", args=[item.pk])).content.decode()
    assert "Kebutuhan 6" in page  # the draft names the topic
    fields = {name: f"Isi {name}" for name in Rpl.FIELDS}
    fields["langkah"] = "1. Pembukaan\n2. Inti\n3. Penutup"
    assert client.post(reverse("program:rpl", args=[item.pk]), fields).status_code == 302
    assert Rpl.objects.get(item=item).metode == "Isi metode"
    response = client.get(reverse("program:rpl_pdf", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "rpl.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert world.school.name in text and "NPSN 20401234" in text  # the letterhead
    assert "RPL" in text and "Kebutuhan 6" in text and "Isi tujuan" in text and "Isi evaluasi" in text
    assert "2. Inti" in text and world.gurubk.display_name in text  # steps and the signature block


def test_program_version_numbers_are_unique(world, program):
    services.save_version(world.gurubk, program)
    services.save_version(world.koordinator, program)
    assert list(ProgramVersion.objects.filter(program=program).values_list("number", "frozen")) == [
        (3, False),
        (2, True),
        (1, True),
    ]


def test_a_few_sheets_the_counselor_does_not_serve_are_left_out_of_the_draft(world):
    """other_student (rombel_b, gurubk_other's) also answered; their "ya" to item 8 is the only one.
    For gurubk, one unserved sheet would be told by difference: it is left out, as the class profile
    does. The koordinator serves everyone and plans with it."""
    instrument, _ = instrument_services.import_definition(world.school, json.dumps(DEFINITION), "akpd.json")
    now = datetime.datetime.now(datetime.UTC)
    administration = instrument_services.open_administration(
        instrument=instrument,
        title="AKPD campuran",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
        students=[world.other_student],
    )
    for sheet in administration.assignments.all():
        yes = (8,) if sheet.student_id == world.other_student.pk else (6,)
        items = {str(n): "ya" if n in yes else "tidak" for n in range(1, 11)}
        instrument_services.record_sheet(sheet, {"items": items}, by=world.koordinator, source="paper")
    assert administration.assignments.count() == 3
    mine = services.draft(world.gurubk, administration, per_bidang=3)
    assert [(i.need_item, i.need_percent) for i in mine.current().items.all()] == [(6, Decimal("100.00"))]
    theirs = services.draft(world.koordinator, administration, per_bidang=3)
    assert [(i.need_item, i.need_percent) for i in theirs.current().items.order_by("pk")] == [
        (6, Decimal("66.67")),
        (8, Decimal("33.33")),
    ]


def _checklist(world, sample, sheets, title):
    raw = (instrument_services.SAMPLES_DIR / sample).read_bytes()
    instrument, _ = instrument_services.import_definition(world.school, raw, sample)
    factories.student(world.school, rombel=world.rombel_a)
    factories.student(world.school, rombel=world.rombel_a)
    now = datetime.datetime.now(datetime.UTC)
    administration = instrument_services.open_administration(
        instrument=instrument,
        title=title,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    for sheet, ticked in zip(administration.assignments.order_by("pk"), sheets, strict=True):
        answers = {"items": {str(n): True for n in ticked}}
        if instrument.scoring == "checklist_heavy":
            answers["heavy"] = []
        instrument_services.record_sheet(sheet, answers, by=world.koordinator, source="paper")
    return administration


def test_a_program_drafted_from_a_dcm_the_bidang_with_most_problems_first(world):
    """dcm-contoh: KES 1–5 (pribadi), SOS 6–9 (sosial), BLJ 10–14 (belajar), KAR 15–17 (karier).
    Ticked: 10 11 15 / 10 12 6 / 10 11 16 / 1 10 → 10×4, 11×2, 12, 15, 16, 6, 1 once.
    Bidang Σticked / (items × N): belajar 7/20 = 35 %, karier 2/12 = 16.7 %, sosial 1/16 = 6.25 %,
    pribadi 1/20 = 5 %. Two per bidang: 10, 15, 6, 1, 11, 16 from August."""
    dcm = _checklist(world, "dcm-contoh.json", [(10, 11, 15), (10, 12, 6), (10, 11, 16), (1, 10)], "DCM X-A")
    profile = instrument_reports.needs_profile(dcm)
    assert [(row.bidang, row.percent.numerator, row.percent.denominator) for row in profile] == [
        ("belajar", 7, 20),
        ("karier", 2, 12),
        ("sosial", 1, 16),
        ("pribadi", 1, 20),
    ]
    assert all(need.problem for row in profile for need in row.needs)
    proposal = services.propose(world.gurubk, dcm, per_bidang=2)
    assert [(p.need.number, p.month) for p in proposal.items] == [(10, 8), (15, 9), (6, 10), (1, 11), (11, 1), (16, 2)]
    program = services.draft(world.gurubk, dcm, per_bidang=2, accepted={10, 15, 11})
    items = list(program.current().items.order_by("pk"))
    assert [(i.need_item, i.bidang, i.month, i.need_percent) for i in items] == [
        (10, "belajar", 8, Decimal("100.00")),
        (15, "karier", 9, Decimal("25.00")),
        (11, "belajar", 1, Decimal("50.00")),
    ]
    # The topic answers the problem the students ticked.
    # Item 4 is the DCM's critical item: ticked, it is followed up one by one, never a class topic.
    critical = _checklist(world, "dcm-contoh.json", [(4,), (4,), (4, 10), (4,), (4,), ()], "DCM kritis")
    assert [p.need.number for p in services.propose(world.gurubk, critical, per_bidang=3).items] == [10]
    text = next(item.text for item in dcm.instrument.definition.items if item.number == 10)
    assert items[0].topic.endswith(text) and items[0].topic != text


def test_a_program_drafted_from_an_aum(world):
    """aum-umum-contoh: 10 areas, pribadi 7 of them (35 items), sosial HSO 11–15 + HMM 36–40,
    karier KDP 21–25, belajar PDP 26–30. Ticked: 26 27 21 11 / 26 11 / 26 1 / 28:
    belajar 5/20 = 25 %, sosial 2/40 = 5 %, karier 1/20 = 5 % (tie: canonical order), pribadi 1/140."""
    aum = _checklist(world, "aum-umum-contoh.json", [(26, 27, 21, 11), (26, 11), (26, 1), (28,)], "AUM X-A")
    proposal = services.propose(world.gurubk, aum, per_bidang=1)
    assert [row["bidang"] for row in proposal.rows()] == ["belajar", "sosial", "karier", "pribadi"]
    assert [p.need.number for p in proposal.items] == [26, 11, 21, 1]
    program = services.draft(world.gurubk, aum, per_bidang=1)
    assert program.current().items.count() == 4


def test_a_classical_session_held_from_the_item_asks_the_rombel_for_a_laiseg(client, world, program):
    """The item (classical, rombel_a) given today: one record for rombel_a through the records app,
    linked to the item, every student of rombel_a with an account asked for a Laiseg; the item page
    shows the counts and means, never a student's answer."""
    from ekonseling.records import services as records
    from ekonseling.records.models import Laiseg, ServiceRecord

    item = program.current().items.get(need_item=1)
    client.force_login(world.gurubk)
    response = client.post(reverse("program:hold_session", args=[item.pk]), {"duration_minutes": "40"})
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.rombel_id, record.service_type, record.bidang, record.topic, record.duration_minutes) == (
        world.rombel_a.pk,
        "bimbingan_klasikal",
        "pribadi",
        "Kebutuhan 1",
        40,
    )
    assert Realisation.objects.filter(item=item, record=record).exists()
    laisegs = list(Laiseg.objects.filter(record=record))
    with_account = record.participations.exclude(student__user__isnull=True).count()
    assert len(laisegs) == with_account >= 1
    laiseg = next(x for x in laisegs if x.student_id == world.student.pk)
    records.answer_laiseg(world.siswa, laiseg, {"understanding": 4, "comfort": 3, "action": 2}, "Rahasia saya")
    page = client.get(reverse("program:item", args=[item.pk])).content.decode()
    assert 'data-testid="laiseg"' in page and "Rahasia saya" not in page
    assert services.laiseg_of(world.gurubk, item) == {
        "asked": with_account,
        "answered": 1,
        "means": {"understanding": 4.0, "comfort": 3.0, "action": 2.0},
    }
    # Another counselor (not the author) may not record it from this program.
    with pytest.raises(ActionError):
        services.hold_session(world.gurubk_other, item)


def _presented(world, title, rombel=None):
    """An article presented in class by the program's author, with a live poll for ``rombel``."""
    from django.utils import timezone

    from ekonseling.information import services as information

    data = information.ArticleData(title, "Satu ide.", "school", timezone.now() - datetime.timedelta(hours=1))
    article = information.publish(world.gurubk, data)
    poll = information.open_poll(world.gurubk, rombel, "Paham?", ["Ya", "Belum"], article) if rombel else None
    url = reverse("information:present", args=[article.pk])
    return article, (f"{url}?polling={poll.pk}" if poll else url)


def test_the_items_a_presented_session_may_carry_out_come_best_first(world, program):
    """Classical items of the author's current version, for the poll's rombel: the topic the session
    is titled with first, then the same words; another rombel's item is not offered."""
    version = program.current()
    elsewhere = services.add_item(
        world.gurubk,
        version,
        services.ItemData("pribadi", "Kebutuhan 7 di kelas lain", "bimbingan_klasikal", 9, rombel=world.rombel_b),
    )
    not_classical = services.add_item(
        world.gurubk, version, services.ItemData("pribadi", "Kebutuhan 7", "konsultasi", 9, rombel=world.rombel_a)
    )
    items = services.items_for_session(world.gurubk, "Kebutuhan 7", world.rombel_a, limit=20)
    assert items[0] == version.items.get(need_item=7)
    assert elsewhere not in items and not_classical not in items
    assert {item.topic for item in items} == set(
        version.items.filter(rombel=world.rombel_a).exclude(service_type="konsultasi").values_list("topic", flat=True)
    )
    # Whoever may not change the program is offered nothing from it.
    assert services.items_for_session(world.gurubk_other, "Kebutuhan 7", world.rombel_a) == []


def test_the_laiseg_is_asked_for_from_present_mode_at_the_end_of_the_session(client, world, program):
    """Issue 18: "Laiseg after a classical session from the same screen". Present mode offers the
    program item the session carried out with the item page's own form; it records the session
    through the same action (records app, audit, link), asks the rombel for the Laiseg and comes
    back to present mode."""
    from ekonseling.core.models import AuditEvent
    from ekonseling.records.models import Laiseg, ServiceRecord

    item = program.current().items.get(need_item=1)
    _article, present_url = _presented(world, "Kebutuhan 1", world.rombel_a)
    client.force_login(world.gurubk)

    page = client.get(present_url).content.decode()

    assert 'data-testid="session-end"' in page
    first_form = page.split('data-testid="session-end-item"')[0].rsplit("<form", 1)[1]
    assert reverse("program:hold_session", args=[item.pk]) in first_form
    assert f'name="next" value="{present_url}"'.replace("&", "&amp;") in page or present_url in page

    response = client.post(
        reverse("program:hold_session", args=[item.pk]), {"duration_minutes": "35", "next": present_url}
    )

    assert (response.status_code, response["Location"]) == (302, present_url)
    record = ServiceRecord.objects.get()
    assert (record.rombel_id, record.topic, record.duration_minutes) == (world.rombel_a.pk, "Kebutuhan 1", 35)
    assert Realisation.objects.filter(item=item, record=record).exists()
    assert Laiseg.objects.filter(record=record).count() >= 1
    audited = AuditEvent.objects.filter(object_type="records.ServiceRecord", object_id=str(record.pk))
    assert audited.filter(actor=world.gurubk).exists()
    back = client.get(present_url).content.decode()
    shown = back.split('class="messages"', 1)[1].split("</ul>", 1)[0]
    assert "Laiseg" in shown and str(Laiseg.objects.filter(record=record).count()) in shown


def test_a_present_mode_laiseg_never_returns_to_another_site(client, world, program):
    item = program.current().items.get(need_item=1)
    client.force_login(world.gurubk)
    response = client.post(
        reverse("program:hold_session", args=[item.pk]), {"duration_minutes": "35", "next": "https://jahat.example/"}
    )
    assert response["Location"] == reverse("program:item", args=[item.pk])


def test_present_mode_says_when_no_program_item_fits(client, world, program):
    """A counselor who may change no program (not its author) is told to add the topic first."""
    from django.utils import timezone

    from ekonseling.information import services as information

    data = information.ArticleData("Topik lain", "Isi.", "school", timezone.now() - datetime.timedelta(hours=1))
    article = information.publish(world.gurubk_other, data)
    client.force_login(world.gurubk_other)
    page = client.get(reverse("information:present", args=[article.pk])).content.decode()
    assert 'data-testid="session-end"' in page and 'data-testid="session-end-item"' not in page


def test_the_calendar_shows_the_school_holidays_kept_by_appointments(client, world, program):
    from ekonseling.appointments import actions as appointments

    year = program.academic_year
    inside = year.starts_on + datetime.timedelta(days=40)
    appointments.add_holiday(world.operator, inside, "Libur uji")
    appointments.add_holiday(world.operator, year.ends_on + datetime.timedelta(days=3), "Tahun berikutnya")
    calendar = reports.calendar(program.current())
    flat = [(day.date, day.name) for days in calendar["holidays"] for day in days]
    assert flat == [(inside, "Libur uji")]
    month = [m for m, _label in calendar["months"]].index(inside.month)
    assert [day.name for day in calendar["holidays"][month]] == ["Libur uji"]
    client.force_login(world.gurubk)
    page = client.get(reverse("program:calendar", args=[program.pk])).content.decode()
    assert 'data-testid="school-calendar"' in page and "Libur uji" in page and "Tahun berikutnya" not in page
