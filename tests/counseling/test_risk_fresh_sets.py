"""The hand-written fresh sets of the risk screen (risk.FRESH_SETS, docs/risk-screening.md): one floor
test over all of them, each set with its figures. A set is written and committed before a round of rules,
measured, then tuned on by the next round; its floor rises when it is tuned on and never falls.

A new set is a line in risk.FRESH_SETS and a `Floor` here (`test_every_fresh_set_has_a_floor`); a set
whose file is not there yet is skipped, saying so."""

from dataclasses import dataclass

import pytest

from ekonseling.counseling import risk


@dataclass(frozen=True)
class Floor:
    name: str  # the split name, a key of risk.FRESH_SETS
    messages: int  # at least this many messages
    precision: float
    recall: float | None = None  # None: not held yet (a set never measured)
    imminent: int | None = None  # imminent messages triaged imminent, at least
    labelled_imminent: int | None = None  # imminent messages in the set, at least
    every_category: bool = True  # the set labels every category of the lexicon


# Since the second stage was trained on every part the rules were tuned on (risk.TRAINING_SETS: dev and
# fresh-2 … fresh-6, fresh-7 since round fourteen, fresh-8 since round fifteen, fresh-9 since round
# sixteen; docs/risk-screening.md),
# these sets are its training data too: their figures with the model are no longer a measure of it
# (held-out and fresh are, tests/counseling/test_risk_model.py). Measured then (with the imminence
# model): fresh-2 0.969 / 1.000, 10/10; fresh-3 1.000 / 1.000, 9/9; fresh-4 0.993 / 0.951, 35/35;
# fresh-5 0.991 / 0.982, 52/54; fresh-6 1.000 / 0.983, 55/57. After round fourteen: the same, but
# fresh-2 0.968 / 0.989 (one message, "aq dsuruh jd kurir titipan brg…", no longer a possible risk).
# After round fifteen (trained on fresh-8 too): fresh-2 0.979 / 0.989, fresh-4 0.993 / 0.944, fresh-6
# 1.000 / 0.983, 55/57, fresh-7 0.977 / 0.970, 54/58. After round sixteen (trained on fresh-9 too): fresh-2
# 0.969 / 1.000, fresh-4 0.993 / 0.958, fresh-6 1.000 / 0.991, 56/57, fresh-7 0.985 / 0.970, fresh-8 1.000
# / 0.946.
FLOORS = [
    # Written before round eight, never tuned on until round nine. Measured after round twelve: precision
    # 0.939, recall 0.989, imminent 10/10 (tests/counseling/test_risk_model.py holds the second stage's gain).
    Floor("fresh2", messages=150, precision=0.90, recall=0.98),
    # 175 messages written and committed before round nine (2026-12-03). Before round nine: precision 0.949,
    # recall 0.895, phrases only 0.810, imminent 5/9; after it 0.941, 0.914, 0.838, 5/9; round ten was
    # tuned on it.
    Floor("fresh3", messages=150, precision=0.92, recall=0.90),
    # 245 messages written and committed before round ten (commit e6a42ac), never tuned on until round
    # eleven. Before round ten: precision 0.906, recall 0.817, imminent 11/35; never tuned on it held
    # precision 0.90, recall 0.83, imminent 14; round eleven was tuned on it (0.992, 0.908, 34/35; 35/35
    # after round twelve).
    Floor("fresh4", messages=200, precision=0.95, recall=0.94, imminent=35, labelled_imminent=30),
    # 209 messages written and committed before round eleven (commit 7d8b6a4; three that repeated a dev or
    # fresh-4 message removed before any measurement). Before round eleven 0.895 / 0.694, imminent 13/54;
    # after it, never tuned on, 0.908 / 0.712, 20/54 (held at 0.90, 0.71, 20); round twelve was tuned on
    # it: 0.973 / 0.973, 50/54 (docs/risk-screening.md).
    Floor("fresh5", messages=200, precision=0.95, recall=0.97, imminent=51, labelled_imminent=50),
    # 220 messages written after round twelve by someone who did not see its rules (nor the screen's code),
    # committed with the first measurement. Before round twelve (round eleven's rules): precision 0.920, recall
    # 0.600, imminent 13/57; after it, never tuned on, 0.910 / 0.617, 19/57; round thirteen was tuned on it:
    # 0.991 / 0.974, 54/57 (docs/risk-screening.md).
    Floor("fresh6", messages=200, precision=0.97, recall=0.97, imminent=54, labelled_imminent=55, every_category=False),
    # 240 messages written blind after round twelve (by someone who saw neither the rules, the code nor
    # the other sets), kept aside while round thirteen and the model's training on every tuned part were
    # made, and committed with their first measurement. Round twelve's rules: 0.959 / 0.701, imminent
    # 22/58; round thirteen's rules with the old model 0.960 / 0.716, 22/58; with the second stage trained
    # on every tuned part and the imminence model 0.958 / 0.843, 42/58 (phrases alone 0.966 / 0.634),
    # never tuned on it (held at 0.95, 0.84, 42). Round fourteen was tuned on it and the model trained on it
    # (risk.TRAINING_SETS): 0.977 / 0.970, 54/58 (docs/risk-screening.md); a fresh-8 written blind measures it.
    Floor("fresh7", messages=240, precision=0.97, recall=0.97, imminent=54, labelled_imminent=58),
    # 260 messages written blind after round fourteen (by someone who read nothing of the repository),
    # kept aside while round fourteen was tuned on fresh-7 and the model trained on it, and committed with
    # their first measurement. Before round fourteen: 0.941 / 0.755, imminent 28/59; round fourteen's rules
    # and model: 0.934 / 0.776, 32/59 (phrases alone 0.938 / 0.612), never tuned on it (held at 0.93, 0.77,
    # 32). Round fifteen was tuned on it and the model trained on it (risk.TRAINING_SETS): training alone
    # 0.955 / 0.871, 50/59; with the round's families 1.000 / 0.939, 55/59 (docs/risk-screening.md); a
    # fresh-9 written blind measures it.
    Floor("fresh8", messages=260, precision=0.99, recall=0.93, imminent=55, labelled_imminent=59),
    # 260 messages written blind after round fifteen (by someone who read nothing of the repository),
    # kept aside while round fifteen was tuned on fresh-8 and the model trained on it, and committed with
    # their first measurement. Before round fourteen: 0.917 / 0.685, imminent 35/58; round fourteen 0.920 /
    # 0.712, 37/58; round fifteen's training step alone 0.923 / 0.740, 41/58; round fifteen's rules and
    # model: 0.948 / 0.747, 41/58 (phrases alone 0.949 / 0.514), never tuned on it (held at 0.94, 0.74,
    # 41). Round sixteen was tuned on it and the model trained on it (risk.TRAINING_SETS): training alone
    # 0.969 / 0.856, 51/58; with the round's families 0.986 / 0.938, 55/58 (docs/risk-screening.md); a
    # fresh-10 written blind measures it.
    Floor("fresh9", messages=260, precision=0.98, recall=0.93, imminent=55, labelled_imminent=58),
    # 260 messages (156 risk, 58 imminent; 23 registers, Aceh, Sasak and Ngapak among them) written blind
    # while round sixteen was tuned on fresh-9, and committed with their first measurement. Before round
    # fourteen: 0.942 / 0.622, imminent 23/58; round fourteen 0.953 / 0.647, 24/58; round fifteen 0.952 /
    # 0.641, 27/58; round sixteen 0.955 / 0.679, 29/58 (phrases alone 0.949 / 0.481). Nothing was tuned or
    # trained on it: the measure of round sixteen (held at 0.95, 0.67, 29). Round seventeen was tuned on it
    # and the model trained on it (risk.TRAINING_SETS): training alone 0.968 / 0.782, 41/58; with the
    # round's families 0.971 / 0.853, 50/58 (docs/risk-screening.md); a fresh-11 written blind measures it.
    Floor("fresh10", messages=260, precision=0.97, recall=0.85, imminent=50, labelled_imminent=58),
    # 260 messages (150 risk, 57 imminent; 26 registers, Kupang, Gorontalo and Pontianak among them) written
    # blind while round seventeen was tuned on fresh-10, and committed with their first measurement. At the
    # start of round fourteen: 0.926 / 0.580, imminent 23/57; round fourteen 0.899 / 0.593, 25/57; round
    # fifteen 0.911 / 0.613, 26/57; round sixteen 0.919 / 0.680, 30/57; round seventeen 0.921 / 0.700, 31/57
    # (phrases alone 0.920 / 0.460). Nothing was tuned or trained on it: the measure of round seventeen
    # (held at 0.92, 0.70, 31). Round eighteen trained the model on it and on the synthetic training parts
    # (risk.SYNTH_SETS; no phrase written from it): 0.952 / 0.933, 52/57; fresh-12 written blind measures it.
    # Round nineteen: 0.948 / 0.973, 55/57; one more false alarm, an ordinary goodbye on a last day at
    # the school, which the goodbyes of the new synthetic parts (labelled imminent) taught the model.
    # Round twenty-nine (the model trained on fresh-13 … fresh-24 too): 0.947 / 0.960, 53/57.
    Floor("fresh11", messages=260, precision=0.94, recall=0.96, imminent=53, labelled_imminent=57),
    # 260 messages (152 risk, 55 imminent; 27 registers) written blind at the start of round eighteen, kept
    # aside while the model was trained on fresh-11 and the synthetic parts, and committed with their first
    # measurement. At the start of round eighteen (round seventeen's state): 0.929 / 0.776, imminent 42/55;
    # round eighteen: 0.965 / 0.895, 52/55. Nothing was tuned or trained on it: the measure of round eighteen.
    # Round nineteen trained the model on it and new synthetic parts (judged on it first, before that:
    # 0.966 / 0.928, 52/55): 0.966 / 0.941, 54/55; fresh-13 written blind measures it.
    Floor("fresh12", messages=260, precision=0.96, recall=0.94, imminent=54, labelled_imminent=55),
    # 260 messages (153 risk, 55 imminent; 28 registers, Javanese krama, Madurese and Sasak among them)
    # written blind at the start of round nineteen and committed with their first measurement. Round
    # eighteen's state: 0.993 / 0.935, imminent 47/55 (phrases alone 0.990 / 0.621); round nineteen (the
    # model trained on fresh-12 and the synthetic parts W … AD, a context threshold instead of none, "dkt"
    # and "hpku" read): 0.993 / 0.948, 48/55. Nothing was tuned or trained on it: the measure of round
    # nineteen. Round twenty-two (tuned on it): 0.993 / 0.987, 52/55.
    Floor("fresh13", messages=260, precision=0.99, recall=0.98, imminent=52, labelled_imminent=55),
    # 260 messages (155 risk, 56 imminent in 12 categories; 105 negatives, 35 of them plain everyday
    # messages; 28 registers) written blind after round nineteen and committed with their first
    # measurement (only the figures were read, not the misses). Round nineteen: 0.987 / 0.974, imminent
    # 52/56 (phrases alone 0.981 / 0.684). Round twenty-two (a few of its misses shown): 0.987 / 0.981, 54/56.
    Floor("fresh14", messages=260, precision=0.98, recall=0.98, imminent=54, labelled_imminent=56),
    # 260 messages (156 risk, 58 imminent in all 14 categories; 104 negatives, 35 of them plain everyday
    # messages; 28 registers, 100 messages regional or English) written blind on 2026-12-05 and committed
    # with their first measurement (figures only). Round nineteen: 0.961 / 0.949, imminent 52/58 (phrases
    # alone 0.939 / 0.596). Round twenty-two (tuned on it): 0.962 / 0.968, 53/58.
    Floor("fresh15", messages=260, precision=0.96, recall=0.96, imminent=53, labelled_imminent=58),
    # 260 messages (158 risk, 58 imminent in all 14 categories; 102 negatives, 35 of them plain everyday
    # messages; 27 registers, 89 messages regional or English) written blind after round twenty-one and
    # committed with their first measurement (figures only, never shown). Round twenty-one: 0.962 / 0.949,
    # imminent 52/58 (phrases alone 0.950 / 0.715). Round twenty-two (tuned on it): 0.968 / 0.962, 55/58.
    # Round twenty-six: 56/58 (a Batak beating announced for today, "naeng dipukul").
    Floor("fresh16", messages=260, precision=0.96, recall=0.96, imminent=56, labelled_imminent=58),
    # 260 messages (158 risk, 59 imminent in 12 categories; 102 negatives, 35 of them plain everyday
    # messages; 28 registers, 91 messages regional or English) written blind on 2026-12-06, before round
    # twenty-two, and committed with their first measurement (figures only, never shown). Round twenty-one:
    # 0.960 / 0.911, imminent 48/59 (phrases alone 0.945 / 0.544); round twenty-two: 0.960 / 0.918, 48/59
    # (phrases alone 0.947 / 0.570). Round twenty-three (tuned on it): 0.969 / 0.994, 58/59.
    Floor("fresh17", messages=260, precision=0.96, recall=0.99, imminent=58, labelled_imminent=59),
    # 260 messages (158 risk, 59 imminent in 12 categories; 102 negatives, 35 of them plain everyday
    # messages; 27 registers, 92 messages regional or English) written blind on 2026-12-06, after round
    # twenty-two, and committed with their first measurement (figures only, never shown). Round twenty-two:
    # 0.931 / 0.937, imminent 50/59 (phrases alone 0.915 / 0.614). Round twenty-three (two of its messages
    # shown in that round's comparisons): 0.937 / 0.937, 50/59 (phrases alone 0.925 / 0.627).
    # Round twenty-five was tuned on it: 0.957 / 0.975, 58/59.
    Floor("fresh18", messages=260, precision=0.95, recall=0.97, imminent=58, labelled_imminent=59),
    # 260 messages (158 risk, 58 imminent in 12 categories; 102 negatives, 35 of them plain everyday
    # messages; 28 registers, 92 messages regional or English) written blind on 2026-12-06, after round
    # twenty-three, and committed with their first measurement (figures only, never shown). Round
    # twenty-three: 0.944 / 0.968, imminent 51/58 (phrases alone 0.919 / 0.646).
    # Round twenty-four (second measurement) unchanged; round twenty-five was tuned on it: 0.975 / 0.987, 57/58.
    Floor("fresh19", messages=260, precision=0.98, recall=0.98, imminent=57, labelled_imminent=58),
    # 260 messages (158 risk, 58 imminent in 13 categories; 102 negatives; 13 registers, 247 messages in
    # Indonesian as students chat, with Javanese, Sundanese and Betawi, 13 in other regional languages or
    # English, as the issue describes its independent set) written blind on 2026-12-06, after round
    # twenty-four, and committed with their first measurement (figures only, never shown). Round
    # twenty-four: 0.951 / 0.981, imminent 53/58 (phrases alone 0.938 / 0.759).
    # Rounds twenty-five and twenty-six (figures only): 0.957 / 0.981, 53/58. Round twenty-seven was tuned on
    # it: 0.981 / 0.994, 57/58.
    Floor("fresh20", messages=260, precision=0.98, recall=0.99, imminent=57, labelled_imminent=58),
    # 260 messages (159 risk, 58 imminent in all 14 categories; 101 negatives; 247 in the registers,
    # 13 in other regional languages or English) written blind on 2026-12-06, after round twenty-six, to
    # fresh-20's brief, committed with their first measurement (figures only, never shown). Round
    # twenty-six: 0.950 / 0.950 (151/159; precision 151/159 = 0.9497), imminent 47/58 (phrases alone
    # 0.944 / 0.742). Its floor was first written 0.95 and failed: the failing test printed three of its
    # messages (two negatives, one exploitation message); the floor test now prints figures only.
    # Round twenty-eight was tuned on it (with fresh-22): 0.975 / 0.987, 51/58.
    Floor("fresh21", messages=260, precision=0.97, recall=0.98, imminent=51, labelled_imminent=58),
    # 259 messages (159 risk, 57 imminent in 13 categories; 100 negatives; 246 in the registers) written
    # blind on 2026-12-06, after round twenty-seven, to fresh-20's brief (a negative repeating a fresh-21
    # message dropped before any measurement), committed with their first measurement (figures only, never
    # shown). Round twenty-seven: 0.967 / 0.925 (147/159), imminent 45/57 (phrases alone 0.958 / 0.717).
    # Round twenty-eight was tuned on it (with fresh-21): 0.981 / 0.994, 51/57. Round thirty-nine read "menikah" as
    # "nikah" (Sastrawi made it "meni"): a cousin's forced marriage long over is now flagged, 0.975.
    Floor("fresh22", messages=259, precision=0.97, recall=0.99, imminent=51, labelled_imminent=57),
    # 260 messages (160 risk in all 14 categories, 58 imminent in 12; 100 negatives; 247 in the registers,
    # 13 in other regional languages or English) written blind on 2026-12-06, after round twenty-seven, to fresh-20's
    # brief, committed with their first measurement (figures only, never shown). Round twenty-seven: 0.963 /
    # 0.975 (156/160), imminent 53/58 (phrases alone 0.964 / 0.844, imminent 30/58).
    # Round twenty-eight (second measurement, figures only): 0.969 / 0.975, 53/58.
    # Round twenty-nine was tuned on it (with fresh-24): 0.988 / 1.000, 58/58.
    Floor("fresh23", messages=260, precision=0.98, recall=0.99, imminent=58, labelled_imminent=58),
    # 259 messages (158 risk in all 14 categories, 60 imminent in 12; 101 negatives; 246 in the issue's
    # registers, 13 in other regional languages or English) written blind on 2026-12-06, after round
    # twenty-seven, to fresh-20's brief; a risk message repeating a fresh-23 message was dropped after a first
    # measurement that included it (0.963 / 0.975, 54/60 with 260). Round twenty-seven (first measurement,
    # figures only, never shown): 0.963 / 0.975 (154/158), imminent 54/60 (phrases alone 0.960 / 0.759).
    # Round twenty-eight (second measurement): 0.963 / 0.975, 54/60.
    # Round twenty-nine was tuned on it (with fresh-23): 0.994 / 1.000, 59/60.
    Floor("fresh24", messages=259, precision=0.99, recall=0.99, imminent=59, labelled_imminent=60),
    # 260 messages (161 risk in all 14 categories, 58 imminent in 10; 99 negatives; 247 in the issue's
    # registers, 13 in other regional languages or English) written blind on 2026-12-06, after round
    # twenty-eight, to fresh-20's brief, committed with their first measurement (figures only, never shown).
    # Round twenty-eight: 0.974 / 0.944 (152/161), imminent 49/58 (phrases alone 0.969 / 0.789).
    # Round twenty-nine (second measurement, figures only): unchanged (phrases alone 0.970 / 0.795); with the
    # second stage trained on fresh-13 … fresh-24 too (third measurement): 0.975 / 0.969, 53/58.
    # Round thirty was tuned on it (with fresh-26; not trained on): 0.981 / 0.988, 56/58.
    # Since round thirty-two the imminence model is trained on fresh-25 … 28 (risk.IMMINENCE_SETS): their
    # imminent figures are training figures from then on (fresh-25 57/58, 26 56/57, 27 54/58, 28 57/58).
    Floor("fresh25", messages=260, precision=0.98, recall=0.98, imminent=56, labelled_imminent=58),
    # 260 messages (161 risk in all 14 categories, 57 imminent in 11; 99 negatives; 247 in the issue's
    # registers, 13 in other regional languages or English) written blind on 2026-12-06, before round
    # twenty-nine, to fresh-20's brief, committed with their first measurement (figures only, never shown).
    # Round twenty-eight: 0.968 / 0.932 (150/161), imminent 51/57 (phrases alone 0.959 / 0.720, imminent 30/57).
    # Round twenty-nine (second measurement, figures only): unchanged, one more over-triaged (phrases alone
    # 0.959 / 0.727); with the second stage trained on fresh-13 … fresh-24 too (third measurement): 0.968 /
    # 0.944, 52/57.
    # Round thirty was tuned on it (with fresh-25; not trained on): 0.975 / 0.988, 56/57. Round thirty-nine (the
    # second stage's moment threshold): 0.970, one ordinary message with a moment more.
    Floor("fresh26", messages=260, precision=0.96, recall=0.98, imminent=56, labelled_imminent=57),
    # 260 messages (158 risk in all 14 categories, 58 imminent in 12; 102 negatives; in the registers and 13
    # in other regional languages or English) written blind on 2026-12-06, before round thirty, to fresh-20's
    # brief, committed with their first measurement (figures only, never shown).
    # Round twenty-nine: 0.967 / 0.937 (148/158), imminent 49/58. Round thirty (second measurement): unchanged.
    # Round thirty-one was tuned on it (with fresh-28; not trained on): 0.968 / 0.949, 51/58.
    Floor("fresh27", messages=260, precision=0.96, recall=0.94, imminent=51, labelled_imminent=58),
    # 259 messages (158 risk in all 14 categories, 58 imminent in 12; 101 negatives), the same day, by another
    # writer; a risk message repeating a fresh-27 message was dropped after a first measurement that included
    # it (0.962 / 0.950, 54/58 with 260). Round twenty-nine: 0.962 / 0.949 (150/158), imminent 54/58. Round
    # thirty (second measurement): one more over-triaged. Round thirty-one was tuned on it (with fresh-27; not
    # trained on): 0.962 / 0.968, 55/58.
    Floor("fresh28", messages=259, precision=0.96, recall=0.96, imminent=55, labelled_imminent=58),
    # 260 messages (158 risk in all 14 categories, 58 imminent in 11; 102 negatives) written blind on
    # 2026-12-06, before round thirty-one, to fresh-20's brief, committed with their first measurement
    # (figures only, never shown). Round thirty: 0.949 / 0.949 (150/158), imminent 50/58. Round thirty-one
    # (second measurement): unchanged. Round thirty-two (third): 53/58, over-triaged unchanged. Round
    # thirty-three was tuned on it (with fresh-30; not trained on): 0.949 / 0.949, 54/58. Since round forty the
    # second stage is trained on it and on fresh-30, 38 … 40 and 43 … 46 (risk.SECOND_STAGE_ONLY_SETS): their
    # recall is a training figure from then on (their imminent figures are not: the imminence model is not).
    Floor("fresh29", messages=260, precision=0.94, recall=0.94, imminent=54, labelled_imminent=58),
    # 259 messages (158 risk in all 14 categories, 58 imminent in 13; 101 negatives), the same day, by another
    # writer; one risk message repeating a fresh-29 message was dropped before any measurement. Round thirty:
    # 0.975 / 0.981 (155/158), imminent 49/58. Round thirty-one (second measurement): unchanged. Round
    # thirty-two (third): 55/58, over-triaged unchanged. Round thirty-three was tuned on it (with fresh-29; not
    # trained on): unchanged, 0.975 / 0.981, 55/58. Round thirty-seven (the second stage's threshold 0.70, chosen
    # on it and four other read sets never trained on): 0.969 / 0.981, one more false alarm (a friend's beating
    # already handled by the village head, in Javanese).
    Floor("fresh30", messages=259, precision=0.96, recall=0.98, imminent=55, labelled_imminent=58),
    # 259 messages (157 risk in all 14 categories, 58 imminent; 102 negatives) written blind on 2026-12-06, before
    # round thirty-two, to fresh-20's brief; a risk message repeating a fresh-24 message was dropped before any
    # measurement. Committed with their first measurement (figures only, never shown). Round thirty-one: 0.993 /
    # 0.968 (152/157), imminent 52/58. Round thirty-two (second measurement): 54/58, two fewer over-triaged.
    Floor("fresh31", messages=259, precision=0.99, recall=0.96, imminent=54, labelled_imminent=58),
    # 260 messages (158 risk in all 14 categories, 58 imminent; 102 negatives), the same day, by another writer.
    # Round thirty-one: 0.981 / 0.981 (155/158), imminent 54/58. Round thirty-two (second measurement): 56/58,
    # one more over-triaged.
    Floor("fresh32", messages=260, precision=0.98, recall=0.98, imminent=56, labelled_imminent=58),
    # 256 messages (155 risk in all 14 categories, 58 imminent; 101 negatives) written blind on 2026-12-06, during
    # round thirty-two, to fresh-20's brief; four messages repeating another set's were dropped before any
    # measurement. Committed with their first measurement (figures only, never shown). Round thirty-two (its
    # first state): 0.987 / 0.981 (152/155), imminent 54/58; after its review: unchanged.
    Floor("fresh33", messages=256, precision=0.98, recall=0.98, imminent=54, labelled_imminent=58),
    # 259 messages (158 risk in all 14 categories, 58 imminent; 101 negatives), the same day, by another writer;
    # one negative repeating a fresh-21 message was dropped before any measurement. Round thirty-two: 0.974 /
    # 0.956 (151/158), imminent 54/58; after its review: unchanged.
    Floor("fresh34", messages=259, precision=0.97, recall=0.95, imminent=54, labelled_imminent=58),
    # 259 messages each (157 risk in all 14 categories, 58 imminent; 102 negatives) written blind on 2026-12-06,
    # after round thirty-three, by two more writers to fresh-20's brief; one message of each repeating another
    # set's was dropped before any measurement. Committed with their first measurement (figures only, never
    # shown). Round thirty-three: fresh-35 0.987 / 0.975 (153/157), imminent 56/58; fresh-36 0.981 / 0.975
    # (153/157), 54/58.
    Floor("fresh35", messages=259, precision=0.98, recall=0.97, imminent=56, labelled_imminent=58),
    Floor("fresh36", messages=259, precision=0.98, recall=0.97, imminent=54, labelled_imminent=58),
    # 259-260 messages each (157-160 risk in all 14 categories, 58-60 imminent) written blind on 2026-12-06
    # (seventh session) by six more writers to the same brief, each told one school to write for (Jakarta SMP,
    # Bandung/Cianjur SMK, rural East Java madrasah, Depok/Bekasi SMA, Central Java small-town SMP,
    # Yogyakarta/Surabaya SMA); written as training parts, kept as measures; repeats of another set dropped
    # before any measurement. First measurement on round thirty-three's state (figures only, never shown):
    # 0.986 / 0.918, 56/60; 0.986 / 0.911, 52/58; 0.987 / 0.937, 48/58; 0.993 / 0.924, 50/58; 0.980 / 0.925,
    # 56/58; 0.957 / 0.975, 55/58 (recall under the 0.95 on five of the six). Round thirty-five,
    # tuned on fresh-38 and fresh-39: 0.987 / 0.930 (147/158), 53/58; fresh-39 and the others unchanged. Round
    # thirty-six read fresh-40 and kept nothing.
    Floor("fresh37", messages=260, precision=0.98, recall=0.91, imminent=56, labelled_imminent=60),
    Floor("fresh38", messages=259, precision=0.98, recall=0.93, imminent=53, labelled_imminent=58),
    Floor("fresh39", messages=259, precision=0.98, recall=0.93, imminent=48, labelled_imminent=58),
    Floor("fresh40", messages=259, precision=0.99, recall=0.92, imminent=50, labelled_imminent=58),
    Floor("fresh41", messages=260, precision=0.98, recall=0.92, imminent=56, labelled_imminent=58),
    Floor("fresh42", messages=260, precision=0.95, recall=0.97, imminent=55, labelled_imminent=58),
    # Written blind on 2026-12-06 (eighth session, before round thirty-eight) by two more writers to the same
    # brief, each told one school (an SMP and a pesantren in Garut and Bandung; an SMK in Semarang and an SMA
    # in Surabaya); three messages of each repeating another set's were dropped before any measurement. First
    # measurement on round thirty-seven's state (figures only, never shown): 0.964 / 0.970 (162/167), imminent
    # 50/59; 0.946 / 0.981 (157/160), 55/62. Round thirty-eight (the moment threshold): 52/59 and 58/62. Round
    # thirty-nine, tuned on them: 0.971 / 0.988, 53/59; 0.958 / 0.988, 58/62.
    Floor("fresh43", messages=264, precision=0.97, recall=0.98, imminent=53, labelled_imminent=59),
    Floor("fresh44", messages=258, precision=0.95, recall=0.98, imminent=58, labelled_imminent=62),
    # Written blind during round thirty-eight by two more writers to the same brief (an SMA in Makassar and an
    # MTs in Kendari; an SMP in Medan and an SMK in Pekanbaru); two and five messages repeating another set's
    # dropped before any measurement. First measurement, on round thirty-eight's state (figures only, never
    # shown): 0.975 / 0.975 (156/160), imminent 54/57; 0.968 / 0.905 (152/168), 49/59 (on round thirty-seven's
    # state 54/57 and 45/59). Round thirty-nine, tuned on them: fresh-45 unchanged; fresh-46 0.969 / 0.917
    # (154/168), 50/59.
    Floor("fresh45", messages=259, precision=0.97, recall=0.97, imminent=54, labelled_imminent=57),
    Floor("fresh46", messages=265, precision=0.96, recall=0.91, imminent=50, labelled_imminent=59),
    # Written blind during round thirty-nine by four more writers to a brief rewritten that session (the same
    # format, taxonomy, triage and mix; it asks for oblique wording and for hard negatives of a trouble now over),
    # each told one school (an SMA in East Jakarta and an SMK in Bekasi; an SMK in Yogyakarta and an SMP in
    # Solo; an SMA in Denpasar and an MTs in Mataram; an SMP in Banjarmasin and an SMA in Pontianak); no
    # message repeated another set's. First measurement on round thirty-eight's state (figures only, never
    # shown): 0.936 / 0.924 (146/158), imminent 56/58; 0.923 / 0.905 (143/158), 51/58; 0.906 / 0.854
    # (135/158), 48/57; 0.924 / 0.901 (145/161), 56/61. Round thirty-nine (with the flag moment threshold): 0.937 /
    # 0.937, 57/58; 0.923 / 0.905, 51/58; 0.907 / 0.861, 48/57; 0.924 / 0.907, 57/61. Round forty (the second stage
    # trained on fresh-29, 30, 38 … 40 and 43 … 46 too): fresh-47 unchanged; 0.924 / 0.918, 51/58; 0.913 / 0.867,
    # 48/57; 0.924 / 0.901, 56/61 (a risk message and an imminent one fewer).
    Floor("fresh47", messages=262, precision=0.93, recall=0.93, imminent=57, labelled_imminent=58),
    Floor("fresh48", messages=263, precision=0.92, recall=0.9, imminent=51, labelled_imminent=58),
    # Round forty-three read fresh-49 (never trained on): 0.919 / 0.937 (148/158), imminent 50/57.
    Floor("fresh49", messages=260, precision=0.91, recall=0.93, imminent=50, labelled_imminent=57),
    Floor("fresh50", messages=263, precision=0.92, recall=0.9, imminent=56, labelled_imminent=61),
    # Written blind in round forty by two more writers to the brief kept since in docs/risk-writer-brief.md, each
    # told one school (an SMA in Kupang and an SMP in Ambon: Kupang and Ambon Malay; an SMK in Palembang and an MA
    # in Bandar Lampung: Palembang Malay, Lampung and Javanese); no message repeated another set's. First
    # measurement on round forty's state (figures only, never shown): 0.954 / 0.912 (146/160), imminent 49/59;
    # 0.920 / 0.949 (150/158), 57/58. On round thirty-nine's model: 0.942 / 0.912, 49/59; 0.920 / 0.943, 57/58.
    # Round forty-nine (Kupang, Ambon and Papuan Malay words; the model retrained): 0.949 / 0.925 (148/160), imminent
    # 50/59, a false alarm more (figures only); fresh-52 0.920 / 0.943 (149/158), a risk message fewer.
    Floor("fresh51", messages=262, precision=0.94, recall=0.91, imminent=49, labelled_imminent=59),
    Floor("fresh52", messages=260, precision=0.91, recall=0.94, imminent=57, labelled_imminent=58),
    # Written blind in round forty-one by two more writers to docs/risk-writer-brief.md, each told one school (an
    # SMA in Pontianak: Pontianak Malay, Dayak, Chinese-Indonesian, Javanese and Madurese families; an SMK in
    # Tangerang: Jakarta and Tangerang slang, Betawi, factory families); no message repeated another set's. First
    # measurement on round forty-one's state (figures only, never shown): 0.951 / 0.957 (156/163), imminent 53/57;
    # 0.945 / 0.929 (156/168), 53/60. The same on round forty's.
    Floor("fresh53", messages=265, precision=0.95, recall=0.95, imminent=53, labelled_imminent=57),
    Floor("fresh54", messages=273, precision=0.94, recall=0.92, imminent=53, labelled_imminent=60),
    # Written blind in round forty-three by three more writers to docs/risk-writer-brief.md, each told one school (an
    # SMK in Surabaya: Suroboyoan Javanese and Madurese, harbour and Sidoarjo families; an SMA in Padang and
    # Bukittinggi: Minang, students boarding with relatives; an SMP in Bekasi and Bogor: Jakarta slang, Sundanese,
    # grandparents raising them); no message repeated another set's. First measurement on round forty-three's
    # state (figures only, never shown; the same before the round): 0.903 / 0.886 (140/158), imminent 49/58;
    # 0.954 / 0.918 (145/158), 54/58; 0.931 / 0.937 (148/158), 57/59.
    # Round forty-four read fresh-55 (never trained on): 0.910 / 0.956 (151/158), imminent 55/58; fresh-56 then
    # 0.954 / 0.911 (144/158), a message fewer with the model retrained (fresh-36 one more).
    # Round fifty-two (regional words; the model retrained): 0.904 / 0.949 (150/158), imminent 54/58. The message lost
    # (a threat in Javanese with "tak enteni", I will wait for) was the second stage's at 0.72 and is at 0.69 now.
    Floor("fresh55", messages=260, precision=0.9, recall=0.94, imminent=54, labelled_imminent=58),
    # Round forty-six read fresh-56 (never trained on): 0.956 / 0.962 (152/158), imminent 55/58; after round
    # forty-seven's review fixes (Minang words instead of sound-shift rules) 0.950 / 0.956 (151/158), 55/58.
    Floor("fresh56", messages=263, precision=0.94, recall=0.95, imminent=55, labelled_imminent=58),
    # Round forty-five read fresh-57 (never trained on): 0.934 / 0.981 (155/158), imminent 58/59.
    Floor("fresh57", messages=258, precision=0.93, recall=0.98, imminent=58, labelled_imminent=59),
    # Written blind in round forty-four by two more writers to the same brief, each told one school (an SMK in West
    # and North Jakarta: Jakarta slang and Betawi; an MA with a boarding section in Tasikmalaya and Garut: Sundanese,
    # santri life); no message repeated another set's. First measurement on round forty-four's state (figures only,
    # never shown): 0.940 / 0.958 (158/165), imminent 56/58; 0.912 / 0.987 (156/158), 53/58. On round forty-three's:
    # 0.940 / 0.952 (157/165), 56/58; fresh-59 the same.
    Floor("fresh58", messages=267, precision=0.94, recall=0.95, imminent=56, labelled_imminent=58),
    # Round fifty-two (regional words; the model retrained): fresh-59 0.907 / 0.987, 53/58: one negative more is a
    # possible risk of the second stage (figures only).
    Floor("fresh59", messages=260, precision=0.9, recall=0.98, imminent=53, labelled_imminent=58),
    # Written blind in round forty-five by two more writers to the same brief, each told one school (an SMA in Solo
    # and Klaten: Javanese ngoko and krama, batik and farming families; an SMA in Depok and South Tangerang: Jakarta
    # slang, English code-mixing, online life); no message repeated another set's. First measurement on round
    # forty-six's state (figures only, never shown), the same on round forty-three's: 0.934 / 0.939 (155/165),
    # imminent 56/58; 0.938 / 0.932 (151/162), 52/58. Round forty-six's retrained model: fresh-48 and fresh-52 a
    # risk message fewer each (fresh-52 also a false alarm fewer).
    Floor("fresh60", messages=268, precision=0.93, recall=0.93, imminent=56, labelled_imminent=58),
    # Round forty-seven read fresh-61 (never trained on): 0.940 / 0.969 (157/162), imminent 57/58.
    Floor("fresh61", messages=267, precision=0.94, recall=0.96, imminent=57, labelled_imminent=58),
]


