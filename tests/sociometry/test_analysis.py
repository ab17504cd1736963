"""The analysis against sociomatrices worked out by hand (see the comments for the arithmetic)."""

from fractions import Fraction

import pytest

from ekonseling.sociometry import analysis
from ekonseling.sociometry.analysis import ISOLATE, NEGLECTED, REJECTED, STAR, Member, Pick

A, B, C, D, E, F, G = range(1, 8)
SEVEN = [Member(i, name, "L" if i % 2 else "P") for i, name in zip(range(1, 8), "ABCDEFG", strict=True)]


def picks(spec):
    """{chooser: ([first, second, third], [rejected...])} -> Picks."""
    out = []
    for chooser, (chosen, rejected) in spec.items():
        out += [Pick(chooser, c, rank) for rank, c in enumerate(chosen, start=1)]
        out += [Pick(chooser, r, rank, positive=False) for rank, r in enumerate(rejected, start=1)]
    return out


# The class of seven, three choices weighted 3-2-1, one rejection each (hand-worked):
#
#        chooses (1st, 2nd, 3rd)   rejects
#   A    B  C  D                   F
#   B    A  C  E                   F
#   C    A  B  D                   F
#   D    C  A  B                   -
#   E    B  A  D                   F
#   F    (did not answer)
#   G    A  C  B                   -
#
# Received:  A  C=5 S=3+3+2+2+3=13   B  C=5 S=3+2+1+3+1=10   C  C=4 S=2+2+3+2=9
#            D  C=3 S=1+1+1=3        E  C=1 S=1              F  C=0 S=0 R=4     G  C=0 S=0
# mean S = 36/7 = 5.143; SD = sqrt(174.857/7) = 4.998; star threshold 10.141 -> only A.
# neglected threshold 0.145 -> nobody (E has 1).
# R: F=4, others 0: mean 0.571, SD 1.400, threshold max(2, 1.971) = 2 -> F ditolak.
# G made three choices, exactly as A did, and received none: terisolir (the mistake of computing
# from choices made would rank G with A).
SEVEN_PICKS = picks(
    {
        A: ([B, C, D], [F]),
        B: ([A, C, E], [F]),
        C: ([A, B, D], [F]),
        D: ([C, A, B], []),
        E: ([B, A, D], [F]),
        G: ([A, C, B], []),
    }
)


@pytest.fixture
def seven():
    return analysis.analyse(SEVEN, SEVEN_PICKS, choices=3)


def test_received_counts_and_weighted_scores(seven):
    got = {m.name: (m.chosen_by, m.score, m.rejected_by) for m in seven.members}
    assert got == {
        "A": (5, 13, 0),
        "B": (5, 10, 0),
        "C": (4, 9, 0),
        "D": (3, 3, 0),
        "E": (1, 1, 0),
        "F": (0, 0, 4),
        "G": (0, 0, 0),
    }


def test_indices_are_over_n_minus_one(seven):
    by = seven.by_id()
    assert by[A].choice_status == Fraction(5, 6)
    assert by[F].rejection_status == Fraction(4, 6)
    assert by[F].balance == Fraction(-4, 6)
    assert by[D].balance == Fraction(3, 6)
    assert by[F].choice_status == 0


def test_thresholds(seven):
    t = seven.thresholds
    assert t.mean_score == pytest.approx(36 / 7)
    assert t.sd_score == pytest.approx(4.99796, abs=1e-4)
    assert t.star == pytest.approx(10.1408, abs=1e-3)
    assert t.rejected == 2


def test_categories(seven):
    got = {m.name: m.categories for m in seven.members}
    assert got == {
        "A": [STAR],
        "B": [],
        "C": [],
        "D": [],
        "E": [],
        "F": [REJECTED],
        "G": [ISOLATE],
    }


def test_indices_come_from_choices_received_not_made(seven):
    by = seven.by_id()
    # G made as many choices as the star A; F made none. Neither changes what they received.
    assert by[G].made == by[A].made == 3
    assert by[F].made == 0
    assert by[G].score == 0 and by[G].choice_status == 0
    assert ISOLATE in by[G].categories
    assert not by[F].responded and by[G].responded


def test_structures(seven):
    assert seven.mutual_pairs == [(A, B), (A, C), (A, D), (B, C), (B, E), (C, D)]
    assert seven.triangles == [(A, B, C), (A, C, D)]
    assert seven.cliques == [(A, B, C), (A, C, D)]
    assert seven.mutual_rejections == []
    assert seven.contradictory == []
    # First choices: A→B, B→A, C→A, D→C, E→B, G→A; A and B choose each other first.
    assert seven.chains == [(D, C, A, B), (E, B, A), (G, A, B)]
    assert seven.cohesion == Fraction(6, 21)
    assert seven.tension == 0


