"""Round fifteen of the risk screen (docs/risk-screening.md), tuned on fresh-8 (written blind after round
fourteen, released for tuning once a fresh-9 was being written blind): the second stage and the imminence
model trained on it too (risk.TRAINING_SETS), then fresh-8's misses by family, suicide first: a moment
chosen (not living to a date, a birthday not to be celebrated), a lethal height or amount asked, a means
kept ready (insecticide, bleach, a rope tried for a body's weight), affairs settled (accounts deleted,
borrowed things returned), a last post scheduled, going far away for good, a letter for the family
written; a future already ruined (hopelessness); made to work or trade until night (exploitation); and
words of the registers no round had seen (Banjar, Madurese, Batak, Minang, Balinese). Each family with its
everyday uses as hard negatives; and three known false alarms: a letter for Mother's Day (a farewell), the
scar of an operation (self-injury), and a parent saying to marry after university (child marriage, by
the model).

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-8's floor is in test_risk_fresh_sets.py."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import (
    assert_flagged,
    assert_no_alert,
    assert_no_phrase_alert,
    assert_not_from_the_fresh_sets,
)

TRUE_POSITIVES = [
    # a moment chosen: a date one says one will not live to, a birthday not to be celebrated
    ("jangan dirayain ya ultahku nanti, aku juga gak bakal sampai sana", "suicide", "imminent"),
    ("tahun depan gak usah dirayakan, aku gak akan sampai tahun itu", "suicide", "imminent"),
    ("i honestly can't see myself alive by the end of this semester", "suicide", "high"),
    # a lethal height or amount asked
    ("biar gak selamat harus lompat dari lantai berapa ya", "suicide", "high"),
    ("how many pills are too many if i take them all at once", "suicide", "high"),
    # a means kept ready: insecticide, bleach; a rope tried for a body's weight
    ("obat nyamuk cair udah aku sembunyiin di lemari, nunggu semua tidur", "suicide", "imminent"),
    ("pemutih baju mama udah aku simpen di kamarku, tinggal nunggu rumah kosong", "suicide", "imminent"),
    ("tali tambang di garasi kuat gak ya nahan berat badan orang dewasa", "suicide", "imminent"),
    # affairs settled: accounts deleted, borrowed things returned
    ("aku udah hapus semua akun sosmed, barang pinjaman temen juga udah aku balikin semua", "suicide", "imminent"),
    # a last post written and scheduled
    ("aku udah nulis story terakhir, udah dijadwalin jam 3 pagi", "suicide", "imminent"),
    # going far away for good; a letter for the family written, with "don't look for me"
    ("aku mau pergi jauh dan gak akan kembali lagi, jaga diri kalian ya", "suicide", "high"),
    ("sudah kutulis surat untuk ibu di meja, jangan cari aku", "suicide", "imminent"),
    # Banjar, Madurese and Batak wishes to die (Batak and Madurese "mate" is left to a school's extension:
    # it is the example of one, tests/counseling/test_lexicons.py)
    ("ulun handak mati haja, kada kuat lagi", "suicide", "high"),
    ("sengko' tadha' gunana odi' e dunnya, terro ngilang", "suicide", "high"),
    ("ahu ndang kuat be, ingin mati saja", "suicide", "high"),
    # a future already ruined
    ("masa depanku udah pasti hancur, gak ada yang bisa diubah", "hopelessness", "medium"),
    # made to work or trade until night, out of school (Indonesian, Minang)
    ("aku disuruh paman jualan di terminal sampai larut malam, gak boleh sekolah", "exploitation", "high"),
    ("tiap hari aku dipaksa kerja di bengkel dari pagi sampe malem", "exploitation", "high"),
    ("ambo disuruah etek manggaleh di pasa sampai malam", "exploitation", "high"),
    # a Banjar marriage arranged (high by the rules until round twenty-one, which made a child marriage with
    # a time near it imminent: every child-marriage phrase is an intent)
    ("ulun handak dikawinakan minggu depan, padahal masih SMP", "child_marriage", "imminent"),
]

HARD_NEGATIVES = [
    # letters and cards for an occasion: Mother's Day, a birthday, a teacher's farewell, graduation
    "aku bikin kartu ucapan buat ayah, kado ulang tahunnya besok",
    "lagi nulis surat buat bu guru yang mau pensiun, sedih juga",
    "surat buat ibu udah aku tulis buat lomba hari ibu di sekolah",
    "aku nulis pesan buat kalian semua di buku kenangan wisuda",
    "sudah kutulis surat izin buat wali kelas",
    "nulis surat buat mama pas mother's day, dia sampe nangis terharu",
    # scars of an operation, an accident, a disease
    "bekas luka jahitan di dagu gara-gara jatuh waktu kecil",
    "bekas luka kecelakaan motor tahun lalu masih ada di kaki",
    "bekas luka operasi caesar mama keliatan pas renang",
    # a parent's means against pests; a game's parachute
    "ayah beli racun tikus buat di gudang, tikusnya banyak",
    "ibu beli racun rumput buat kebun belakang",
    "main pubg lompat dari pesawat pake parasut seru banget",
    # a team called a burden; a drama's bullying
    "i feel like a burden on my team when we play futsal lol",
    "nonton anime yang tokohnya dibully tapi akhirnya jadi kuat",
    # not reaching a place in time; a birthday not celebrated by taste
    "ujian jam 7, gak bakal sampai sekolah tepat waktu kalau macet gini",
    "pake sepeda gak akan sampai sana sebelum magrib",
    "jangan dirayain ya ultahku, aku gak suka pesta",
    "i can see myself studying abroad next year",
    "made up my mind to join the debate club",
    "how many cups of coffee is too many for a student",
    # insecticide, bleach and rope kept for their uses
    "obat nyamuk udah aku simpen di laci biar gak dimainin adek",
    "pemutih baju disimpen di gudang sama mama",
    "tali buat ayunan di pohon kuat gak ya nahan berat badan aku",
    # accounts deleted to study, books returned, someone else's posts, a meeting scheduled
    "aku hapus semua akun sosmed biar fokus belajar utbk",
    "aku udah balikin buku pinjaman ke perpus",
    "story terakhir kamu lucu banget wkwk",
    "postingan terakhir aku sepi like",
    "udah dijadwalin jam 8 pagi buat rapat osis",
    # going away to study or home for the holidays
    "aku mau pergi jauh kuliah ke jogja dan gak balik lagi ke kota ini",
    "aku pulang kampung pas liburan, gak balik lagi ke kos sampai januari",
    # a future spoken of as a warning or a hope
    "masa depan cerah kalau rajin belajar",
    "jangan sampai masa depanmu hancur gara-gara narkoba",
    "aku takut masa depanku suram kalau gak lulus snbt",
    # adults working late; a child helping at a school bazaar
    "ayah disuruh kerja lembur sampai malam sama bosnya",
    "aku disuruh mama jualan kue di bazar sekolah sampai sore",
    # the new regional words in everyday messages
    "thanks mate, see you at practice",
    "handak makan haja kah? ulun lapar",
    "sengko' terro ngakan bakso",
]

KNOWN_FALSE_ALARMS = [
    "aku nulis surat buat mama di hari ibu",
    "bekas luka operasi usus buntu aku masih keliatan",
    "bokap bilang nikah nanti aja abis kuliah",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES + KNOWN_FALSE_ALARMS)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_fifteen_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_fifteen_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


@pytest.mark.parametrize("text", KNOWN_FALSE_ALARMS)
def test_the_known_false_alarms_raise_no_alert_at_all(text):
    # a letter for Mother's Day was an imminent suicide alert (the farewell "nulis surat buat ibu"), the scar
    # of an operation self-injury (the strong "bekas luka"), and a parent saying to marry after university a
    # possible risk triaged imminent by the second stage trained on fresh-7
    assert_no_alert(text)


def test_a_scar_said_to_be_self_made_or_hidden_is_still_self_injury():
    # "bekas luka" left the strong phrase so that an operation or an accident can cancel it; a scar kept
    # secret is still flagged
    assert_flagged("aku punya bekas luka di lengan, jangan bilang siapa2", "self_harm", "high")


def test_one_signal_of_a_moment_alone_flags_nothing():
    # not living to a date and a celebration declined are 0.6 and 0.5: each alone is everyday talk
    phrases = risk.load_lexicon(model=None)
    assert not phrases.screen("kayaknya aku gak akan sampai ultah itu").flagged
    assert not phrases.screen("ultahku gak usah dirayain").flagged
