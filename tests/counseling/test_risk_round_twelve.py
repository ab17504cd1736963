"""Round twelve of the risk screen (docs/risk-screening.md), tuned on fresh-5 by kind of signal: means named
by brand or class, preparation verbs, moments worded as events, a farewell that vanishes ("jangan cari
aku", a note for whoever finds it) combining with a goodbye, regional farewells, drowning, acts under way.

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-5's floor is in test_risk_fresh_sets.py."""

import pytest

from ekonseling.counseling import risk
from ekonseling.counseling.risk import load_lexicon, screen
from tests.counseling.risk_rounds import assert_flagged, assert_no_phrase_alert, assert_not_from_the_fresh_sets

VANISHING = risk.IMMINENT_KINDS["vanishing"]

TRUE_POSITIVES = [
    # a means named by brand or class, kept ready, with a moment worded as an event
    ("diazepam punya om udah aku sembunyiin di lemari, tinggal nunggu semua pergi arisan", "suicide", "imminent"),
    ("bodrex sama ctm aku kumpulin dari kotak obat, pas ayah dinas nanti", "suicide", "imminent"),
    ("i've been hoarding my dad's pills. sunday when everyone is away", "suicide", "imminent"),
    # preparation verbs: taking a little at a time, counting, testing a rope, sharpening a blade
    ("obat jantung nenek aku sisihin diam2 tiap minggu, udah banyak", "suicide", "imminent"),
    ("pil2nya udh aku hitung, ada 40. nunggu ibu pengajian", "suicide", "imminent"),
    ("tali udah aku cek kuatnya di kamar, malam ini pas semua tidur", "suicide", "imminent"),
    ("silet udah aku asah, pas rumah kosong nanti", "suicide", "imminent"),
    ("obat tidur ibu udah siap di tas, udah gak kuat lagi aku", "suicide", "imminent"),
    # a farewell that vanishes, with a goodbye; Javanese krama and English
    ("pamit ya semua, jangan cari aku lagi", "suicide", "imminent"),
    ("kulo sampun mboten kuat, nyuwun pangapunten sedoyo, ampun madosi kulo", "suicide", "imminent"),
    ("bye everyone. please dont look for me", "suicide", "imminent"),
    ("untuk siapapun yang nemu tulisan ini, makasih udah jadi temenku", "suicide", "imminent"),
    ("tolong sampaikan maaf aku ke ayah, koleksi buku aku buat kamu aja", "suicide", "imminent"),
    # drowning and a climb to jump, with a time
    ("malam ini aku mau nyebur ke sungai, udah capek hidup", "suicide", "imminent"),
    ("besok aku mau terjun ke laut, gak betah hidup lagi", "suicide", "imminent"),
    ("abis upacara nanti aku naik ke atap sekolah terus loncat", "suicide", "imminent"),
    # acts under way: a household poison drunk, a cut too deep
    ("barusan aku minum obat nyamuk cair setengah botol", "suicide", "imminent"),
    ("tadi aku minum pemutih pakaian, sekarang mual", "suicide", "imminent"),
    ("aku motong kelewat dalam, darahnya gak berhenti", "suicide", "imminent"),
    # a cloth tied to a fixture, a letter and a goodbye, a note for whoever reads it, amounts swallowed
    ("sarung udah aku iket di kusen kamar, nunggu semua tidur", "suicide", "imminent"),
    ("ctm sama antimo udah aku kumpulin, nunggu ayah lembur jumat ini", "suicide", "imminent"),
    ("racun tikus udah aku beli, pas semua sholat jumat", "suicide", "imminent"),
    ("kalau kalian baca ini, aku udah gak ada. jangan sedih ya", "suicide", "imminent"),
    ("by the time you read this i'll be gone. thank you for everything", "suicide", "imminent"),
    ("i already have the pills ready, tonight when my parents are asleep", "suicide", "imminent"),
    ("i wrote letters for my family. goodbye everyone", "suicide", "imminent"),
    ("hapunten sadayana, abdi pamit. ulah dipilarian nya", "suicide", "imminent"),
    ("aku barusan nelen 3 strip obat tidur", "suicide", "imminent"),
    ("sebotol obat tidur udah aku telen semua", "suicide", "imminent"),
    # a poison brand hidden, standing by the rails as a train comes, the highest bridge and the wait,
    # a goodbye in the next life, a conditional on not waking, swallowed then dizzy, a drink of weedkiller
    ("baygon udah aku umpetin di lemari, besok pas rumah kosong", "suicide", "imminent"),
    ("lagi berdiri di pinggir rel, kereta bentar lagi lewat", "suicide", "imminent"),
    ("udah aku cek jembatan mana yang paling tinggi, tinggal nunggu waktunya", "suicide", "imminent"),
    ("status wa terakhirku udah aku tulis, sampai jumpa di kehidupan lain", "suicide", "imminent"),
    ("kalo besok aku gak bangun, jangan sedih ya semuanya", "suicide", "imminent"),
    ("udah kutelen semua obatnya, sekarang pusing banget", "suicide", "imminent"),
    ("aku minum racun rumput tadi, perutku sakit", "suicide", "imminent"),
    ("aku ngerasa semua orang bakal lebih baik kalo aku pergi", "burden", "high"),
    # wishes, burden, hopelessness, self-harm, domestic violence, bullying, violence
    ("ngga usah ada besok aja deh buat aku", "suicide", "high"),
    ("sometimes i wish i could just stop existing", "suicide", "high"),
    ("keluargaku luwih seneng yen aku ora ono", "burden", "high"),
    ("things are never going to get better for me", "hopelessness", "medium"),
    ("i cut my arms when nobody is home", "self_harm", "high"),
    ("tiap ayah marah ibu jadi samsak", "domestic_violence", "high"),
    ("anak2 sekelas kompak gak mau ngobrol sama aku", "bullying", "medium"),
    ("aku sering dikatain sama senior", "bullying", "medium"),
    ("parang udah gw bungkus, abis maghrib gw samperin rumahnya", "violence", "imminent"),
]

