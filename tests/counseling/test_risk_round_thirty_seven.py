"""Round thirty-seven of the risk screen (docs/risk-screening.md): the second stage's threshold 0.75 → 0.70,
chosen on the five read sets it was never trained on. A review wrote 208 ordinary and 84 risk messages of its
own and screened them with both thresholds: two quiet risk messages more are raised, no ordinary one; of 40
short replies with a time word written to be the change's worst case, one more is raised (and made imminent).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk, risk_model
from tests.counseling.risk_rounds import review_tests

# Looking up painless ways on the internet; "soon I'll follow father" (who has died).
RAISED = ["Bu, aku udah nyari cara-cara yang nggak sakit di internet", "bentar lagi aku nyusul ayah bu 🙂🕊️"]
REVIEW_STILL_RISK = [(text, risk_model.POSSIBLE) for text in RAISED]
# The change's known cost (like "bengi iki aku arep nginep omahe konco"): "tonight I'm at my uncle's", in
# Sundanese, is a possible risk (0.74) the imminence model makes imminent. No phrase may say so.
REVIEW_NO_PHRASE = ["Wengi ieu abdi di bumi uwa"]

(
    test_the_review_sentences_are_no_fresh_set_message,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests(REVIEW_STILL_RISK, REVIEW_NO_PHRASE)


# Both scored 0.70-0.75 then; since round forty's retrained second stage the first scores 0.81 (a possible risk
# at either threshold, REVIEW_STILL_RISK above), the second 0.73.
@pytest.mark.parametrize("text", RAISED[1:])
def test_the_lower_threshold_raises_what_the_old_one_let_pass(text):
    lexicon = risk.default_lexicon()
    score = lexicon.model.score(text, lexicon).probability
    assert lexicon.model.threshold == 0.7 and 0.7 <= score < 0.75, score
    model = risk_model.load_model()
    model.threshold = 0.75
    model.flag_moment_threshold = None  # round thirty-nine's lower threshold for a named moment, not at stake here
    assert not risk.load_lexicon(model=model).screen(text).flagged
    assert risk.screen(text).possible
