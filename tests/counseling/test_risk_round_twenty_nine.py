"""Round twenty-nine of the risk screen (docs/risk-screening.md), tuned on fresh-23 and fresh-24 (fresh-25 and
fresh-26, written blind, are its measures). Reading: the Sundanese prefix "nga-" before a consonant is read
off for a word not read otherwise ("ngagebugan", "ngabunuh"); a word without its vowels that can only be one
lexicon word is that word before it is taken for "di-" + a root ("drah" is "darah", not "dirah"); alay "z"
for a final "s" ("abiz", "nggoreszz"); "plis" is "please" (it was read as "polisi"); "ud", "mgg", "br",
"bnyk"; Sundanese "noel" (touch) and "upami" (if). "Loneliness" is the word "kesepian", not any "sepi" (an
empty house was read as loneliness). Phrases: being "dipinang" while at school, a match chosen by the
parents, a meeting or a staycation with a groomer, cutting or scratching oneself right now, bleeding
heavily, a sibling's seizure with no adult at home, being exposed on a school gossip account, a parent
throwing things at the other, "no future"; a threat of a beating is an intent (with a time it is
imminent). Negatives: a character in a novel, a phone's battery, a game's tower, cooking meat, the news
read for a civics assignment, almost hitting a fence while learning to drive, bullying that is over
("sekarang udah gak apa-apa"); no alert at all for an ordinary chicken slaughtered for a meal or a
Javanese "it is fine again now".

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_no_alert, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("kakak kelas ngancam bade ngagebugan abdi", "violence", "high"),
    ("geng sebelah ngancam mau hajar aku pulang sekolah nanti", "violence", risk.IMMINENT),
    ("aku baru aja nggoreszz lengan, drah nya ngucur", "self_harm", risk.IMMINENT),
    ("sekarang aku lagi nyilet paha di kamar mandi", "self_harm", risk.IMMINENT),
    ("aku barusan nyakar2 lengan sampe lecet", "self_harm", risk.IMMINENT),
    ("orang tua mau aku dipinang anak juragan, padahal aku masih kelas 10", "child_marriage", "high"),
    ("bapak bilang aku dipinang bulan depan sama orang pilihan keluarga", "child_marriage", risk.IMMINENT),
    ("om dari game online minta foto pake handuk, katanya mau ketemuan besok sore", "grooming", risk.IMMINENT),
    (
        "pelatih ngajak aku staycation berdua pas libur nanti, katanya jangan bilang siapa-siapa",
        "grooming",
        risk.IMMINENT,
    ),
    ("paman suka noel dada aku, nanti malam rumah kosong lagi", "sexual_abuse", risk.IMMINENT),
    ("adikku kejang, hp mama gak aktif, aku sendirian di rumah", "neglect", risk.IMMINENT),
    ("aku di-spill di akun menfess, fitnahnya udah nyebar ke satu sekolah", "bullying", "medium"),
    ("bapak nimpuk mama pake piring tadi malam", "domestic_violence", "high"),
    ("aku ngerasa gak punya future sama sekali", "hopelessness", "medium"),
]
# A novel, a battery, a game, cooking, homework, a driving lesson, bullying that is over.
HARD_NEGATIVES = [
    "resensi novel: tokohnya nyilet tangan karena depresi, pesannya bagus",
    "hp ku lowbat mau mati, nanti aku chat lagi ya bu",
    "ML tadi timku bunuh diri ke tower musuh semua",
    "dagingnya dipukul-pukul dulu biar empuk kata resep",
    "kelompok kami bahas berita anak dianiaya untuk makalah ppkn",
    "belajar nyetir sama ayah, hampir nabrak tiang",
    "dulu sempet dibully, sekarang udah gak apa-apa kok bu",
]


def test_the_sundanese_prefix_nga_is_read_off_only_for_a_word_not_read_otherwise():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("ngagebugan") == [("pukul", "pukul")]
    assert lexicon.tokens("ngabunuh") == [("bunuh", "bunuh")]
    # already read as Indonesian colloquial words: untouched
    assert lexicon.tokens("ngajarin")[0][1] == "ajar"
    assert lexicon.tokens("ngantar")[0][1] == "antar"


def test_a_word_without_its_vowels_is_the_lexicon_word_before_a_di_prefix():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("drah") == [("darah", "darah")]
    assert lexicon.tokens("dpaksa")[0][0] == "dipaksa"


def test_alay_z_for_a_final_s_and_please_is_not_the_police():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("nggoreszz") == [("gores", "gores")]
    assert [stem for _, stem in lexicon.tokens("abiz")] == ["habis"]
    for word in ("plis", "pliz", "pls"):
        assert [surface for surface, _ in lexicon.tokens(word)] == ["please"], word


def test_an_empty_house_is_not_loneliness():
    assert "burden" not in risk.screen("rumah sepi, ayah ibu kerja").categories
    assert "burden" not in risk.screen("kalau imah sepi abdi sieun").categories


def test_a_habitual_empty_house_is_not_a_moment():
    """Abuse whenever the house is empty is urgent, not imminent: no time is named."""
    result = risk.screen("om suka pegang-pegang aku kalau rumah sepi lagi")
    assert "sexual_abuse" in result.categories and result.triage != risk.IMMINENT, result


def test_a_slaughtered_chicken_and_bullying_that_is_over_raise_no_alert():
    assert_no_alert("ibu mau nyembelih ayam buat makan siang")
    assert_no_alert("biyen aku dipoyoki kanca, saiki wis apik")


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_novels_batteries_games_and_cooking_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)
