"""Reports from the database: class figures checked by hand, the attention rule, comparisons."""

import json
from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from ekonseling.instruments import reports, services
from ekonseling.instruments.models import Assignment

from .. import factories

SAMPLES = services.SAMPLES_DIR


def sample(world, name, *, content=None):
    raw = content if content is not None else (SAMPLES / name).read_bytes()
    instrument, _ = services.import_definition(world.school, raw, name, user=world.gurubk)
    return instrument


def administration(world, name="aum-umum-contoh.json", *, instrument=None, rombels=None, by=None, **kwargs):
    now = timezone.now()
    kwargs.setdefault("opens_at", now - timedelta(hours=1))
    kwargs.setdefault("closes_at", now + timedelta(days=1))
    return services.open_administration(
        instrument=instrument or sample(world, name),
        title=kwargs.pop("title", f"{name} uji"),
        created_by=by or world.gurubk,
        rombels=rombels if rombels is not None else [world.rombel_a],
        **kwargs,
    )


def record(administration, student, doc, by):
    sheet = administration.assignments.get(student=student)
    return services.record_sheet(sheet, doc, by=by, source=Assignment.Source.PAPER)


def aum_class(world, **kwargs):
    """rombel_a with four students: three submitted (one with no ticks), one still filling in.

    A: 1 2 3 (JDK, 1 heavy) + 6 (DPI), talks to guru_bk and teman; B: 1 (JDK) + 11 12 (HSO, both
    heavy), talks to guru_bk; C: nothing ticked; D: ticks all of JDK but has not submitted.
    """
    third = factories.student(world.school, rombel=world.rombel_a, name="Citra")
    fourth = factories.student(world.school, rombel=world.rombel_a, name="Dodi")
    world.student.name, world.classmate.name = "Ani", "Budi"
    world.student.save()
    world.classmate.save()
    adm = administration(world, **kwargs)
    a = {"items": {"1": True, "2": True, "3": True, "6": True}, "heavy": [1], "open": {"bicara": ["guru_bk", "teman"]}}
    record(adm, world.student, a, world.gurubk)
    b = {"items": {"1": True, "11": True, "12": True}, "heavy": [11, 12], "open": {"bicara": ["guru_bk"]}}
    record(adm, world.classmate, b, world.gurubk)
    record(adm, third, {"items": {}}, world.gurubk)
    pending = adm.assignments.get(student=fourth)
    services.save_answers(pending, {"items": {str(n): True for n in range(1, 6)}}, by=world.siswa)
    return adm


def _row(table, start):
    return next(row for row in table.rows if row[0].text.startswith(start))


def test_group_figures_match_a_hand_count(world):
    report = reports.group_report(aum_class(world))
    assert report.n == 3  # the sheet still being filled in does not count
    areas = report.table("areas")
    jdk = [cell.text for cell in _row(areas, "JDK")]
    # items 5; R 0 (Citra); T 3 (Ani); J 4; P% 4/(5×3); M 4/3; heavy Σ 1, mean 1/3; band B (21–40)
    assert jdk[1:] == ["5", "0", "3", "4", "26,67", "1,33", "1", "0,33", "B (Ringan)"]  # the band with its words
    assert _row(areas, "JDK")[5].formula == "4 / (5 × 3) × 100 = 26,67 %"
    assert [cell.text for cell in _row(areas, "HSO")][4:8] == ["2", "13,33", "0,67", "2"]
    assert [cell.text for cell in _row(areas, "KDP")][2:6] == ["0", "0", "0", "0,00"]
    overall = areas.rows[-1]
    assert overall[4].text == "7" and overall[5].formula == "7 / (50 × 3) × 100 = 4,67 %"
    group = report.group
    assert group.areas[0].percent.value == Fraction(400, 15)


def test_rankings_and_the_whom_to_talk_to_tally(world):
    report = reports.group_report(aum_class(world))
    items = report.table("item_ranking")
    assert [(row[1].value, row[4].value, row[5].text) for row in items.rows] == [
        (1, 2, "66,67"),
        (2, 1, "33,33"),
        (3, 1, "33,33"),
        (6, 1, "33,33"),
        (11, 1, "33,33"),
        (12, 1, "33,33"),
    ]
    assert [row[1].value for row in report.table("heavy_ranking").rows] == [1, 11, 12]
    assert [row[1].text for row in report.table("areas_ranked").rows][:3] == [
        "JDK Jasmani dan Kesehatan",
        "HSO Hubungan Sosial",
        "DPI Diri Pribadi",
    ]
    tally = {row[0].text: row[1].value for row in report.table("tally_bicara").rows}
    assert tally["Guru BK"] == 2 and tally["Teman"] == 1 and tally["Orang tua"] == 0
    assert [bar.value for bar in report.bars][:2] == [float(Fraction(400, 15)), float(Fraction(100, 15))]


