"""Round twenty-two of the risk screen (docs/risk-screening.md), tuned on fresh-13, fresh-15 and fresh-16
(read after fresh-17 was written blind): the regional words of dying, wanting, will, later, tonight and
tomorrow that the lexicon did not read (Acehnese and Madurese "mate", Javanese krama "pejah", Batak "naeng",
Palembang "kagek", Madurese "satea", Balinese "benjang"…), harm verbs of Javanese and Palembang; the English
self-harm phrase that never matched "burn myself" (it needed "my"); harm announced for a known near time
(stripped by classmates tomorrow, left alone with the abuser tonight, "about to"); an act of self-injury just
done; and the insects a student kills, the issue's own false alarm.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import (
    assert_flagged,
    assert_no_alert,
    assert_no_phrase_alert,
    assert_not_from_the_fresh_sets,
)

# (text, category, triage)
TRUE_POSITIVES = [
    # regional words of dying and wanting
    ("sengko' terro mateh, tak kowat pole", "suicide", "high"),
    ("lon keuneuk maté mantong bu", "suicide", "high"),
    ("kulo pengin pejah mawon bu", "suicide", "high"),
    ("tiang kepikiran mate gen, tiang lelah", "suicide", "high"),
    # … with a regional time word: intent with a time
    ("malem satea kaula terro mate bu, tali ampon siap", "suicide", risk.IMMINENT),
    ("benjang tiang jagi ngelompat saking jembatan, tiang pengin pejah", "suicide", risk.IMMINENT),
    ("kagek balek sekolah aku nak nujah dio pake pisau", "violence", risk.IMMINENT),
    # harm verbs: Javanese touching, beating, slapping
    ("pakdhe kerep ndemek-ndemek aku yen omah sepi", "sexual_abuse", "high"),
    ("adhiku digebugi bapak nganggo sapu", "physical_abuse", "high"),
    ("inyong digaplok pak guru neng ngarep kelas", "physical_abuse", "high"),
    ("bapak kulo ngamuk lan napuk ibu saben dalu", "domestic_violence", "high"),
    ("kulo mboten wonten dalan metu malih bu", "hopelessness", "medium"),
    # English self-harm without "my"
    ("i burn myself when everything gets too loud", "self_harm", "high"),
    ("i hit myself until my head hurts", "self_harm", "high"),
    ("I'm about to burn myself again, the lighter is right here", "self_harm", risk.IMMINENT),
    # harm announced for a known near time
    ("besok mereka mau nelanjangin aku di toilet cowok", "bullying", risk.IMMINENT),
    (
        "om suka pegang-pegang aku kalau rumah sepi. nanti malam aku ditinggal sama om di rumah",
        "sexual_abuse",
        risk.IMMINENT,
    ),
    # an act just done
    ("barusan aku nyayat tangan lagi bu, perih banget", "self_harm", risk.IMMINENT),
    ("aku suka gores paha pake benda tajam kalau lagi kacau", "self_harm", "high"),
]
# The same verbs not meant as harm; the insects (the false alarm: a mosquito killed with a racket).
HARD_NEGATIVES = [
    "I burned myself on the oven while cooking dinner",
    "I hurt myself playing football yesterday, my knee is swollen",
    "nyamuk di kamar asrama banyak banget bu, tadi pagi aku bunuh 10 ekor",
    "kecoak di dapur sekolah gede banget, aku bunuh pake sapu",
    "semut di meja banyak bu, aku bunuh semua pake tisu",
]
# Not an alert since this round: each was a violence alert before.
INSECTS = HARD_NEGATIVES[2:]
STILL_VIOLENCE = "aku mau bunuh dia besok pulang sekolah"
# Without a time the stripping and the touching keep their category's severity: the time makes them imminent.
WITHOUT_A_TIME = [
    ("mereka pernah nelanjangin aku di toilet cowok", "bullying", "medium"),
    ("om suka pegang-pegang aku, aku sering ditinggal sama om", "sexual_abuse", "high"),
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets(
        [text for text, *_ in TRUE_POSITIVES] + HARD_NEGATIVES + [STILL_VIOLENCE] + [t for t, *_ in WITHOUT_A_TIME]
    )


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_flagged_in_its_category_and_triage(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_the_same_verbs_not_meant_as_harm_fire_no_phrase(text):
    assert_no_phrase_alert(text)


@pytest.mark.parametrize("text", INSECTS)
def test_killing_insects_raises_no_alert(text):
    assert_no_alert(text)


def test_a_threat_against_a_person_is_still_violence():
    assert_flagged(STILL_VIOLENCE, "violence", risk.IMMINENT)


@pytest.mark.parametrize(("text", "category", "severity"), WITHOUT_A_TIME)
def test_without_a_time_the_harm_keeps_its_severity(text, category, severity):
    assert_flagged(text, category, severity)


def test_the_english_phrase_needing_my_was_the_defect():
    # "scratch|cut|burn|hit|punch my arms|…|myself" has three slots: "burn my arm" matched, "burn myself" not
    lexicon = risk.load_lexicon(model=None)
    assert lexicon.screen("i burn my arm sometimes").flagged
    assert lexicon.screen("i burn myself sometimes").categories == ("self_harm",)
