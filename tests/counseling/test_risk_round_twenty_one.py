"""Round twenty-one of the risk screen (docs/risk-screening.md): hopelessness phrased as the Beck
Hopelessness Scale's items — the future closed (items 7 and 18), never happy (17), nothing left to hope
for (12 and 16), a life that will never change (14 and 20) — the category the blind sets caught least
(6 of 8 on fresh-13 and on fresh-15); and the conditions that make "never happy" a figure of speech.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import (
    assert_flagged,
    assert_no_alert,
    assert_no_phrase_alert,
    assert_not_from_the_fresh_sets,
)

TRUE_POSITIVES = [
    "bu rasanya masa depanku udah buntu, gak tau mau ngapain lagi",
    "masa depan aku ketutup bu, gak ada yang bisa aku lakuin",
    "aku ngerasa gak akan pernah bahagia bu, apapun yang aku lakuin",
    "percuma berharap bu, ujung2nya aku kecewa lagi",
    "buat apa berharap kalau semuanya selalu gagal",
    "udah gak ada lagi yang bisa aku harapkan dari hidup ini",
    "hidupku gak bakal pernah membaik, dari dulu gini2 aja",
    "honestly I feel like I have no future",
    "there's nothing to look forward to anymore",
]
# "Never happy" under a condition, a wish or a joke; hoping about a match, a grade, a crush.
HARD_NEGATIVES = [
    "aku gak bakal bahagia kalau belum makan seblak wkwk",
    "gak akan pernah bahagia sebelum liburan dateng",
    "percuma berharap timnas lolos piala dunia",
    "percuma berharap nilai ulangan mtk bagus kalau gak belajar",
    "aku gak akan pernah bahagia tanpa kucingku hehe",
    "buat apa berharap dia bales chat, udah centang biru doang wkwk",
]

MARRIAGE_WITH_A_TIME = [
    "aku mau dijodohin sama juragan sawit, lamarannya sabtu ini bu",
    "bapak udah nentuin aku dinikahkan minggu ini, padahal aku masih kelas 10",
]
# Imminent from this round to round thirty-one; since round thirty-two a moment weeks away (after Lebaran,
# next month) is no near moment: high.
MARRIAGE_WEEKS_AWAY = [
    "bapak udah nentuin aku dinikahkan abis lebaran, padahal aku masih kelas 10",
    "aku dipaksa nikah bulan depan sama anak temen bapak, aku masih sma",
]
MARRIAGE_WITHOUT_A_TIME = "aku dijodohin sama om om, padahal aku masih smp"
# Each raised an imminent child-marriage alert before this round (a wedding word, school, "serahkan" read
# as seserahan, a day).
RELATIVES_WEDDINGS = [
    "bu saya izin tidak masuk sekolah hari sabtu, menghadiri pernikahan kakak saya, suratnya saya serahkan senin",
    "izin pak, besok saya tidak masuk sekolah karena acara nikahan teteh saya, ada seserahan juga",
]

# "nyerahin" (to leave a choice to someone) shares its stem with "seserahan" (wedding gifts): before this
# round the first raised an imminent child-marriage alert; the gifts are now read by their own word.
HANDED_OVER = "bu aku bingung pilih sma atau smk, ortu nyerahin semuanya ke aku"
WEDDING_GIFTS = "seserahannya udah disiapin padahal aku masih kelas 9"


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets(
        TRUE_POSITIVES
        + HARD_NEGATIVES
        + MARRIAGE_WITH_A_TIME
        + MARRIAGE_WEEKS_AWAY
        + [MARRIAGE_WITHOUT_A_TIME, HANDED_OVER, WEDDING_GIFTS]
        + RELATIVES_WEDDINGS
    )


@pytest.mark.parametrize("text", TRUE_POSITIVES)
def test_hopelessness_in_the_scales_words_is_flagged(text):
    assert_flagged(text, "hopelessness", "medium")


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_never_happy_as_a_figure_of_speech_fires_no_phrase(text):
    assert_no_phrase_alert(text)


@pytest.mark.parametrize("text", MARRIAGE_WITH_A_TIME)
def test_a_child_marriage_with_a_time_is_imminent(text):
    result = assert_flagged(text, "child_marriage", risk.IMMINENT)
    assert result.reason.startswith("child_marriage: intent with a time"), result


def test_a_child_marriage_without_a_time_stays_high():
    assert_flagged(MARRIAGE_WITHOUT_A_TIME, "child_marriage", "high")


@pytest.mark.parametrize("text", MARRIAGE_WEEKS_AWAY)
def test_a_child_marriage_weeks_away_stays_high(text):
    assert_flagged(text, "child_marriage", "high")


@pytest.mark.parametrize("text", RELATIVES_WEDDINGS)
def test_a_relatives_wedding_raises_no_alert(text):
    assert_no_alert(text)


def test_a_choice_left_to_the_student_is_no_wedding_gift():
    assert_no_alert(HANDED_OVER)
    assert_flagged(WEDDING_GIFTS, "child_marriage", "high")
