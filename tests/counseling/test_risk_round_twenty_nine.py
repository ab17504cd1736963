"""Round twenty-nine of the risk screen (docs/risk-screening.md), tuned on fresh-23 and fresh-24 (fresh-25 and
fresh-26, written blind, are its measures). Reading: the Sundanese prefix "nga-" before a consonant is read
off for a word not read otherwise ("ngagebugan", "ngabunuh"); a word without its vowels that can only be one
lexicon word is that word before it is taken for "di-" + a root ("drah" is "darah", not "dirah"); alay "z"
for a final "s" in words of four letters or more ("abiz", "nggoreszz"; not "lez"); "plis" is "please" (it
was read as "polisi"); "ud", "mgg", "br", "bnyk", "ngahaja"; Sundanese "noel" (touch) and "upami" (if).
"Loneliness" is the word "kesepian", not any "sepi" (an empty house was read as loneliness). Phrases: being
"dipinang" while at school, a match chosen by the parents, a meeting or a staycation with a groomer, cutting
or scratching one's arm right now, bleeding heavily, a sibling's seizure with no adult at home or reachable,
being exposed on a school gossip account, a parent throwing things at the other, "no future", an empty
house "nanti" (a moment for abuse). Negatives: a novel's character, a phone's battery about to die, a
game's tower, meat beaten soft, the news read for an assignment, almost hitting something while driving,
bullying that is over ("sekarang udah gak apa-apa"), "future tense", a surprise, a mango knocked down; no
alert at all for a chicken slaughtered for a meal. A review of the first version found nineteen defects
(below): each has a sentence here.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_no_alert, review_tests, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("kakak kelas ngancam bade ngagebugan abdi", "violence", "high"),
    ("geng sebelah ngancam mau hajar aku pulang sekolah nanti", "violence", "high"),
    ("aku baru aja nggoreszz lengan, drah nya ngucur", "self_harm", risk.IMMINENT),
    ("sekarang aku lagi nyilet paha di kamar mandi", "self_harm", risk.IMMINENT),
    ("aku barusan nyakar2 lengan sampe lecet", "self_harm", risk.IMMINENT),
    ("orang tua mau aku dipinang anak juragan, padahal aku masih kelas 10", "child_marriage", "high"),
    (
        "bapak bilang aku dipinang bulan depan sama orang pilihan keluarga, padahal aku masih kelas 11",
        "child_marriage",
        "high",  # imminent until round thirty-one; a month away is no near moment since round thirty-two
    ),
    ("om dari game online minta foto pake handuk, katanya mau ketemuan besok sore", "grooming", risk.IMMINENT),
    (
        "pelatih ngajak aku staycation berdua pas libur nanti, katanya jangan bilang siapa-siapa",
        "grooming",
        "high",  # imminent until round thirty-one; the holidays are no near moment since round thirty-two
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


# A review of the round's first version (it read only the code and wrote its own sentences) found these;
# each was fixed before the round landed.
# Risk the first version's negatives or veto silenced: a tower to jump from, a phone's battery next to an
# overdose, a beating over a civics mark or a burnt rendang, cutting "like a character in a film",
# threats in a car, bullying with "no longer" or "no father", "it got better, but last night…".
REVIEW_STILL_RISK = [
    ("aku mau bunuh diri di tower", "suicide"),
    ("aku mau bunuh diri di depan musuh aku biar mereka nyesel", "suicide"),
    ("hp aku lowbat, tolong bu aku udah nelen 20 pil", "suicide"),
    ("aku pengen mati aja bu, batre hp ku udah mau habis, makasih buat semuanya", "suicide"),
    ("ayah mukul aku pake ikat pinggang gara-gara nilai ppkn ku jelek", "physical_abuse"),
    ("ibu nampar aku karena rendangnya gosong", "physical_abuse"),
    ("aku jadi ikut nyilet tangan kayak tokoh di film itu", "self_harm"),
    ("abis baca webtoon aku nyilet tangan lagi", "self_harm"),
    ("abang tiri nyetir sambil ngancam mau tusuk aku", "violence"),
    ("aku dibully tiap hari, sekarang udah gak lagi mau sekolah", "bullying"),
    ("aku diejek anak yatim sama temen sekelas, sekarang udah gak ada papa yang belain aku", "bullying"),
    ("sekarang udah membaik kok, tapi semalem aku pengen ngilang aja dari dunia ini", "suicide"),
    ("adikku kejang-kejang, aku sendirian di rumah, ibu kerja hpnya gak aktif", "neglect"),
    ("paman suka noel dadaku kalau ibu kerja", "sexual_abuse"),
]
# False alarms of the first version: scratching an itch, scratching glass or a wall, "future tense", a
# father's surprise holiday, a mango knocked down, an adult sibling's match, homework "step by step".
REVIEW_NO_PHRASE = [
    "barusan garuk paha sampe merah, gatel banget digigit nyamuk",
    "adikku sedang menggores kaca jendela pakai kunci",
    "adikku lagi nyakar-nyakar tembok pake krayon",
    "bahasa indonesia gak punya future tense kayak bahasa inggris ya bu?",
    "ayah ngajak aku liburan berdua ke jogja minggu depan, jangan bilang ibu ya katanya kejutan",
    "bapak nimpuk mangga pake batu, ibu yang nangkep di bawah",
    "kakakku dijodohkan sama orang pilihan keluarga, acaranya minggu depan",
    "aku sendirian di rumah, hp mama gak aktif, aku lagi ngerjain tugas step by step",
]
# Past, habitual or over: urgent at most, never imminent ("lagi" is also "when", a weekday or a holiday
# named with "kemarin" is past).
# ("sekarang udah gak nyilet lagi kok bu, udah 3 bulan bersih" was one until round forty's retrained second
# stage made it an imminent possible risk: a known cost of that round, kept in test_risk_round_forty.py)
REVIEW_NOT_IMMINENT = [
    "kemarin malam rumah kosong, om raba paha aku",
    "setiap malam rumah sepi, paman suka raba paha aku",
    "kemarin pas lagi sedih aku nyilet tangan",
    "biasanya kalau lagi stres aku nyilet paha",
    "rabu kemarin kakak kelas ngancam pukul aku",
    "dia pernah ngancam tusuk aku waktu SMP, sekarang dia udah pindah",
]


(
    test_the_reviews_sentences_are_not_from_the_fresh_sets,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests(REVIEW_STILL_RISK, REVIEW_NO_PHRASE, REVIEW_NOT_IMMINENT)


def test_a_short_word_ending_in_z_is_left_alone():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("lez") == [("lez", "lez")]  # a slur, not "les" (tutoring)
    assert [stem for _, stem in lexicon.tokens("teu ngahaja")][-1] == "sengaja"


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


def test_a_slaughtered_chicken_raises_no_alert():
    assert_no_alert("ibu mau nyembelih ayam buat makan siang")


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_novels_batteries_games_and_cooking_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)
