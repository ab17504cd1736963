"""AUM Umum (checklist + heavy items) against profiles worked out by hand.

Definition used throughout: area A = items 1–5, area B = items 6–8 (8 items), bands 0–20 … 81–100.
"""

import json
from fractions import Fraction

import pytest

from ekonseling.instruments import scoring
from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.kinds.checklist_heavy import scoring as checklist_heavy
from ekonseling.instruments.scoring import AnswersInvalid

BANDS = [
    {"lower": 0, "upper": 20, "label": "A"},
    {"lower": 21, "upper": 40, "label": "B"},
    {"lower": 41, "upper": 60, "label": "C"},
    {"lower": 61, "upper": 80, "label": "D"},
    {"lower": 81, "upper": 100, "label": "E"},
]


def make_definition(**changes):
    data = {
        "code": "AUM-UJI",
        "version": "1",
        "title": "AUM uji",
        "school_levels": ["SMA"],
        "scoring": "checklist_heavy",
        "answer_format": "checklist_heavy",
        "areas": [{"code": "A", "name": "Area A"}, {"code": "B", "name": "Area B"}],
        "items": [{"number": n, "area": "A" if n <= 5 else "B", "text": f"Butir {n}"} for n in range(1, 9)],
        "open_questions": [
            {
                "code": "bicara",
                "text": "Dengan siapa ingin bicara?",
                "type": "choice",
                "multiple": True,
                "choices": [{"code": "guru_bk", "label": "Guru BK"}, {"code": "teman", "label": "Teman"}],
            }
        ],
        "bands": BANDS,
    }
    data.update(changes)
    return load_definition(json.dumps(data), "aum.json")


DEF = make_definition()
S1 = {"respondent": "S1", "items": {1: True, 2: True, 6: True}, "heavy": [2], "open": {"bicara": ["guru_bk"]}}
S2 = {
    "respondent": "S2",
    "items": dict.fromkeys((1, 3, 4, 5, 6, 7, 8), True),
    "heavy": [1, 7],
    "open": {"bicara": ["guru_bk", "teman"]},
}
S3 = {"respondent": "S3", "items": {}}


def test_individual_profile_by_hand():
    result = checklist_heavy.score_individual(DEF, S1)
    a, b = result.areas
    # A: 2 of 5 ticked → 2/5×100 = 40 % → band "21–40" (40 ≤ 40)
    assert (a.count, a.items, a.percent.value, a.band.label) == (2, 5, 40, "B")
    assert a.ticked == (1, 2) and a.heavy == (2,)
    # B: 1 of 3 ticked → 100/3 = 33.33 % → band "21–40"
    assert (b.count, b.items, b.percent.value, b.band.label) == (1, 3, Fraction(100, 3), "B")
    assert b.percent.display() == "33,33"
    assert b.percent.formula == "1 / 3 × 100 = 33,33 %"
    # overall: 3 of 8 items → 37.5 %; heavy 1 of 8 → 12.5 %
    assert result.overall.value == Fraction(75, 2)
    assert result.heavy_overall.value == Fraction(25, 2)
    assert result.respondent == "S1" and result.open == {"bicara": ("guru_bk",)}


def test_no_answers_is_all_zero():
    result = checklist_heavy.score_individual(DEF, {})
    assert [area.count for area in result.areas] == [0, 0]
    assert [area.percent.value for area in result.areas] == [0, 0]
    assert [area.band.label for area in result.areas] == ["A", "A"]
    assert result.overall.value == 0 and result.heavy == ()


def test_everything_ticked_and_heavy():
    everything = list(range(1, 9))
    result = checklist_heavy.score_individual(DEF, {"items": dict.fromkeys(everything, True), "heavy": everything})
    # A: 5/5 → 100 %; B: 3/3 → 100 %; overall 8/8 → 100 %
    assert [area.percent.value for area in result.areas] == [100, 100]
    assert [area.band.label for area in result.areas] == ["E", "E"]
    assert result.overall.value == 100 and result.heavy_overall.value == 100


def test_area_with_no_answers_next_to_an_answered_one():
    result = checklist_heavy.score_individual(DEF, {"items": {6: True, 7: True}})
    # A: 0/5 → 0 %; B: 2/3 → 66.67 % → band "61–80"
    assert result.areas[0].percent.value == 0
    assert result.areas[1].percent.value == Fraction(200, 3) and result.areas[1].band.label == "D"


def test_heavy_item_must_be_ticked():
    with pytest.raises(AnswersInvalid) as caught:
        checklist_heavy.score_individual(DEF, {"items": {1: True}, "heavy": [1, 3]})
    assert [error.path for error in caught.value.errors] == ["heavy[1]"]
    assert "tidak dicentang" in caught.value.errors[0].message


