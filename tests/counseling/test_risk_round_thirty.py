"""Round thirty of the risk screen (docs/risk-screening.md), tuned on fresh-25 and fresh-26 (fresh-27 and
fresh-28, written blind, are its measures). Reading: a word without its vowels may also drop the "n" of
"ng" ("tgn" is "tangan"; looked up only when no plain reading exists, so "prg" stays "pergi"); "-ny" is
"-nya" ("drhny"); readings of one meaning are one reading ("obt" may be "obat" or Javanese "obate"); a "d-"
word is read without its vowels, suffix and all, before it is taken for "di-" + a root ("drahnya" is
"darahnya"); "berdiri" (to stand) is not "diri" (oneself: "dihukum berdiri" is no self-punishment);
"bru", "mf", "omg", "abg", "mnt" (menit); Javanese and Sundanese blood, hand, stomach, dizziness, many,
stopping, slicing, ordering, taking, working and "can". Phrases: pills gathered "enough" by now (a support),
"one mouth fewer", "if I weren't here they'd be lighter", a request for something "special" (with the
secrecy phrase a grooming alert), being made to work so that school is missed. Negatives: group work, the
news watched or read next to a forced marriage. A review of the first version found twelve defects (below):
each has a sentence here.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_no_phrase_alert, review_tests, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("aq brusan sayat tgn lg, drhny ngucur trs", "self_harm", risk.IMMINENT),
    ("td aq mnum obt bnyk bgt, skrg prut aq skt", "suicide", risk.IMMINENT),
    ("aku bru aj ngilet lengan, dR4hny4 b4ny4k", "self_harm", risk.IMMINENT),
    ("aku mentas ngombe obat akeh, saiki mumet banget", "suicide", risk.IMMINENT),
    ("abdi nembe nyeset panangan, getihna teu eureun", "self_harm", risk.IMMINENT),
    ("pil tidur mama aku kumpulin diem2, sekarang udah cukup banyak", "suicide", risk.IMMINENT),
    ("kalo aku pergi, satu mulut berkurang di rumah", "burden", "high"),
    ("seandainya aku gak ada, keluarga pasti lebih ringan", "burden", "high"),
    ("abang sepupu minta aku kirim sesuatu yang spesial, katanya jangan bilang siapa-siapa", "grooming", "high"),
    ("aku dikongkon bulik jualan neng terminal, dadi ora iso sekolah", "exploitation", "high"),
    ("aku disuruh kerja di bengkel paman sampai gak bisa sekolah lagi", "exploitation", "high"),
]
# A standing punishment, a seat belt, a hose, a charger, group work, the news.
HARD_NEGATIVES = [
    "telat upacara, kami dihukum berdiri di lapangan",
    "ayah selalu pakai sabuk pengaman kalau nyetir",
    "ibu nyiram tanaman pakai selang air tiap sore",
    "tadi aku dapat pelajaran dari ayah cara pakai kabel charger yang benar",
    "harus kerja kelompok sampai sore, jadi gak bisa les",
    "aku baca berita soal anak yang dinikahin paksa di koran buat tugas",
]

(
    test_no_sentence_is_a_fresh_set_message,
    test_flagged_in_its_category_and_triage,
    test_no_hard_negative_fires_a_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


# A review of the round's first version (it read only the code and wrote its own sentences) found these;
# each was fixed before the round landed. Risk the first version silenced: a beating with a cable, a hose or a
# belt (its belt, hose and cable negatives cancelled the older phrases), a threat or a slap "viral", a
# marriage "like the one in the news", work "with" a parent, "bkg" (belakang) read as "booking".
REVIEW_STILL_RISK = [
    ("aku dicambuk pake kabel listrik sama bapak", "physical_abuse"),
    ("tadi malam aku disabet selang air sama ayah", "physical_abuse"),
    ("punggungku memar kena sabuk pinggang ayah", "physical_abuse"),
    ("aku mau hajar dia sampai mati, biar viral", "violence"),
    ("aku takut banget ortu mau nikahin aku sama om om kayak berita yang viral kemarin", "child_marriage"),
    ("aku dipaksa kerja bareng bapak di pabrik jadi gak boleh sekolah", "exploitation"),
    ("rasanya pengen mati aja, aku nangis sendirian di bkg sekolah", "suicide"),
]
# False alarms of the first version: a school belt and a principal's punishment, a driving lesson, "no
# problem", a mouth ulcer gone, a sibling's job, nasi Padang read as a sword.
REVIEW_NO_PHRASE = [
    "kalau gak pake sabuk pas upacara, dapat hukuman dari bapak kepala sekolah",
    "hari ini aku dapet pelajaran nyetir dari bapak, katanya harus selalu pake sabuk",
    "kalau aku gak ada masalah, semua jadi tenang",
    "kalau aku ga ada di rumah, ibu jadi lebih irit masak",
    "sariawan satu di mulut sudah hilang",
    "kemarin aku sakit jadi tidak bisa sekolah. kakak harus kerja jadi aku sendirian di rumah",
    "besok aku bawa nasi pdg buat bekal ke sekolah",
]
# Made imminent by the first version: savings "enough" for a fee, "enough for everything", Javanese
# "enjing" (this morning, past) read as Sundanese "tomorrow".
REVIEW_NOT_IMMINENT = [
    "aku pengen mati aja. uang tabunganku sudah cukup buat bayar spp",
    "aku capek hidup, kayaknya sudah cukup untuk semuanya",
    "tadi enjing aku pengen bunuh diri tapi gak jadi",
]


(
    test_the_reviews_sentences_are_not_from_the_fresh_sets,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests(REVIEW_STILL_RISK, REVIEW_NO_PHRASE, REVIEW_NOT_IMMINENT)


def test_a_word_without_vowels_may_also_drop_the_n_of_ng_when_nothing_else_reads_it():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("tgn") == [("tangan", "tangan")]
    # a plain reading exists: the shortened "ng" is not looked at ("prg" is not "perang", war)
    assert [surface for surface, _ in lexicon.tokens("prg")] == ["pergi"]
    # a word with "ng" in it drops no other "ng" ("ing" is Javanese "in", not "inang", mother)
    assert lexicon.tokens("ing") == [("ing", "ing")]
    # never a final "ng": "bkg" (belakang) is no "booking", "pdg" (Padang) no "pedang"
    assert lexicon.tokens("bkg") == [("bkg", "bkg")]
    assert lexicon.tokens("pdg") == [("pdg", "pdg")]


def test_chat_nya_and_readings_of_one_meaning():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("drhny")] == ["darah"]
    assert [stem for _, stem in lexicon.tokens("dR4hny4".lower())] == ["darah"]
    assert lexicon.tokens("obt") == [("obat", "obat")]  # "obat" or Javanese "obate": both "obat"
    # a shorthand the lexicon spells out is spelt out before its suffix: "blmnya" is no "belomnya" ("bom")
    assert [stem for _, stem in lexicon.tokens("blmnya")] == ["belum"]
    assert [stem for _, stem in lexicon.tokens("nkhny")] == ["nikah"]
    # a "d-" word with a vowel left is "di-" + a root before it is a vowel-dropped word with a suffix
    assert [stem for _, stem in lexicon.tokens("dtanya")] == ["tanya"]


def test_to_stand_is_not_oneself():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("berdiri")] == ["berdiri"]
    assert [stem for _, stem in lexicon.tokens("menyakiti diri")] == ["sakit", "diri"]
    assert "self_harm" in risk.screen("aku suka menghukum diri sendiri kalau gagal").categories


def test_chat_words_that_are_not_lexicon_words():
    lexicon = risk.default_lexicon()
    assert [surface for surface, _ in lexicon.tokens("omg")] == ["astaga"]  # not "omong"
    assert [surface for surface, _ in lexicon.tokens("abg")] == ["remaja"]  # a teenager, not "abang"
    assert [surface for surface, _ in lexicon.tokens("mnt")] == ["menit"]  # "tunggu 5 mnt", not "minta"


def test_the_news_watched_or_read_is_no_forced_marriage():
    assert_no_phrase_alert("tadi nonton berita ada anak dikawinin paksa, kasian")


def test_a_habit_is_no_moment_for_the_imminence_model_either():
    # "saban" (Betawi, Malay) is a habit's word as "saben" is; right before the time word the lexicon
    # calls it a habit, and the imminence model does not make it a moment (it did: "(model)")
    habit = risk.screen("aku dipaksa ngelem saban malam minggu sama abang2 di pos")
    assert habit.categories == ("coerced_substance",) and habit.triage != risk.IMMINENT, habit
    moment = risk.screen("aku dipaksa ngelem nanti malam sama abang2 di pos")
    assert moment.triage == risk.IMMINENT, moment
    # a habit in one sentence and a moment in the next: still a moment
    both = risk.screen("pelatih renang suka raba2 paha aku tiap latihan. besok sore dia jemput aku ke rumahnya")
    assert both.triage == risk.IMMINENT, both
