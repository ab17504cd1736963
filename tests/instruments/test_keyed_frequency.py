"""AUM PTSDL (keyed frequency scale) against profiles worked out by hand.

Definition: component P = items 1 (+), 2 (−), 3 (+); component T = items 4 (+), 5 (−).
Scale (published method): positive L→2, U→1, SR neutral, J/K a problem; negative J→2, K→1, SR
neutral, U/L a problem. Best score per item = 2.
"""

import json
from fractions import Fraction

import pytest

from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.kinds.keyed_frequency import scoring as keyed_frequency
from ekonseling.instruments.scoring import AnswersInvalid


def scale_point(code, positive, negative, problem_positive, problem_negative):
    return {
        "code": code,
        "label": code,
        "score_positive": positive,
        "score_negative": negative,
        "problem_positive": problem_positive,
        "problem_negative": problem_negative,
    }


DATA = {
    "code": "PTSDL-UJI",
    "version": "1",
    "title": "PTSDL uji",
    "school_levels": ["SMA"],
    "scoring": "keyed_frequency",
    "answer_format": "frequency_scale",
    "areas": [{"code": "P", "name": "Prasyarat"}, {"code": "T", "name": "Keterampilan belajar"}],
    "scale": [
        scale_point("J", 0, 2, True, False),
        scale_point("K", 0, 1, True, False),
        scale_point("SR", 0, 0, False, False),
        scale_point("U", 1, 0, False, True),
        scale_point("L", 2, 0, False, True),
    ],
    "items": [
        {"number": 1, "area": "P", "text": "Butir 1", "key": "+"},
        {"number": 2, "area": "P", "text": "Butir 2", "key": "-"},
        {"number": 3, "area": "P", "text": "Butir 3", "key": "+"},
        {"number": 4, "area": "T", "text": "Butir 4", "key": "+"},
        {"number": 5, "area": "T", "text": "Butir 5", "key": "-"},
    ],
    "bands": [
        {"lower": 0, "upper": 20, "label": "Sangat tidak baik"},
        {"lower": 21, "upper": 40, "label": "Tidak baik"},
        {"lower": 41, "upper": 60, "label": "Cukup baik"},
        {"lower": 61, "upper": 80, "label": "Baik"},
        {"lower": 81, "upper": 100, "label": "Sangat baik"},
    ],
}
DEF = load_definition(json.dumps(DATA), "ptsdl.json")

S1 = {"respondent": "S1", "items": {1: "L", 2: "J", 3: "SR", 4: "K", 5: "L"}}
S2 = {"respondent": "S2", "items": {1: "U", 2: "K", 3: "L", 4: "L", 5: "J"}}
S3 = {"respondent": "S3", "items": {1: "J", 2: "U", 3: "K", 4: "SR", 5: "SR"}}


def test_individual_profile_by_hand():
    result = keyed_frequency.score_individual(DEF, S1)
    p, t = result.components
    # P: item 1 (+) L → 2; item 2 (−) J → 2; item 3 (+) SR → 0, neutral
    #    Skor% = 4 / (2 × 3) × 100 = 66.67 % → "Baik"; Masalah% = 0 / 3 = 0 %
    assert (p.score, p.items, p.max_item_score) == (4, 3, 2)
    assert p.score_percent.value == Fraction(200, 3) and p.score_percent.denominator_terms == (2, 3)
    assert p.score_percent.formula == "4 / (2 × 3) × 100 = 66,67 %"
    assert p.problems == () and p.neutral == (3,) and p.problem_percent.value == 0
    assert p.band.label == "Baik"
    # T: item 4 (+) K → 0, a problem; item 5 (−) L → 0, a problem
    #    Skor% = 0 / (2 × 2) = 0 % → "Sangat tidak baik"; Masalah% = 2 / 2 × 100 = 100 %
    assert t.score_percent.value == 0 and t.problems == (4, 5) and t.problem_percent.value == 100
    assert t.band.label == "Sangat tidak baik"
    # all items: Skor% = 4 / (2 × 5) × 100 = 40 %; Masalah% = 2 / 5 × 100 = 40 %
    assert result.score_percent.value == 40 and result.problem_percent.value == 40


