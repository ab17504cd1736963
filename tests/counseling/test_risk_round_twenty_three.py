"""Round twenty-three of the risk screen (docs/risk-screening.md), tuned on fresh-17 (read after fresh-18 was
written blind): the words of Pontianak Malay, Bugis, Sasak, Batak, Acehnese, Balinese, Minang, Kupang and
Javanese krama for I, swallowing, poison, preparing, marrying off, hitting, giving and mocking; death as rest
without end; a farewell letter to a parent; an overdose taken; English self-harm and a parent's abuse in
the past tense; a weapon brought to school; private chats spread; a parent who rarely feeds the child;
stories and novels about child marriage.

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
    ("rasanya aku pengen tidur selamanya aja bu, gak bangun lagi", "suicide", "high"),
    ("kamek dah ndak sanggop agik bu, kamek pengen mati jak", "suicide", "high"),
    ("aku udah nulis surat buat mama, besok subuh aku mau loncat dari jembatan", "suicide", risk.IMMINENT),
    ("purani upasadia racung bu, iyya elo mate", "suicide", risk.IMMINENT),
    ("aku barusan minum obat tidur sebungkus bu, sekarang pusing banget", "suicide", risk.IMMINENT),
    ("bu aku wis nguntal pil sak plastik", "suicide", risk.IMMINENT),
    ("I just burned myself again, it really hurts", "self_harm", risk.IMMINENT),
    ("i scratched my arms until they bled last night", "self_harm", "high"),
    ("my stepdad hit me again because I forgot to lock the gate", "physical_abuse", "high"),
    ("amangku tongtong mamalu au, ndang tahan au", "physical_abuse", "high"),
    ("ambo jarang dibari makan dek urang rumah", "neglect", "high"),
    ("screenshot obrolan aku sama pacar disebarin di grup angkatan", "bullying", "medium"),
    ("tiang kaejek terus, buku tiange kaentungang ke got", "bullying", "medium"),
    ("tiang tepaksa merariq jemak, tiang masih SMP", "child_marriage", risk.IMMINENT),
    ("tiyang sepuh kula badhe nikahaken kula, kula taksih SMP", "child_marriage", "high"),
    ("I brought a knife to school today, if they push me again I'm going to use it on them", "violence", risk.IMMINENT),
    ("singoh kamoe keuneuk prang ngon aneuk sikula laén, ka meuba parang", "violence", risk.IMMINENT),
]
# The same words not meant as harm, and the questions that must stay questions.
HARD_NEGATIVES = [
    "I burned my hand on the stove making instant noodles",
    "we brought a knife to school for the fruit salad in cooking class",
    "udah minum obat flu sesuai resep kok bu, makasih",
    # round twenty-two's "barusan nyundut" read lighting a cigarette as a burn; the act now needs a body part
    "barusan nyundut rokok di wc sekolah, jangan bilang wali kelas ya bu",
    "I hit myself with the door this morning lol",
]
STORIES = [
    "bu aku lagi baca novel tentang cewek yang dijodohin umur 14 di zaman kolonial, sedih banget",
    "film tentang pernikahan dini tadi bikin aku mikir, boleh dijadiin bahan book report?",
]
# Asking what an overdose would do is a method question (suicide, high), not an overdose taken.
QUESTION = "kalau minum obat sakit kepala sebungkus bisa mati gak ya bu"


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([t for t, *_ in TRUE_POSITIVES] + HARD_NEGATIVES + STORIES + [QUESTION])


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_flagged_in_its_category_and_triage(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_the_same_words_not_meant_as_harm_fire_no_phrase(text):
    assert_no_phrase_alert(text)


@pytest.mark.parametrize("text", STORIES)
def test_a_story_about_child_marriage_raises_no_alert(text):
    assert_no_alert(text)


def test_a_question_about_an_overdose_is_not_an_overdose_taken():
    result = risk.screen(QUESTION)
    assert "suicide" in result.categories
    assert "act under way" not in result.reason, result


def test_cabin_is_not_a_wedding():
    # Madurese "kabin" (marriage) is Indonesian "kabin" (cabin): only the Madurese-only forms are read
    assert "nikah" not in [stem for _, stem in risk.default_lexicon().tokens("koper kabin")]
    assert "nikah" in [stem for _, stem in risk.default_lexicon().tokens("ekabinagi")]
