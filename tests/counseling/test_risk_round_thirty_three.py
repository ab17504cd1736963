"""Round thirty-three of the risk screen (docs/risk-screening.md), tuned on fresh-29 and fresh-30 (fresh-31 …
fresh-34, written blind, are its measures). An abuser who "grepe" (gropes) the student, and its forms
("digrepein", "ngegrepe"); a screwdriver ("obeng") is a weapon kept ready; Sundanese "ngantosan" and
"ngadagoan" are "nungguin" (waiting). A review of the first version found eleven defects: the phrases it
named are dropped (below, each with a sentence).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import review_tests, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("om kos sebelah suka grepe aku pas lewat", "sexual_abuse", "high"),
    ("aku sering digrepein sama tetangga", "sexual_abuse", "high"),
    ("om suka ngegrepe aku di kamar", "sexual_abuse", "high"),
    ("gue udah simpen obeng di tas, besok gue tusuk dia", "violence", risk.IMMINENT),
]
# A screwdriver for a craft, waiting for a friend at the gate.
HARD_NEGATIVES = [
    "bawa obeng buat prakarya besok",
    "aku nungguin kamu di gerbang ya, jangan lama",
]

(
    test_no_sentence_is_a_fresh_set_message,
    test_flagged_in_its_category_and_triage,
    test_no_hard_negative_fires_a_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


def test_sundanese_waiting_is_read_as_waiting():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("ngantosan ngadagoan")] == [
        stem for _, stem in lexicon.tokens("nungguin nungguin")
    ]


# What the review of the first version found, each phrase dropped: a friend met at "kosnya" with a time (the
# meeting phrase named no adult); whoever waits at the gate (a boyfriend, a brother) as bullying; "hanya dengan
# kakek" (only with grandparents, safe now) as a relative's intent; "cut lagi" a friend out of a circle;
# "i don't deserve food this delicious" (a strong phrase no joke word could soften).
REVIEW_NO_PHRASE = [
    "kak rina minta ketemu di kosnya sekarang buat balikin buku catatan",
    "pacarku ngajak ketemuan di kosnya besok",
    "kemarin aku diejek soal jerawat. sekarang pacarku lagi nungguin aku di luar, nanti cerita lagi ya bu",
    "gue cut lagi si dinda dari circle, relapse ke mantan",
    "i don't deserve food this delicious wkwk",
]
REVIEW_NOT_IMMINENT = [
    "aku pernah dicabuli kakak sepupu dulu. sekarang aku hanya dengan kakek dan nenek di kampung, udah aman",
    "waktu smp aku dibully, sekarang kakakku yang nungguin aku di gerbang tiap pulang",
]
REVIEW_STILL_RISK = [
    ("aku pernah dicabuli kakak sepupu dulu. sekarang aku hanya dengan kakek dan nenek di kampung", "sexual_abuse")
]

(
    test_the_review_sentences_are_no_fresh_set_message,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests(REVIEW_STILL_RISK, REVIEW_NO_PHRASE, REVIEW_NOT_IMMINENT)
