"""Round forty of the risk screen (docs/risk-screening.md): the second stage is also trained on the fresh sets
rounds thirty-three to thirty-nine read (risk.SECOND_STAGE_ONLY_SETS); the imminence model is not."""

import pytest

from ekonseling.counseling import risk, risk_model

# The sets no round has read: measures only, never trained on.
BLIND = {f"fresh{n}" for n in (*range(31, 38), 41, 42, 47, 48, *range(50, 54), *range(58, 61))}


def _tiny_parts():
    base = [{"text": f"aku mau bunuh diri nanti malam {i}", "label": "risk", "triage": risk.IMMINENT} for i in range(6)]
    base += [{"text": f"dulu aku pernah dipukul ayah {i}", "label": "risk", "triage": None} for i in range(6)]
    base += [{"text": f"besok ada ulangan matematika {i}", "label": "none", "triage": None} for i in range(6)]
    read = [{"text": f"dikunci di gudang sekarang {i}", "label": "risk", "triage": risk.IMMINENT} for i in range(6)]
    read += [{"text": f"nanti sore latihan futsal {i}", "label": "none", "triage": None} for i in range(6)]
    return base, read


def test_a_second_stage_only_part_trains_the_second_stage_and_not_the_imminence_model():
    lexicon = risk.load_lexicon(model=None)
    base, read = _tiny_parts()
    alone = risk_model.train({"base": base}, lexicon)
    both = risk_model.train({"base": base, "read": read}, lexicon)
    second_only = risk_model.train({"base": base, "read": read}, lexicon, second_stage_only=("read",))

    # The second stage is the one trained with the part: weights, bias, every threshold, the texts it names
    def second_stage(doc):
        trained_on = {key: value for key, value in doc["trained_on"].items() if key != "second_stage_only"}
        return {key: value for key, value in doc.items() if key not in ("imminent", "trained_on")}, trained_on

    assert second_stage(second_only) == second_stage(both)
    assert second_only["weights"] != alone["weights"]
    assert second_only["trained_on"]["messages"] == len(base) + len(read)
    assert second_only["trained_on"]["second_stage_only"] == ["read"] and both["trained_on"]["second_stage_only"] == []
    # The imminence model is the one trained without the part; trained with it, it differs.
    assert second_only["imminent"] == alone["imminent"]
    assert both["imminent"]["messages"] == alone["imminent"]["messages"] + 6
    assert both["imminent"]["weights"] != alone["imminent"]["weights"]


def test_a_second_stage_only_part_does_not_hide_an_imminence_part_text():
    # A text of an imminence-only part that a second-stage-only part repeats is still trained on by the
    # imminence model (it is not "already trained on" there).
    lexicon = risk.load_lexicon(model=None)
    base, read = _tiny_parts()
    extra = {"triage": [dict(example) for example in read if example["label"] == "risk"]}
    doc = risk_model.train({"base": base, "read": read}, lexicon, extra, second_stage_only=("read",))
    assert doc["imminent"]["also_trained_on"] == [{"name": "triage", "risk_messages": 6}]
    assert doc["imminent"]["messages"] == 12 + 6


def test_a_second_stage_only_part_that_labels_an_imminence_part_text_otherwise_is_refused():
    lexicon = risk.load_lexicon(model=None)
    base, read = _tiny_parts()
    relabelled = [{**example, "triage": None} for example in read if example["label"] == "risk"]
    with pytest.raises(ValueError, match="labelled otherwise"):
        risk_model.train({"base": base, "read": read}, lexicon, {"triage": relabelled}, second_stage_only=("read",))


def test_a_risk_message_of_a_second_stage_only_part_that_an_imminence_part_calls_none_is_refused():
    lexicon = risk.load_lexicon(model=None)
    base, read = _tiny_parts()
    called_none = [{**example, "label": "none", "triage": None} for example in read if example["label"] == "risk"]
    with pytest.raises(ValueError, match="labelled otherwise"):
        risk_model.train({"base": base, "read": read}, lexicon, {"triage": called_none}, second_stage_only=("read",))


def test_an_imminence_part_that_calls_a_text_none_and_another_that_calls_it_risk_are_refused():
    # Whichever comes first: a "none" copy is remembered too
    text = {"text": "nanti malam aku dijemput om itu lagi", "label": "none", "triage": None}
    risky = {**text, "label": "risk", "triage": risk.IMMINENT}
    for first, second in ((text, risky), (risky, text)):
        with pytest.raises(ValueError, match="labelled otherwise"):
            risk_model._imminence_only([], {"one": [first], "two": [second]})


def test_no_second_stage_only_part_is_the_model_of_before():
    lexicon = risk.load_lexicon(model=None)
    base, read = _tiny_parts()
    before = risk_model.train({"base": base, "read": read}, lexicon)
    assert risk_model.train({"base": base, "read": read}, lexicon, None, None) == before
    assert risk_model.train({"base": base, "read": read}, lexicon, None, set()) == before


@pytest.mark.parametrize(
    ("second_stage_only", "error", "match"),
    [
        (("fresh99",), ValueError, "fresh99"),
        ("read", TypeError, "not one name"),  # a string is no collection of names ("rea" would be "in" it)
        # with every part second-stage-only and no imminence part, the imminence model has nothing to learn
        (("base", "read"), ValueError, "both imminent and not"),
        (b"read", TypeError, "not one name"),
    ],
)
def test_second_stage_only_names_are_checked(second_stage_only, error, match):
    base, read = _tiny_parts()
    with pytest.raises(error, match=match):
        risk_model.train(
            {"base": base, "read": read}, risk.load_lexicon(model=None), second_stage_only=second_stage_only
        )


def test_the_second_stage_only_parts_are_read_sets_and_no_measure():
    only = set(risk.SECOND_STAGE_ONLY_SETS)
    assert only == {f"fresh{n}" for n in (29, 30, 38, 39, 40, 43, 44, 45, 46)}
    assert only <= set(risk.TRAINING_SETS) and not only & set(risk.IMMINENCE_SETS) and not only & BLIND
    assert set(risk.FRESH_SETS) >= BLIND and not BLIND & set(risk.TRAINING_SETS)
    doc = risk_model.load_model().doc
    assert doc["trained_on"]["second_stage_only"] == list(risk.SECOND_STAGE_ONLY_SETS)
    measured = {e["text"] for e in risk.load_labelled(split="heldout")}
    measured |= {e["text"] for name in BLIND for e in risk.load_fresh(name)}
    measured |= {e["text"] for name in risk.EVERYDAY_SETS for e in risk.load_everyday(name)}
    for name in risk.SECOND_STAGE_ONLY_SETS:
        assert not measured & {e["text"] for e in risk.load_fresh(name)}, name


# What the retrained second stage costs, kept as tests: two sentences earlier rounds kept from any alert are
# now possible risks (round sixteen's aching body after sport, 0.71; round twenty-nine's review's "no longer
# cutting, three months clean", 0.63 with "sekarang" a near moment, made imminent by the imminence model). The
# cost is the model's alone: no phrase fires on them.
KNOWN_COSTS = [
    "pak, tubuhku pegal semua habis olahraga",
    "sekarang udah gak nyilet lagi kok bu, udah 3 bulan bersih",
]


@pytest.mark.parametrize("text", KNOWN_COSTS)
def test_the_retrained_second_stages_known_costs_are_the_models_alone(text):
    screening = risk.screen(text)
    assert screening.possible and screening.categories == (risk_model.POSSIBLE,)
    assert not risk.load_lexicon(model=None).screen(text).flagged
