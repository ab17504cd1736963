"""Checks shared by the tests of each tuning round of the risk screen (test_risk_round_*.py): a
round's sentences are written for its tests, never taken from a fresh set (the sets measure what the
rules were not written from), each true positive is flagged in its category and triage, and no hard
negative fires a phrase."""

from ekonseling.counseling import risk


def assert_not_from_the_fresh_sets(texts):
    fresh = {e["text"] for name in risk.FRESH_SETS for e in risk.load_fresh(name) or ()}
    assert not fresh & set(texts)


def assert_flagged(text, category, triage, lexicon=None):
    result = (lexicon or risk.default_lexicon()).screen(text)
    assert category in result.categories and result.triage == triage, result
    return result


def assert_no_phrase_alert(text):
    result = risk.screen(text)
    # the second stage may still call an everyday message a low "possible risk"; no phrase may fire
    assert not result.flagged or result.possible, result
