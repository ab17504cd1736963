"""The second stage of risk screening: a character n-gram model trained on the dev part that only
raises recall ("possible risk", severity low), never silences or changes a lexicon verdict."""

import uuid

import pytest
from django.urls import reverse

from ekonseling.counseling import risk, risk_model, services
from ekonseling.safety.models import Alert

# Passed by the phrases, raised by the model (a wish to give up, worded without a phrase family).
POSSIBLE = "rasanya aku udah gak sanggup lagi ngejalanin semuanya"
# The model alone would raise it; the homework word (a hyperbole context of the lexicon) keeps it quiet.
HOMEWORK = "tugas aku udah selesai semua, lega"


@pytest.fixture(scope="module")
def phrases_only():
    return risk.load_lexicon(model=None)


def test_retraining_from_the_dev_part_reproduces_the_shipped_model(phrases_only):
    doc = risk_model.train(risk.load_labelled(split="dev"), phrases_only)

    assert risk_model.dump(doc) == risk_model.MODEL_PATH.read_text(encoding="utf-8")
    assert doc["trained_on"]["split"] == "dev"


def test_the_model_only_raises_possible_risk_where_the_phrases_pass(phrases_only):
    with_model = risk.default_lexicon()
    raised = 0
    for example in risk.load_labelled():
        before, after = phrases_only.screen(example["text"]), with_model.screen(example["text"])
        if before.flagged:
            assert after == before, example["text"]  # the lexicon's verdict, untouched
        elif after.flagged:
            raised += 1
            assert after.possible and after.categories == (risk_model.POSSIBLE,)
            assert after.severity == after.triage == risk_model.SEVERITY and not after.reason
            assert after.model_score >= with_model.model.threshold and after.model_features
    assert raised > 0


def test_a_possible_risk_shows_the_features_that_weighed_most(phrases_only):
    assert not phrases_only.screen(POSSIBLE).flagged
    screening = risk.screen(POSSIBLE)

    assert screening.flagged and screening.possible
    assert 0 < len(screening.model_features) <= risk_model.SHOWN
    # The message's words (or stems) that weighed most, each once; no two-letter fragments.
    assert len(set(screening.model_features)) == len(screening.model_features)
    assert "ngejalanin" in screening.model_features and "aku" not in screening.model_features


def test_a_hyperbole_context_word_leaves_the_verdict_to_the_lexicon():
    lexicon = risk.default_lexicon()
    assert lexicon.model.score(HOMEWORK, lexicon).possible  # the model alone would raise it
    assert not risk.screen(HOMEWORK).flagged


def test_the_model_raises_recall_on_parts_it_was_not_trained_on_and_keeps_precision(phrases_only):
    # Measured when the model was committed (docs/risk-screening.md): held-out recall 0.992 (0.992
    # without it: the phrases of round eight already catch what it caught there), fresh 0.900
    # (0.675), fresh-2 0.796 (0.624); precision 0.992, 1.000, 0.902.
    parts = {
        "heldout": risk.load_labelled(split="heldout"),
        "fresh": risk.load_labelled(split="fresh"),
        "fresh2": risk.load_labelled(risk.FRESH2_PATH),
    }
    floors = {"heldout": 0.98, "fresh": 0.85, "fresh2": 0.75}
    for name, examples in parts.items():
        with_model, without = risk.evaluate(examples), risk.evaluate(examples, phrases_only)
        assert with_model.recall > without.recall or name == "heldout", name
        assert with_model.recall >= without.recall, name
        assert with_model.recall >= floors[name], (name, with_model.false_negatives)
        assert with_model.precision >= 0.90, (name, with_model.false_positives)


def test_a_model_file_round_trips(tmp_path, phrases_only):
    path = tmp_path / "model.json"
    path.write_text(risk_model.MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    model = risk_model.load_model(path)
    model.threshold = 1.01  # nothing reaches it
    assert not risk.load_lexicon(model=model).screen(POSSIBLE).flagged


# --- in the application ---------------------------------------------------------------------------


def test_a_possible_risk_raises_a_low_alert_that_says_the_model_raised_it(world):
    conversation = services.start_conversation(world.student)
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), POSSIBLE)])

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.severity == "low"
    assert alert.items[0] == risk_model.POSSIBLE and alert.items[1] == "model score 1.00"  # 0.997
    assert POSSIBLE not in " ".join(alert.items)  # no student's words stored with the alert


def test_the_lexicon_page_shows_what_weighed_most_for_a_possible_risk(client, world):
    client.force_login(world.koordinator)

    response = client.post(reverse("counseling:risk_lexicon"), {"extension": "", "sample": POSSIBLE, "action": "check"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "data-model" in page and risk_model.POSSIBLE in page


def test_the_demo_school_shows_a_possible_risk(db):
    from ekonseling.core import demo

    demo.load()

    assert [a.items[0] for a in Alert.objects.filter(severity=risk_model.SEVERITY)] == [risk_model.POSSIBLE]


def test_a_schools_negative_silences_the_phrase_not_the_model():
    # A known limit (docs/risk-screening.md): the school's negative cancels the violence phrase, and
    # the message, still worded like a threat, may stay a low possible risk.
    text = "gw bakal hajar dia di smackdown nanti"
    school = risk.load_lexicon(
        extra={"categories": {"violence": {"negatives": [{"phrase": "smackdown", "window": 8}]}}}
    )
    assert risk.screen(text).categories == ("violence",)
    assert school.screen(text).categories == (risk_model.POSSIBLE,)
