"""Checks shared by the tests of each tuning round of the risk screen (test_risk_round_*.py): a
round's sentences are written for its tests, never taken from a fresh set (the sets measure what the
rules were not written from), each true positive is flagged in its category and triage, and no hard
negative fires a phrase."""

import functools

import pytest

from ekonseling.counseling import risk, risk_model


def assert_not_from_the_fresh_sets(texts):
    fresh = {e["text"] for name in risk.FRESH_SETS for e in risk.load_fresh(name) or ()}
    assert not fresh & set(texts)


@functools.cache
def _without_imminence_model():
    model = risk_model.load_model()
    model.imminent = None
    return risk.load_lexicon(model=model)


def assert_flagged(text, category, triage, lexicon=None):
    """Flagged in `category` with `triage` by the rules (the phrases and the second stage). The shipped
    screen's imminence model may only raise that triage to imminent, saying "(model)" in the reason
    (a round's "high" is what the rules say; the imminence model's over-triage is measured in
    docs/risk-screening.md, not here)."""
    result = (lexicon or _without_imminence_model()).screen(text)
    assert category in result.categories and result.triage == triage, result
    if lexicon is None:
        shipped = risk.screen(text)
        assert shipped.categories == result.categories and shipped.matches == result.matches, shipped
        if shipped.triage != result.triage:
            assert shipped.triage == risk.IMMINENT and shipped.reason.endswith(risk_model.IMMINENT_REASON), shipped
    return result


def assert_no_phrase_alert(text):
    result = risk.screen(text)
    # the second stage may still call an everyday message a low "possible risk"; no phrase may fire
    assert not result.flagged or result.possible, result


def assert_no_alert(text):
    """A known false alarm: no alert at all, not even the second stage's low possible risk."""
    result = risk.screen(text)
    assert not result.flagged, result


def round_tests(true_positives, hard_negatives):
    """The three tests every round module runs over its own sentences: they are no fresh set's
    messages, each (text, category, triage) is flagged so, and no hard negative fires a phrase.
    A module assigns them to names of its own, which pytest collects and reports."""

    def not_from_the_fresh_sets():
        assert_not_from_the_fresh_sets([text for text, *_ in true_positives] + list(hard_negatives))

    @pytest.mark.parametrize(("text", "category", "triage"), true_positives)
    def flagged_in_its_category_and_triage(text, category, triage):
        assert_flagged(text, category, triage)

    @pytest.mark.parametrize("text", hard_negatives)
    def fires_no_phrase(text):
        assert_no_phrase_alert(text)

    return not_from_the_fresh_sets, flagged_in_its_category_and_triage, fires_no_phrase


def review_tests(still_risk=(), no_phrase=(), not_imminent=()):
    """The tests a round module runs over the sentences a review of its first version wrote: none is a fresh
    set's message, each (text, category) of `still_risk` keeps its category, no `no_phrase` sentence fires a
    phrase, no `not_imminent` one is triaged imminent. Assigned to names of the module's own, as round_tests."""

    def not_from_the_fresh_sets():
        assert_not_from_the_fresh_sets([text for text, _ in still_risk] + list(no_phrase) + list(not_imminent))

    def stays_risk():
        for text, category in still_risk:
            assert category in risk.screen(text).categories, text

    def fires_no_phrase():
        for text in no_phrase:
            assert_no_phrase_alert(text)

    def is_not_imminent():
        for text in not_imminent:
            assert risk.screen(text).triage != risk.IMMINENT, text

    return not_from_the_fresh_sets, stays_risk, fires_no_phrase, is_not_imminent