def test_one_row_per_submitted_student(world):
    report = reports.group_report(aum_class(world))
    rows = {row[0].text: row for row in report.students.rows}
    assert set(rows) == {"Ani", "Budi", "Citra"}
    assert [cell.value for cell in rows["Ani"][3:7]] == [3, 60.0, 1, 20.0]
    assert rows["Citra"][-2].text == "0,00"


def test_attention_rule_threshold_and_minimum_areas(world):
    adm = aum_class(world, attention_percent=40, attention_min_areas=1)
    names = [entry.sheet.name for entry in reports.group_report(adm).attention]
    assert names == ["Ani", "Budi"]  # Ani JDK 60 %, Budi HSO 40 % (at the threshold counts)
    adm.attention_percent, adm.attention_min_areas = 60, 1
    assert [e.sheet.name for e in reports.group_report(adm).attention] == ["Ani"]
    adm.attention_percent, adm.attention_min_areas = 20, 2
    attention = reports.group_report(adm).attention
    assert [e.sheet.name for e in attention] == ["Ani", "Budi"]  # Ani: JDK, DPI; Budi: JDK 20 %, HSO
    adm.attention_percent, adm.attention_min_areas = 20, 3
    assert reports.group_report(adm).attention == []


def test_a_critical_item_needs_attention_and_shows_who_ticked_it(world):
    adm = administration(world, "dcm-contoh.json", attention_percent=90)
    record(adm, world.student, {"items": {"4": True}}, world.gurubk)
    record(adm, world.classmate, {"items": {"6": True}}, world.gurubk)
    report = reports.group_report(adm)
    assert [(e.sheet.name, len(e.reasons)) for e in report.attention] == [(world.student.name, 1)]
    critical = report.table("critical")
    assert critical.rows[0][0].value == 4 and world.student.name in critical.rows[0][2].text
    hidden = reports.group_report(adm, visible=set())
    # Two sheets the viewer may not see one by one: too few to count without giving them away.
    assert hidden.attention == [] and hidden.group is None and hidden.tables == []
    assert (hidden.left_out, hidden.hidden, hidden.n) == (2, 0, 0)


def test_developmental_attention_is_below_target(world):
    adm = administration(world, "itp-sma-contoh.json")
    definition = adm.instrument.definition

    def choose(level):
        return {
            str(item.number): min(item.options, key=lambda o: abs(o.level - level)).code for item in definition.items
        }

    record(adm, world.student, {"items": choose(7)}, world.gurubk)
    record(adm, world.classmate, {"items": choose(1)}, world.gurubk)
    report = reports.group_report(adm)
    assert [e.sheet.name for e in report.attention] == [world.classmate.name]
    assert report.stacks and sum(count for _l, count, _p in report.stacks[0].segments) == 2


@pytest.mark.parametrize("name", ["ptsdl-contoh.json", "akpd-contoh.json", "dcm-contoh.json"])
def test_every_kind_builds_a_group_and_an_individual_report(world, name):
    adm = administration(world, name)
    definition = adm.instrument.definition
    if definition.answer_format == "frequency_scale":
        doc = {"items": {str(item.number): "J" for item in definition.items}}
    elif definition.answer_format == "yes_no":
        doc = {"items": {str(item.number): "ya" if item.number % 2 else "tidak" for item in definition.items}}
    else:
        doc = {"items": {"1": True}}
    record(adm, world.student, doc, world.gurubk)
    report = reports.group_report(adm)
    assert report.n == 1 and report.table("areas").rows and report.bars
    individual = reports.individual_report(adm.assignments.get(student=world.student))
    assert individual.tables and individual.bars


def test_needs_rank_per_bidang_as_program_topics(world):
    adm = administration(world, "akpd-contoh.json")
    definition = adm.instrument.definition
    first = definition.items[0]
    record(
        adm,
        world.student,
        {"items": {str(i.number): "ya" if i is first else "tidak" for i in definition.items}},
        world.gurubk,
    )
    report = reports.group_report(adm)
    bidang = definition.areas_by_code[first.area].bidang
    ranked = report.table(f"item_ranking_{bidang}")
    assert [row[1].value for row in ranked.rows] == [first.number]


