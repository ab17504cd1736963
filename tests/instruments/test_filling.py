"""Page logic of a student's sheet: pages per kind, what a posted page means, the student's profile."""

import pytest

from ekonseling.instruments import answers, filling, scoring
from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.services import SAMPLES_DIR

LABELS = {"ya": "Ya", "tidak": "Tidak"}


def sample(name):
    path = SAMPLES_DIR / name
    return load_definition(path.read_bytes(), path.name)


AUM, PTSDL, DCM, ITP, AKPD = (
    sample("aum-umum-contoh.json"),
    sample("ptsdl-contoh.json"),
    sample("dcm-contoh.json"),
    sample("itp-sma-contoh.json"),
    sample("akpd-contoh.json"),
)


@pytest.mark.parametrize("definition", [AUM, PTSDL, DCM, ITP, AKPD], ids=lambda d: d.scoring)
def test_one_page_per_area_then_open_questions_then_review(definition):
    pages = filling.split_pages(definition)
    areas = [p for p in pages if p.kind == filling.AREA]
    assert [p.area.code for p in areas] == [a.code for a in definition.areas]
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    # every item exactly once, on its own area's page, in definition order
    assert [i.number for p in areas for i in p.items] == [
        i.number for a in definition.areas for i in definition.items if i.area == a.code
    ]
    assert all(item.area == p.area.code for p in areas for item in p.items)
    expected_open = 1 if definition.open_questions else 0
    assert len(pages) == len(definition.areas) + expected_open + 1
    if expected_open:
        assert pages[-2].kind == filling.OPEN and pages[-2].questions == definition.open_questions
    assert pages[-1].kind == filling.REVIEW


def test_the_sample_aum_has_ten_area_pages_an_open_page_and_a_review():
    pages = filling.split_pages(AUM)
    assert len(pages) == 12
    assert [len(p.items) for p in pages[:10]] == [5] * 10


def test_a_page_number_out_of_range_falls_back_to_the_nearest_page():
    pages = filling.split_pages(AKPD)
    assert filling.clamp_page(pages, "0").number == 1
    assert filling.clamp_page(pages, "abc").number == 1
    assert filling.clamp_page(pages, None).number == 1
    assert filling.clamp_page(pages, "999").number == len(pages)
    assert filling.clamp_page(pages, "2").number == 2


def test_rows_show_ticks_heavy_and_radios_from_the_sheet():
    page = filling.split_pages(AUM)[0]
    first, second = page.items[0].number, page.items[1].number
    doc = {"items": {str(first): True, str(second): True}, "heavy": [second]}
    rows = filling.item_rows(AUM, page, doc, LABELS)
    assert [(r.ticked, r.heavy) for r in rows[:3]] == [(True, False), (True, True), (False, False)]
    assert rows[0].field == f"item-{first}" and rows[0].choices == ()

    page = filling.split_pages(PTSDL)[0]
    item = page.items[0].number
    rows = filling.item_rows(PTSDL, page, {"items": {str(item): "K"}}, LABELS, flag_missing=True)
    assert [c.value for c in rows[0].choices] == [s.code for s in PTSDL.scale]
    assert [c.value for c in rows[0].choices if c.checked] == ["K"]
    assert not rows[0].missing and all(r.missing for r in rows[1:])

    page = filling.split_pages(ITP)[0]
    rows = filling.item_rows(ITP, page, {}, LABELS)
    assert [c.value for c in rows[0].choices] == [o.code for o in page.items[0].options]

    page = filling.split_pages(AKPD)[0]
    rows = filling.item_rows(AKPD, page, {"items": {str(page.items[0].number): "tidak"}}, LABELS)
    assert [(c.value, c.label, c.checked) for c in rows[0].choices] == [("ya", "Ya", False), ("tidak", "Tidak", True)]


def test_a_posted_checklist_page_unticks_what_is_not_posted_and_keeps_heavy_a_subset():
    page = filling.split_pages(AUM)[1]
    a, b, c = (i.number for i in page.items[:3])
    data = {"page": ["2"], f"item-{a}": ["1"], f"heavy-{a}": ["1"], f"heavy-{b}": ["1"]}
    changes = filling.changes_from_form(AUM, page, data)
    assert changes["items"][str(a)] is True and changes["items"][str(b)] is False and changes["items"][str(c)] is False
    assert set(changes["items"]) == {str(i.number) for i in page.items}
    assert changes["heavy"][str(a)] is True and changes["heavy"][str(b)] is False  # b heavy but not ticked
    # merged over a sheet where b and c were ticked (c heavy): both are dropped, heavy with them
    doc = {"items": {str(b): True, str(c): True}, "heavy": [c]}
    merged = answers.merge(AUM, doc, changes)
    assert merged["items"] == {str(a): True} and merged["heavy"] == [a]


def test_a_posted_radio_page_keeps_unanswered_items_as_they_were():
    page = filling.split_pages(PTSDL)[0]
    a, b = page.items[0].number, page.items[1].number
    changes = filling.changes_from_form(PTSDL, page, {f"item-{a}": ["SR"], f"item-{b}": [""]})
    assert changes == {"items": {str(a): "SR"}}
    merged = answers.merge(PTSDL, {"items": {str(b): "L"}}, changes)
    assert merged["items"] == {str(a): "SR", str(b): "L"}