def test_unchecked_false_item_cannot_be_heavy():
    with pytest.raises(AnswersInvalid) as caught:
        checklist_heavy.score_individual(DEF, {"items": {1: False}, "heavy": [1]})
    assert caught.value.errors[0].path == "heavy[0]"


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"items": {99: True}}, "items[99]"),
        ({"items": {"x": True}}, "items[x]"),
        ({"items": {1: "ya"}}, "items[1]"),
        ({"heavy": [42]}, "heavy[0]"),
        ({"open": {"bicara": ["dukun"]}}, "open.bicara"),
        ({"open": {"tidak_ada": "x"}}, "open.tidak_ada"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_answers_name_their_place(answers, path):
    with pytest.raises(AnswersInvalid) as caught:
        checklist_heavy.score_individual(DEF, answers)
    assert [error.path for error in caught.value.errors] == [path]


def test_json_string_item_numbers_are_accepted():
    # answers that went through JSON have string keys
    result = checklist_heavy.score_individual(DEF, json.loads(json.dumps(S1)))
    assert result.ticked == (1, 2, 6) and result.heavy == (2,)


def test_group_profile_n3_by_hand():
    group = checklist_heavy.score_group(DEF, [S1, S2, S3])
    a, b = group.areas
    # A: individual J = 2 (S1), 4 (S2: 1,3,4,5), 0 (S3) → R 0, T 4, J 6
    #    P% = 6 / (5 × 3) × 100 = 40 %, M = 6/3 = 2; heavy: item 2 (S1) + item 1 (S2) = 2, mean 2/3
    assert (a.lowest, a.highest, a.total, a.n) == (0, 4, 6, 3)
    assert a.percent.value == 40 and a.percent.denominator_terms == (5, 3)
    assert a.percent.formula == "6 / (5 × 3) × 100 = 40,00 %"
    assert a.mean == 2 and a.heavy_total == 2 and a.heavy_mean == Fraction(2, 3)
    assert a.band.label == "B"
    # B: J = 1 (S1), 3 (S2), 0 (S3) → R 0, T 3, J 4; P% = 4 / (3 × 3) × 100 = 44.44 %; M = 4/3
    #    heavy: item 7 (S2) → 1, mean 1/3
    assert (b.lowest, b.highest, b.total) == (0, 3, 4)
    assert b.percent.value == Fraction(400, 9) and b.percent.display() == "44,44"
    assert b.mean == Fraction(4, 3) and b.heavy_total == 1 and b.heavy_mean == Fraction(1, 3)
    assert b.band.label == "C"
    # areas ranked by P%: B 44.44 before A 40
    assert [area.code for area in group.areas_ranked] == ["B", "A"]
    # overall: 10 ticks / (8 items × 3) × 100 = 41.67 %
    assert group.overall.value == Fraction(1000, 24)
    # items: 1 and 6 ticked by S1 and S2 → f 2, 2/3 × 100 = 66.67 %; the rest f 1, in item order
    assert [(row.number, row.frequency) for row in group.item_ranking] == [
        (1, 2),
        (6, 2),
        (2, 1),
        (3, 1),
        (4, 1),
        (5, 1),
        (7, 1),
        (8, 1),
    ]
    assert group.item_ranking[0].percent.value == Fraction(200, 3)
    # heavy: 2 (S1), 1 and 7 (S2) → each f 1 = 33.33 %
    assert [(row.number, row.frequency) for row in group.heavy_ranking] == [(1, 1), (2, 1), (7, 1)]
    assert group.heavy_ranking[0].percent.value == Fraction(100, 3)
    # whom to talk to: guru BK S1 + S2 = 2, teman S2 = 1; answered by 2 of 3
    (tally,) = group.open_tallies
    assert tally.question == "bicara" and tally.counts == (("guru_bk", 2), ("teman", 1)) and tally.answered == 2


def test_group_accepts_individual_results_and_the_registry_agrees():
    results = [checklist_heavy.score_individual(DEF, answers) for answers in (S1, S2, S3)]
    assert checklist_heavy.score_group(DEF, results) == checklist_heavy.score_group(DEF, [S1, S2, S3])
    assert scoring.get("checklist_heavy") is checklist_heavy
    assert scoring.score_group(DEF, results) == checklist_heavy.score_group(DEF, results)


def test_group_refuses_results_of_another_definition_and_empty_groups():
    other = make_definition(version="2")
    foreign = checklist_heavy.score_individual(other, S1)
    with pytest.raises(ValueError, match="definisi instrumen lain"):
        checklist_heavy.score_group(DEF, [foreign])
    with pytest.raises(ValueError, match="N = 0"):
        checklist_heavy.score_group(DEF, [])


def test_counts_come_from_the_definition_not_from_code():
    # Same answers, an area made bigger: the denominator follows the definition (2 of 7 → 28.57 %).
    bigger = make_definition(
        items=[{"number": n, "area": "A" if n <= 7 else "B", "text": f"Butir {n}"} for n in range(1, 11)]
    )
    result = checklist_heavy.score_individual(bigger, {"items": {1: True, 2: True}})
    assert (result.areas[0].items, result.areas[0].percent.value) == (7, Fraction(200, 7))
