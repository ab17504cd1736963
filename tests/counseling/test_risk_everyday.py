"""Ordinary traffic (risk.EVERYDAY_SETS, docs/risk-screening.md): how many alerts the screen raises on
messages a counselor need not act on. The blind sets' negatives are mostly hard negatives ("mati lampu",
a game); a greeting, a reply in the middle of a chat or a question about a form is what a counselor reads
most, and an alert for each of them teaches the counselor to stop reading alerts. Each set has a ceiling;
it rises only with a round that trades alerts for missed risk messages and records the trade (rounds
thirty-seven, forty and forty-four)."""

from dataclasses import dataclass

import pytest

from ekonseling.counseling import risk


@dataclass(frozen=True)
class Ceiling:
    name: str  # a key of risk.EVERYDAY_SETS
    messages: int  # at least this many messages
    raised: int  # at most this many raise an alert
    imminent: int  # at most this many of them are triaged imminent


CEILINGS = [
    # 496 messages (500 written, four that repeat a labelled message left out) written at the start of round
    # nineteen (22 registers; greetings, replies, admin, study, ordinary feelings); the round was judged on
    # it while it trained (not blind). Round eighteen's state: 13 raised (2.6 %), 6 of them triaged imminent by the
    # imminence model ("bu aku udah di depan", "pak udh sy krm suratnya"); phrases alone 5.
    # Round nineteen (trained on ordinary traffic, synthW/X/AD): 7 raised (1.4 %), 2 imminent; phrases alone
    # 3 (a little brother scribbling in a notebook read as bullying, three times). Round forty (the second stage
    # trained on the nine read sets too, docs/risk-screening.md): 8, an Acehnese "not at school today, I have a
    # fever" a possible risk (0.73).
    Ceiling("everyday", messages=490, raised=8, imminent=2),
    # 391 messages (400 written, nine that repeat a labelled message left out) by another writer, kept aside
    # while round nineteen trained: round eighteen's state 11 raised (2.8 %), 7 imminent ("Saya udah di
    # depan", "Siap, nanti ajak Rina"); after the first training step 10, 5 imminent, all short logistics
    # with a time word, which is why synthAD (logistics, time words) was written: no longer blind. Round
    # nineteen 5 (1.3 %), 1 imminent. Round twenty-one 4: a letter asking leave for a sister's wedding
    # is no child marriage (a relative's wedding is a negative); 3: parents leaving the choice of school to
    # the student ("nyerahin") is no wedding gift ("seserahan", now read by its own word). Round thirty-seven
    # (the second stage's threshold 0.75 → 0.70): 4, 2 imminent ("Nanti pulang sekolah aja", 0.72, a possible
    # risk the imminence model makes imminent): the price of 8 fewer missed risk messages on the five read sets
    # it was never trained on (docs/risk-screening.md). Round forty (the second stage trained on nine read sets
    # too): 5, 3 imminent (an English thank-you for last week's talk, 0.76, that the imminence model makes imminent).
    # Round forty-four (Suroboyoan words; retrained): 6, a letter about a grandfather in hospital at 0.701, against
    # fresh-55's 11 more flagged risk messages and fresh-58's one.
    Ceiling("everyday2", messages=390, raised=6, imminent=3),
    # 300 messages (round thirty-two) that each name a moment (family and religious events, school, appointments,
    # chat logistics), by a writer who read only a one-page brief; committed with its first measurement
    # (figures only, never shown): round thirty-one's state 5 raised (1.7 %), all 5 triaged imminent (4 by the
    # second stage alone); round thirty-two the same. Training the second stage on 297 more such messages by
    # another writer left 1 raised, and cost fresh-25 … 28 thirteen flagged risk messages (seven with the old
    # threshold): not taken. Round thirty-nine's first version of the second stage's lower threshold for a message
    # that names a near moment (0.6) raised 6, all imminent, and this test's failure then showed three of the
    # set's raised messages (a religious gathering tonight among them, 0.64): the set is no longer wholly
    # unread. A night keeps the second stage's own threshold since: 5 again. Round forty (the second stage trained
    # on nine read sets too): 6, all imminent (figures only).
    Ceiling("everyday3", messages=300, raised=6, imminent=6),
    # 294 messages (300 written, six repeats of a labelled message left out; round thirty-seven) of an SMA in
    # Medan and an SMK in Makassar (admin, logistics, hyperbole, other people's stories, in their registers), by a
    # writer who read only a one-page brief; committed with its first measurement (figures only, never shown):
    # 1 raised, triaged imminent (a possible risk), with the second stage at 0.75 and at 0.70 alike. A review's
    # diff then showed most of it to the reviewer: no longer blind. Round forty (the second stage trained on nine
    # read sets too): 2, both imminent (figures only).
    Ceiling("everyday4", messages=294, raised=2, imminent=2),
]


def test_every_everyday_set_has_a_ceiling():
    assert [ceiling.name for ceiling in CEILINGS] == list(risk.EVERYDAY_SETS)


def test_an_everyday_set_is_never_trained_on_and_repeats_no_labelled_message():
    labelled = {example["text"] for example in risk.load_labelled()}
    for name in risk.FRESH_SETS:
        labelled |= {example["text"] for example in risk.load_fresh(name) or ()}
    for part in risk.load_training().values():
        labelled |= {example["text"] for example in part}
    for name in risk.EVERYDAY_SETS:
        assert name not in risk.TRAINING_SETS
        texts = [example["text"] for example in risk.load_everyday(name)]
        assert len(set(texts)) == len(texts) and not labelled & set(texts), name


@pytest.mark.parametrize("ceiling", CEILINGS, ids=lambda ceiling: ceiling.name)
def test_everyday_set_stays_under_its_ceiling(ceiling):
    examples = risk.load_everyday(ceiling.name)
    assert len(examples) >= ceiling.messages
    assert {(e["label"], e["triage"], e["split"]) for e in examples} == {("none", None, ceiling.name)}
    assert not any(e["categories"] for e in examples)
    raised = risk.false_alarms(examples)
    shown = [(text, screening.categories, screening.triage) for text, screening in raised]
    assert len(raised) <= ceiling.raised, shown
    assert sum(screening.triage == risk.IMMINENT for _, screening in raised) <= ceiling.imminent, shown


def test_false_alarms_are_the_flagged_messages():
    examples = [{"text": "halo bu"}, {"text": "aku mau bunuh diri malam ini"}]
    assert [text for text, _ in risk.false_alarms(examples)] == ["aku mau bunuh diri malam ini"]
