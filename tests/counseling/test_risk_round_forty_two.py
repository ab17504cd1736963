"""Round forty-two of the risk screen (docs/risk-screening.md): a hyperbole context word asks the second stage
for its context threshold (0.95) only when it is near a hyperbole phrase or is a phrase of its own; a single
context word elsewhere in the message ("nilai" as leverage, "panas" of a hot pan) asks for the far context
threshold (0.90)."""

import json
import math

import pytest

from ekonseling.counseling import risk, risk_model

# A context word ("nilai") away from any hyperbole phrase: grades used as leverage, not an exaggeration.
FAR = "tempat magang nyuruh kami kerja sampai tengah malam tanpa dibayar, kalau nolak nilai kami dikosongin"
# A context word ("tugas") within reach of a hyperbole phrase ("gak kuat"): homework, exaggerated.
NEAR = "aku udah gak kuat sama tugas2 ini semuanya"
# Contexts that are phrases of their own ("lompat tinggi", "loncat tali"): sport, where "lompat" is no method.
OWN_PHRASE = "pjok hari ini lompat tinggi sama loncat tali"


def _model(context, far):
    model = risk_model.load_model()
    model.context_threshold, model.far_context_threshold = context, far
    return risk.load_lexicon(model=model)


def test_the_shipped_model_asks_a_far_context_word_for_less_than_a_near_one():
    model = risk.default_lexicon().model
    assert model.threshold <= model.far_context_threshold < model.context_threshold
    assert model.far_context_threshold == max(model.threshold, risk_model.FAR_CONTEXT_THRESHOLD)


def test_a_far_context_word_asks_for_the_far_threshold():
    lexicon = risk.default_lexicon()
    score = lexicon.model.score(FAR, lexicon).probability
    assert risk.screen(FAR).possible
    # Over the far threshold, under a context threshold set above it: flagged, so the far one was asked.
    assert _model(context=1.0, far=score).screen(FAR).possible
    assert not _model(context=score, far=1.0).screen(FAR).flagged


@pytest.mark.parametrize("text", [NEAR, OWN_PHRASE])
def test_a_context_word_near_a_hyperbole_phrase_or_a_context_phrase_asks_for_the_context_threshold(text):
    lexicon = risk.default_lexicon()
    score = lexicon.model.score(text, lexicon).probability
    assert lexicon.model.threshold <= score < lexicon.model.context_threshold  # the model alone would raise it
    assert not risk.screen(text).flagged
    assert not _model(context=1.0, far=score).screen(text).flagged
    assert _model(context=score, far=1.0).screen(text).possible


def test_a_model_file_without_a_far_threshold_asks_every_context_word_for_the_context_threshold(tmp_path):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    del doc["far_context_threshold"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    model = risk_model.load_model(path)
    assert model.far_context_threshold == model.context_threshold


def test_training_writes_the_far_threshold_between_the_models_and_the_context_one():
    lexicon = risk.load_lexicon(model=None)
    parts = [
        {"text": f"aku mau bunuh diri nanti malam {i}", "label": "risk", "triage": risk.IMMINENT} for i in range(6)
    ]
    parts += [{"text": f"dulu aku pernah dipukul ayah {i}", "label": "risk", "triage": None} for i in range(6)]
    parts += [{"text": f"besok ada ulangan matematika {i}", "label": "none", "triage": None} for i in range(12)]
    doc = risk_model.train(parts, lexicon)
    assert doc["far_context_threshold"] == min(doc["context_threshold"], max(doc["threshold"], 0.90))
    assert doc["settings"]["far_context_threshold"] == risk_model.FAR_CONTEXT_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "aku sering belajar terus tiap hari",  # 0.875: the far threshold 0.85 would have raised it
        "gak kuat lagi nahan ketawa",
        NEAR,
        OWN_PHRASE,
        "papa lagi ngacungin pisau ke mama, minta tolong diasah soalnya tumpul",
    ],
)
def test_the_hard_negatives_of_the_context_words_stay_quiet(text):
    assert not risk.screen(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        FAR,
        "aku sengaja pegang setrika panas lama2 biar sakit",
        "aku udah kasih semua item game aku ke adek, aku udah gak butuh lagi",
    ],
)
def test_risk_beside_a_single_context_word_is_raised(text):
    assert risk.screen(text).flagged


# Round forty-two's review (a helper who read the change, not the labelled sets, and wrote 179 sentences of its
# own): a sick note whose fever chills ("panas dingin") the model weighs towards burns; "panas dingin" is a
# context phrase now, and a phrase counts anywhere.
SICK_NOTES = [
    "maaf bu aku gak masuk, semalem demam tinggi badan panas dingin",
    "maaf pak aku gak masuk hari ini, semalem badan panas dingin sama muntah2",
]


@pytest.mark.parametrize("text", SICK_NOTES)
def test_a_sick_note_with_fever_chills_raises_no_alert(text):
    assert not risk.screen(text).flagged


def test_a_context_word_a_school_adds_counts_anywhere():
    # The review: a school that adds "demam" to silence a sick note must silence it, as before the round.
    text = "maaf bu aku gak masuk, semalem demam tinggi badan panas"
    lexicon = risk.default_lexicon()
    assert lexicon.model.far_context_threshold <= lexicon.model.score(text, lexicon).probability
    assert risk.screen(text).possible  # "panas", far from any hyperbole phrase
    assert not risk.load_lexicon(extra={"hyperbole": {"context": ["demam"]}}).screen(text).flagged
    # A school's word the normalisation spells as two ("ulhar": "ulangan harian") counts as the school's too.
    extra = {"normalisation": {"demem": "demam tinggi"}, "hyperbole": {"context": ["demem"]}}
    assert not risk.load_lexicon(extra=extra).screen(text.replace("demam tinggi", "demem")).flagged


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "context"), (math.nan, "context"), (0.5, "threshold"), (0.99, "context"), (0.9, 0.9)],
)
def test_the_far_threshold_of_a_model_file_stays_within_the_models_and_the_context_one(tmp_path, value, expected):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    doc["far_context_threshold"] = value
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # NaN as JSON's NaN, which json reads back
    model = risk_model.load_model(path)
    want = {"context": model.context_threshold, "threshold": model.threshold}.get(expected, expected)
    assert model.far_context_threshold == want
    assert risk.load_lexicon(model=model).screen(FAR).flagged  # no TypeError on a context message


def test_a_possible_risk_beside_a_context_word_is_not_made_imminent_at_the_moment_threshold(monkeypatch):
    lexicon = risk.load_lexicon()
    asked = []
    imminence = lexicon.model.imminence
    monkeypatch.setattr(lexicon.model, "imminence", lambda *args: asked.append(args[-1]) or imminence(*args))
    # FAR names a near moment ("tengah malam") and a context word ("nilai"); without the context word the
    # moment threshold is asked for
    assert lexicon.screen(FAR).possible and asked == [False]
    asked.clear()
    assert lexicon.screen(FAR.replace(" nilai", "")).possible and asked == [True]


def test_the_review_sentence_the_change_raises_is_raised():
    text = (
        "pelatih futsal aku suka minta dipijit berdua di ruang ganti, terus tangannya ke mana2. dia juga guru biologi"
    )
    assert risk.screen(text).flagged
