"""Round forty-one of the risk screen (docs/risk-screening.md): a passive verb with its vowels dropped is read
when one passive the phrases name fits ("dipkl" is "dipukul", not "dipikul"), and emoji that name a thing of a
category are that word (drinks, a cigarette, a syringe, a razor, a house, rice)."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("dipkl", "dipukul"),  # "pkl" is "pikul" or "pukul"; only "pukul" is a passive the phrases name
        ("ditmpr", "ditampar"),
        ("dijmbk", "dijambak"),
        ("dibnh", "dibunuh"),
    ],
)
def test_a_passive_with_its_vowels_dropped_is_the_one_passive_the_phrases_name(typed, read):
    assert risk.default_lexicon()._shorthand(typed) == read


@pytest.mark.parametrize("word", ["dirty", "disko", "dinda", "diary"])
def test_a_word_that_fits_no_passive_is_left_as_typed(word):
    assert risk.normalise(word) == [word]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the finding: a beating with an electric cable, every word shortened
        ("bu ak dipkl ayh pk kbl listrik smlm, pungung ak biru2", "physical_abuse"),
        ("aku dipkl kakak pake sapu td", "physical_abuse"),
        ("aku disuruh 🚬 sama kakak kelas, kalo gak mau dipukul", "coerced_substance"),
    ],
)
def test_shortened_and_emoji_words_are_read_as_the_words(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories


@pytest.mark.parametrize(
    ("emoji", "word"),
    [("🍺", "miras"), ("🍻", "miras"), ("🍷", "miras"), ("🥃", "miras"), ("🍶", "miras"), ("🚬", "rokok")]
    + [("💉", "suntik"), ("🪒", "silet"), ("🏠", "rumah"), ("🏡", "rumah"), ("🏚️", "rumah"), ("🍚", "nasi")],
)
def test_an_emoji_that_names_a_thing_is_that_word_once(emoji, word):
    assert risk.normalise(f"dipaksa {emoji}{emoji}{emoji} td") == ["paksa", word, "tadi"]


def test_a_razor_kept_for_tonight_is_imminent():
    screening = risk.screen("aku udah siapin 🪒 buat nanti malam")
    assert "self_harm" in screening.categories and screening.triage == risk.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "selamat ulang tahun kak 🍷🎂 semoga panjang umur",
        "habis 💉 vaksin kemarin lemes bgt",
        "bapak ngerokok 🚬 terus di teras",
        "cukur rambut pake 🪒 di barbershop",
        "🍚 enak bgt masakan mama hari ini",
        "malam minggu nongkrong 🍻 sama temen2, seru",
        "pulang ke 🏠 dulu ya bu",
        "selamat ya kak 🍾🎉 lulus sidang",  # a bottle opened is a celebration, not read as a drink
    ],
)
def test_the_same_emoji_in_ordinary_messages_raise_no_alert(text):
    assert not risk.screen(text).flagged


@pytest.mark.parametrize(
    "text",
    ["kakak aku nikah bulan depan 💍 umurnya 25, aku jadi bridesmaid", "ibu 👊 semangat kerjanya"],
)
def test_a_ring_and_a_fist_are_not_read_as_words(text):
    # Read as "nikah" and "pukul", they fired on someone else's wedding and on "semangat" (round thirty-five's
    # and round twenty-eight's negatives): not taken.
    assert risk.normalise(text) == risk.normalise(text.replace("💍", "").replace("👊", ""))
    assert not risk.screen(text).flagged