HARD_NEGATIVES = [
    # brands and doses as prescribed, medicine for a trip
    "paracetamol aku minum 3x sehari sesuai resep",
    "antimo aku bawa buat study tour biar gak mabok",
    "aku minum obat maag tadi pagi",
    # events, an empty house, a locked door, a means mentioned in passing
    "pas semua pergi kondangan aku jaga rumah sendirian",
    "nunggu ibu pulang pengajian, laper bgt",
    "rumah sepi, enaknya nonton film",
    "pintu kamar udah aku kunci biar adek gak masuk",
    "obat udah ada di tas kok, tenang aja bu",
    "obatnya udah cukup kok bu, nunggu ibu pulang kerja aja",
    "tali udah aku cek kuat buat kemah pramuka besok",
    "tali tambang udah aku hitung, ada 5 buat lomba",
    "pisau dapur udah aku asah, nanti pas ibu pulang kita masak",
    "golok buat nyembelih kambing udah aku asah buat idul adha",
    # goodbyes before moving, leaving first, notes to readers, letters for a day
    "pamit ya semua, aku pindah ke bandung. jangan lupain aku",
    "pamit ya guys, tinggal aku yang pergi duluan, yang lain masih di kelas",
    "jangan cari aku di kantin, aku di perpus",
    "buat siapapun yang baca ini, semangat ujiannya ya",
    "surat buat mama di hari ibu udah aku tulis",
    "tolong sampaikan maaf aku ke ibu guru, aku telat ngumpulin tugas",
    "hari terakhir aku di sekolah ini, makasih semuanya",
    # swimming, trains, places, boasts
    "kemarin kita nyebur ke sungai rame2, seru bgt",
    "besok renang di laut sama keluarga",
    "pas krl lewat aku nyeberang rel hati2",
    "aku udah pilih jembatan buat foto prewed kakak",
    "nobody will stop me from eating this pizza",
    # stories, news, class decisions, scolding
    "berita tadi ada remaja yang loncat dari jembatan, ngeri",
    "di film itu tokohnya gantung diri, aku nangis",
    "satu kelas sepakat gak mau ngerjain pr",
    "ibu jadi sasaran omelan nenek terus wkwk",
    "aku gak bakal ngerepotin kamu lagi, janji pinjem pulpen sendiri",
    "never gonna get better at math lol",
    "obat nyamuk bakar udah aku pasang di kamar",
    # cloth on a door, a cable, a paid debt, a note for followers, a small count, an errand
    "sarung buat sholat udah aku gantung di pintu",
    "dasi udah aku gantung di pintu buat upacara besok",
    "kabel charger udah aku pasang di colokan deket pintu",
    "utang ke kantin udah aku lunasin, kamar udah aku beresin juga",
    "kalau kalian baca ini, jangan lupa follow ig aku",
    "by the time you read this i'll be at the concert",
    "aku minum 2 strip vitamin c sehari? gak lah",
    "pas ayah lembur aku main game sampe malem",
    "hapunten abdi telat, macet pisan",
    "i won't be here tomorrow, dentist appointment",
    # the same words in everyday errands
    "kalo besok aku gak bangun, bangunin ya buat sahur",
    "lagi nunggu kereta lewat di perlintasan, lama",
    "udah aku cek jembatan mana yang paling bagus buat foto",
    "baygon udah aku semprot di kamar, nyamuknya banyak",
    "tiap hari aku minum satu butir vitamin",
    "obat pusing udah aku minum tadi pagi",
    "aku pulang duluan ya, semua lebih baik kalau aku pergi duluan biar gak telat",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_twelve_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_twelve_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_a_vanishing_farewell_and_a_goodbye_combine_with_the_phrases_alone():
    result = load_lexicon(model=None).screen("dadah semuanya, jangan nyariin aku ya")
    assert result.categories == ("suicide",) and result.triage == risk.IMMINENT, result
    assert VANISHING in result.reason and result.reason.endswith(", together"), result.reason


def test_a_vanishing_farewell_alone_is_not_imminent():
    result = screen("jangan nyariin aku, aku lagi di rumah nenek")
    assert result.triage != risk.IMMINENT and (not result.flagged or result.possible), result


def test_of_two_phrases_as_heavy_over_the_same_words_the_preparation_counts():
    # "pil siap" is a plain phrase and a preparation over the same words; the reason must name it
    result = load_lexicon(model=None).screen("pil ibu udah siap di laci, aku udah gak kuat lagi")
    assert result.triage == risk.IMMINENT and "suicide: " in result.reason, result


def test_brands_and_regional_spellings_are_words_of_the_lexicon():
    assert risk.normalise("antimo") == ["obat"] and risk.normalise("paracetamol") == ["obat"]
    assert risk.normalise("pills") == ["pil"]
    assert risk.normalise("madosi") == ["cari"] and risk.normalise("turu") == ["tidur"]
    assert [surface for surface, _ in risk.default_lexicon().tokens("sabotol")] == ["sebotol"]


def test_the_vanishing_kind_is_accepted_by_a_school_extension():
    doc = {"categories": {"suicide": {"phrases": [{"phrase": "aku ilang aja", "imminent": "vanishing"}]}}}
    assert load_lexicon(extra=doc, model=None).categories
