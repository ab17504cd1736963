"""The second stage of risk screening: a character n-gram model trained on the parts the rules were tuned
on (risk.TRAINING_SETS: dev, fresh-2 … fresh-10; never held-out) that only raises recall ("possible risk",
severity low), never silences or changes a lexicon verdict; and its imminence model, which may only raise
a flagged message's triage to imminent, saying so."""

import json
import uuid
from dataclasses import replace

import pytest
from django.urls import reverse

from ekonseling.counseling import risk, risk_model, services
from ekonseling.safety.models import Alert

# Passed by the phrases, raised by the model (a wish to give up, worded without a phrase family).
POSSIBLE = "rasanya aku udah gak sanggup lagi ngejalanin semuanya"
# The model alone would raise it; beside the homework word (a hyperbole context of the lexicon) it must
# reach the stricter context threshold, which it does not.
HOMEWORK = "aku udah gak kuat sama tugas2 ini semuanya"
# A parent's "marry later, after work": the model scores it high (child marriage), a veto of the lexicon
# silences it (a known false alarm since round sixteen).
LATER_WEDDING = "kata mama nikahnya nanti kalau udah kerja"


@pytest.fixture(scope="module")
def phrases_only():
    return risk.load_lexicon(model=None)


# Flagged by the phrases (suicide, high), not imminent by them; the imminence model reads a plan in it.
# (Until round fourteen "aq udah liat2 cara overdosis di internet", which the model trained on fresh-7 leaves
# high; until round eighteen "udah kebayang mau lompat dari mana", which the model trained on the synthetic
# parts leaves high; until round nineteen "aku udah tau mau lompat dari mana", which the model trained on
# fresh-12 and the new synthetic parts leaves high.)
RESEARCHED = "aku udah mikirin mau loncat dari jembatan mana"
# Passed by the phrases, raised by the model, and made imminent by the imminence model.
POSSIBLE_IMMINENT = "lantai 7 parkiran mall, jumat jam 9 malem. udah gw survei kemaren"
# Nobody is at risk: the imminence model alone scores it imminent (a day and going somewhere).
DENTIST = "besok aku mau ke dokter gigi"
# Imminent by the phrases: a plan or preparation.
LEXICON_IMMINENT = "aku udah nyiapin tali buat gantung diri malam ini"


@pytest.fixture(scope="module")
def training():
    return risk.load_training()


@pytest.fixture(scope="module")
def imminence_training():
    return risk.load_imminence_training()


@pytest.mark.once(half="postgres")  # pure Python, a minute and a half: one half of make test runs it
def test_retraining_from_the_training_parts_reproduces_the_shipped_model(
    phrases_only, training, imminence_training, monkeypatch
):
    # Every out-of-fold run of the training, kept for the imminence threshold's rule below (one training, not two:
    # checked apart, the rule trained the imminence model's folds again, 45 s of the PostgreSQL half of make test).
    runs = []

    def out_of_fold(feature_sets, labels):
        result = _out_of_fold(feature_sets, labels)
        runs.append((feature_sets, labels, result))
        return result

    _out_of_fold = risk_model._out_of_fold
    monkeypatch.setattr(risk_model, "_out_of_fold", out_of_fold)
    doc = risk_model.train(training, phrases_only, imminence_training, risk.SECOND_STAGE_ONLY_SETS)

    assert risk_model.dump(doc) == risk_model.MODEL_PATH.read_text(encoding="utf-8")
    assert doc["trained_on"]["second_stage_only"] == list(risk.SECOND_STAGE_ONLY_SETS)
    parts = doc["trained_on"]["parts"]
    assert [part["name"] for part in parts] == list(risk.TRAINING_SETS) == list(training)
    assert "heldout" not in risk.TRAINING_SETS and "fresh" not in risk.TRAINING_SETS
    assert [part["messages"] for part in parts] == [len(part) for part in training.values()]
    assert doc["trained_on"]["messages"] == sum(len(part) for part in training.values())
    assert doc["imminent"]["threshold"] in risk_model.GRID and doc["imminent"]["weights"]

    # The imminence threshold's rule, on the shipped file: the lowest of GRID whose out-of-fold rate of risk messages
    # not labelled imminent called imminent is at most MAX_OVER_TRIAGE, over the training parts' risk messages and
    # those of the imminence-only parts, merged as training merges them (a text of both once; not the
    # second-stage-only parts'), in text order.
    labelled = [e for name, part in training.items() if name not in risk.SECOND_STAGE_ONLY_SETS for e in part]
    extra, _ = risk_model._imminence_only(labelled, imminence_training)
    examples = sorted([*(e for e in labelled if e["label"] == "risk"), *extra.values()], key=lambda e: e["text"])
    (_, _, _), (found, labels, imminent_oof) = runs  # the second stage's run, then the imminence model's
    assert labels == [1.0 if e["triage"] == risk.IMMINENT else 0.0 for e in examples]
    assert found == [risk_model.features(e["text"], phrases_only) for e in examples]
    negatives = [i for i, label in enumerate(labels) if not label]
    threshold = risk.default_lexicon().model.imminent.threshold
    assert threshold == risk_model._lowest(imminent_oof, negatives, risk_model.MAX_OVER_TRIAGE)
    assert sum(imminent_oof[i] >= threshold for i in negatives) <= risk_model.MAX_OVER_TRIAGE * len(negatives)


