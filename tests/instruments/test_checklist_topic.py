"""DCM (checklist by topic) against profiles worked out by hand.

Definition: KES (pribadi) items 1–4, item 4 critical; EMO (pribadi) items 5–6; SOS (sosial) items
7–9; BLJ (belajar) items 10–14. Bands 0–20 … 81–100.
"""

import json
from fractions import Fraction

import pytest

from ekonseling.instruments.definition import load_definition
from ekonseling.instruments.kinds.checklist_topic import scoring as checklist_topic
from ekonseling.instruments.scoring import AnswersInvalid

TOPICS = [("KES", "pribadi", range(1, 5)), ("EMO", "pribadi", range(5, 7)), ("SOS", "sosial", range(7, 10))]
TOPICS.append(("BLJ", "belajar", range(10, 15)))
DEF = load_definition(
    json.dumps(
        {
            "code": "DCM-UJI",
            "version": "1",
            "title": "DCM uji",
            "school_levels": ["SMP"],
            "scoring": "checklist_topic",
            "answer_format": "checklist",
            "areas": [{"code": code, "name": code, "bidang": bidang} for code, bidang, _ in TOPICS],
            "items": [
                {"number": n, "area": code, "text": f"Butir {n}"} for code, _, numbers in TOPICS for n in numbers
            ],
            "open_questions": [{"code": "ingin_konseling", "text": "Ingin konseling?", "type": "yes_no"}],
            "bands": [
                {"lower": 0, "upper": 20, "label": "A"},
                {"lower": 21, "upper": 40, "label": "B"},
                {"lower": 41, "upper": 60, "label": "C"},
                {"lower": 61, "upper": 80, "label": "D"},
                {"lower": 81, "upper": 100, "label": "E"},
            ],
            "critical_items": [4],
        }
    ),
    "dcm.json",
)


def ticks(*numbers):
    return dict.fromkeys(numbers, True)


S1 = {"respondent": "A", "items": ticks(1, 4, 7, 10, 11), "open": {"ingin_konseling": "ya"}}
S2 = {"respondent": "B", "items": ticks(2, 5, 6), "open": {"ingin_konseling": "tidak"}}
S3 = {"respondent": "C", "items": ticks(4)}


def test_individual_profile_by_hand():
    result = checklist_topic.score_individual(DEF, S1)
    kes, emo, sos, blj = result.topics
    # KES 2/4 → 50 % (C); EMO 0/2 → 0 % (A); SOS 1/3 → 33.33 % (B); BLJ 2/5 → 40 % (B)
    assert [(t.code, len(t.ticked), t.items, t.percent.value) for t in result.topics] == [
        ("KES", 2, 4, 50),
        ("EMO", 0, 2, 0),
        ("SOS", 1, 3, Fraction(100, 3)),
        ("BLJ", 2, 5, 40),
    ]
    assert [t.band.label for t in result.topics] == ["C", "A", "B", "B"]
    # bidang pribadi = (2 + 0) / (4 + 2) × 100 = 33.33 % — not the mean of 50 % and 0 % (25 %)
    pribadi, sosial, belajar = result.bidang
    assert (pribadi.bidang, pribadi.ticked, pribadi.items, pribadi.percent.value) == ("pribadi", 2, 6, Fraction(100, 3))
    assert (sosial.ticked, sosial.items) == (1, 3) and belajar.percent.value == 40
    # overall 5 / 14 × 100 = 35.71 %
    assert result.overall.value == Fraction(500, 14) and result.overall.display() == "35,71"
    # the critical item 4 is reported on its own
    assert result.critical_ticked == (4,)


def test_no_answers_and_everything_ticked():
    empty = checklist_topic.score_individual(DEF, {})
    assert [t.percent.value for t in empty.topics] == [0, 0, 0, 0]
    assert [b.percent.value for b in empty.bidang] == [0, 0, 0]
    assert empty.critical_ticked == ()
    full = checklist_topic.score_individual(DEF, {"items": ticks(*range(1, 15))})
    assert [t.percent.value for t in full.topics] == [100, 100, 100, 100]
    assert [t.band.label for t in full.topics] == ["E"] * 4
    assert full.overall.value == 100 and full.critical_ticked == (4,)


def test_a_topic_with_no_answers():
    result = checklist_topic.score_individual(DEF, S2)
    # KES 1/4 = 25 %, EMO 2/2 = 100 %, SOS and BLJ untouched = 0 %; pribadi (1 + 2) / 6 = 50 %
    assert [t.percent.value for t in result.topics] == [25, 100, 0, 0]
    assert result.bidang[0].percent.value == 50


def test_bad_answers():
    with pytest.raises(AnswersInvalid) as caught:
        checklist_topic.score_individual(DEF, {"items": {15: True}, "heavy": [1]})
    # DCM has no heavy items; item 15 does not exist
    assert sorted(error.path for error in caught.value.errors) == ["heavy", "items[15]"]


def test_group_profile_n3_by_hand():
    group = checklist_topic.score_group(DEF, [S1, S2, S3])
    # KES: 2 + 1 + 1 = 4 / (4 × 3) = 33.33 %; EMO: 0 + 2 + 0 = 2 / (2 × 3) = 33.33 %
    # SOS: 1 / (3 × 3) = 11.11 %; BLJ: 2 / (5 × 3) = 13.33 %
    assert [(t.code, t.total, t.percent.denominator_terms, t.percent.value) for t in group.topics] == [
        ("KES", 4, (4, 3), Fraction(100, 3)),
        ("EMO", 2, (2, 3), Fraction(100, 3)),
        ("SOS", 1, (3, 3), Fraction(100, 9)),
        ("BLJ", 2, (5, 3), Fraction(40, 3)),
    ]
    assert [t.band.label for t in group.topics] == ["B", "B", "A", "A"]
    # pribadi: (4 + 2) / ((4 + 2) × 3) = 6 / 18 = 33.33 %; sosial 1 / 9; belajar 2 / 15
    assert [(b.bidang, b.total, b.items, b.percent.value) for b in group.bidang] == [
        ("pribadi", 6, 6, Fraction(100, 3)),
        ("sosial", 1, 3, Fraction(100, 9)),
        ("belajar", 2, 5, Fraction(40, 3)),
    ]
    # overall: 9 ticks / (14 × 3) = 21.43 %
    assert group.overall.value == Fraction(900, 42)
    # critical item 4 ticked by A and C
    (alert,) = group.critical
    assert (alert.number, alert.respondents, alert.count) == (4, ("A", "C"), 2)
    # ranking: item 4 f 2 (66.67 %) first, then the f-1 items in item order
    assert [(r.number, r.frequency) for r in group.item_ranking][:3] == [(4, 2), (1, 1), (2, 1)]
    # "ingin konseling": ya 1, tidak 1, answered by 2 of 3
    assert group.open_tallies[0].counts == (("ya", 1), ("tidak", 1)) and group.open_tallies[0].answered == 2


def test_group_without_critical_ticks_has_no_alert():
    assert checklist_topic.score_group(DEF, [S2, {}]).critical == ()
