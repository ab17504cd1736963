"""Round nineteen of the risk screen (docs/risk-screening.md): no phrase was written. Chat shorthand the
normalisation now reads ("dkt" is "dekat", not the consonants of "diikat"; "hpku" is "hp aku", so the
phone negatives apply), found on ordinary traffic (risk.EVERYDAY_SETS); the model's context threshold and
the lexicon's vetoes are tested in test_risk_model.py.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_flagged, assert_no_alert, assert_not_from_the_fresh_sets

# The shorthand, read in ordinary messages: nothing is raised.
# Each of them raised an alert before this round (physical abuse: "diikat" + a room; suicide: "mati aja").
EVERYDAY_SHORTHAND = [
    "rumahku dkt rumah pakde, jadi pulang jalan kaki",
    "kelasku dkt wc, baunya kemana2 bu",
    "aku duduk dkt kamar mandi pas ujian",
    "hpku mati aja terus dari pagi bu",
    "hpku mati, pake hp mama aja ya bu",
    "hpku mati wae bu, ra iso chat",
]
# The words the shorthand could have been confused with still alert where they are meant.
TRUE_POSITIVES = [
    ("aku diikat di gudang semalaman sama bapak", "physical_abuse", "high"),
    ("aku pengen mati aja bu, udah gak kuat", "suicide", "high"),
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets(EVERYDAY_SHORTHAND + [text for text, _, _ in TRUE_POSITIVES])


@pytest.mark.parametrize("text", EVERYDAY_SHORTHAND)
def test_chat_shorthand_raises_no_alert(text):
    assert_no_alert(text)


def test_the_shorthand_is_read_as_the_word_it_stands_for():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("dkt") == lexicon.tokens("dekat")
    assert lexicon.tokens("hpku mati") == lexicon.tokens("hp aku mati")


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_the_words_it_could_be_taken_for_still_alert(text, category, triage):
    assert_flagged(text, category, triage)
