"""Round forty-six of the risk screen (docs/risk-screening.md), read on fresh-56 (Padang and Bukittinggi SMA):
Minang words are Indonesian ones with their sounds shifted, read as the lexicon word they can be and never as
another root; an engagement ring put on a student who cannot refuse; a child passed from house to house while a
parent is in prison; a mother dragged out of the house. The messages are written for these tests in the same
kinds, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("word", "read"),
    [
        ("mambunuah", "bunuh"),  # ma- for me-, -uah for -uh
        ("malompek", "lompat"),  # -ek for -at
        ("sakik", "sakit"),  # -ik for -it
        ("pinggia", "pinggir"),  # -ia for -ir
        ("baharok", "harap"),  # ba- for ber-, -ok for -ap
        ("tabangun", "bangun"),  # ta- for ter-
        ("putuih", "putus"),  # -uih for -us
    ],
)
def test_a_minang_word_reads_as_the_lexicon_word_its_sounds_shift_from(word, read):
    assert risk.normalise(word) == [read]


@pytest.mark.parametrize("word", ["capek", "balik", "pagi", "rumah", "minggu", "sakit"])
def test_an_indonesian_word_is_never_shifted(word):
    # a root of the dictionary stays itself: "capek" (tired) is no "capat", "balik" no "balit"
    assert risk.normalise(word) == [word]


@pytest.mark.parametrize("word", ["makasih", "gapapa", "banget"])
def test_a_word_the_lexicon_knows_as_written_is_never_shifted(word):
    # "makasih" ends like a Minang "-ih" and was read as "makasis" (stem "makas"), which cost round thirteen's
    # farewell "… makasih buat semuanya" its imminent triage; found by the test suite, fixed before the round landed
    lexicon = risk.default_lexicon()
    assert lexicon.tokens(word)[0][1] == risk._sastrawi_stem(word) or word in lexicon.normalisation


def test_a_shift_that_reads_as_no_lexicon_word_is_not_taken():
    # "kuek" would be "kuat", which no phrase names: left as typed rather than read as any root
    assert risk.normalise("kuek") == ["kuek"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ambo baharok ndak tabangun lai bisuak pagi", "suicide"),
        ("apak mangancam ka mambunuah amak jo pisau", "domestic_violence"),
        ("cincin udh dipasang kmrn, aku ga bisa nolak. nikahnya pas libur semester", "child_marriage"),
        ("ibu masuk penjara, ayah gatau dimana. aku numpang di rumah temen terus", "neglect"),
        ("ayah nyeret ibu keluar rumah pas hujan semalem", "domestic_violence"),
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
    ],
)
def test_the_same_words_in_ordinary_messages_raise_no_phrase(text):
    assert not risk.screen(text).matches
