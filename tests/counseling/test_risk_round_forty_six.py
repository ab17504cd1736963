"""Round forty-six of the risk screen (docs/risk-screening.md), read on fresh-56 (Padang and Bukittinggi SMA):
Minang words read as the Indonesian ones (round forty-seven replaced the sound-shift rules first tried here with
the words themselves); an engagement ring put on a student who cannot refuse; a child passed from house to house
while a parent is in prison. The messages are written for these tests in the same kinds, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("word", "read"),
    [("mambunuah", "bunuh"), ("malompek", "lompat"), ("sakik", "sakit"), ("pinggia", "pinggir")]
    + [("baharok", "harap"), ("tabangun", "bangun"), ("putuih", "putus"), ("mampuih", "mati"), ("kuek", "kuat")],
)
def test_a_minang_word_reads_as_the_indonesian_word(word, read):
    assert risk.normalise(word) == [read]


@pytest.mark.parametrize("word", ["rabo", "makasih", "capek", "balik"])
def test_words_a_sound_shift_rule_would_misread_stay_as_written(word):
    # Round forty-six first read Minang through sound-shift rules; they made Javanese "rabo" (Wednesday) "raba"
    # (grope) and "makasih" "makasis". Round forty-seven replaced them with the Minang words themselves.
    assert risk.normalise(word) == [risk.default_lexicon()._stem(word)] and "raba" not in risk.normalise(word)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ambo baharok ndak tabangun lai bisuak pagi", "suicide"),
        ("apak mangancam ka mambunuah amak jo pisau", "domestic_violence"),
        ("cincin udh dipasang kmrn, aku ga bisa nolak. nikahnya pas libur semester", "child_marriage"),
        ("ibu masuk penjara, ayah gatau dimana. aku numpang di rumah temen terus", "neglect"),
    ],
)
def test_the_round_s_findings_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


@pytest.mark.parametrize(
    "text",
    [
        "kami mambakar lamang untuak maulid, tangan ambo kanai api saketek, lah diubek",  # an accident
        "kakakku tunangan kemarin, cincinnya dipasang sama calon mertua, aku terharu",
        "aku gak bisa nolak ajakan temen buat main futsal",
        "pas liburan aku numpang di rumah saudara di bandung, seru",
        "mama nggak tau di mana kunci motor, jadi aku telat",
        "pak satpam nyeret motor yang parkir sembarangan",
        "adek nyeret mama ke toko mainan, minta dibeliin robot",  # round forty-seven dropped the dragging phrase
        "rabo aku les di rumah pak guru",
    ],
)
def test_the_same_words_in_ordinary_messages_raise_no_phrase(text):
    assert not risk.screen(text).matches
