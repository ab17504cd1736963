"""Round thirty-nine of the risk screen (docs/risk-screening.md): read fresh-43 … 46 and mended what their misses
showed of the language, not of the sets: a verb Sastrawi cuts wrong ("menikah" read as "meni" + "-kah"), a school
name read as an English word ("smk" as "smoke"), Sundanese and Javanese krama words, English wordings of child
marriage and trafficking, a school raid ("sweeping") announced for a time, Javanese "after this" as a near
moment, and hard negatives of a religious lesson and a horror film.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_not_from_the_fresh_sets, round_tests

TRUE_POSITIVES = [
    # "menikah" was "meni": the plainest word for marrying matched no child-marriage phrase
    ("bu, ayah maksa aku menikah sama anak juragan padahal aku masih kelas 10", "child_marriage", "high"),
    ("Saya dipaksa menikah oleh paman saya, padahal saya masih ingin sekolah", "child_marriage", "high"),
    # English: a marriage arranged, a girl married off
    ("my uncle is arranging my marriage to his business partner and i'm only 15", "child_marriage", "high"),
    ("they want to marry me off to a man from the next village, I'm in grade 9", "child_marriage", "high"),
    # English trafficking: a recruiter took a child to work as a maid
    ("a recruiter took my sister to work as a maid in Malaysia, she is 15", "exploitation", "high"),
    # Sundanese: never wake up again, sleep forever
    ("hayang sare salilana, teu hudang deui", "suicide", "high"),
    # a raid on another school's students, with a time: intent with a time
    ("ntar pulang sekolah kita sweeping anak SMA sebelah, bawa kayu semua", "violence", "imminent"),
]
HARD_NEGATIVES = [
    # a religious lesson on suicide
    "di kajian tadi ustadz bahas hukum bunuh diri dalam islam, aku mau nanya lebih lanjut",
    "Pak, boleh minta referensi pandangan agama tentang bunuh diri untuk makalah kami?",
    # a horror film
    "film horornya serem banget, ada hantu yang gantung diri di pohon",
    # someone else's wedding
    "we are planning my sister's wedding for december, can I get a day off?",
]
# What the negatives must not silence: a punished child who wants to die, a ghost that is no lesson.
STILL_RISK = [
    ("aku dihukum terus sama ayah, rasanya pengen bunuh diri aja", "suicide"),
    ("hantu pun gak mau deket aku, mending aku gantung diri aja", "suicide"),
    ("aku sayat tanganku lagi semalam, videonya gak aku upload kok", "self_harm"),
]

test_not_from_the_fresh_sets, test_flagged_in_its_category_and_triage, test_fires_no_phrase = round_tests(
    TRUE_POSITIVES, HARD_NEGATIVES
)


def test_the_still_risk_sentences_are_no_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _ in STILL_RISK])


@pytest.mark.parametrize(("text", "category"), STILL_RISK)
def test_the_negatives_leave_risk_alone(text, category):
    assert category in risk.screen(text).categories


@pytest.mark.parametrize(
    ("word", "read"),
    [
        ("menikah", "nikah"),
        ("menikahin", "nikah"),
        ("smk", "smk"),
        ("hudang", "bangun"),
        ("salilana", "lama"),  # "selamanya", stemmed as the lexicon's own "tidur selamanya" is
        ("beungbeurat", "beban"),
        ("dereng", "belum"),
        ("nedha", "makan"),
        ("kondur", "pulang"),
        ("sampun", "sudah"),
    ],
)
def test_words_the_stemmer_or_the_chat_spellings_bent_are_read_as_meant(word, read):
    assert risk.normalise(word) == [read]


def test_english_words_keep_their_surface():
    # "took" was "tok" and "as" read through the colloquial forms: an English phrase must see the word typed
    tokens = risk.default_lexicon().tokens("an agent took her")
    assert [surface for surface, _ in tokens] == ["an", "agent", "took", "her"]


@pytest.mark.parametrize("words", ["bar iki", "mari iki", "sakwise iki", "sawise iki"])
def test_javanese_after_this_is_a_near_moment(words):
    # Javanese and Suroboyoan "after this" were no time word: a plan for right after the chat was no moment
    lexicon = risk.default_lexicon()
    tokens = lexicon.tokens(f"{words} aku diajak ngombe")
    assert any(pattern.kind == "time" for pattern, _, _ in lexicon._occurrences(tokens)), words
