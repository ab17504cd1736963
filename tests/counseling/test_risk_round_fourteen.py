"""Round fourteen of the risk screen (docs/risk-screening.md), tuned on fresh-7 (released for tuning once a
fresh-8 was being written blind): the second stage and the imminence model trained on it too
(risk.TRAINING_SETS), then self-injury by family (NSSI behaviours and concealment): burning with a heated
object pressed to the skin, pain that quiets the mind, self-punishment (starving or hurting oneself as a
punishment one deserves), hair pulling, wounds one says one made oneself, a relapse announced with a blade
bought; then the other categories by family (a will or a note written, a death made to look like an
accident, every door shut, scalding, school needs left unprovided, money or a doctor withheld, fights heard
at home, a drink spiked, taken out of school to work, another's identity card, revenge with a weapon, arson
with fuel ready, undressing, an adult who comes into the room at night, an adult met online with a gift
promised). Each family with its everyday uses
as hard negatives; and two known false alarms: someone waiting for a friend on a footbridge (a crisis
phrase ignored every negative) and a family trip to the beach.

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-7's floor is in test_risk_fresh_sets.py."""

import json

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import (
    assert_flagged,
    assert_no_alert,
    assert_no_phrase_alert,
    assert_not_from_the_fresh_sets,
)

TRUE_POSITIVES = [
    # burning with a heated object pressed to the skin
    ("aku suka neken koin yang udah dipanasin ke lengan, biar kerasa sesuatu", "self_harm", "high"),
    ("jarum aku panasin pake korek terus aku tempel ke paha", "self_harm", "high"),
    ("tiap malem aku tekan setrika yang panas ke perutku, sakitnya bikin pikiran tenang", "self_harm", "high"),
    # self-punishment: starving or hurting oneself as a deserved punishment
    ("aku nggak makan seharian sebagai hukuman buat diriku sendiri", "self_harm", "high"),
    ("kalau aku salah aku menghukum diri sendiri, aku pantas sakit", "self_harm", "high"),
    ("aku sengaja gak sarapan dan gak makan siang, itu hukuman buat aku yang bodoh", "self_harm", "high"),
    # hair pulling
    ("alisku udah hampir habis, aku cabutin sendiri tiap kali cemas", "self_harm", "high"),
    ("kepalaku pitak di belakang, aku yg jambak dan cabut rambutnya kalo lagi panik", "self_harm", "high"),
    # wounds one says one made oneself (Indonesian, Javanese)
    ("luka di pahaku ini aku sendiri yang bikin bu", "self_harm", "high"),
    ("goresan di tanganku ini aku sendiri yg buat pake peniti", "self_harm", "high"),
    ("sikilku akeh tatu, aku dhewe sing nggawe", "self_harm", "high"),
    # a relapse announced for tonight, with a blade bought
    ("nanti malam aku mau lakuin lagi, cutter udah aku beli tadi siang", "self_harm", "imminent"),
    # on a rail track or a rooftop now: still imminent without the crisis phrase, by the strong phrase
    ("aku udah di rel sekarang", "suicide", "imminent"),
    ("aku udah di atap sekolah, maaf semuanya", "suicide", "imminent"),
    # the other categories by family: a will and a note, a death made to look like an accident; every door
    # shut; scalding; school needs unprovided, left without money, a doctor refused; fights heard at home;
    # a drink spiked; taken out of school to work, another's identity card; revenge with a weapon, arson;
    # undressed by an adult, an adult who comes into the room at night
    ("nanti malam om pasti masuk kamar lagi, aku takut", "sexual_abuse", "imminent"),
    ("besok aku disuruh berhenti sekolah buat kerja di kebun sawit", "exploitation", "imminent"),
    ("aku udah bikin surat wasiat, laptopku buat adek", "suicide", "imminent"),
    ("i left a note on my desk, nunggu semua orang tidur dulu", "suicide", "imminent"),
    ("gimana ya caranya biar keliatan kayak kecelakaan, biar ortu gak malu", "suicide", "high"),
    ("rasanya semua pintu udah tertutup buat aku, gak ada jalan lagi", "hopelessness", "medium"),
    ("sia-sia aja aku berusaha, ujung-ujungnya gagal terus", "hopelessness", "medium"),
    ("ayah nyiram punggungku pake air mendidih waktu aku telat pulang", "physical_abuse", "high"),
    ("sepatuku udah bolong dari semester lalu, kata ibu beli aja sendiri", "neglect", "high"),
    ("aku ditinggal seminggu gak dikasih duit sama ayah", "neglect", "high"),
    ("kakiku luka infeksi tapi bapak bilang gak usah ke puskesmas", "neglect", "high"),
    ("tiap malem ada suara gelas dibanting sama bentakan dari kamar ortu", "domestic_violence", "high"),
    ("paman sama bibi kalau berantem saling tampar di depan aku", "domestic_violence", "high"),
    ("es teh yang dikasih kakak kelas rasanya aneh, abis itu aku gak inget apa-apa", "coerced_substance", "high"),
    ("kayaknya ada pil yang dicampur ke minumanku di acara itu", "coerced_substance", "high"),
    ("aku disuruh keluar sekolah buat ikut paman kerja di kapal", "exploitation", "high"),
    ("aku kerja di restoran pake ktp sepupu biar keliatan udah 18", "exploitation", "high"),
    ("besok aku bales dia pake celurit, liat aja", "violence", "imminent"),
    ("udah kubeli bensin sebotol, malam ini motornya kubakar", "violence", "imminent"),
    ("om suka buka2 bajuku kalau aku lagi tidur", "sexual_abuse", "high"),
    ("tiap malam ayah tiri masuk kamar aku, aku takut banget", "sexual_abuse", "high"),
    (
        "cowok yg kenalan di tiktok mau jemput aku di sekolah, katanya mau beliin iphone. jangan bilang mama ya",
        "grooming",
        "high",
    ),
    ("ibu nyiram kakiku pake air panas karena aku gak sengaja numpahin susu", "physical_abuse", "high"),
    ("aku udah nulis wasiat, sepatu buat sepupu, gitar buat temen", "suicide", "imminent"),
]