def test_the_training_parts_are_every_part_the_rules_were_tuned_on_and_not_the_held_out_part(training):
    # Every fresh set but the measures (round twenty-nine trained the model on fresh-13 … fresh-24, read by
    # rounds twenty-one to twenty-nine; fresh-25 and fresh-26, read by round thirty, are not trained on, see
    # risk.TRAINING_SETS; fresh-27 and fresh-28, read by round thirty-one, likewise; since round forty the
    # second stage alone is trained on fresh-29, 30, 38 … 40 and 43 … 46, read by rounds thirty-three to
    # thirty-nine, risk.SECOND_STAGE_ONLY_SETS) and the synthetic training parts, which are never a measure
    read = {f"fresh{n}" for n in (29, 30, 38, 39, 40, 43, 44, 45, 46)}
    assert set(risk.SECOND_STAGE_ONLY_SETS) == read
    blind = {f"fresh{n}" for n in range(25, 62)} - read
    assert set(risk.TRAINING_SETS) == {"dev", *risk.FRESH_SETS, *risk.SYNTH_SETS} - blind
    heldout = {example["text"] for example in risk.load_labelled(split="heldout")}
    assert not set(risk.SYNTH_SETS) & {"dev", "heldout", *risk.FRESH_SETS}
    # Tuning-only parts (synthAE: trained on, it cost the blind fresh-20 a message) are neither trained on
    # nor a measure, and repeat no message of a measure
    assert not set(risk.TUNING_SETS) & {"dev", "heldout", *risk.FRESH_SETS, *risk.SYNTH_SETS, *risk.TRAINING_SETS}
    measured = heldout | {e["text"] for name in blind for e in risk.load_fresh(name)}
    for name, path in risk.TUNING_SETS.items():
        tuned = risk.load_labelled(path)
        assert tuned and {example["split"] for example in tuned} == {name}
        assert not measured & {example["text"] for example in tuned}, name
    for name, part in training.items():
        assert part and {example["split"] for example in part} == {name}
        assert not measured & {example["text"] for example in part}, name


def test_the_imminence_threshold_is_the_lowest_whose_out_of_fold_over_triage_is_at_most_the_limit(monkeypatch):
    # Out-of-fold probabilities of six risk messages, two labelled imminent: at 0.5, three of the four
    # non-imminent ones are called imminent (75%); at 0.6, two (50%); at 0.65, one (25%); at 0.85, none.
    probabilities = iter([0.95, 0.8, 0.6, 0.55, 0.92, 0.1])
    negatives = [1, 2, 3, 5]
    out_of_fold = [next(probabilities) for _ in range(6)]
    assert risk_model._lowest(out_of_fold, negatives, 0.0) == 0.85
    assert risk_model._lowest(out_of_fold, negatives, 0.25) == 0.65
    assert risk_model._lowest(out_of_fold, negatives, 0.5) == 0.6
    assert risk_model._lowest(out_of_fold, negatives, 0.75) == 0.5
    assert risk_model._lowest([1.0, 1.0], [0, 1], 0.0) == risk_model.GRID[-1]  # nothing reaches: the highest


def test_a_flagged_message_the_imminence_model_calls_imminent_is_triaged_imminent_and_says_why(phrases_only):
    before, after = phrases_only.screen(RESEARCHED), risk.screen(RESEARCHED)

    assert before.flagged and before.triage == "high" and not before.reason
    assert after.triage == risk.IMMINENT and after.reason == f"suicide: {risk_model.IMMINENT_REASON}"
    assert "(model)" in after.reason and RESEARCHED not in after.reason
    assert "jembatan" in after.imminent_features and len(after.imminent_features) <= risk_model.SHOWN
    # Everything else is the lexicon's verdict.
    assert (after.categories, after.severity, after.matches) == (before.categories, before.severity, before.matches)


def test_a_possible_risk_the_imminence_model_calls_imminent_is_triaged_imminent(phrases_only):
    assert not phrases_only.screen(POSSIBLE_IMMINENT).flagged
    screening = risk.screen(POSSIBLE_IMMINENT)

    assert screening.possible and screening.severity == risk_model.SEVERITY
    assert screening.triage == risk.IMMINENT
    assert screening.reason == f"{risk_model.POSSIBLE}: {risk_model.IMMINENT_REASON}"
    assert screening.imminent_features and screening.model_features