def test_a_student_with_no_choices_still_counts_in_n():
    # Removing F's row changes nothing (F made none); removing F as a member changes N.
    without_f = analysis.analyse([m for m in SEVEN if m.id != F], SEVEN_PICKS, choices=3)
    assert without_f.by_id()[A].choice_status == Fraction(5, 5)
    assert without_f.cohesion == Fraction(6, 15)


# Ties at the top, two choices weighted 2-1 (hand-worked):
#   A: B C    B: C A    C: A B    D: A B    E: B A
#   A S = 1+2+2+1 = 6, B S = 2+1+1+2 = 6, C S = 1+2 = 3, D = E = 0; mean 3, SD sqrt(36/5) = 2.683
#   star threshold 5.683: A and B both stars; D and E terisolir; C nothing.
def test_tied_stars():
    members = [Member(i, n) for i, n in zip(range(1, 6), "ABCDE", strict=True)]
    result = analysis.analyse(
        members, picks({1: ([2, 3], []), 2: ([3, 1], []), 3: ([1, 2], []), 4: ([1, 2], []), 5: ([2, 1], [])}), choices=2
    )
    got = {m.name: (m.score, m.categories) for m in result.members}
    assert got == {"A": (6, [STAR]), "B": (6, [STAR]), "C": (3, []), "D": (0, [ISOLATE]), "E": (0, [ISOLATE])}
    assert result.thresholds.sd_score == pytest.approx(2.68328, abs=1e-4)
    assert result.mutual_pairs == [(1, 2), (1, 3), (2, 3)]
    assert result.triangles == [(1, 2, 3)] == result.cliques


def test_everyone_equal_has_no_star_and_nobody_neglected():
    # Two mutual pairs, one choice each: every S is 1, SD 0.
    members = [Member(i, n) for i, n in zip(range(1, 5), "PQRS", strict=True)]
    result = analysis.analyse(members, picks({1: ([2], []), 2: ([1], []), 3: ([4], []), 4: ([3], [])}), choices=1)
    assert all(m.categories == [] for m in result.members)
    assert result.cohesion == Fraction(2, 6)


def test_neglected_and_mutual_rejection():
    # Six students, one choice and one rejection each. S: A 3 (B, C, D chose A)... worked below.
    #   A: B  rej E     B: A  rej E     C: A  rej F     D: A  rej F     E: F  rej A    F: C  rej E
    #   S (one choice weighs 1): A 3, B 1, C 1, D 0, E 0, F 1; mean 1, SD sqrt((4+0+0+1+1+0)/6) = 1
    #   star threshold 2: A. Neglected: S <= 0 and chosen — nobody; D and E never chosen.
    #   R: E 3 (A, B, F), F 2 (C, D), A 1 (E): mean 1, SD sqrt((4+1+0+1+1+1)/6) = 1.155, threshold 2.155
    #   -> E ditolak (3), F not (2). Mutual rejection: A and E reject each other.
    #   Contradictory (chose, was rejected by): E chose F, F rejected E; F chose C, C rejected F.
    members = [Member(i, n) for i, n in zip(range(1, 7), "ABCDEF", strict=True)]
    spec = {1: ([2], [5]), 2: ([1], [5]), 3: ([1], [6]), 4: ([1], [6]), 5: ([6], [1]), 6: ([3], [5])}
    result = analysis.analyse(members, picks(spec), choices=1)
    got = {m.name: m.categories for m in result.members}
    assert got == {"A": [STAR], "B": [], "C": [], "D": [ISOLATE], "E": [REJECTED], "F": []}
    assert result.contradictory == [(5, 6), (6, 3)]
    assert result.mutual_rejections == [(1, 5)]
    assert result.tension == Fraction(1, 15)