HARD_NEGATIVES = [
    # known false alarms: a footbridge where a friend is awaited, a family trip to the beach
    "aku udah di atas jembatan penyeberangan, tungguin ya",
    "ke pantai sama keluarga, gak balik ke sekolah",
    "udah di jpo depan sekolah nih, kamu dimana",
    "aku udah di jembatan penyeberangan deket halte, jemput ya",
    "besok ke pantai sama keluarga, jadi gak balik ke sekolah dulu bu",
    # heated things that are not self-injury
    "tanganku kena panci panas pas masak mie",
    "kompres air panas ke perut pas lagi mens, enakan",
    "ibu nempelin koyo panas ke punggung ayah",
    "setrika panas jangan ditaruh di kasur",
    # punishments and deserving, said of others or of prizes
    "kelas kami dapat hukuman nyapu halaman dari guru",
    "dia pantes dapet juara satu",
    "aku dihukum guru gara-gara telat, pantes sih",
    "aku nggak makan siang hari ini soalnya sibuk rapat osis",
    # hair, and pulling other things out when anxious
    "aku cabutin uban ibu, dapet goceng",
    "alis aku cabut pake pinset biar rapi",
    "rambut adek rontok abis kemo, kepalanya botak",
    "rambutku rontok banyak banget pas lagi stres ujian",
    "aku yang cabut kabel charger pas panik listriknya konslet",
    # made oneself: a cake; a fall; a blade for crafts; doing homework again
    "kue ini aku sendiri yang bikin lho bu",
    "luka di lututku gara-gara jatuh dari sepeda, bukan apa-apa",
    "cutter udah aku beli buat prakarya besok",
    "nanti aku lakuin lagi tugas kimianya, soalnya salah",
    # a PE lesson: jumping meant literally
    "besok pjok ujian lompat jauh, deg-degan",
    # everyday uses of the other families' words
    "kakak keluar sekolah buat ikut lomba debat di jakarta",
    "mama bilang gak usah ke dokter gigi dulu, udah gak sakit",
    "tugas agama bikin contoh surat wasiat",
    "semua pintu toko udah tertutup, kemaleman",
    "ayah sama ibu saling pukul bantal pas main sama adek",
    "ayah lagi nyiram halaman pake air, panas banget hari ini",
    "ayah pake ktp kakak buat daftar vaksin",
    "bensin udah aku beli, motor siap dipake touring",
    "kakak tiri masuk kamar aku buat minjem charger",
    "ayah sama om latihan silat, saling pukul tapi pake pelindung",
    "kakak keluar sekolah jam 2 terus ikut les",
    "aku nulis surat buat nenek, mau aku kirim lewat pos",
    "efek makeup buat teater biar keliatan kayak korban kecelakaan",
    "pintu gerbang sekolah udah tertutup pas aku dateng, telat",
    "usahaku belajar gak sia-sia, nilaiku naik",
    "mama nyiram tanaman pake air bekas cucian beras",
    "adek gak sengaja kesiram air panas dari dispenser",
    "sepatuku robek, besok mau beli baru sama ayah",
    "gak usah ke dokter kata mama, cuma pilek doang",
    "piring pecah pas aku nyuci, mama teriak kaget",
    "om sama tante saling tuker kado pas lebaran",
    "minuman rasa baru di kantin aneh banget",
    "aku gak inget apa-apa pas ujian tadi, blank",
    "kakak keluar sekolah buat kuliah di luar kota",
    "pinjam ktp ayah buat daftar kartu perpus",
    "ayah bakar sampah pake bensin sisa motor",
    "bensin motor abis, harus dorong ke pom",
    "aku ganti baju di kamar pas mau renang",
    "papa masuk kamar aku malam-malam buat bangunin sahur",
    "om yang kenal di fb itu sahabat lama ayah, baik kok",
    "sepupu yang kenalan di ig janji beliin aku boba",
    "tante janji beliin hp kalau aku juara kelas",
    "mama nyiram halaman pake air panas bekas rebusan biar rumputnya mati",
    "seragam baru udah dibeli, yang lama robek dikit, aku jahit sendiri",
    # a fourth pass: everyday messages with the round's words
    "aku sendiri yang bikin goresan di meja itu, maaf bu",
    "ayah ibu saling pukul? enggak kok, mereka akur",
    "bales pake pisau? enggaklah, aku bales pake prestasi",
    "buka baju aku basah kena hujan, langsung mandi",
    "ibu lepasin bajuku pas aku sakit demam tinggi",
    "mama gak mau bawa aku ke rs karena cuma flu",
    "sepatuku udah kekecilan, mama bilang beli aja sendiri pake tabungan",
    "kakek udah bikin wasiat buat warisan sawahnya",
    "mama bilang gak usah ke dokter, cukup minum obat warung aja karena cuma pusing",
    "pake ktp kakak buat ambil paket di kantor pos",
    "ayah tiri masuk kamar lagi buat ambil charger, aku takut ketahuan main hp",
    "abang yang kenal di game janji kasih skin kalau menang turnamen",
    "om masuk kamar aku buat benerin ac malam ini",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_fourteen_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_fourteen_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_the_known_false_alarms_raise_no_alert_at_all():
    assert_no_alert("ke pantai sama keluarga, gak balik ke sekolah")


def test_the_footbridge_raises_no_phrase_alert():
    # the footbridge was an imminent suicide alert: the strong "aku sudah di atap|jembatan|rooftop|lantai"
    # (gap 1) read "aku udah di atas jembatan"; the overlapping negative "jembatan penyeberangan" cancels it.
    # Since round eighteen the second-stage model scores it 0.809 against its threshold of 0.80: a possible
    # risk, no category (a known false alarm, docs/risk-screening.md "Known limits").
    assert_no_phrase_alert("aku udah di atas jembatan penyeberangan, tungguin ya")


def test_being_on_a_bridge_is_no_longer_a_crisis_phrase_but_still_imminent():
    # a crisis phrase ignores every negative, so "aku udah di jembatan penyeberangan, jemput ya" was an act
    # under way; the strong imminent phrase (with "rel" added) says the same and a negative can cancel it
    crisis = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))["crisis"]
    assert not any("jembatan" in entry["phrase"] for entry in crisis)
    result = risk.load_lexicon(model=None).screen("aku udah di jembatan sekarang")
    assert result.triage == risk.IMMINENT and result.reason == "suicide: plan or preparation", result


def test_self_punishment_alone_flags_nothing():
    # the punishment and deserving phrases are support: they count only next to an act of self-injury
    assert not risk.load_lexicon(model=None).screen("itu hukuman buat aku, pantes aku dapet").flagged