def test_an_unflagged_message_is_never_made_imminent():
    lexicon = risk.default_lexicon()
    assert lexicon.model.imminence(DENTIST, lexicon).possible  # the imminence model alone would say so
    assert risk.screen(DENTIST) == risk.NOT_FLAGGED


def test_a_lexicon_imminent_message_keeps_its_lexicon_reason(phrases_only):
    before, after = phrases_only.screen(LEXICON_IMMINENT), risk.screen(LEXICON_IMMINENT)

    assert before.triage == risk.IMMINENT and "(model)" not in before.reason
    assert after == before and not after.imminent_features


def test_without_an_imminence_model_the_triage_is_the_lexicons(tmp_path):
    model = risk_model.load_model()
    model.imminent = None
    screening = risk.load_lexicon(model=model).screen(RESEARCHED)
    assert screening.triage == "high" and not screening.reason


def test_the_model_only_raises_possible_risk_where_the_phrases_pass(phrases_only):
    with_model = risk.default_lexicon()
    raised = 0
    for example in risk.load_labelled():
        before, after = phrases_only.screen(example["text"]), with_model.screen(example["text"])
        # the category model's second opinion (round fifty) is a category the phrases did not name, nothing more
        assert not set(after.likely) & set(before.categories) if before.flagged else True
        if before.flagged and (before.triage == risk.IMMINENT or after.triage == before.triage):
            assert after == replace(before, likely=after.likely), example["text"]  # the lexicon's verdict, untouched
        elif before.flagged:
            # The imminence model raised the triage: nothing else changes, and the reason says so.
            assert after == replace(
                before,
                triage=risk.IMMINENT,
                reason=after.reason,
                imminent_features=after.imminent_features,
                likely=after.likely,
            )
            assert after.reason.endswith(risk_model.IMMINENT_REASON), example["text"]
        elif after.flagged:
            raised += 1
            assert after.possible and after.categories == (risk_model.POSSIBLE,)
            assert after.severity == risk_model.SEVERITY
            assert after.triage == risk_model.SEVERITY and not after.reason or after.triage == risk.IMMINENT
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


def test_a_hyperbole_context_word_raises_the_models_threshold():
    lexicon = risk.default_lexicon()
    score = lexicon.model.score(HOMEWORK, lexicon)
    # The model alone would raise it; beside the homework word it must reach the context threshold.
    assert lexicon.model.threshold <= score.probability < lexicon.model.context_threshold
    assert not risk.screen(HOMEWORK).flagged
    assert lexicon.model.context_threshold == max(lexicon.model.threshold, risk_model.CONTEXT_THRESHOLD)
    model = risk_model.load_model()
    model.context_threshold = score.probability
    assert risk.load_lexicon(model=model).screen(HOMEWORK).possible
    # A model file without one (before round nineteen) leaves every such message to the phrases.
    model.context_threshold = None
    assert not risk.load_lexicon(model=model).screen(HOMEWORK).flagged


def test_a_veto_leaves_the_message_to_the_phrases_whatever_the_model_says(tmp_path):
    lexicon = risk.default_lexicon()
    assert lexicon.model.score(LATER_WEDDING, lexicon).probability >= lexicon.model.context_threshold
    assert not risk.screen(LATER_WEDDING).flagged
    # The same words as a context only: the model's score is over the context threshold, so it raises it.
    doc = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))
    doc["hyperbole"]["context"] += doc["hyperbole"].pop("veto")
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert risk.load_lexicon(path).screen(LATER_WEDDING).possible
    # A school's veto silences the model for a false alarm of its own; the phrases still speak.
    school = risk.load_lexicon(extra={"hyperbole": {"veto": ["=ngejalanin"]}})
    assert risk.screen(POSSIBLE).possible and not school.screen(POSSIBLE).flagged
    assert school.screen(LEXICON_IMMINENT) == risk.screen(LEXICON_IMMINENT)


