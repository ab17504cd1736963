"""Round thirty-nine of the risk screen (docs/risk-screening.md): read fresh-43 … 46 and mended what their misses
showed of the language, not of the sets: a verb Sastrawi cuts wrong ("menikah" read as "meni" + "-kah"), a school
name read as an English word ("smk" as "smoke"), Sundanese and Javanese krama words, English wordings of child
marriage and trafficking, a school raid ("sweeping") announced for a time, Javanese "after this" as a near
moment, and hard negatives of a religious lesson and a horror film. And the second stage's lower threshold for a
message the phrases pass that names a near moment (risk_model.FLAG_MOMENT_THRESHOLD).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import json

import pytest

from ekonseling.counseling import risk, risk_model
from tests.counseling.risk_rounds import assert_not_from_the_fresh_sets, review_tests, round_tests

TRUE_POSITIVES = [
    # "menikah" was "meni": the plainest word for marrying matched no child-marriage phrase
    ("bu, ayah maksa aku menikah sama anak juragan padahal aku masih kelas 10", "child_marriage", "high"),
    ("Saya dipaksa menikah oleh paman saya, padahal saya masih ingin sekolah", "child_marriage", "high"),
    # English: a marriage arranged, a girl married off
    ("my uncle is arranging my marriage to his business partner and i'm only 15", "child_marriage", "high"),
    ("they want to marry me off to a man from the next village, I'm in grade 9", "child_marriage", "high"),
    # English trafficking: a recruiter took a child to work as a maid
    ("a recruiter took my sister to work as a maid in Malaysia, she is 15", "exploitation", "high"),
    # Sundanese: never wake up again, sleep forever
    ("hayang sare salilana, teu hudang deui", "suicide", "high"),
    # a raid on another school's students, with a time: intent with a time
    ("ntar pulang sekolah kita sweeping anak SMA sebelah, bawa kayu semua", "violence", "imminent"),
]
HARD_NEGATIVES = [
    # a religious lesson on suicide
    "di kajian tadi ustadz bahas hukum bunuh diri dalam islam, aku mau nanya lebih lanjut",
    "Pak, boleh minta referensi pandangan agama tentang bunuh diri untuk makalah kami?",
    # a horror film
    "film horornya serem banget, ada hantu yang gantung diri di pohon",
    # someone else's wedding
    "we are planning my sister's wedding for december, can I get a day off?",
]
# What the negatives must not silence: a punished child who wants to die, a ghost that is no lesson.
STILL_RISK = [
    ("aku dihukum terus sama ayah, rasanya pengen bunuh diri aja", "suicide"),
    ("hantu pun gak mau deket aku, mending aku gantung diri aja", "suicide"),
    ("aku sayat tanganku lagi semalam, videonya gak aku upload kok", "self_harm"),
]

test_not_from_the_fresh_sets, test_flagged_in_its_category_and_triage, test_fires_no_phrase = round_tests(
    TRUE_POSITIVES, HARD_NEGATIVES
)


def test_the_still_risk_sentences_are_no_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _ in STILL_RISK])


@pytest.mark.parametrize(("text", "category"), STILL_RISK)
def test_the_negatives_leave_risk_alone(text, category):
    assert category in risk.screen(text).categories


@pytest.mark.parametrize(
    ("word", "read"),
    [
        ("menikah", "nikah"),
        ("menikahin", "nikah"),
        ("smk", "smk"),
        ("hudang", "bangun"),
        ("salilana", "lama"),  # "selamanya", stemmed as the lexicon's own "tidur selamanya" is
        ("beungbeurat", "beban"),
        ("dereng", "belum"),
        ("nedha", "makan"),
        ("kondur", "pulang"),
        ("sampun", "sudah"),
    ],
)
def test_words_the_stemmer_or_the_chat_spellings_bent_are_read_as_meant(word, read):
    assert risk.normalise(word) == [read]


def test_english_words_keep_their_surface():
    # "took" was "tok" and "as" read through the colloquial forms: an English phrase must see the word typed
    tokens = risk.default_lexicon().tokens("an agent took her")
    assert [surface for surface, _ in tokens] == ["an", "agent", "took", "her"]


@pytest.mark.parametrize("words", ["bar iki", "mari iki", "sakwise iki", "sawise iki"])
def test_javanese_after_this_is_a_near_moment(words):
    # Javanese and Suroboyoan "after this" were no time word: a plan for right after the chat was no moment
    lexicon = risk.default_lexicon()
    tokens = lexicon.tokens(f"{words} aku diajak ngombe")
    assert any(pattern.kind == "time" for pattern, _, _ in lexicon._occurrences(tokens)), words


# The review of the first version (a helper who read the diff, not the labelled sets, and wrote 234 sentences of
# its own). The first negatives silenced real wishes: any of "hukum", "kajian", "ceramah", "pandangan" up to
# three words before "bunuh diri" ("aku kena hukum lagi, mending bunuh diri", "diceramahin terus"), and a ghost
# the student pictures herself as; the English marriage phrases flagged daydreams and history lessons, the agent
# phrase an adult relative's own migrant work, "sweeping" a police or school raid, and "menikah" read right
# brought the old "nikah" alarms into school writing (a novel, a lesson, a wedding year read as an age). Each is
# narrowed: the lesson is the topic as a noun phrase, the ghost has a story frame, a raid is the students' own.
REVIEW_STILL_RISK = [
    ("aku kena hukum lagi, mending bunuh diri", "suicide"),
    ("abis di hukum aku pengen bunuh diri", "suicide"),
    ("persetan sama hukum, aku mau bunuh diri", "suicide"),
    ("bodo amat sama hukum agama, aku pengen bunuh diri", "suicide"),
    ("diceramahin terus, pengen bunuh diri", "suicide"),
    ("gue udah bosen diceramahin, gue mau bunuh diri beneran", "suicide"),
    ("abis kajian aku pengen bunuh diri", "suicide"),
    ("abis kultum aku nangis, kepikiran bunuh diri lagi", "suicide"),
    ("ngapain ikut halaqah, aku mau bunuh diri besok", "suicide"),
    ("aku gak peduli hukum, aku mau bunuh diri aja", "suicide"),
    ("abis di hukum guru aku mau bunuh diri", "suicide"),
    ("Allah pasti hukum aku kalau bunuh diri, tapi aku udah gak tahan lagi", "suicide"),
    ("dipandang rendah terus, mau bunuh diri aja", "suicide"),
    ("pas kajian aku malah mikir bunuh diri terus", "suicide"),
    ("aku udah ikut halaqah, ikut kajian, tetep aja pengen bunuh diri tiap malem", "suicide"),
    ("udah kayak adegan film horor hidupku, tinggal adegan aku yang gantung diri", "suicide"),
    ("pas nonton horor aku sadar aku pengen kayak adegan yang gantung diri itu", "suicide"),
    ("biar aku jadi hantu aja yang gantung diri di kamar ini, biar mereka nyesel", "suicide"),
    ("biarin aku jadi setan yang bunuh diri, daripada hidup kayak gini", "suicide"),
    ("nanti aku jadi arwah yang bunuh diri, gentayangan di sekolah ini biar kalian inget", "suicide"),
    ("my uncle is arranging my marriage to his business partner and i'm only 15", "child_marriage"),
    ("the family is arranging a marriage for me with an older man, I'm 14", "child_marriage"),
    ("they're making me marry my cousin next month, i'm 15", "child_marriage"),
    ("they want to marry me off to a man from the next village, I'm in grade 9", "child_marriage"),
    ("a recruiter took my sister to work as a maid in Malaysia, she is 15", "exploitation"),
    ("My cousin is 14 and an agent took her to work as a maid in Batam", "exploitation"),
    ("abis isya kite sweeping bocah STM", "violence"),
    ("ntar pulang sekolah kita sweeping anak SMA sebelah, bawa kayu semua", "violence"),
    ("Orang tua saya memaksa saya menikah setelah kenaikan kelas nanti", "child_marriage"),
    ("bapak nyuruh aku menikah abis lulus SMP", "child_marriage"),
]
REVIEW_NO_PHRASE = [
    "bu, hukum bunuh diri dalam islam apa ya? buat tugas PAI",
    "tadi di kajian ustadzah bahas bunuh diri",
    "Ustadz, dalam halaqah tadi kami berdiskusi tentang hukum bunuh diri dalam kitab yang sedang kami kaji",
    "Pak, boleh minta referensi pandangan agama tentang bunuh diri untuk makalah kami?",
    "film horornya serem banget, ada hantu yang gantung diri di pohon",
    "filmnya serem bgt, ada adegan hantu yg gantung diri, aku jd ga bisa tidur",
    "I've been planning my dream wedding on Pinterest since I was 10 lol",
    "planning my wedding in The Sims 4 rn hahaha",
    "I keep planning my wedding in my head when I see my crush lol",
    "I'm arranging my marriage certificate translation for my mom's visa",
    "for history class: Kartini's father married her off to the regent of Rembang",
    "we did a drama about Siti Nurbaya, her father married her off to pay his debt",
    "my grandma told me her parents married her off at 14, crazy right",
    "my mom's agent sent her to work as a maid in Saudi, I miss her so much",
    "my aunt's agent brought her to work as a maid in Hong Kong, she sends money home every month",
    "my neighbour's recruiter took her to work as a maid in Singapore, she's 30 and happy there",
    "polisi sweeping anak SMA yang konvoi kelulusan kemarin",
    "kata pak satpam, sweeping anak SMP yang nongkrong di warnet",
    "kesiswaan bilang nanti siang ada sweeping siswa yang gak pake atribut lengkap",
    "besok pagi ada sweeping tas siswa kelas 9",
    "tugas resensi novel Siti Nurbaya, tokohnya dipaksa menikah sama Datuk Maringgih",
    "kami lagi diskusi di kelas PKn tentang dampak anak dipaksa menikah dini",
    "Kartini dipaksa menikah dengan bupati Rembang, itu materi sejarah minggu ini",
    "orang tuaku menikah tahun 2005, jadi anniversary ke 20 minggu ini",
    "bar iki aku arep mangan bakso karo konco",
    "mari iki aku mulih, wis sore",
]
(
    test_the_review_sentences_are_no_fresh_sets,
    test_the_review_risk_stays_risk,
    test_the_review_negatives_fire_no_phrase,
    _,
) = review_tests(still_risk=REVIEW_STILL_RISK, no_phrase=REVIEW_NO_PHRASE)


# The second stage's lower threshold for a message the phrases pass that names a near moment
# (risk_model.FLAG_MOMENT_THRESHOLD): called to the storeroom by older students after school. (Until round
# forty "disuruh ikut kakak kelas ke gudang", which the second stage retrained then scores above its own
# threshold, 0.73.)
AFTER_SCHOOL = "pulang sekolah gue dipanggil kakak kelas ke gudang"
# The same, yesterday: a moment gone, the second stage's own threshold.
YESTERDAY = "kemarin pulang sekolah gue dipanggil kakak kelas ke gudang"


def _in_the_band(lexicon, text):
    """The second stage scores `text` at or above its moment threshold and under its own, and no phrase fires."""
    model = lexicon.model
    assert model.flag_moment_threshold <= model.score(text, lexicon).probability < model.threshold, text
    assert not risk.load_lexicon(model=None).screen(text).flagged, text


def test_the_model_file_records_the_flag_moment_threshold():
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    assert doc["settings"]["flag_moment_threshold"] == risk_model.FLAG_MOMENT_THRESHOLD
    assert doc["flag_moment_threshold"] == min(doc["threshold"], risk_model.FLAG_MOMENT_THRESHOLD)
    model = risk.default_lexicon().model
    assert model.flag_moment_threshold == doc["flag_moment_threshold"] < model.threshold


def test_a_message_that_names_a_near_moment_is_a_possible_risk_at_the_lower_threshold():
    lexicon = risk.default_lexicon()
    _in_the_band(lexicon, AFTER_SCHOOL)
    screening = lexicon.screen(AFTER_SCHOOL)
    assert screening.flagged and screening.categories == (risk_model.POSSIBLE,) and screening.model_features
    # a model file without the moment threshold: the second stage's own, as before
    model = risk_model.load_model()
    model.flag_moment_threshold = None
    assert not risk.load_lexicon(model=model).screen(AFTER_SCHOOL).flagged


def test_a_moment_gone_keeps_the_second_stages_own_threshold():
    lexicon = risk.default_lexicon()
    _in_the_band(lexicon, YESTERDAY)
    assert not lexicon.screen(YESTERDAY).flagged


@pytest.mark.parametrize(
    ("stored", "read"), [(0.9, "threshold"), ("0.6", 0.6), (-1, 0.0), (float("nan"), None), (None, None)]
)
def test_a_flag_moment_threshold_is_read_within_zero_and_the_models_own(stored, read):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    if stored is None:
        del doc["flag_moment_threshold"]
    else:
        doc["flag_moment_threshold"] = stored
    model = risk_model.Model(doc)
    assert model.flag_moment_threshold == (model.threshold if read == "threshold" else read)


# The review of the lower threshold (a helper who read the diff and wrote 436 sentences of its own): of the
# ordinary messages it newly flagged, 6 of 8 named a night ("peuting ieu", "bengi iki", "tonight", "nanti malam"),
# words the second stage already weighs towards risk; a lower threshold counted them twice. A night keeps the
# second stage's own threshold (`imminent.night`): the read sets keep every gain, the everyday sets lose the alert.
NIGHT_ORDINARY = [
    "nanti malam aku pergi sama pacar ke pasar malam, pulang jam 9",
    "peuting ieu abdi sare di bumi nini, mamah nuju ka Jakarta",
    "bengi iki aku dhewe neng omah, bapak ibuk lungo kondangan nang Klaten",
    "peuting ieu abdi nginep di bumi rerencangan",
]
# What the lower threshold gains (the review's own sentences): no phrase knows them, the second stage scores them
# between its two thresholds, and each names a moment that is no night.
MOMENT_GAINS = [
    "mari iki aku arep nang kali, wis kesel kabeh",
    "pulang sekolah gue dijemput bang yang kenal di MiChat, katanya ada kerjaan enak",
    "besok kamarku udah rapi, barang-barangku udah aku bagiin ke temen",
    "after school I'm going to the train tracks to think, maybe for the last time",
]
# Its known cost: an ordinary message with a moment that is no night, flagged a possible risk (no phrase).
MOMENT_COSTS = [
    "sekarang aku nunggu jemputan di depan sekolah, udah sejam belum dateng",
    "abis ini aku pulang sendiri jalan kaki, rumahku deket kok",
]


def test_the_lower_thresholds_review_sentences_are_no_fresh_sets():
    assert_not_from_the_fresh_sets([*NIGHT_ORDINARY, *MOMENT_GAINS, *MOMENT_COSTS])


@pytest.mark.parametrize("text", NIGHT_ORDINARY)
def test_a_night_keeps_the_second_stages_own_threshold(text):
    lexicon = risk.default_lexicon()
    _in_the_band(lexicon, text)
    assert not lexicon.screen(text).flagged
    # without the night words it would be a possible risk
    bare = risk.load_lexicon(extra={"imminent": {}}, model=lexicon.model)
    bare.night = frozenset()
    assert bare.screen(text).flagged


@pytest.mark.parametrize("text", [*MOMENT_GAINS, *MOMENT_COSTS])
def test_a_moment_that_is_no_night_is_a_possible_risk_at_the_lower_threshold(text):
    # At or above the moment threshold, no phrase: since round forty the retrained second stage scores three of
    # them above its own threshold too (the MiChat pick-up 0.79, the train tracks 0.75, waiting to be picked up
    # 0.75); AFTER_SCHOOL above is the one that shows the band.
    lexicon = risk.default_lexicon()
    assert lexicon.model.score(text, lexicon).probability >= lexicon.model.flag_moment_threshold
    assert not risk.load_lexicon(model=None).screen(text).flagged
    screening = lexicon.screen(text)
    assert screening.flagged and screening.categories == (risk_model.POSSIBLE,)


def test_a_night_word_is_one_word_and_a_schools_extension_adds_to_it():
    with pytest.raises(risk.LexiconError, match=r"imminent\.night\[0\]: one word"):
        risk.load_lexicon(extra={"imminent": {"night": ["malam ini"]}})
    extended = risk.load_lexicon(extra={"imminent": {"night": ["dalu"]}})
    assert "malam" in extended.night and "tonight" in extended.night


# Also seen by that review: "accompanying men" (sexual exploitation) read any friend ("temen", the stem of
# "nemenin") and any father ("bapak") as the men: a child at hospital with her father, a condolence visit to a
# friend whose father died. The phrase now wants the verb as typed and the men as such.
ACCOMPANYING = [
    "sekarang aku di rumah sakit nemenin ayah, jadi gak bisa masuk sekolah",
    "nanti malam aku ke rumah temen yang ayahnya meninggal, takziah",
]
STILL_EXPLOITATION = [
    "aku disuruh temenin bapak-bapak minum di kafe tiap malam",
    "mama nyuruh aku nemenin tamu om-om di warung sampai pagi",
    "aku dipaksa menemani tamu di tempat karaoke",
]


def test_the_accompanying_sentences_are_no_fresh_sets():
    assert_not_from_the_fresh_sets([*ACCOMPANYING, *STILL_EXPLOITATION])


@pytest.mark.parametrize("text", ACCOMPANYING)
def test_accompanying_a_father_or_visiting_a_friend_is_no_exploitation(text):
    assert "exploitation" not in risk.screen(text).categories


@pytest.mark.parametrize("text", STILL_EXPLOITATION)
def test_accompanying_men_or_guests_stays_exploitation(text):
    assert "exploitation" in risk.screen(text).categories