def test_neutral_answers_count_neither_score_nor_problem_but_stay_in_the_denominator():
    result = keyed_frequency.score_individual(DEF, S3)
    t = result.components[1]
    # T: items 4 and 5 both SR → score 0 / (2 × 2) = 0 %, problems 0 / 2 = 0 %, both neutral
    assert (t.score, t.problems, t.neutral) == (0, (), (4, 5))
    assert t.score_percent.denominator == 4 and t.problem_percent.denominator == 2
    # P: item 1 (+) J, item 2 (−) U, item 3 (+) K → all problems, score 0 → Masalah% 3/3 = 100 %
    p = result.components[0]
    assert p.problems == (1, 2, 3) and p.problem_percent.value == 100 and p.score_percent.value == 0


def test_best_answers_everywhere():
    best = {1: "L", 2: "J", 3: "L", 4: "L", 5: "J"}
    result = keyed_frequency.score_individual(DEF, {"items": best})
    # P: 6 / (2 × 3) = 100 %; T: 4 / (2 × 2) = 100 %
    assert [c.score_percent.value for c in result.components] == [100, 100]
    assert [c.band.label for c in result.components] == ["Sangat baik", "Sangat baik"]
    assert result.problem_percent.value == 0


def test_no_answers_is_an_error_not_zero():
    with pytest.raises(AnswersInvalid) as caught:
        keyed_frequency.score_individual(DEF, {})
    assert [error.path for error in caught.value.errors] == ["items"]
    assert "1, 2, 3, 4, 5" in caught.value.errors[0].message


def test_missing_item_and_value_outside_the_scale():
    answers = {"items": {1: "L", 2: "X", 3: "SR", 4: "K"}}
    with pytest.raises(AnswersInvalid) as caught:
        keyed_frequency.score_individual(DEF, answers)
    errors = {error.path: error.message for error in caught.value.errors}
    assert set(errors) == {"items[2]", "items"}
    assert "J, K, SR, U, L" in errors["items[2]"]
    assert errors["items"].endswith(": 5.")  # item 2 is wrong, not missing; only 5 is missing


def test_group_profile_n3_by_hand():
    group = keyed_frequency.score_group(DEF, [S1, S2, S3])
    p, t = group.components
    # P scores: S1 4, S2 (U→1, K→1, L→2) 4, S3 0 → Σ 8; Skor% = 8 / (2 × 3 × 3) × 100 = 44.44 % → "Cukup baik"
    #   problems: S1 0, S2 0, S3 3 → Σ 3; Masalah% = 3 / (3 × 3) × 100 = 33.33 %
    assert (p.score, p.problems, p.n) == (8, 3, 3)
    assert p.score_percent.value == Fraction(400, 9) and p.score_percent.denominator_terms == (2, 3, 3)
    assert p.problem_percent.value == Fraction(100, 3) and p.problem_percent.denominator_terms == (3, 3)
    assert p.band.label == "Cukup baik"
    # T scores: S1 0, S2 (L→2, J→2) 4, S3 0 → Σ 4; Skor% = 4 / (2 × 2 × 3) × 100 = 33.33 % → "Tidak baik"
    #   problems: S1 2, S2 0, S3 0 → Σ 2; Masalah% = 2 / (2 × 3) × 100 = 33.33 %
    assert (t.score, t.problems) == (4, 2)
    assert t.score_percent.value == Fraction(100, 3) and t.problem_percent.value == Fraction(100, 3)
    assert t.band.label == "Tidak baik"
    # equal Masalah% → definition order kept
    assert [c.code for c in group.components_ranked] == ["P", "T"]
    # problem items: 1, 2, 3 (S3), 4, 5 (S1) → each f 1 = 33.33 %
    assert [(row.number, row.frequency) for row in group.problem_ranking] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]


def test_scale_values_come_from_the_definition():
    # A school whose manual scores SR as 1 for both keys: same answers, different figures.
    data = json.loads(json.dumps(DATA))
    data["scale"][2] = scale_point("SR", 1, 1, False, False)
    changed = load_definition(json.dumps(data), "ptsdl.json")
    t = keyed_frequency.score_individual(changed, S3).components[1]
    # T: SR → 1 + SR → 1 = 2; 2 / (2 × 2) × 100 = 50 %
    assert t.score_percent.value == 50 and t.neutral == ()
    assert changed.fingerprint != DEF.fingerprint
