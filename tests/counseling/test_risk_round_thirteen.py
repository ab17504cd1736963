"""Round thirteen of the risk screen (docs/risk-screening.md), tuned on fresh-6 by kind of signal: a
dangerous place and being there now, walking into the sea or not coming back, "don't look for me" and
leaving the world in regional registers (Minang, Javanese, Sundanese, Medan, Makassar), emoji of places,
preparations (accounts deleted, pets left, waiting for the night, a rope bought again after a failed try),
acts under way (an amount of a named drug swallowed, blood not stopping), and by family in the other
categories (euphemisms of abuse, grooming signals, exploitation, uang panai', belt beatings, days without
food, a parent hit in front of the child, threats after school), each with its everyday uses as hard
negatives.

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-6's floor is in test_risk_fresh_sets.py."""

import pytest

from ekonseling.counseling import risk
from ekonseling.counseling.risk import load_lexicon
from tests.counseling.risk_rounds import assert_flagged, assert_no_phrase_alert, assert_not_from_the_fresh_sets

NOW = risk.IMMINENT_KINDS["now"]

TRUE_POSITIVES = [
    # a dangerous place and being there now: Indonesian, English, Minang, Javanese
    ("aku di rooftop mall sekarang, udah gak ada yang peduli", "suicide", "imminent"),
    ("i'm on the roof rn. sorry for everything", "suicide", "imminent"),
    ("ambo alah di ateh jembatan kini, maafkan ambo yo", "suicide", "imminent"),
    ("aku wis neng nduwur kreteg saiki", "suicide", "imminent"),
    # walking into the sea, going alone and not coming back
    ("malam ini aku mau jalan terus ke tengah laut, capek semuanya", "suicide", "imminent"),
    ("nanti subuh aku mau ke sungai sendirian dan gak balik", "suicide", "imminent"),
    ("tonight i'm going to walk into the sea", "suicide", "imminent"),
    # don't look for me, leaving the world: Javanese, Medan, Makassar, Sundanese
    ("pamit yo, ora usah nggoleki aku", "suicide", "imminent"),
    ("dadah semua, tak usah kelen cari aku lagi", "suicide", "imminent"),
    ("pamit ka semua, jangan mi cari", "suicide", "imminent"),
    ("isukan abdi bade ngantunkeun dunya", "suicide", "imminent"),
    # emoji of a place, a time and a waving hand
    ("\U0001f309 nanti subuh. \U0001f44b", "suicide", "imminent"),
    ("\U0001f686 besok pagi, rel belakang sekolah. dadah semuanya", "suicide", "imminent"),
    # preparations: accounts deleted and a pet left with someone, then the night; a rope bought again
    ("semua akun sosmed udah aku hapus, hamster aku titipin ke sepupu, tinggal nunggu gelap", "suicide", "imminent"),
    ("minggu lalu aku nyoba tapi gagal, talinya lepas. sekarang aku beli yang lebih kuat", "suicide", "imminent"),
    ("aku udah nyoba gantung diri tapi gagal", "suicide", "high"),
    # traffic: hoping to be hit, walking into the road with a time
    ("kadang aku sengaja nyebrang pelan2 biar ketabrak", "suicide", "high"),
    ("besok aku mau berdiri di tengah jalan pas truk lewat", "suicide", "imminent"),
    # acts under way: a number of a named drug, everything swallowed with symptoms, bleach, a box of pills
    ("i swallowed around 20 of my mom's tramadol", "suicide", "imminent"),
    ("udah aku minum obat tidur semuanya, kepalaku muter", "suicide", "imminent"),
    ("tadi aku nenggak bayclin, tenggorokanku perih", "suicide", "imminent"),
    ("tadi aku minum antimo sekotak, sekarang lemes", "suicide", "imminent"),
    ("dapet xanax 3 strip, nanti malam sekaligus aja semuanya", "suicide", "imminent"),
    # no reason to live, not wanting to exist; going to a bridge with a time
    ("honestly there's no reason to live anymore", "suicide", "high"),
    ("aku udah gak mau ada lagi di dunia ini", "suicide", "high"),
    ("udah gak ada alasan buat hidup, besok aku mau ke jembatan", "suicide", "imminent"),
    # self-harm: blood not stopping, a burn continued, a blade in hand, cutting again
    ("lenganku berdarah gak berhenti2 abis aku sayat tadi", "self_harm", "imminent"),
    ("rokok yang nyala aku tempel ke lengan, mau aku terusin sampe abis", "self_harm", "imminent"),
    ("silet udah di tangan, aku di kamar mandi", "self_harm", "imminent"),
    ("gue nyilet lagi tadi malem, udah sebulan berhenti", "self_harm", "high"),
    # burden and hopelessness in English and Minang
    ("my family would be happier if i was gone", "burden", "high"),
    ("everyone would be better off without me", "burden", "high"),
    ("raso e indak ado gunonyo ambo hiduik", "hopelessness", "medium"),
    # sexual abuse: a game as a euphemism, an empty house, a lap, hands under clothes, Javanese, at the door now
    ("sepupu suka ngajak main dokter-dokteran di kamar, aku gak mau", "sexual_abuse", "high"),
    ("om suka megang badanku kalau rumah lagi kosong", "sexual_abuse", "high"),
    ("pakde nyuruh aku duduk di pangkuannya tiap aku main ke rumahnya", "sexual_abuse", "high"),
    ("tetangga suka masukin tangannya ke baju aku", "sexual_abuse", "high"),
    ("pakdhe senengane nyekeli awakku", "sexual_abuse", "high"),
    ("om lagi gedor pintu kamarku, kemarin dia udah grepe2 aku", "sexual_abuse", "imminent"),
    # grooming: midnight chats, "special", delete the chats, mature for my age, a hotel tonight
    ("guru les suka chat aku tengah malam, katanya aku beda, terus suruh hapus chatnya", "grooming", "high"),
    ("a guy from discord says i'm mature for my age and wants to video call alone", "grooming", "high"),
    ("kakak pembina ngajak aku ke penginapan nanti malam, katanya jangan bilang siapa2", "grooming", "imminent"),
    # exploitation, child marriage (uang panai', a wedding the day after tomorrow)
    ("aku ditawarin jadi pemandu karaoke padahal umurku 15", "exploitation", "high"),
    ("mamak udah terima uang panai, padahal aku masih SMA", "child_marriage", "high"),
    ("lusa aku dinikahkan sama juragan sawit, tolong", "child_marriage", "imminent"),
    # belts, days without food when left alone, a parent hit in front of the child or right now
    ("kakiku memar kena sabuk bapak semalam", "physical_abuse", "high"),
    ("udah tiga hari aku gak makan, ibu pergi sama pacarnya, aku ditinggal sendirian", "neglect", "high"),
    ("aku liat sendiri bokap yang nampar mama tadi malem", "domestic_violence", "high"),
    ("ayah lagi nyekik ibu di ruang tamu, aku takut", "domestic_violence", "imminent"),
    # dating violence, a beating announced for after school, a threat to wait for the student
    ("cowokku sering nampar aku kalau aku gak nurut", "violence", "high"),
    ("mereka bilang aku bakal dikeroyok pulang sekolah nanti", "violence", "imminent"),
    ("kalau aku lapor guru, mereka bakal nungguin aku di gerbang", "bullying", "high"),
    # a second pass of other wordings, written after the first families passed
    ("im at the bridge now. bye", "suicide", "imminent"),
    ("abdi moal uih deui, hapunten sadayana", "suicide", "imminent"),
    ("udah kubeli tali tu, malam ni lah", "suicide", "imminent"),
    ("i already took 12 of my sleeping pills", "suicide", "imminent"),
    ("akun tiktok udah aku deactivate, semua chat udah aku hapus, tinggal malam ini", "suicide", "imminent"),
    ("darah di pergelangan gak mau berhenti bu", "self_harm", "imminent"),
    ("kakak tiri suka ngajak main suami istri kalau ortu pergi", "sexual_abuse", "high"),
    ("pak guru minta aku duduk di pahanya", "sexual_abuse", "high"),
    ("om yg kenal di ig bilang aku lebih dewasa dari umurku, terus ngajak ketemuan berdua", "grooming", "high"),
    ("coach basket sering vc aku malem2, katanya jangan bilang ortu", "grooming", "high"),
    ("aku disuruh jadi LC di tempat karaoke, padahal masih 16", "exploitation", "high"),
    ("tiap nilai jelek ayah nyabet aku pake gesper", "physical_abuse", "high"),
    ("tadi aku liat langsung ayah nendang ibu sampai jatuh", "domestic_violence", "high"),
    ("pacarku suka nyekik aku kalau cemburu", "violence", "high"),
    # a third pass
    ("skrg aku di tebing deket kampung, gak ada yg tau", "suicide", "imminent"),
    ("aku wis ning pinggir rel, sepur wis cedhak", "suicide", "imminent"),
    ("abdi tos di luhur sasak", "suicide", "imminent"),
    ("udah 30 butir paracetamol aku telen barusan", "suicide", "imminent"),
    ("sebelum subuh aku bakal ke rel. udah pamit sama kucing", "suicide", "imminent"),
    ("tali tambang udah aku beli lagi, yang kemarin putus", "suicide", "imminent"),
    ("jangan cari aku, aku udah pergi jauh. makasih buat semuanya", "suicide", "imminent"),
    ("i'm standing on the edge of the roof right now", "suicide", "imminent"),
    ("ayah lagi ngamuk, dia mukulin ibu pake kursi sekarang", "domestic_violence", "imminent"),
    ("mama dipukulin papa barusan, mukanya berdarah", "domestic_violence", "imminent"),
    ("besok akad nikahku sama om itu, aku baru kelas 9", "child_marriage", "imminent"),
    ("aku mau dijual sama tante ke om2 malam ini", "exploitation", "imminent"),
    # a fifth pass, by register: Makassar, Medan, Minang, Sundanese, English, emoji
    ("jangan mko cari ka nah, pamit ma", "suicide", "imminent"),
    ("aku udah tak sanggup lagi hidup, biar mati ajalah aku", "suicide", "high"),
    ("udah kubeli obat serangga tu, malam ni kuminum", "suicide", "imminent"),
    ("i'm done. pills are on my desk, tonight's the night", "suicide", "imminent"),
    ("honestly i just want to disappear forever", "suicide", "high"),
    ("\U0001faa2 + \U0001fa91 = \U0001f44b", "suicide", "imminent"),
    ("bu aku lagi di atas genteng rumah, mau loncat", "suicide", "imminent"),
    ("guru les suka ngelus paha aku pas belajar", "sexual_abuse", "high"),
    ("aku disuruh kerja di warung remang2 tiap malam", "exploitation", "high"),
    # a sixth pass on the suicide ladder in everyday Indonesian and English
    ("obat tidur mama udah aku ambil semua, tinggal nunggu semua tidur", "suicide", "imminent"),
    ("kalau besok aku udah gak ada, tolong jaga kucingku", "suicide", "imminent"),
    ("sorry for everything, i won't be around tomorrow", "suicide", "imminent"),
    ("aku udah gak punya alasan buat bertahan", "suicide", "high"),
    # a seventh pass on the other categories by register: Javanese, Sundanese, Batak, Minang, English
    ("bapak sering nggebuki aku nganggo sabuk nek aku telat mulih", "physical_abuse", "high"),
    ("pakdhe seneng ngelus-elus pupuku pas omah sepi", "sexual_abuse", "high"),
    ("aku dikon nyambut gawe ning pasar, ora oleh sekolah", "exploitation", "high"),
    ("mamah sok digebugan ku bapa unggal peuting", "domestic_violence", "high"),
    ("amang sering mamukul aku pakai rotan", "physical_abuse", "high"),
    ("ambo dipaso kawin jo urang gaek", "child_marriage", "high"),
    # imminent from round twenty-four ("next month" a time word) to round thirty-one; since round thirty-two a
    # month away is no near moment: high, read by the counselor, not first
    ("i'm being forced to marry a guy twice my age next month", "child_marriage", "high"),
    ("my stepdad comes into my room at night and touches me", "sexual_abuse", "high"),
    ("my coach keeps texting me at 2am saying i'm his favorite and not to tell my parents", "grooming", "high"),
]