def test_the_model_raises_recall_on_parts_it_was_not_trained_on_and_keeps_precision(phrases_only):
    # The parts it was not trained on: held-out (the bar) and fresh (risk_corpus.jsonl's own,
    # never tuned on). Measured when the model trained on risk.TRAINING_SETS was committed
    # (docs/risk-screening.md): held-out precision 0.985 (0.996 with the phrases only; three more false
    # alarms), recall 1.000 (1.000); fresh 1.000, 0.950 (0.775). Trained on fresh-7 too (round fourteen):
    # held-out 0.982 (one more false alarm, "bokap bilang nikah nanti aja abis kuliah"), 1.000; fresh
    # unchanged. Trained on fresh-8 too (round fifteen): held-out 0.985 ("bokap bilang nikah…" no longer a
    # possible risk), 1.000; trained on fresh-9 too (round sixteen): 0.985, 1.000; trained on fresh-10 too
    # (round seventeen): 0.985, 1.000. Fresh-2 … fresh-10 are training data now: their floors are in
    # test_risk_fresh_sets.py. Round thirty-seven (threshold 0.70): held-out 0.978, one more false alarm ("kakak aku
    # kerja di malaysia, pulang lebaran nanti", made imminent), 1.000. Round forty (the second stage trained on
    # nine read fresh sets too): held-out 0.982, one false alarm fewer, 1.000.
    parts = {"heldout": risk.load_labelled(split="heldout"), "fresh": risk.load_labelled(split="fresh")}
    floors = {"heldout": 0.98, "fresh": 0.90}
    for name, examples in parts.items():
        with_model, without = risk.evaluate(examples), risk.evaluate(examples, phrases_only)
        assert with_model.recall > without.recall or name == "heldout", name
        assert with_model.recall >= without.recall, name
        assert with_model.recall >= floors[name], (name, with_model.false_negatives)
        assert with_model.precision >= 0.97, (name, with_model.false_positives)
        # The imminence model only adds imminent triage: nothing imminent is lost.
        assert with_model.imminent[0] >= without.imminent[0], name


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
    # the category model's guess (round forty-nine), then the score (0.997)
    assert alert.items == [risk_model.POSSIBLE, "likely hopelessness", "model score 1.00"]
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


def test_an_alert_the_imminence_model_made_imminent_says_so_first_without_the_students_words(world):
    conversation = services.start_conversation(world.student)
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RESEARCHED)])

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.severity == risk.IMMINENT
    # The first item is what the inbox shows next to the imminent badge.
    assert alert.items == [f"{risk.IMMINENT}: suicide: {risk_model.IMMINENT_REASON}", "suicide"]
    assert "lompat" not in " ".join(alert.items)


def test_a_possible_risk_made_imminent_keeps_its_reason_first_then_the_score(world):
    conversation = services.start_conversation(world.student)
    draft = services.Draft(conversation.pk, world.siswa, uuid.uuid4(), POSSIBLE_IMMINENT)
    (posted,) = services.post_messages([draft])

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.severity == risk.IMMINENT
    assert alert.items[0] == f"{risk.IMMINENT}: {risk_model.POSSIBLE}: {risk_model.IMMINENT_REASON}"
    assert alert.items[1:3] == [risk_model.POSSIBLE, "likely suicide"] and alert.items[3].startswith("model score ")


def test_the_lexicon_page_shows_the_imminence_models_reason_and_words(client, world):
    client.force_login(world.koordinator)

    response = client.post(
        reverse("counseling:risk_lexicon"), {"extension": "", "sample": RESEARCHED, "action": "check"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert risk_model.IMMINENT_REASON in page and "data-imminent-model" in page and "jembatan" in page


# Everyday messages a student sends a counselor: greetings, thanks, scheduling, ordinary worries. The blind
# sets' negatives are mostly hard negatives (risk words used innocently), so they do not show how often
# the screen raises an alert on ordinary traffic; a model that calls "halo" a possible risk (a threshold
# of 0.55 tried in round eighteen scored it 0.58 and was not taken) makes every greeting urgent. Written
# for this test, not taken from any labelled set.
EVERYDAY = [
    "halo",
    "hai",
    "halo bu",
    "assalamualaikum bu",
    "selamat pagi pak",
    "pagi bu",
    "bu saya mau konsultasi",
    "bu boleh minta waktunya?",
    "iya bu",
    "gak papa bu",
    "gapapa kok bu, aku baik baik aja",
    "makasih ya bu",
    "oke siap",
    "maaf bu baru bales",
    "bu jadwal konseling kapan?",
    "bu aku bingung milih jurusan",
    "bu aku sedih nilai aku turun",
    "aku capek banget hari ini",
    "bu aku lagi galau",
    "bu aku mau cerita",
    "aku takut ujian besok",
    "aku kangen rumah",
    "bu aku berantem sama temen",
    "aku malu bu",
    "bu aku pengen pindah kelas",
    "aku lagi sakit bu, izin ya",
    "bu aku telat",
    "mama marah karena aku pulang telat",
    "aku bosen di rumah",
    "bu tolong",
    "bu aku butuh bantuan",
    "aku stres sama tugas",
    "Pertanyaan rahasia.",
    "bu ini rahasia ya",
    "jangan bilang siapa siapa ya bu",
    "bu aku mau ngomong sesuatu tapi malu",
    "aku sendirian di rumah",
    "aku lapar bu",
    # raised as a low possible risk (0.83) until round nineteen, whose everyday training parts taught otherwise
    "bu aku gak bisa tidur semalem",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_an_everyday_message_raises_no_alert(text):
    assert not risk.screen(text).flagged, risk.screen(text)
