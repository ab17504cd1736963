"""Round sixteen of the risk screen (docs/risk-screening.md), tuned on fresh-9 (written blind after round
fifteen, released for tuning once a fresh-10 was being written blind): the second stage and the imminence
model trained on it too (risk.TRAINING_SETS), then fresh-9's misses by family, the categories that
generalise worst across blind sets first: neglect (not taken to a doctor, not eaten since yesterday with
nobody home), hopelessness (a future already known to be the same old), exploitation (made to carry loads,
out of school), grooming (game currency given, then a video call alone), child marriage (English: an
engagement after a school grade), physical abuse (tied to a tree or a chair), self-harm (marks hidden
under sleeves in the heat), sexual abuse ("did that to me", feeling dirty), suicide (at a lethal place
now; pills collected for weeks); words of Manado, Papua, Banjar and Javanese. Each family with its
everyday uses as hard negatives; a defect ("setubuh" stems to "tubuh", so any body flagged sexual abuse);
and a known false alarm of the model: a parent saying to marry after graduation.

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-9's floor is in test_risk_fresh_sets.py."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import (
    assert_flagged,
    assert_no_alert,
    assert_no_phrase_alert,
    assert_not_from_the_fresh_sets,
)

TRUE_POSITIVES = [
    # neglect: not taken to a doctor (said to waste money; a swelling for a week); not eaten since
    # yesterday with nobody home or a parent's phone off ("belom" was stemmed to "bom")
    ("adikku demam udah tiga hari tapi gak dibawa ke puskesmas, kata bapak buang-buang duit", "neglect", "high"),
    ("gigiku bengkak udah seminggu, ibu gak mau bawa aku ke dokter", "neglect", "high"),
    ("aku belum makan dari kemarin, di rumah gak ada orang", "neglect", "high"),
    ("belom makan sejak kemaren bu, hp ayah gak aktif dari pagi", "neglect", "high"),
    # hopelessness: a future already known to be the same old
    ("buat apa aku rajin, masa depanku udah ketebak gitu-gitu aja", "hopelessness", "medium"),
    # exploitation: made to carry loads, out of school
    ("aku disuruh om angkut pasir di proyek tiap hari, jadi gak bisa sekolah", "exploitation", "high"),
    ("tiap pagi dipaksa mikul karung di pasar, aku udah gak bisa sekolah", "exploitation", "high"),
    # grooming: game currency given, then a video call alone or in the bedroom
    ("ada orang di game yg suka kirim robux ke aku, sekarang dia ngajak video call berdua malem2", "grooming", "high"),
    ("cowok yg top up diamond aku minta vc, katanya harus di kamar", "grooming", "high"),
    # child marriage, in English: a parent's decision, an engagement after a school grade
    ("my dad said i will be married to his friend's son when i finish grade 8", "child_marriage", "high"),
    # physical abuse: tied to a tree or a chair by a relative
    ("kalau aku telat pulang, ayah ikat aku di pohon belakang rumah", "physical_abuse", "high"),
    ("aku diikat di kursi sama paman semalaman", "physical_abuse", "high"),
    # self-harm: marks hidden under long clothes in the heat
    ("pahaku penuh goresan, aku pake celana panjang terus walau gerah", "self_harm", "high"),
    ("lenganku penuh sayatan, aku selalu pake hoodie padahal panas", "self_harm", "high"),
    # sexual abuse: "did that to me", feeling dirty or disgusted
    ("om itu ngelakuin begituan sama aku, sekarang aku ngerasa jijik", "sexual_abuse", "high"),
    ("tetanggaku melakukan itu pada aku waktu rumah sepi, aku merasa kotor", "sexual_abuse", "high"),
    ("dia menyetubuhi aku waktu rumah kosong", "sexual_abuse", "high"),
    # suicide: at a lethal place now (can't bear it, sitting there a while); pills collected for weeks
    ("aku ada di atap sekarang, udah gak kuat", "suicide", "imminent"),
    ("aku lagi di jembatan, udah lama duduk di sini", "suicide", "imminent"),
    ("pil dari apotek udah aku kumpulin sejak bulan lalu", "suicide", "imminent"),
    # Manado ("nyanda"), Banjar ("bapamitan", "siapakan") and Papua ("tra") words
    ("nyanda kuat lagi, kita so ada di rel sekarang", "suicide", "imminent"),
    ("ulun handak bapamitan, tali sudah ulun siapakan", "suicide", "imminent"),
    ("sa tra mau hidup lagi, cape", "suicide", "high"),
]

HARD_NEGATIVES = [
    # neglect: taken to a doctor, a cold; fasting; a phone's battery; an empty house
    "adikku demam tapi udah dibawa ke dokter, sekarang baikan",
    "aku gak dibawa ke dokter soalnya cuma pilek",
    "belum makan dari kemarin soalnya lagi puasa sunnah",
    "hp mama gak aktif, mungkin baterainya habis",
    "di rumah gak ada siapa-siapa, aku bosen banget",
    # hopelessness: a future one has chosen
    "masa depanku udah jelas: mau jadi dokter hewan",
    # exploitation: a chore at home, community work, a day off sick
    "aku disuruh angkat karung beras ke dapur sama ibu",
    "kemarin kerja bakti, kami angkut pasir buat bikin pos ronda",
    "aku gak bisa sekolah besok, lagi sakit",
    # grooming: a sibling's gift, a classmate's call for homework
    "kakakku top up diamond buat aku pas ulang tahun",
    "temen sekelas ngajak video call buat ngerjain tugas kelompok malam ini",
    # child marriage: a sister's engagement, a parent's freedom to choose later
    "my sister will be engaged after she finishes her degree",
    "my parents said i can marry whoever i want when i'm older",
    # physical abuse: a goat tied to a tree, a hammock
    "ayah ikat kambing di pohon depan rumah",
    "kami ikat hammock di pohon pas kemah",
    # self-harm: a cat's scratches, a jacket for a cold
    "tanganku penuh goresan kena cakar kucing tetangga",
    "aku pake jaket terus walau panas soalnya lagi flu",
    # sexual abuse: "that" is copying homework; dirty after football
    "dia ngelakuin itu ke aku tiap hari, nyontek PR aku terus",
    "abis main bola di lapangan becek aku ngerasa kotor banget",
    # suicide: a bridge in a traffic jam, waiting for a train, medicine for a donation
    "aku ada di jembatan sekarang, macet parah",
    "aku lagi di stasiun, dari tadi duduk nunggu kereta",
    "obat flu udah aku kumpulin dari minggu lalu buat donasi posko banjir",
    # a verse about death for a religion lesson; early marriage as a school paper
    "di pelajaran agama kami belajar ayat tentang kematian",
    "aku lagi bikin makalah tentang pernikahan dini buat tugas sosiologi",
]

# No alert at all, not even the model's possible risk: a body ("tubuh", once matched by "setubuh") and a
# parent saying to marry after graduation, university or a job (the model's possible risk, triaged
# imminent, after it was trained on fresh-9)
# ("pak, tubuhku pegal semua habis olahraga" was one until round forty's retrained second stage made it a
# possible risk: a known cost of that round, kept in test_risk_round_forty.py)
KNOWN_FALSE_ALARMS = [
    "bu, di dalam tubuh manusia ada berapa tulang?",
    "mama bilang nikahnya nanti aja abis wisuda",
    "ayah bilang nikah nanti aja setelah lulus kuliah",
    "kata mama nikahnya nanti kalau udah kerja",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES + KNOWN_FALSE_ALARMS)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_sixteen_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_sixteen_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


@pytest.mark.parametrize("text", KNOWN_FALSE_ALARMS)
def test_the_known_false_alarms_raise_no_alert_at_all(text):
    assert_no_alert(text)


def test_the_regional_words_are_read():
    words = {"belom": "belum", "nyanda": "tidak", "tra": "tidak", "skarang": "sekarang", "bapamitan": "pamit"}
    assert {word: " ".join(risk.normalise(word)) for word in words} == words


def test_marrying_later_keeps_the_model_quiet_but_not_a_forced_marriage():
    # the context only says marriage is put off; a marriage forced now is still flagged by the phrases
    result = risk.screen("aku mau dinikahkan besok, padahal dulu ayah bilang nikah nanti aja setelah lulus")
    assert "child_marriage" in result.categories and result.triage == risk.IMMINENT, result
