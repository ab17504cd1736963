"""Round fifty-one of the risk screen (docs/risk-screening.md): hopelessness in the words the taxonomy gives it (hope
lost, no way out seen, no use any more, a fate of failing, effort that changes nothing), and the word lists that were
constants in the code, now lexicon data. Texts written for the tests from the taxonomy, not any set's message."""

import json
import re

import pytest

from ekonseling.counseling import risk

from .test_risk_round_forty_nine import UNTRAINED_READ


@pytest.mark.parametrize(
    "text",
    [
        "aku udah putus harapan sama hidupku",
        "aku udah pupus harapan bu",
        "rasanya aku udah kehilangan harapan bu",
        "aku mau cerita bu, aku udah putus harapan",
        "aku udah ga lihat jalan keluar dari semua ini",
        "rasanya udah gak ada gunanya lagi bu",
        "kayaknya aku emang ditakdirin gagal terus",
        "mau usaha gimana juga hasilnya sama aja",
    ],
)
def test_hopelessness_is_named_in_its_own_words(text):
    screening = risk.screen(text)
    assert "hopelessness" in screening.categories, screening


# Messages the phrases must not name hopelessness in (the second stage may still read some of them as a possible risk,
# as it did before the round). The review's (a helper's) false alarms of the round's first draft among them: waiting
# and wishing, a way out of a place, a thing of no use, maths, a story, the news, a place called Harapan.
NOT_HOPELESSNESS = [
    "hp ini udah gak ada gunanya lagi, rusak total",
    "nyesel juga gak ada gunanya lagi, udah kejadian",
    "charger ini udah ga ada gunanya lagi wkwk",
    "nyesel gak ada gunanya lagi, semua udah terjadi",
    "udah telat, gak ada gunanya lagi, apa kita pulang aja?",
    "sms ga ada gunanya lagi, semua orang pake wa",
    "capek ngarep doi bales chat, centang dua doang",
    "cape ngarep gacha dapet karakter bintang 5, ampas semua",
    "kesel ngarep ojol dateng, udah 30 menit nunggu",
    "cape ngarep bus sekolah dateng, udah sejam nunggu di halte",
    "macet parah di tol, ga ada jalan keluar",
    "jalan keluar parkiran ditutup, ga lihat jalan keluar lain",
    "kami nyasar di kebun binatang, ga nemu jalan keluar",
    "pas kemah pramuka kami nyasar di hutan, ga lihat jalan keluar",
    "di escape room tadi kami ga nemu jalan keluar",
    "pemerintah tidak punya jalan keluar untuk masalah sampah di kota kita",
    "dicoba pakai cara apa pun hasilnya sama, 42",
    "printer dicoba gimana juga hasilnya sama",
    "manusia tidak ditakdirkan gagal, kita harus terus berusaha",
    "tokoh utama drakor itu ditakdirin menderita terus",
    "indonesia kehilangan harapan medali emas di bulutangkis",
    "berita hari ini: warga kehilangan harapan setelah banjir",
    "motor om aku hilang di harapan indah semalam",
    "timnas putus harapan lolos piala dunia",
]


@pytest.mark.parametrize("text", NOT_HOPELESSNESS)
def test_waiting_a_way_out_of_a_place_a_thing_of_no_use_and_the_news_are_no_hopelessness(text):
    assert "hopelessness" not in risk.screen(text).categories


def _named(name):
    """(labelled, named): the risk messages of the untrained read sets labelled `name`, and how many of them the phrases
    name it in."""
    labelled = named = 0
    for set_name in UNTRAINED_READ:
        for example in risk.load_fresh(set_name):
            if name in example["categories"]:
                labelled += 1
                named += name in risk.screen(example["text"]).categories
    return labelled, named


def test_the_phrases_name_hopelessness_more_often_on_the_untrained_read_sets():
    # 20 of 67 before the round (0.30), 25 after; no flag was lost on any labelled set (docs/risk-screening.md)
    assert _named("hopelessness") == (67, 25)


