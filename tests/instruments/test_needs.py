"""AKPD / IKMS (yes/no needs) against profiles worked out by hand.

Definition: PRI (pribadi) items 1–3; SOS (sosial) items 4–5; BEL1 (belajar) items 6–7;
BEL2 (belajar) item 8 — so bidang belajar has 3 items over two areas.
"""

import json
from fractions import Fraction

import pytest

from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.kinds.needs import scoring as needs
from ekonseling.instruments.scoring import AnswersInvalid

AREAS = [
    ("PRI", "pribadi", (1, 2, 3)),
    ("SOS", "sosial", (4, 5)),
    ("BEL1", "belajar", (6, 7)),
    ("BEL2", "belajar", (8,)),
]
DEF = load_definition(
    json.dumps(
        {
            "code": "AKPD-UJI",
            "version": "1",
            "title": "AKPD uji",
            "school_levels": ["SMP"],
            "scoring": "needs",
            "answer_format": "yes_no",
            "areas": [{"code": code, "name": code, "bidang": bidang} for code, bidang, _ in AREAS],
            "items": [{"number": n, "area": code, "text": f"Butir {n}"} for code, _, numbers in AREAS for n in numbers],
        }
    ),
    "akpd.json",
)


def answers(*yes, respondent=None):
    return {"respondent": respondent, "items": {n: "ya" if n in yes else "tidak" for n in range(1, 9)}}


S1 = answers(1, 2, 4, 6, respondent="S1")
S2 = answers(1, 6, 7, 8, respondent="S2")
S3 = answers(1, 2, 3, 6, respondent="S3")


def test_individual_profile_by_hand():
    result = needs.score_individual(DEF, S1)
    # pribadi 2/3 = 66.67 %; sosial 1/2 = 50 %; belajar 1/3 (items 6, 7, 8) = 33.33 %
    assert [(b.code, b.yes, b.items, b.percent.value) for b in result.bidang] == [
        ("pribadi", 2, 3, Fraction(200, 3)),
        ("sosial", 1, 2, 50),
        ("belajar", 1, 3, Fraction(100, 3)),
    ]
    # per area: BEL1 1/2 = 50 %, BEL2 0/1 = 0 %
    assert [a.percent.value for a in result.areas] == [Fraction(200, 3), 50, 50, 0]
    assert result.yes_items == (1, 2, 4, 6)
    assert result.bidang[0].band is None  # no bands in this definition


def test_all_yes_and_all_no():
    assert [b.percent.value for b in needs.score_individual(DEF, answers(*range(1, 9))).bidang] == [100, 100, 100]
    none = needs.score_individual(DEF, answers())
    assert [b.percent.value for b in none.bidang] == [0, 0, 0] and none.yes_items == ()
    group = needs.score_group(DEF, [answers(), answers()])
    assert group.ranking == {"pribadi": (), "sosial": (), "belajar": ()}


def test_blank_and_wrong_values_are_rejected():
    with pytest.raises(AnswersInvalid) as caught:
        needs.score_individual(DEF, {"items": {1: "Ya", 2: True}})
    paths = [error.path for error in caught.value.errors]
    assert paths == ["items[1]", "items[2]", "items"]
    assert caught.value.errors[-1].message.endswith(": 3, 4, 5, 6, 7, 8.")


def test_group_profile_n3_by_hand():
    group = needs.score_group(DEF, [S1, S2, S3])
    # item %: 1 → 3/3 = 100; 2 → 2/3; 3, 4 → 1/3; 5 → 0; 6 → 3/3; 7, 8 → 1/3
    assert [(i.number, i.yes) for i in group.items] == [(1, 3), (2, 2), (3, 1), (4, 1), (5, 0), (6, 3), (7, 1), (8, 1)]
    assert group.items[1].percent.value == Fraction(200, 3) and group.items[4].percent.value == 0
    # bidang: pribadi (3 + 2 + 1) / (3 × 3) = 66.67 %; sosial (1 + 0) / (2 × 3) = 16.67 %;
    #         belajar (3 + 1 + 1) / (3 × 3) = 55.56 %
    assert [(b.code, b.yes, b.percent.denominator_terms, b.percent.value) for b in group.bidang] == [
        ("pribadi", 6, (3, 3), Fraction(200, 3)),
        ("sosial", 1, (2, 3), Fraction(50, 3)),
        ("belajar", 5, (3, 3), Fraction(500, 9)),
    ]
    assert group.bidang[2].percent.display() == "55,56"
    # areas: BEL1 (3 + 1) / (2 × 3) = 66.67 %; BEL2 1 / (1 × 3) = 33.33 %
    assert [a.percent.value for a in group.areas][2:] == [Fraction(200, 3), Fraction(100, 3)]
    # ranking per bidang, most "ya" first, item 5 (no "ya") left out
    assert {k: [(r.number, r.frequency) for r in v] for k, v in group.ranking.items()} == {
        "pribadi": [(1, 3), (2, 2), (3, 1)],
        "sosial": [(4, 1)],
        "belajar": [(6, 3), (7, 1), (8, 1)],
    }