def test_neglected_category_when_the_spread_allows():
    # Ten students, k = 3: 3..9 choose 1, 2, 4; 10 chooses 1, 2, 3; 1 chooses 2, 4, 5; 2 chooses 1, 4, 5.
    members = [Member(i, str(i)) for i in range(1, 11)]
    spec = {i: ([1, 2, 4], []) for i in range(3, 11)}
    spec[10] = ([1, 2, 3], [])
    spec[1] = ([2, 4, 5], [])
    spec[2] = ([1, 4, 5], [])
    # 1: 3*8 (3..10) + 3 (2) = 27; 2: 2*8 + 3 (1) = 19; 3: 1 (10); 4: 1*6 (3, 5..9: 4 cannot
    # choose itself) + 2 + 2 = 10; 5: 1 + 1 = 2; 6..10: 0. Sum 59, mean 5.9; SD sqrt(846.9/10) = 9.2
    # -> neglected threshold < 0: nobody. So the rule's reach depends on the spread.
    result = analysis.analyse(members, picks(spec), choices=3)
    assert [m.score for m in result.members] == [27, 19, 1, 10, 2, 0, 0, 0, 0, 0]
    assert result.in_category(NEGLECTED) == []
    # A class where most are chosen moderately and one barely: 8 students in a ring choosing the
    # next two (k = 2: 2, 1), and 8 also chooses... hand-worked: ring i -> i+1 (2), i+2 (1)
    # gives everyone S = 3. Make 7 choose 1 and 2 instead of 8 and 1: 8 loses 2 points.
    ring = {i: ([i % 8 + 1, (i + 1) % 8 + 1], []) for i in range(1, 9)}
    ring[7] = ([1, 2], [])  # was 8 (2), 1 (1)
    ring[6] = ([7, 1], [])  # was 7 (2), 8 (1)
    members = [Member(i, str(i)) for i in range(1, 9)]
    result = analysis.analyse(members, picks(ring), choices=2)
    # S: 1: from 8 (2) + 7 (2) + 6 (1) = 5; 2: from 1 (2) + 8 (1) + 7 (1) = 4; 3: 2 (2) + 1 (1) = 3;
    # 4: 3; 5: 3; 6: 3; 7: from 6 (2) + 5 (1) = 3; 8: 0 (6 and 7 no longer). Sum 24, mean 3,
    # SD sqrt((4+1+0+0+0+0+0+9)/8) = sqrt(14/8) = 1.323 -> star >= 4.323: 1; neglected <= 1.677: -
    # 8 is never chosen (terisolir), and nobody sits between.
    assert [m.score for m in result.members] == [5, 4, 3, 3, 3, 3, 3, 0]
    assert [m.id for m in result.in_category(STAR)] == [1]
    assert [m.id for m in result.in_category(ISOLATE)] == [8]
    # 8 is chosen once, last, by 5 (instead of 7): 8 has 1, 7 has 2.
    ring[5] = ([6, 8], [])
    result = analysis.analyse(members, picks(ring), choices=2)
    # S: 1 5, 2 4, 3 3, 4 3, 5 3, 6 3, 7 2, 8 1: mean 3, SD sqrt((4+1+0+0+0+0+1+4)/8) = 1.118
    # neglected <= 1.882 and < 3: 8 (chosen once) is diabaikan.
    assert [m.score for m in result.members] == [5, 4, 3, 3, 3, 3, 2, 1]
    assert [m.id for m in result.in_category(NEGLECTED)] == [8]
    assert result.by_id()[8].chosen_by == 1


def test_invalid_picks_are_ignored():
    members = [Member(1, "A"), Member(2, "B"), Member(3, "C")]
    result = analysis.analyse(
        members,
        [
            Pick(1, 1, 1),  # oneself
            Pick(1, 2, 1),
            Pick(1, 2, 2),  # the same classmate twice: the better rank counts
            Pick(1, 9, 2),  # not a member (erased, another class)
            Pick(1, 3, 4),  # rank beyond k
            Pick(2, 3, 1),
            Pick(2, 1, 1),  # a second name for the same rank
        ],
        choices=3,
    )
    assert {m.id: m.score for m in result.members} == {1: 0, 2: 3, 3: 3}
    assert result.matrix == {(1, 2): (1, True), (2, 3): (1, True)}


def test_weights():
    assert [analysis.weight(r, 3) for r in (0, 1, 2, 3, 4)] == [0, 3, 2, 1, 0]
    assert [analysis.weight(r, 5) for r in (1, 5)] == [5, 1]


def test_compare_criteria_and_over_time(seven):
    other = analysis.analyse(SEVEN, picks({A: ([G], []), G: ([A], [])}), choices=3)
    compared = analysis.compare_criteria([seven, other])
    assert compared["shared_mutual"] == 0
    assert G in compared["differs"] and B in compared["differs"] and A not in compared["differs"]
    later = analysis.analyse(SEVEN, SEVEN_PICKS + picks({F: ([G, A, B], [])}), choices=3)
    over = analysis.compare_over_time(seven, later)
    assert over["no_longer_isolated"] == [G]
    assert over["newly_isolated"] == []
    assert over["cohesion"] == (Fraction(6, 21), Fraction(6, 21))
    row = next(r for r in over["rows"] if r.id == G)
    assert row.status_change == Fraction(1, 6)