# The words that were constants in the code (round fifty-one): the denial before a negative, the student and the words
# joining them to another person beaten, now lexicon data a school can extend.


def test_the_shipped_lexicon_holds_the_denial_and_explaining_words():
    lexicon = risk.default_lexicon()
    assert lexicon.denial == {"bukan"}
    assert lexicon.student == {"aku", "kami", "kita"}
    assert lexicon.joined == {"sama", "dan", "dengan", "and", "serta"}


def test_a_school_adds_a_denial_word_of_its_language_and_keeps_the_shipped_one():
    # Madurese "banne": not (Sundanese and krama "sanes", the example until round fifty-two, is read as "bukan" now)
    text = "dia ngancem mau nusuk aku besok, banne becanda"
    assert "violence" not in risk.screen(text).categories  # the joke word cancels the threat's phrase
    school = risk.load_lexicon(extra={"hyperbole": {"denial": ["banne"]}})
    assert "violence" in school.screen(text).categories
    assert school.denial == {"bukan", "banne"}  # the list grows
    assert "violence" in risk.screen("dia ngancem mau nusuk aku besok, sanes becanda").categories
    assert "violence" in school.screen("dia ngancem mau nusuk aku besok, bukan becanda").categories


def test_a_school_counts_a_sibling_beaten_with_the_mother_as_the_student_beaten_and_keeps_the_shipped_words():
    text = "ayah mukulin ibu dan adik, adik sampai nangis"
    assert risk.screen(text).categories == ("domestic_violence",)
    school = risk.load_lexicon(extra={"explaining": {"student": ["adik"], "joined": ["bareng"]}})
    assert set(school.screen(text).categories) == {"domestic_violence", "physical_abuse"}
    assert school.student == {"aku", "kami", "kita", "adik"}
    assert school.joined == {"sama", "dan", "dengan", "and", "serta", "bareng"}
    # the shipped words still keep the student beaten: "aku" and "sama" joined to the match
    assert set(school.screen("ayah mukulin ibu sama aku").categories) == {"domestic_violence", "physical_abuse"}


def test_a_lexicon_file_without_the_word_lists_reads_as_before_them(tmp_path):
    """A school's own lexicon file written before round fifty-one: the words the code held until then, so that no
    verdict of it changes; a file that gives empty lists has none."""
    doc = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))
    del doc["explaining"], doc["hyperbole"]["denial"]
    before = risk.Lexicon(doc)  # no model: the phrases' verdict alone
    assert (before.denial, before.student, before.joined) == (
        {"bukan"},
        {"aku", "kami", "kita"},
        {"sama", "dan", "dengan", "and", "serta"},
    )
    assert set(before.screen("ayah mukulin aku sama ibu").categories) == {"domestic_violence", "physical_abuse"}
    # a school's extension of such a file adds to the words of before
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    extended = risk.load_lexicon(path, extra={"explaining": {"student": ["adik"]}, "hyperbole": {"denial": ["banne"]}})
    assert (extended.denial, extended.student) == ({"bukan", "banne"}, {"aku", "kami", "kita", "adik"})
    assert extended.joined == {"sama", "dan", "dengan", "and", "serta"}
    doc["explaining"] = {"student": [], "joined": []}
    none = risk.Lexicon(doc)
    assert none.student == none.joined == frozenset()
    assert none.screen("ayah mukulin aku sama ibu").categories == ("domestic_violence",)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"explaining": ["aku"]}, "explaining: must be an object of word lists (joined, student)"),
        ({"explaining": {"family": ["adik"]}}, "explaining.family: unknown key"),
        ({"explaining": {"student": ["adik|kakak"]}}, "explaining.student[0]: one word"),
        ({"explaining": {"joined": "sama"}}, "explaining.joined"),
        ({"hyperbole": {"denial": ["bukan lah"]}}, "hyperbole.denial[0]: one word"),
    ],
)
def test_explaining_and_denial_words_are_checked(extra, problem):
    with pytest.raises(risk.LexiconError, match=re.escape(problem)):
        risk.load_lexicon(extra=extra)
