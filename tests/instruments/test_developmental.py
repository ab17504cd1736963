"""ITP (developmental levels) against profiles worked out by hand.

Definition: 7 levels; aspect X = items 1, 2; Y = items 3, 4, 5; Z = item 6. Default target 5
(Seksama), Z overridden to 4. Option levels (a/b/c/d):
item 1: 1/3/5/7, item 2: 2/4/6/7, item 3: 1/4/5/6, item 4: 2/3/5/7, item 5: 3/4/6/7, item 6: 2/4/5/6.
"""

import json
from fractions import Fraction

import pytest

from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.kinds.developmental import scoring as developmental
from ekonseling.instruments.kinds.developmental.scoring import round_half_up
from ekonseling.instruments.scoring import AnswersInvalid

LEVELS = ["Impulsif", "Perlindungan Diri", "Konformistik", "Sadar Diri", "Seksama", "Individualistik", "Otonomi"]
OPTION_LEVELS = {1: (1, 3, 5, 7), 2: (2, 4, 6, 7), 3: (1, 4, 5, 6), 4: (2, 3, 5, 7), 5: (3, 4, 6, 7), 6: (2, 4, 5, 6)}
ASPECT = {1: "X", 2: "X", 3: "Y", 4: "Y", 5: "Y", 6: "Z"}
DEF = load_definition(
    json.dumps(
        {
            "code": "ITP-UJI",
            "version": "1",
            "title": "ITP uji",
            "school_levels": ["SMA"],
            "scoring": "developmental",
            "answer_format": "choice",
            "areas": [{"code": c, "name": f"Aspek {c}"} for c in "XYZ"],
            "levels": [{"value": i + 1, "name": name} for i, name in enumerate(LEVELS)],
            "target_level": 5,
            "targets": [{"area": "Z", "level": 4}],
            "items": [
                {
                    "number": n,
                    "area": ASPECT[n],
                    "text": f"Butir {n}",
                    "options": [{"code": c, "text": f"{c}", "level": lv} for c, lv in zip("abcd", levels, strict=True)],
                }
                for n, levels in OPTION_LEVELS.items()
            ],
        }
    ),
    "itp.json",
)

S1 = {"respondent": "S1", "items": {1: "c", 2: "b", 3: "b", 4: "c", 5: "b", 6: "b"}}
S2 = {"respondent": "S2", "items": {1: "a", 2: "a", 3: "d", 4: "d", 5: "d", 6: "a"}}
S3 = {"respondent": "S3", "items": {1: "d", 2: "d", 3: "c", 4: "c", 5: "a", 6: "c"}}


def test_round_half_up_differs_from_python_round():
    assert round_half_up(Fraction(9, 2)) == 5 and round(Fraction(9, 2)) == 4
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(13, 3)) == 4 and round_half_up(Fraction(20, 3)) == 7


def test_individual_profile_by_hand():
    result = developmental.score_individual(DEF, S1)
    x, y, z = result.aspects
    # X: item 1 c → 5, item 2 b → 4; mean 9/2 = 4.5 → half up 5 "Seksama"; target 5 → achieved
    assert x.item_levels == ((1, 5), (2, 4)) and x.mean == Fraction(9, 2)
    assert (x.level, x.level_name, x.target, x.below_target) == (5, "Seksama", 5, False)
    # Y: 4 + 5 + 4 = 13, mean 13/3 = 4.33 → 4 "Sadar Diri"; below target 5 → a task
    assert (y.mean, y.level, y.level_name, y.below_target) == (Fraction(13, 3), 4, "Sadar Diri", True)
    # Z: item 6 b → 4; target for Z is 4 (override) → achieved
    assert (z.level, z.target, z.below_target) == (4, 4, False)
    assert result.tasks == ("Y",)


def test_lowest_and_highest_answers():
    low = developmental.score_individual(DEF, {"items": dict.fromkeys(range(1, 7), "a")})
    # X: (1 + 2) / 2 = 1.5 → 2; Y: (1 + 2 + 3) / 3 = 2; Z: 2 → every aspect is a task
    assert [a.level for a in low.aspects] == [2, 2, 2] and low.tasks == ("X", "Y", "Z")
    high = developmental.score_individual(DEF, {"items": dict.fromkeys(range(1, 7), "d")})
    # X: (7 + 7) / 2 = 7; Y: (6 + 7 + 7) / 3 = 6.67 → 7; Z: 6
    assert [a.level for a in high.aspects] == [7, 7, 6] and high.tasks == ()


def test_missing_answers_and_unknown_options_are_rejected():
    with pytest.raises(AnswersInvalid) as caught:
        developmental.score_individual(DEF, {"items": {1: "e", 2: "a", 3: "a", 4: "a", 5: "a"}})
    errors = {error.path: error.message for error in caught.value.errors}
    assert set(errors) == {"items[1]", "items"}
    assert "a, b, c, d" in errors["items[1]"] and errors["items"].endswith(": 6.")
    with pytest.raises(AnswersInvalid):
        developmental.score_individual(DEF, {})


def test_group_profile_n3_by_hand():
    group = developmental.score_group(DEF, [S1, S2, S3])
    x, y, z = group.aspects
    # S2: X (1 + 2) / 2 = 1.5 → 2; Y (6 + 7 + 7) / 3 → 7; Z 2.  S3: X 7; Y (5 + 5 + 3) / 3 = 4.33 → 4; Z 5.
    # X levels: S1 5, S2 2, S3 7 → one student each at 2, 5, 7 (33.33 % each); below 5: S2 → 1/3
    assert [(s.level, s.count) for s in x.distribution if s.count] == [(2, 1), (5, 1), (7, 1)]
    assert x.distribution[1].percent.value == Fraction(100, 3) and x.distribution[0].percent.value == 0
    assert len(x.distribution) == 7
    assert x.below_target.value == Fraction(100, 3) and x.below_respondents == ("S2",)
    # Y levels: S1 4, S2 7, S3 4 → level 4: 2 of 3 = 66.67 %, level 7: 1; below 5: S1, S3
    assert [(s.level, s.count) for s in y.distribution if s.count] == [(4, 2), (7, 1)]
    assert y.distribution[3].percent.value == Fraction(200, 3)
    assert y.below_target.value == Fraction(200, 3) and y.below_respondents == ("S1", "S3")
    # Z levels: 4, 2, 5; target 4 → below: S2 only
    assert z.target == 4 and z.below_respondents == ("S2",)
    # tasks: Y (66.67 %) first, then X and Z (33.33 %) in definition order
    assert [a.code for a in group.tasks] == ["Y", "X", "Z"]


def test_group_where_everybody_reaches_the_target_has_no_tasks():
    high = {"items": dict.fromkeys(range(1, 7), "d")}
    assert developmental.score_group(DEF, [high, high]).tasks == ()