def test_every_fresh_set_has_a_floor():
    assert [floor.name for floor in FLOORS] == list(risk.FRESH_SETS)


def test_a_fresh_set_that_is_not_there_yet_is_none(monkeypatch, tmp_path):
    monkeypatch.setitem(risk.FRESH_SETS, "fresh6", tmp_path / "risk_fresh6.jsonl")
    assert risk.load_fresh("fresh6") is None
    assert risk.FRESH6_PATH.name == "risk_fresh6.jsonl" and risk.FRESH6_PATH.parent == risk.LABELLED_PATH.parent


@pytest.mark.parametrize("floor", FLOORS, ids=lambda floor: floor.name)
def test_fresh_set_keeps_its_floor(floor):
    examples = risk.load_fresh(floor.name)
    if examples is None:
        pytest.skip(f"{risk.FRESH_SETS[floor.name].name} is not there yet: {floor.name} is not measured")
    dev = {example["text"] for example in risk.load_labelled(split="dev")}
    assert len(examples) >= floor.messages and {e["split"] for e in examples} == {floor.name}
    assert not dev & {example["text"] for example in examples}
    if floor.every_category:
        assert {c for e in examples for c in e["categories"]} == set(risk.default_lexicon().categories)
    if floor.labelled_imminent is not None:
        assert sum(e["triage"] == risk.IMMINENT for e in examples) >= floor.labelled_imminent
    # Figures only, in locals: a failing floor must not print a blind set's messages (pytest would show
    # the Evaluation's repr, misses and all); bench/bench_risk.py prints the misses of the sets read.
    result = risk.evaluate(examples)
    precision, recall, imminent = result.precision, result.recall, result.imminent[0]
    figures = f"{floor.name}: precision {precision:.3f}, recall {recall:.3f}, imminent {imminent}"
    assert precision >= floor.precision, figures
    if floor.recall is not None:
        assert recall >= floor.recall, figures
    if floor.imminent is not None:
        assert imminent >= floor.imminent, figures
