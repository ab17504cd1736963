"""Round thirty-eight of the risk screen (docs/risk-screening.md): the imminence model's lower threshold for a
flagged message that names a near moment (risk_model.MOMENT_THRESHOLD), and the lexicon's past words
(`imminent.past`) that make a time word a moment gone, not one to come.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import json

import pytest

from ekonseling.counseling import risk, risk_model
from tests.counseling.risk_rounds import assert_not_from_the_fresh_sets

# An adult from a game asking for photos, with a deadline tonight: grooming, imminent.
DEADLINE_TONIGHT = (
    "ada om-om di game yang minta foto aku tanpa baju, katanya kalau gak dikirim malam ini dia sebarin chat kita"
)
# Extortion with a beating, and no moment named: high, not imminent.
NO_MOMENT = "kakak kelas malakin aku di pos ronda, kalau gak ngasih aku dipukul"
# This morning, when the house was quiet: past ("tadi" three words before "rumah sepi").
# A neighbour: an uncle until round fifty-two, which reads "pakde" as "paman" (an uncle in an empty house is a
# lexicon phrase's moment).
MOMENT_GONE = "tadi pagi pas rumah sepi tetangga masuk kamar aku terus megang-megang dada aku"
# Every Saturday night: a habit.
HABIT = "tiap malam minggu kakak kelas malakin aku di pos ronda"
SENTENCES = [DEADLINE_TONIGHT, NO_MOMENT, MOMENT_GONE, HABIT]


@pytest.fixture(scope="module")
def lexicon():
    return risk.default_lexicon()


def _imminence(lexicon, text):
    return lexicon.model.imminence(text, lexicon).probability


def _between_thresholds(lexicon, text):
    """The imminence model scores `text` at or above the moment threshold and under its own: the band where
    naming a moment decides."""
    assert lexicon.model.moment_threshold <= _imminence(lexicon, text) < lexicon.model.imminent.threshold, text


def _flagged_not_imminent(lexicon, text):
    screening = lexicon.screen(text)
    assert screening.flagged and screening.triage != risk.IMMINENT, screening


def _without(tmp_path, key, words):
    """The shipped lexicon without its imminent `key` list (which holds `words`), loaded from a file."""
    doc = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))
    assert set(words) <= set(doc["imminent"].pop(key))
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return risk.load_lexicon(path)


def test_the_model_file_records_the_moment_threshold(lexicon):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    imminent = doc["imminent"]
    assert doc["settings"]["moment_threshold"] == risk_model.MOMENT_THRESHOLD
    assert imminent["moment_threshold"] == min(imminent["threshold"], risk_model.MOMENT_THRESHOLD)
    assert lexicon.model.moment_threshold == imminent["moment_threshold"] < lexicon.model.imminent.threshold


def test_a_flagged_message_that_names_a_near_moment_is_imminent_at_the_lower_threshold(lexicon):
    _between_thresholds(lexicon, DEADLINE_TONIGHT)
    screening = lexicon.screen(DEADLINE_TONIGHT)
    assert screening.categories == ("grooming",) and screening.triage == risk.IMMINENT
    assert screening.reason == f"grooming: {risk_model.IMMINENT_REASON}" and screening.imminent_features

    # a model file without a moment threshold: the imminence model's own threshold, as before
    model = risk_model.load_model()
    model.moment_threshold = None
    before = risk.load_lexicon(model=model).screen(DEADLINE_TONIGHT)
    assert before.categories == ("grooming",) and before.triage == "high"


def test_without_a_moment_named_the_imminence_threshold_stands(lexicon):
    _between_thresholds(lexicon, NO_MOMENT)
    assert lexicon.screen(NO_MOMENT).triage == "high"


def test_a_moment_gone_is_no_moment(lexicon, tmp_path):
    _between_thresholds(lexicon, MOMENT_GONE)
    screening = lexicon.screen(MOMENT_GONE)
    assert screening.categories == ("sexual_abuse",) and screening.triage == "high"
    # without the past words "rumah sepi" would be a moment to come
    assert _without(tmp_path, "past", ["tadi"]).screen(MOMENT_GONE).triage == risk.IMMINENT


def test_past_words_are_read_as_typed_not_as_stems(lexicon):
    # "semalam" stems to "malam", a time word's own word: the past list holds the word as read
    assert {"semalam", "kemarin", "tadi"} <= lexicon.past and "malam" not in lexicon.past
    assert lexicon.tokens("semalem") == [("semalam", "malam")]


def test_a_habit_is_still_no_moment(lexicon):
    _between_thresholds(lexicon, HABIT)
    assert lexicon.screen(HABIT).triage == "medium"


def test_a_past_word_is_one_word_and_a_schools_extension_adds_to_it():
    with pytest.raises(risk.LexiconError, match=r"imminent\.past\[0\]: one word"):
        risk.load_lexicon(extra={"imminent": {"past": ["kemarin sore"]}})
    with pytest.raises(risk.LexiconError, match=r"imminent\.past\[0\]: one word"):
        risk.load_lexicon(extra={"imminent": {"past": ["wingi|mau"]}})
    with pytest.raises(risk.LexiconError, match=r"allowed: habitual, night, past, time, window"):
        risk.load_lexicon(extra={"imminent": {"gone": ["wingi"]}})
    extended = risk.load_lexicon(extra={"imminent": {"past": ["wingenane"]}})
    assert "wingenane" in extended.past and "tadi" in extended.past


# Near moments the time list lacked (written from how students put a deadline or a meeting, not from a set):
# each is a time word now, so a flagged message with one gets the moment threshold.
NEW_MOMENTS = ["before midnight", "after class", "abis bel", "pulang bel", "in 10 minutes", "sejam lagi", "detik ini"]
AFTER_CLASS = "bu kakak kelas ngancem mau mukulin aku after class"


def _time_words(lexicon, text):
    tokens = lexicon.tokens(text)
    return [pattern.text for pattern, _, _ in lexicon._occurrences(tokens) if pattern.kind == "time"]


@pytest.mark.parametrize("words", NEW_MOMENTS)
def test_a_deadline_or_a_meeting_after_class_is_a_time_word(lexicon, words):
    assert _time_words(lexicon, f"dia bilang {words} ya"), words


def test_a_threat_for_after_class_is_imminent_at_the_moment_threshold(lexicon):
    _between_thresholds(lexicon, AFTER_CLASS)
    assert lexicon.screen(AFTER_CLASS).triage == risk.IMMINENT


# The review of the first version (a helper who read the code and the diff, not the labelled sets, and wrote
# 338 sentences of its own). A moment gone said after the time word or with a suffix: each scores between the
# two thresholds and was imminent in the first version; "minggu lalu", "last week", "kemarinnya", Sundanese
# "kamarina" (yesterday).
REVIEW_MOMENT_GONE = [
    "minggu lalu pas rumah kosong pacarku maksa aku berhubungan badan",
    "pas rumah kosong minggu lalu kakak sepupu aku ngelakuin itu lagi ke aku",
    "last week after school they beat me up behind the mosque",
    "kemarinnya pas pulang sekolah aku ditonjok kakak kelas",
    "kamarina pas imah kosong mamang asup ka kamar abdi",
]
# What the change gained on the review's own imminent sentences: left alone with the abuser tonight, alone and
# afraid of doing "something stupid" tonight.
REVIEW_NOW_IMMINENT = [
    "malam ini giliran aku dijaga sama paman, aku gak suka caranya megang aku",
    "malam ini aku sendirian, pikiran aku kacau banget, aku takut ngelakuin hal bodoh",
]


@pytest.mark.parametrize("text", REVIEW_MOMENT_GONE)
def test_a_moment_gone_said_after_the_time_word_or_with_a_suffix_is_no_moment(lexicon, text):
    _between_thresholds(lexicon, text)
    _flagged_not_imminent(lexicon, text)


@pytest.mark.parametrize("text", REVIEW_NOW_IMMINENT)
def test_what_the_review_found_the_moment_threshold_raises(lexicon, text):
    _between_thresholds(lexicon, text)
    assert lexicon.screen(text).triage == risk.IMMINENT


@pytest.mark.parametrize("word", ["kapungkur,bieu", "...", "🙂", "#num"])
def test_a_past_or_habitual_word_is_letters_only(word):
    for key in ("past", "habitual"):
        with pytest.raises(risk.LexiconError, match=rf"imminent\.{key}\[0\]: one word"):
            risk.load_lexicon(extra={"imminent": {key: [word]}})


def test_a_moment_threshold_is_never_above_the_imminence_threshold():
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    doc["imminent"]["moment_threshold"] = 0.8
    assert risk_model.Model(doc).moment_threshold == doc["imminent"]["threshold"]
    doc["imminent"]["moment_threshold"] = "0.2"
    assert risk_model.Model(doc).moment_threshold == 0.2
    del doc["imminent"]["moment_threshold"]
    assert risk_model.Model(doc).moment_threshold is None


# The second review (a helper who read the diff and wrote 188 sentences of its own) of a rule that made "sekarang"
# followed by a settled word ("aman", "tenang") or by "udah gak" a trouble over: "udah gak" is also despair
# ("udah gak ada yang bisa nolong aku"), a settled word can be negated ("nggak aman") or a euphemism ("tenang
# selamanya"); the rule cost as many urgent messages as it spared and was dropped. Each of these scores between
# the two thresholds and names "now": imminent.
NOW_URGENT = [
    "sekarang udah gak ada yang bisa nolong aku",
    "sekarang udah gak ada artinya lagi hidupku",
    "sekarang udah gak ada yang jagain aku di rumah, om itu udah dateng",
    "sekarang aku udah gak bisa berhenti mikirin mati",
    "sekarang aku nggak aman, om itu masih di rumah",
    "sekarang aku pengen tenang selamanya",
]
# "lalu" before a time word is "then", not "ago".
THEN_TONIGHT = "aku ngerasa sendirian, lalu malam ini aku pengen ngilang aja"


@pytest.mark.parametrize("text", [*NOW_URGENT, THEN_TONIGHT])
def test_now_and_then_before_a_moment_keep_it(lexicon, text):
    _between_thresholds(lexicon, text)
    assert lexicon.screen(text).triage == risk.IMMINENT


def test_lalu_is_ago_after_a_time_word_or_yang_and_then_otherwise(lexicon):
    tokens = lexicon.tokens(THEN_TONIGHT)
    start = [surface for surface, _ in tokens].index("malam")
    assert not lexicon._gone(tokens, start, start + 2)
    for text in (
        "minggu lalu pas rumah kosong",
        "beberapa hari yang lalu pas rumah kosong",
        "pas rumah kosong minggu lalu",
    ):
        tokens = lexicon.tokens(text)
        start = [surface for surface, _ in tokens].index("rumah")
        assert lexicon._gone(tokens, start, start + 2), text


@pytest.mark.parametrize("word", ["2", "24jam"])
def test_a_past_word_is_letters_only(word):
    with pytest.raises(risk.LexiconError, match=r"imminent\.past\[0\]: one word"):
        risk.load_lexicon(extra={"imminent": {"past": [word]}})


@pytest.mark.parametrize(("value", "read"), [(float("nan"), None), (-1.0, 0.0), (0.3, 0.3)])
def test_a_moment_threshold_is_read_within_zero_and_the_imminence_threshold(value, read):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    doc["imminent"]["moment_threshold"] = value
    assert risk_model.Model(doc).moment_threshold == read


def test_every_sentence_here_is_no_fresh_set_message():
    assert_not_from_the_fresh_sets(
        [*SENTENCES, AFTER_CLASS, *REVIEW_MOMENT_GONE, *REVIEW_NOW_IMMINENT, *NOW_URGENT, THEN_TONIGHT]
    )