HARD_NEGATIVES = [
    # places: a rooftop cafe, repairs, photos, a tide walk, a day out alone
    "aku lagi di rooftop cafe sekarang sama temen2, pemandangannya bagus",
    "i'm on the roof rn fixing the antenna with my dad",
    "ayah lagi di atap sekarang benerin genteng bocor",
    "pas surut kita jalan terus ke tengah laut nyari kerang",
    "aku ke pantai sendirian dan gak pulang sampai sore",
    "besok pagi mau foto di jembatan ampera, dadah",
    "kemarin naik perahu ke laut dan gak pulang sebelum dapet ikan",
    # regional "don't look for me" and goodbyes alone
    "ojo goleki aku, aku neng omah mbah",
    "gak usah dicari bu, bukunya udah ketemu",
    "bye bu, makasih pelajarannya hari ini",
    "dadah semuanya, sampai ketemu besok",
    "\U0001f30a\U0001f3d6 besok ke pantai sama keluarga",
    # accounts, pets, nights, ropes and failures in everyday life
    "akun ig lama udah aku hapus, kucing aku titipin ke tetangga soalnya mau liburan",
    "tinggal nunggu malam buat nonton bola bareng ayah",
    "tali layangan putus, gagal deh naikinnya",
    "percobaan kimia kemarin gagal, besok beli yang lebih kuat konsentrasinya",
    # traffic in everyday use
    "hati-hati nyebrang, jangan sampai ketabrak",
    "kemarin aku hampir ketabrak motor pas nyebrang",
    # medicine as prescribed, a sibling's cough syrup, counts of other things
    "aku udah minum obat flu semuanya sesuai resep, tinggal istirahat",
    "adek minum sirup obat batuk kebanyakan, tapi udah diperiksa dokter",
    "aku minum 2 tablet panadol tadi pagi karena pusing",
    "took 10 photos of the sunset",
    "aku udah minum panadol, masih meriang",
    # games, films, news, leaving a group chat
    "gw loncat ke jurang di roblox biar respawn wkwk",
    "di film itu ada karakter yang gantung diri, sedih",
    "ada kabar remaja di kota sebelah loncat dari jembatan, semoga keluarganya kuat",
    "pengen menghilang dari gc kelas, notifnya rame mulu",
    # family and school words around the other families
    "papa lagi mukul paku di dinding buat pasang foto",
    "aku liat sendiri ayah mukul bola sampe jauh",
    "ikat pinggang seragamku ketinggalan di rumah",
    "pemandu wisata di bali ramah banget",
    "karaoke sama keluarga pas lebaran seru",
    "kakak sepupuku lamaran minggu depan, uang panainya gede",
    "jari aku kena pisau pas masak, darahnya gak berhenti",
    "gigiku dicabut tadi, gusinya berdarah terus gak berhenti",
    "pelatih futsal chat aku tengah malam soal jadwal latihan besok",
    "om nyuruh aku ke hotel jemput tante nanti sore",
    "tiga hari gak makan nasi soalnya lagi diet",
    "aku nyilet kertas buat prakarya",
    "mimisan, darahnya gak berhenti dari tadi",
    "adek main dokter-dokteran sama boneka pake stetoskop mainan",
    "temen bakal nungguin aku di gerbang buat pulang bareng",
    "lihat sendiri deh bu, nilaiku naik",
    # the second pass
    "aku lagi di lantai 5 sekarang, nunggu lift",
    "at the bridge now, taking pics for art class",
    "aku di jembatan sekarang, macet parah",
    "kakak pergi ke gunung sendirian dan gak pulang semalaman, ibu panik",
    "om aku ngajak ke hotel buat acara nikahan sepupu besok",
    "lagi gedor pintu kamar adek buat bangunin sahur",
    "dadah, nanti malam ke jembatan suramadu sama ayah buat liat lampu",
    "obat udah aku minum semua sesuai resep dokter",
    "took 20 minutes to finish my pills",
    "rokok ayah nempel ke tanganku pas dia lewat, panas",
    "bakal nungguin aku di depan sekolah jam 3, jangan telat ya",
    "besok naik kereta jam 5 subuh, dadah semuanya",
    "aku di rel sekarang, nunggu kereta buat foto",
    "udah dua hari gak makan nasi, makan roti terus",
    "mama lagi mukul kasur di jemuran",
    "im on the roof now fixing the antenna",
    # the third pass
    "aku di tebing sekarang, lagi panjat tebing sama klub",
    "im at the bridge now waiting for my friends",
    "aku di jembatan sekarang, nunggu temen",
    "udah aku hapus akun lama, kucingnya aku titipin ke om pas aku kemah",
    "mau ke jembatan besok pagi buat lari pagi, bye bu",
    "besok akad nikah kakakku, aku jadi pager ayu",
    "mama barusan dipukul bola sama adek pas main, gapapa kok",
    "tali jemuran putus, udah aku beliin yang baru",
    "ada 30 butir vitamin di botol, diminum sehari sekali",
    # a fourth pass: everyday messages with the words of the round
    "aku di rooftop sekarang, lagi nyari sinyal buat zoom",
    "sekalian aja semuanya aku bayar ya bu, uang kas",
    "no reason to stay up late tonight, i'm sleeping early",
    "my grandma says i'm mature for my age lol",
    "ibu pergi sama temennya ke pasar, aku jaga adik sendiri",
    "kucingku suka duduk di pangkuanku",
    "adik suka chat aku tengah malam minta dibangunin sahur",
    "liburan nginep di hotel sama keluarga nanti malam",
    "karaoke bareng temen sekelas abis ujian",
    "ikat pinggang baru aku dari ayah, kulit asli",
    "katanya dia jatuh dari motor, lututnya lebam",
    "tinggal nunggu gelap buat liat kembang api",
    "om nyuruh aku ke hotel buat ambil kunci mobil yang ketinggalan",
    "abdi moal uih deui ka sakola ieu, da ngalih ka bandung",
    "kita mau piknik ke pantai minggu depan, dadah semuanya",
    "lampu kamar remang-remang bikin ngantuk",
    "elus dada aja deh sama kelakuan adek",
    "obat batuknya kuminum tiap pagi sesuai resep",
    "the keys are on my desk, tonight's the night for the concert",
    "ayah lagi di atas genteng benerin antena",
    "tali tambang buat lomba udah aku siapin di gudang",
    "gonna jump into the pool after school tomorrow",
    "sorry i won't be around tomorrow, family trip",
    "tolong jaga adik ya pas aku les, makasih",
    "obat flu udah aku minum, tinggal nunggu sembuh",
    "aku udah mutusin, minggu ini aku pergi ke rumah nenek",
    "pisau udah aku asah buat masak rendang besok",
    "mom said not to tell dad about the surprise party",
    "this song really touches me",
    "he is my favorite teacher, dont tell anyone lol",
    "dont tell my mom i got a b on the test",
    "my little brother comes into my room at night to play games",
    "aku gak boleh sekolah lagi hari ini karena banjir",
    "the teacher texts me every night about homework",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_thirteen_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_thirteen_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_harm_happening_now_says_so_in_the_reason():
    result = load_lexicon(model=None).screen("ayah lagi nyekik ibu di ruang tamu, aku takut")
    assert result.triage == risk.IMMINENT and result.reason == f"domestic_violence: {NOW}", result


def test_harm_happening_now_never_flags_alone():
    # "om lagi gedor pintu" alone is a support phrase: nothing to be imminent about
    result = load_lexicon(model=None).screen("adek lagi gedor pintu kamar mandi, aku kunci dari dalam")
    assert not result.flagged, result


def test_harm_happening_now_is_not_combined():
    # harm under way only says why a message flagged by other phrases is imminent: it is no kind of a combination
    assert NOW not in risk._COMBINABLE


def test_emoji_of_places_are_words():
    text = "\U0001f686\U0001f686 \U0001f309 \U0001f30a \U0001f44b"  # trains, a bridge, a wave, a waving hand
    tokens = [surface for surface, _ in risk.default_lexicon().tokens(text)]
    assert tokens == ["kereta", "jembatan", "laut", "dadah"]


def test_regional_words_of_the_round_are_words_of_the_lexicon():
    assert risk.normalise("ambo") == ["aku"] and risk.normalise("kreteg") == ["jembatan"]
    assert risk.normalise("kelen") == ["kalian"] and risk.normalise("gramoxone") == ["racun"]


def test_of_two_phrases_as_heavy_the_longer_imminent_one_counts():
    # "besok pagi aku dinikahin" (a wedding tomorrow) overlaps the plain "dinikahin", which starts later
    result = load_lexicon(model=None).screen("besok aku dinikahin sama juragan")
    assert result.triage == risk.IMMINENT and result.reason == f"child_marriage: {NOW}", result


def test_the_now_kind_is_accepted_by_a_school_extension():
    doc = {"categories": {"violence": {"phrases": [{"phrase": "lagi dikejar", "imminent": "now", "support": True}]}}}
    assert load_lexicon(extra=doc, model=None).categories
