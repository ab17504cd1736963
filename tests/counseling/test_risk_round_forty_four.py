"""Round forty-four of the risk screen (docs/risk-screening.md), read on fresh-55 (Surabaya SMK): "gak sengaja"
(an accident) no longer reads as deliberate self-harm; a hand pressed on purpose to a hot pan, a teacher who
pours oil or kicks, a drinking challenge, a video made a meme, work without pay, a sickle made in the workshop;
Suroboyoan words ("tuku", "ambek", "didol", "kate", "jarene", "mene"…). The messages are written for these
tests in the same kinds, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("pas praktik masak aku sengaja nempelin tangan ke wajan panas biar lega", "self_harm"),
        ("aku sengaja nempelin telapak tangan ke knalpot panas", "self_harm"),
        ("guru bengkel nyiram aku pake oli terus nendang aku", "physical_abuse"),
        ("nanti malam ada tantangan minum tuak sejeriken, aku udah didaftarin", "coerced_substance"),
        ("videoku jatuh di kantin dijadiin meme, aku malu masuk sekolah", "bullying"),
        ("saya dipekerjakan di toko paman tanpa upah dan tidak boleh sekolah", "exploitation"),
        ("aku dipaksa kerja tanpa dibayar tiap pulang sekolah", "exploitation"),
        ("aku nggawe celurit teko per bekas nok bengkel, gawe jaga2", "violence"),
    ],
)
def test_the_round_s_findings_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


def test_a_weapon_made_for_tomorrow_is_imminent():
    screening = risk.screen("aku bikin celurit dari per mobil buat mene bengi")
    assert "violence" in screening.categories and screening.triage == risk.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "aku gak sengaja bakar tangan pas masak",  # an accident: the overlapping negative cancels the strong phrase
        "aku ga sengaja gores tangan pake cutter pas prakarya",
        "tadi gak sengaja megang panci panas, udah dikasih salep",
        "tugas praktik las: bikin pisau dapur dari per mobil",
        "fotoku dijadiin meme lucu sama temen2 wkwk",
        "kerja bakti tanpa upah di kampung tiap minggu",
        "lomba minum susu pas agustusan seru bgt",
        "aku tuku sepatu anyar ambek ibu nok pasar",
    ],
)
def test_the_same_words_in_ordinary_messages_raise_no_phrase(text):
    assert not risk.screen(text).matches


@pytest.mark.parametrize(
    ("word", "read"),
    [("tuku", "beli"), ("ambek", "sama"), ("ngenteni", "tunggu"), ("jarene", "kata"), ("ojok", "jangan")]
    + [("anyar", "baru"), ("mene", "besok"), ("didol", "jual"), ("kate", "ingin")],
)
def test_suroboyoan_words_read_as_indonesian(word, read):
    assert risk.normalise(word) == [read]