def test_individual_report_lists_heavy_items_and_open_answers(world):
    adm = aum_class(world)
    report = reports.individual_report(adm.assignments.get(student=world.student))
    assert [cell.text for cell in _row(report.table("areas"), "JDK")][2:4] == ["3", "60,00"]
    items = report.table("items")
    assert [(row[0].value, row[3].text) for row in items.rows] == [(1, "✓"), (2, ""), (3, ""), (6, "")]
    assert ("Dengan siapa Anda ingin membicarakan masalah Anda?", "Guru BK, Teman") in report.open_answers


def test_individual_report_of_a_sheet_not_submitted_is_empty(world):
    adm = aum_class(world)
    pending = adm.assignments.exclude(status=Assignment.Status.SUBMITTED).get()
    assert reports.individual_report(pending).sheet is None


def test_rombel_filter_and_rombel_comparison(world):
    adm = administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    record(adm, world.student, {"items": {"1": True}}, world.koordinator)
    record(adm, world.other_student, {"items": {"1": True, "2": True}}, world.koordinator)
    assert reports.group_report(adm, rombel_ids=[world.rombel_b.pk]).n == 1
    comparison = reports.compare_rombels(adm, [world.rombel_a, world.rombel_b])
    assert comparison.series == ["X-A", "X-B"] and comparison.ns == [1, 1]
    jdk = comparison.rows[0][1]
    assert [cell.text for cell in jdk] == ["20,00", "40,00"]


def test_administrations_of_one_version_compare_side_by_side(world):
    instrument = sample(world, "aum-umum-contoh.json")
    last = administration(world, instrument=instrument, title="2025")
    record(last, world.student, {"items": {"1": True}}, world.gurubk)
    this = administration(world, instrument=instrument, title="2026")
    record(this, world.student, {"items": {"1": True, "2": True, "3": True}}, world.gurubk)
    comparison = reports.compare_administrations([last, this])
    assert comparison.notes == []
    assert [cell.text for cell in comparison.rows[0][1]] == ["20,00", "60,00"]


def test_comparisons_never_mix_versions(world):
    old = sample(world, "aum-umum-contoh.json")
    data = json.loads(old.source)
    data["version"] = "2"
    data["items"][0]["text"] = "Teks baru"
    same_areas = sample(world, "aum-v2.json", content=json.dumps(data))
    first = administration(world, instrument=old, title="v1")
    record(first, world.student, {"items": {"1": True}}, world.gurubk)
    second = administration(world, instrument=same_areas, title="v2")
    comparison = reports.compare_administrations([first, second])
    assert comparison.notes and "tidak digabung" in comparison.notes[0]
    assert comparison.ns == [1, 0] and comparison.rows[0][1][1] is None

    data["version"] = "3"
    data["areas"][0]["code"] = "JAS"
    for item in data["items"]:
        if item["area"] == "JDK":
            item["area"] = "JAS"
    other_areas = administration(world, instrument=sample(world, "aum-v3.json", content=json.dumps(data)))
    with pytest.raises(reports.ComparisonRefused, match="area yang berbeda"):
        reports.compare_administrations([first, other_areas])
    with pytest.raises(reports.ComparisonRefused, match="Instrumen berbeda"):
        reports.compare_administrations([first, administration(world, "dcm-contoh.json")])


def test_fast_percent_cells_match_the_scoring_display_and_formula():
    import random

    from ekonseling.instruments.scoring import percent

    rng = random.Random(3)
    cases = [(1, (8,)), (1, (3,)), (2, (3,)), (1, (6,)), (5, (6, 1000)), (0, (5,)), (7, (50, 3)), (1, (400,))]
    cases += [(rng.randint(0, 500), (rng.randint(1, 60), rng.randint(1, 1000))) for _ in range(2000)]
    for numerator, terms in cases:
        figure = percent(numerator, *terms)
        cell = reports.pct(figure)
        assert (cell.text, cell.formula) == (figure.display(), figure.formula), (numerator, terms)
        assert cell.value == round(float(figure.value), 2) or abs(cell.value - float(figure.value)) <= 0.005


def test_loading_is_one_query(world, django_assert_num_queries):
    adm = aum_class(world)
    with django_assert_num_queries(1):
        sheets = reports.load_sheets(adm)
    assert [sheet.name for sheet in sheets] == ["Ani", "Budi", "Citra"]


def test_the_collector_is_back_on_after_a_report_even_when_it_fails(world):
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), reports.collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    reports.group_report(aum_class(world))
    assert gc.isenabled()
