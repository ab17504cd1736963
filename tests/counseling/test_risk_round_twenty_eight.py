"""Round twenty-eight of the risk screen (docs/risk-screening.md), tuned on fresh-21 and fresh-22 (fresh-23
and fresh-24, written blind after round twenty-seven, are its measures): letters typed twice ("malakkin",
"goresann") read as the word they spell; a Javanese nasal prefix before a voiced consonant ("nggores",
"nggaplok") is read off when the lexicon knows the bare word, and only then ("nggolek" stays "cari"); a
prefixed word said twice reads as the language writes it ("dipgg2", "dipegang2", "d1p3g4ng2"); "blg" is
"bilang" (it was read as "biologi", a homework word that softened the message); an amount ("50rb") is a
word, neither alay letters nor a count of pills; 🩸 is a word, 👊 is not (a fist bump). Phrases: starving
oneself on purpose, a wedding dais, a parcel to carry out of the police's sight, a drink spiked, "don't
worry about me any more" with everything put in order, a secret only the two of them may know, a meeting at
a hotel, an envelope taken for a child's work in another town, a slap by a parent, coercion "again" with a
time, not being a problem "any longer". Negatives: bullying that is over without "sudah", a debate
contest's theme, a paper on brawls.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("kk kls 8 malakkin aku tiap pulang, duit jajan abis", "bullying", "medium"),
    ("aku ngilangin stres pake nggores lengan", "self_harm", "high"),
    ("tanganku penuh goresann, aku tutupin pake jaket terus", "self_harm", "high"),
    ("bapak nggaplok aku tadi sampe pipiku merah", "physical_abuse", "high"),
    ("bapak nggebugi aku nganggo sapu wingi", "physical_abuse", "high"),
    ("bokap nabok gue pake sandal di depan tamu", "physical_abuse", "high"),
    ("simbah arep ngrabekke aku karo wong sugih, aku isih SMP", "child_marriage", "high"),
    ("bu tmnku blg dia dipgg2 sm pelatih di gudang", "sexual_abuse", "high"),
    ("kata temenku dia dipegang2 sm pelatih di gudang", "sexual_abuse", "high"),
    ("aku sengaja gak makan dua hari, biar ngerasain sakit", "self_harm", "high"),
    ("ortu udah terima amplop dari bos itu, besok aku ikut dia ke batam buat kerja", "exploitation", risk.IMMINENT),
    ("aku disuruh nganter paket kecil ke orang, katanya jangan sampai ketahuan polisi", "coerced_substance", "high"),
    ("minumanku dicampurin sesuatu sama anak-anak, aku langsung teler", "coerced_substance", "high"),
    ("mulai besok ibu gak usah khawatir lagi soal aku, semua udah aku beresin", "suicide", risk.IMMINENT),
    (
        "om yg kenal di ig bilang cuma kita berdua yang boleh tau, katanya besok mau jemput aku",
        "grooming",
        risk.IMMINENT,
    ),
    ("cowok di discord ngajak ketemu di hotel sabtu ini", "grooming", risk.IMMINENT),
    ("anak2 kelas maksa aku minum ciu kemarin, besok mereka ngajak lagi", "coerced_substance", risk.IMMINENT),
    ("aku gak akan jadi beban siapa-siapa lebih lama lagi", "burden", "high"),
    ("ambo raso labiah baiak ambo mati", "suicide", "high"),
]
# Bullying that is over, a contest's theme, a paper, a parcel for a neighbour, fasting, tidying up, money
# spent on medicine, a fist bump.
HARD_NEGATIVES = [
    "uangku habis 100rb buat obat",
    "ibu 👊 semangat kerjanya",
    "gas 👊 besok kita lawan kelas 9",
    "sepupuku dulu dibully, sekarang dia baikan sama temen-temennya",
    "kelompok kami ikut lomba debat tema pernikahan dini",
    "aku kebagian tugas makalah bahas tawuran pelajar",
    "mama nitip paket buat dianter ke tetangga",
    "sengaja gak makan siang soalnya lagi puasa senin kamis",
    "bu gak usah khawatir soal aku, semua tugas udah aku beresin kok",
]


def test_an_amount_is_a_word_neither_alay_letters_nor_a_count():
    assert [surface for surface, _ in risk.default_lexicon().tokens("setor 50rb besok")] == ["setor", "50rb", "besok"]
    assert [surface for surface, _ in risk.default_lexicon().tokens("9k usah")] != ["9", "usah"]  # alay "gk"


def test_a_prefixed_word_said_twice_reads_as_the_language_writes_it():
    for text in ("dipgg2", "dipegang2", "d1p3g4ng2", "dipegang-dipegang"):
        assert risk.default_lexicon().tokens(text) == [("dipegang-pegang", "pegang")], text


def test_a_nasal_prefix_is_read_off_only_towards_a_word_the_lexicon_knows():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("nggores") == [("gores", "gores")]
    # "golek" is a root (a puppet); "nggolek" is Javanese for looking for something, as before this round
    assert lexicon.tokens("nggolek") == [("cari", "cari")]
    assert risk.screen("aku lagi nggolek cara bunuh diri").triage == risk.IMMINENT


def test_a_support_phrase_of_a_moment_does_not_make_a_game_imminent():
    result = risk.screen("lagi dikeroyok 3 hero musuh nih di mabar")
    assert result.triage != risk.IMMINENT


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_bullying_that_is_over_contests_and_papers_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)
