"""Round forty-eight of the risk screen (docs/risk-screening.md): no set read. The risk messages a review wrote
for round forty-seven and the screen still missed: a coach asking "kamu lagi sendiri?" with a video call, an
ustadz's whip, a hand held near a flame on purpose, a joke excuse in Javanese and Sundanese, a child sent abroad
or to a plantation, a parent nowhere and a child moving from house to house, an adult coming with a gift, hair
pulled, work from dawn to night unpaid, "aku dinikahin" beside a cousin, a swimming coach's touch. Each one's
ordinary neighbour raises nothing."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Kak coach dm: kamu lagi sendiri di kamar? video call dong", "grooming"),
        ("Ustad nyambuk punggung aku pake rotan sampe lecet", "physical_abuse"),
        ("aku sengaja ngedeketin tangan ke api kompor sampe melepuh", "self_harm"),
        ("cenah ukur heureuy, tapi abdi sok dicabok ku kakak kelas", "bullying"),
        ("Setelah lulus SMP aku disuruh berangkat ke Arab jadi pembantu lewat sponsor", "exploitation"),
        ("Ibu di penjara, bapak entah ke mana, aku tidur pindah-pindah di rumah temen", "neglect"),
        ("Om itu nanya aku sendirian di rumah nggak, terus mau dateng bawa hadiah", "grooming"),
        ("Ayah narik rambut ibu terus diseret ke kamar", "domestic_violence"),
        ("Bapak mau ngirim aku ke Malaysia kerja di kebun sawit", "exploitation"),
        ("Aku kerja di warung om dari subuh sampe malem, gak pernah digaji", "exploitation"),
        ("Bulan depan aku dinikahin sama sepupu jauh, aku gak mau tapi gak bisa nolak", "child_marriage"),
        ("Pelatih renang suka nowel pantat aku, aku risih", "sexual_abuse"),
    ],
)
def test_the_review_s_missed_messages_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


@pytest.mark.parametrize(
    "text",
    [
        "kamu lagi sendiri? aku mau nitip beli cilok",
        "besok om mau dateng bawa oleh-oleh dari bandung",
        "kakakku mau berangkat ke hongkong jadi tkw tahun depan",
        "ayah mau ngirim aku ke kalimantan buat kuliah",
        "aku kerja part time dari pagi sampe malem pas libur, capek tapi dibayar",
        "mama tarik rambut adek pas nyisir, adek nangis",
        "tidur pindah-pindah kamar pas study tour",
        "gw dijodohin sm temen2 sama si dio wkwk",  # teasing: "dijodohin" is not in the strong phrase
    ],
)
def test_their_ordinary_neighbours_raise_no_phrase(text):
    assert not risk.screen(text).matches


@pytest.mark.parametrize(
    "text",
    [
        "aku sengaja ngedeketin tangan ke api unggun biar anget",  # warming a hand at a campfire
        "guru olahraga pecut kuda lumping pas pentas seni",  # a dance prop
        "aku dinikahin di drama sekolah wkwk jadi pengantin",  # a school play; the phrase is strong
    ],
)
def test_known_costs_the_round_accepted(text):
    # Written with the round and left flagged: each phrase needs its strength for the message it was written
    # for (a cousin's wedding, a swimming lesson and a campfire are negatives of their categories).
    assert risk.screen(text).flagged
