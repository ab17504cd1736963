"""Round fifty-one of the risk screen (docs/risk-screening.md): hopelessness in the words the taxonomy gives it (hope
lost or worn out, no way out seen, no use any more, a fate of failing, effort that changes nothing), and a child put to
work as a servant. Texts written for the tests from the taxonomy, not any set's message."""

import json
import re

import pytest

from ekonseling.counseling import risk

from .test_risk_round_forty_nine import UNTRAINED_READ


@pytest.mark.parametrize(
    "text",
    [
        "aku udah putus harapan sama hidupku",
        "rasanya aku udah kehilangan harapan bu",
        "udah capek berharap bu, ga bakal berubah juga",
        "aku udah ga lihat jalan keluar dari semua ini",
        "rasanya udah gak ada gunanya lagi bu",
        "udah gak ada gunanya lagi semuanya",
        "kayaknya aku emang ditakdirin gagal terus",
        "mau usaha gimana juga hasilnya sama aja",
    ],
)
def test_hopelessness_is_named_in_its_own_words(text):
    screening = risk.screen(text)
    assert "hopelessness" in screening.categories, screening


@pytest.mark.parametrize(
    "text",
    [
        # a thing of no use, not a life: the phrases do not name hopelessness (the second stage may still read it)
        "hp ini udah gak ada gunanya lagi, rusak total",
        "nyesel juga gak ada gunanya lagi, udah kejadian",
        "charger ini udah ga ada gunanya lagi wkwk",
        # a way out of a place
        "macet parah di tol, ga ada jalan keluar",
        "jalan keluar parkiran ditutup, ga lihat jalan keluar lain",
        "timnas putus harapan lolos piala dunia",
    ],
)
def test_no_use_of_a_thing_and_a_way_out_of_a_place_are_no_hopelessness(text):
    assert "hopelessness" not in risk.screen(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "saya dipekerjakan oleh tetangga sebagai pembantu dan tidak boleh pulang",
        "aku dipekerjain jadi pembantu sama om, ga dibolehin sekolah",
    ],
)
def test_a_student_put_to_work_as_a_servant_is_exploitation(text):
    assert "exploitation" in risk.screen(text).categories


def test_an_adult_relative_employed_is_no_exploitation():
    assert (
        "exploitation"
        not in risk.screen("kakak aku dipekerjakan sebagai pelayan di restoran, gajinya lumayan").categories
    )


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
    # 20 of 67 before the round (0.30), 26 after; no flag was lost on any labelled set (docs/risk-screening.md)
    assert _named("hopelessness") == (67, 26)


# The words that were constants in the code (round fifty-one): the denial before a negative, the student and the words
# joining them to another person beaten, now lexicon data a school can extend.


def test_the_shipped_lexicon_holds_the_denial_and_explaining_words():
    lexicon = risk.default_lexicon()
    assert lexicon.denial == {"bukan"}
    assert lexicon.student == {"aku", "kami", "kita"}
    assert lexicon.joined == {"sama", "dan", "dengan", "and", "serta"}


def test_a_school_adds_a_denial_word_of_its_language():
    text = "dia ngancem mau nusuk aku besok, sanes becanda"  # Sundanese "sanes": not
    assert "violence" not in risk.screen(text).categories  # the joke word cancels the threat's phrase
    school = risk.load_lexicon(extra={"hyperbole": {"denial": ["sanes"]}})
    assert "violence" in school.screen(text).categories


def test_a_school_counts_a_sibling_beaten_with_the_mother_as_the_student_beaten():
    text = "ayah mukulin ibu dan adik, adik sampai nangis"
    assert risk.screen(text).categories == ("domestic_violence",)
    school = risk.load_lexicon(extra={"explaining": {"student": ["adik"]}})
    assert set(school.screen(text).categories) == {"domestic_violence", "physical_abuse"}


def test_a_lexicon_without_explaining_words_explains_every_match_within():
    doc = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))
    del doc["explaining"]
    lexicon = risk.Lexicon(doc)  # no model: the phrases' verdict alone
    assert lexicon.student == lexicon.joined == frozenset()
    assert lexicon.screen("ayah mukulin aku sama ibu").categories == ("domestic_violence",)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"explaining": ["aku"]}, "explaining: must be an object"),
        ({"explaining": {"family": ["adik"]}}, "explaining.family: unknown key"),
        ({"explaining": {"student": ["adik|kakak"]}}, "explaining.student[0]: one word"),
        ({"explaining": {"joined": "sama"}}, "explaining.joined"),
        ({"hyperbole": {"denial": ["bukan lah"]}}, "hyperbole.denial[0]: one word"),
    ],
)
def test_explaining_and_denial_words_are_checked(extra, problem):
    with pytest.raises(risk.LexiconError, match=re.escape(problem)):
        risk.load_lexicon(extra=extra)
