"""Round seventeen of the risk screen (docs/risk-screening.md), tuned on fresh-10 (written blind during
round sixteen, released for tuning once a fresh-11 was being written blind): the second stage and the
imminence model trained on it too (risk.TRAINING_SETS), then fresh-10's misses by family, suicide and the
imminent level first (indirect intent and preparation: a goodbye letter already written, a day already
chosen, a promise to oneself to end everything, a high place looked up and one picked for a day, pills
swallowed with dizziness now), then violence (a blade kept in the bag with revenge, poison in the
target's drink), bullying (shoved and called names, a face made a sticker or meme and laughed at) and
self-harm (English: keep scratching or biting my arm until); Kupang and Papua "su" (already), Minang
"hapuih" (delete), "salamonyo" (forever) and "isuak" (tomorrow). Each family
with its everyday uses as hard negatives.

Every sentence here was written for these tests: none is a message of a fresh set (checked below), so a
family is tested on a wording it was not written from. Fresh-10's floor is in test_risk_fresh_sets.py."""

import pytest

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import assert_flagged, assert_no_phrase_alert, assert_not_from_the_fresh_sets

TRUE_POSITIVES = [
    # suicide: a goodbye letter already written for the family or left under a pillow; Kupang/Papua "su"
    ("aku sudah nulis surat buat ibu sama adik, aku taruh di bawah bantal", "suicide", "imminent"),
    ("sa su tulis surat buat mama, sa su siap", "suicide", "imminent"),
    ("i've written my farewell letters for my parents", "suicide", "imminent"),
    # suicide: a day already chosen, "so it's all at once"
    ("aku udah nentuin tanggalnya, biar sekalian aja", "suicide", "imminent"),
    ("aku udah milih harinya, biar sekalian aja, gak usah nunggu lagi", "suicide", "imminent"),
    # suicide: a promise to oneself to end everything
    ("aku udah janji ke diri sendiri buat mengakhiri semuanya malam ini", "suicide", "imminent"),
    # suicide, in English: the tallest place looked up, one picked for a day
    ("i looked up which building near my house is the tallest and i picked one for saturday", "suicide", "imminent"),
    # suicide, in Minang: every account deleted, gone forever from tomorrow ("hapuih", "salamonyo", "isuak")
    ("ambo alah hapuih sadonyo akun ambo, isuak ambo pai untuak salamonyo", "suicide", "imminent"),
    # suicide: pills swallowed, dizzy or sick now
    ("aku tadi minum obat banyak banget, sekarang pusing sama mual", "suicide", "imminent"),
    # violence: a blade kept in the bag with revenge; poison in the target's drink
    ("pisau udah aku simpan di tas, aku mau balas dia besok", "violence", "imminent"),
    ("i put poison into his drink, he eats from his lunch box at noon", "violence", "high"),
    # bullying: shoved and called names; a face made a meme and laughed at
    ("they keep pushing me into the wall and calling me ugly every day", "bullying", "medium"),
    ("fotoku dijadiin meme di grup angkatan, semua ngetawain", "bullying", "medium"),
    # self-harm, in English: keep scratching my arms until they bleed
    ("i keep scratching my arms until they bleed when i panic", "self_harm", "high"),
]

HARD_NEGATIVES = [
    # a letter of leave, a teachers' day letter
    "aku sudah tulis surat izin buat ibu guru karena sakit",
    "kami sudah tulis surat untuk semua guru di hari guru",
    # a day chosen for a party or a holiday
    "aku udah milih tanggal buat syukuran ultah adik",
    "aku sudah pilih hari buat liburan ke bali, biar sekalian aja",
    # finishing all homework tonight
    "aku janji sama diri sendiri buat nyelesaiin semua tugas malam ini",
    # the highest bridge for geography; a dress picked for a party
    "which bridge is the highest in the world? it's for my geography homework",
    "i picked one for this weekend: the blue dress for the party",
    # a knife for a cooking lesson; rat poison in the kitchen
    "pisau udah aku simpan di tas buat praktik masak besok",
    "we put rat poison in the kitchen for the mice",
    # old photos deleted for space (Minang)
    "ambo hapuih sadonyo foto lamo di hp, memorinyo panuah",
    # a sticker made by a friend as a joke; mosquito bites
    "fotoku dijadiin stiker sama sahabatku, lucu banget",
    "i keep scratching my arm because of mosquito bites",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_seventeen_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_seventeen_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_the_regional_words_are_read():
    words = {"su": "sudah", "banya": "banyak", "hapuih": "hapus", "isuak": "besok"}
    assert {word: " ".join(risk.normalise(word)) for word in words} == words