def test_a_posted_open_page_sets_and_clears_answers():
    page = filling.split_pages(AUM)[-2]
    changes = filling.changes_from_form(
        AUM, page, {"open-lengkap": ["ya"], "open-masalah_lain": [""], "open-bicara": ["guru_bk", "teman"]}
    )
    assert changes == {"open": {"lengkap": "ya", "masalah_lain": None, "bicara": ["guru_bk", "teman"]}}
    merged = answers.merge(AUM, {"open": {"masalah_lain": "lama"}}, changes)
    assert merged["open"] == {"lengkap": "ya", "bicara": ["guru_bk", "teman"]}
    cleared = filling.changes_from_form(AUM, page, {"open-masalah_lain": ["baru"]})
    assert cleared["open"]["bicara"] is None and cleared["open"]["masalah_lain"] == "baru"
    assert "lengkap" not in cleared["open"]  # an unanswered radio changes nothing


def test_the_review_page_posts_nothing():
    assert filling.changes_from_form(AUM, filling.split_pages(AUM)[-1], {"x": ["1"]}) == {}


def test_an_open_text_answer_over_the_limit_is_refused_in_indonesian():
    long = "a" * (filling.OPEN_TEXT_MAX + 1)
    message = filling.too_long(AUM, {"open": {"masalah_lain": long}})
    assert message.startswith("open.masalah_lain: jawaban terlalu panjang")
    assert filling.too_long(AUM, {"open": {"masalah_lain": "a" * filling.OPEN_TEXT_MAX}}) is None


def test_missing_items_point_to_their_pages_and_checklists_miss_nothing():
    pages = filling.split_pages(PTSDL)
    first_page_items = [i.number for i in pages[0].items]
    doc = {"items": {str(n): "SR" for n in first_page_items}}
    missing = filling.missing(PTSDL, doc, pages)
    assert [m.number for m in missing] == [i.number for i in PTSDL.items if i.number not in first_page_items]
    where = filling.page_of_items(pages)
    assert all(m.page == where[m.number] and m.page > 1 for m in missing)
    assert filling.missing(AUM, {}, filling.split_pages(AUM)) == []
    groups = filling.missing_by_page(PTSDL, doc, pages)
    assert [g.page.number for g in groups] == list(range(2, len(PTSDL.areas) + 1))
    assert [n for g in groups for n in g.numbers] == [m.number for m in missing]


def test_progress_counts_answers_or_ticks():
    progress = filling.progress(AKPD, {"items": {"1": "ya", "2": "tidak"}})
    assert (progress.answered, progress.total, progress.counts_ticks) == (2, len(AKPD.items), False)
    assert filling.progress(AUM, {"items": {"1": True}}).counts_ticks is True


def test_the_student_profile_of_an_aum_sheet_shows_percent_band_and_marked_items():
    area = AUM.areas[0]
    items = [i for i in AUM.items if i.area == area.code]
    doc = {"items": {str(items[0].number): True, str(items[1].number): True}, "heavy": [items[1].number]}
    measure, rows = filling.result_rows(AUM, scoring.score_individual(AUM, doc))
    assert measure == "problems" and len(rows) == len(AUM.areas)
    first = rows[0]
    assert first.name == area.name
    assert first.width == pytest.approx(40.0) and first.display == "40,00 %"
    assert first.band == "Ringan"  # 40 % is in 21–40; the band's description is the student's word
    assert first.items == (items[0].text, items[1].text) and first.heavy == (items[1].text,)
    assert rows[1].width == 0 and rows[1].items == ()


def test_the_student_profile_of_every_kind_has_one_bar_per_area():
    complete = {
        PTSDL: {str(i.number): "L" for i in PTSDL.items},
        ITP: {str(i.number): i.options[-1].code for i in ITP.items},
        AKPD: {str(i.number): "ya" if n % 2 else "tidak" for n, i in enumerate(AKPD.items)},
        DCM: {str(DCM.items[0].number): True},
    }
    for definition, items in complete.items():
        measure, rows = filling.result_rows(definition, scoring.score_individual(definition, {"items": items}))
        assert len(rows) == len(definition.areas), definition.scoring
        assert all(0 <= row.width <= 100 for row in rows)
    _, rows = filling.result_rows(AKPD, scoring.score_individual(AKPD, {"items": complete[AKPD]}))
    said_yes = {i.text for n, i in enumerate(AKPD.items) if n % 2}
    assert {text for row in rows for text in row.items} == said_yes
    _, rows = filling.result_rows(DCM, scoring.score_individual(DCM, {"items": complete[DCM]}))
    assert rows[0].items == (DCM.items[0].text,)


@pytest.mark.parametrize(
    "changes",
    [
        ["items"],
        {"items": ["1"]},
        {"items": {"1": {"a": 1}}},
        {"items": {"1": ["J"]}},
        {"heavy": {"1": "ya"}},
        {"open": {"bicara": [{"x": 1}]}},
        {"open": {"lengkap": 1}},
    ],
)
def test_an_autosave_body_of_the_wrong_shape_is_refused_before_the_merge(changes):
    assert filling.check_changes(PTSDL, changes)


def test_an_autosave_body_of_the_right_shape_passes_to_the_merge():
    changes = {"items": {"1": True, "2": "J", "3": None}, "heavy": {"1": False}, "open": {"a": ["x"], "b": None}}
    assert filling.check_changes(AUM, changes) is None
