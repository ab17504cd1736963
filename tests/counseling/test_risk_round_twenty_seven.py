"""Round twenty-seven of the risk screen (docs/risk-screening.md), tuned on fresh-20 (fresh-21, written blind
after round twenty-six, is its measure): being told to lie about one's age for work, documents kept, work
in another town; an extortion "setor" due today; a coach's summons to come alone; self-injury "bakal gitu
lagi" tonight; "malam nanti" as a time word; a habit reaches two words, not three ("tiap minggu cepek. hari
ini …" is a moment). Negatives: bullying that is over ("sekarang udah aman"), a play's story, a school
assignment about trafficking.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("om aku nyuruh aku ngaku umur 18 biar bisa kerja di pabrik, berangkat besok", "exploitation", risk.IMMINENT),
    (
        "bibi nyimpen ktp aku, aku disuruh kerja jadi pelayan di kota lain minggu depan",
        "exploitation",
        risk.IMMINENT,
    ),
    ("kakak kelas malakin aku, hari ini aku disuruh setor 50rb", "bullying", risk.IMMINENT),
    ("tiap minggu aku dipalak. hari ini disuruh setor lagi", "bullying", risk.IMMINENT),
    (
        "pelatih voli sering ngelus punggungku, nanti sore dia nyuruh aku ke ruangannya sendirian",
        "grooming",
        risk.IMMINENT,
    ),
    ("aku nyilet lagi kemarin, malam nanti kayaknya bakal gitu lagi", "self_harm", risk.IMMINENT),
]
# Bullying that is over, a play, a paper.
HARD_NEGATIVES = [
    "adikku dulu pernah dibully di SD, tapi sekarang udah aman dan punya banyak teman",
    "naskah drama kelas kami ceritanya tentang anak yang dirundung",
    "aku bikin makalah PPKn tentang anak yang dijual ke luar negeri, sumbernya dari mana ya bu",
]


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_bullying_that_is_over_plays_and_papers_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)
