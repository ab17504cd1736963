"""Round fifty of the risk screen (docs/risk-screening.md): the category model's second opinion on a lexicon verdict.
When the phrases name one category and the category model reads another far more strongly (its log posterior beats
every named one's by risk_model.CATEGORY_MARGIN nats), the verdict keeps the phrases' categories and severity and
tells the counselor "likely <category>" beside them: the phrases name one category of a message with two, or a
neighbouring one (a father with a machete in a fight with the mother read as violence, not domestic violence)."""

import json
import math
import uuid

import pytest
from django.urls import reverse

from ekonseling.counseling import alerts, risk, risk_model, services
from ekonseling.safety.models import Alert

from .test_risk_round_forty_nine import UNTRAINED_READ, guesses_on_untrained_read_sets

# The toy of round forty-nine, worked by hand: A has two messages (x, x, y), B one (y, z); alpha 1, vocabulary
# {x, y, z}; P(f|A) = (n + 1) / 6, P(f|B) = (n + 1) / 5; priors 2/3 and 1/3. For {y, z}: A 2/3 * 2/6 * 1/6 = 1/27,
# B 1/3 * 2/5 * 2/5 = 4/75; B beats A by log(4/75 * 27) = log(1.44) = 0.3646 nats.
TOY = {
    "alpha": 1.0,
    "vocabulary": 3,
    "messages": {"A": 2, "B": 1},
    "counts": {"A": {"x": 2, "y": 1}, "B": {"y": 1, "z": 1}},
}


def _toy(margin):
    return risk_model._Categories({**TOY, "margin": margin})


def test_the_margin_worked_by_hand():
    assert math.log(4 / 75 * 27) == pytest.approx(0.3646, abs=1e-4)
    assert _toy(0.36).second_opinion({"y", "z"}, ("A",)) == "B"
    assert _toy(0.37).second_opinion({"y", "z"}, ("A",)) is None


@pytest.mark.parametrize(
    ("found", "named", "expected"),
    [
        ({"y", "z"}, ("B",), None),  # the model's first guess is named already
        ({"y", "z"}, ("A", "B"), None),
        ({"y", "z"}, ("C",), None),  # no named category the model knows: nothing to beat
        ({"unknown"}, ("A",), None),  # no feature the model knows
        ({"z"}, ("A",), "B"),  # B 2/15 against A 1/9: log(1.2) = 0.18 nats
    ],
)
def test_a_second_opinion_is_a_category_not_named_that_beats_every_named_one(found, named, expected):
    assert _toy(0.1).second_opinion(found, named) == expected


def test_a_model_file_without_a_margin_gives_no_second_opinion():
    assert risk_model._Categories(TOY).margin is None
    assert risk_model._Categories(TOY).second_opinion({"y", "z"}, ("A",)) is None


@pytest.mark.parametrize("margin", [float("nan"), float("inf"), -1.0, "wide"])
def test_a_margin_that_is_no_finite_number_of_nats_at_least_zero_is_refused(margin):
    with pytest.raises(ValueError, match="category model"):
        _toy(margin)


def test_the_shipped_model_carries_the_margin():
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    assert doc["categories"]["margin"] == risk_model.CATEGORY_MARGIN == 15.0
    assert risk_model.shipped_model().categories.margin == 15.0


# Written for the tests from the taxonomy (no set's message): the phrases name one category, the model another.
@pytest.mark.parametrize(
    ("text", "named", "likely"),
    [
        ("papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga", "violence", "domestic_violence"),
        ("aku lagi pegang silet di kamar mandi sekolah, udah mulai bu", "suicide", "self_harm"),
        ("gue lagi megang cutter, udah gak kuat nahan, dikit aja kok", "suicide", "self_harm"),
    ],
)
def test_a_lexicon_verdict_carries_the_category_models_second_opinion(text, named, likely):
    screening = risk.screen(text)
    assert screening.flagged and not screening.possible
    assert screening.categories == (named,) and screening.likely == (likely,)
    assert screening.severity == risk.default_lexicon().severity[named]  # the phrases' severity, not the guess's


@pytest.mark.parametrize(
    "text",
    [
        "ayah pegang golok pas berantem sama ibu tadi, sekarang ibu ngumpet di kamar",
        "aku pengen ngilang aja dari dunia ini",
        "om aku nyuruh aku jualin barang di lampu merah sampai malam, kalau setoran kurang aku gak dikasih makan",
    ],
)
def test_no_second_opinion_when_the_model_reads_what_the_phrases_named(text):
    screening = risk.screen(text)
    assert screening.flagged and not screening.possible and screening.likely == ()


def test_without_a_category_model_a_lexicon_verdict_has_no_second_opinion():
    model = risk_model.load_model()
    model.categories = None
    screening = risk.load_lexicon(model=model).screen(
        "papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga"
    )
    assert screening.categories == ("violence",) and screening.likely == ()


def test_the_alert_names_the_second_opinion_after_the_phrases_categories(world):
    conversation = services.start_conversation(world.student)
    text = "papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga"
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), text)])

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.items[-2:] == ["violence", "likely domestic_violence"]
    assert not any(item.startswith("model score") for item in alert.items)
    assert "parang" not in " ".join(alert.items)


def test_the_counselor_sees_the_second_opinion_on_the_conversation_page(client, world):
    conversation = services.start_conversation(world.student)
    text = "aku lagi pegang silet di kamar mandi sekolah, udah mulai bu"
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), text)])
    assert posted.alert is not None
    services.claim(conversation, world.gurubk)
    client.force_login(world.gurubk)

    page = client.get(reverse("counseling:conversation", kwargs={"pk": conversation.pk})).content.decode()

    evidence = page.split("data-model-evidence>", 1)[1].split("</span>", 1)[0]
    assert alerts.model_evidence(text) == {"features": (), "likely": ("self_harm",)}
    # the second opinion alone: no "what weighed most" line without the model's words
    assert "self_harm" in evidence and "silet" not in evidence and ":" in evidence and evidence.count(":") == 1


def test_model_evidence_of_a_lexicon_verdict_is_its_second_opinion():
    evidence = alerts.model_evidence("papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga")
    # made imminent by the imminence model: its words too
    assert evidence["likely"] == ("domestic_violence",) and "parang" in evidence["features"]
    assert alerts.model_evidence("aku pengen ngilang aja dari dunia ini") is None


# The six read sets no model is trained on: of the lexicon verdicts on their risk messages with a second opinion,
# 46 of 58 had it labelled when the round chose the margin (0.79; the floor leaves retraining room). The lexicon
# page shows a second opinion as it shows a possible risk's guess (test_risk_round_forty_nine).
def test_the_second_opinion_is_a_labelled_category_for_most_lexicon_verdicts_of_sets_never_trained_on():
    given, right = guesses_on_untrained_read_sets(lambda s: s.flagged and not s.possible and bool(s.likely))
    assert given >= 50 and right / given >= 0.74, (right, given)


# --- who is beaten: domestic violence explains the physical-abuse phrase inside it -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ayah mukulin ibu tadi malam, aku cuma bisa nangis",
        "bapak nyekik mama di dapur, aku lihat sendiri",
        "mama dipukulin papa semalam",
    ],
)
def test_a_father_beating_the_mother_is_domestic_violence_not_physical_abuse(text):
    screening = risk.screen(text)
    assert "domestic_violence" in screening.categories and "physical_abuse" not in screening.categories
    assert all(match.category != "physical_abuse" for match in screening.matches)


@pytest.mark.parametrize(
    "text",
    [
        "ayah mukulin ibu, aku juga ditampar ayah",  # a physical-abuse match of its own beyond the mother's beating
        "ayah pukul ibu terus ayah pukul aku juga pakai sabuk",
        "kalo mama marah aku ditendang-tendang",  # the student in the match: the student may be the one beaten
        "ayah mukulin ibu ama gue",  # the mother and the student
        "ayah nampar ibu dan kami",
        "ayah mukulin aku sama ibu tiap malam",  # the review's: the student beaten with the mother, any order
        "ayah mukulin aku dan ibu",
        "aku sama ibu dipukulin ayah",
        "aku dan mama dipukulin papa",
        "aku ama nyokap ditampar bokap",
    ],
)
def test_the_student_beaten_too_keeps_physical_abuse(text):
    assert {"domestic_violence", "physical_abuse"} <= set(risk.screen(text).categories)


def test_without_explains_both_are_named_as_before():
    lexicon = risk.load_lexicon()
    lexicon.explains = {}
    screening = lexicon.screen("ayah mukulin ibu tadi malam, aku cuma bisa nangis")
    assert {"domestic_violence", "physical_abuse"} <= set(screening.categories)


def test_explaining_changes_no_flag_and_no_triage_on_the_read_sets():
    plain = risk.load_lexicon()
    plain.explains = {}
    shipped = risk.default_lexicon()
    changed = 0
    for name in UNTRAINED_READ:
        for example in risk.load_fresh(name):
            before, after = plain.screen(example["text"]), shipped.screen(example["text"])
            assert (after.flagged, after.triage) == (before.flagged, before.triage), example["text"]
            assert set(after.categories) <= set(before.categories)
            changed += after.categories != before.categories
    assert changed >= 10


@pytest.mark.parametrize(
    ("explains", "problem"),
    [
        ("physical_abuse", "must be a list"),
        (["no_such_category"], "must name another category"),
        (["domestic_violence"], "must name another category"),
        ([3], "must name another category"),
        ([{"a": 1}], "must name another category"),
    ],
)
def test_explains_must_name_other_categories(explains, problem):
    extra = {"categories": {"domestic_violence": {"explains": explains}}}
    with pytest.raises(risk.LexiconError, match=problem):
        risk.load_lexicon(extra=extra)


def _school(explains):
    return {
        "categories": {
            "stray_animals": {"severity": "low", "phrases": ["anjing liar gigit"], "explains": explains},
            "bites": {"severity": "low", "phrases": ["gigit", "=dicakar"]},
        }
    }


def test_a_school_makes_one_of_its_categories_explain_another():
    school = risk.load_lexicon(extra=_school(["bites"]), model=None)
    assert school.explains["stray_animals"] == ("bites",)
    assert school.explains["domestic_violence"] == ("physical_abuse",)  # the shipped one stays
    assert school.screen("tadi anjing liar gigit kaki adik").categories == ("stray_animals",)
    # a match of its own elsewhere keeps the explained category
    assert set(school.screen("anjing liar gigit kaki adik, terus kucing tetangga gigit juga").categories) == {
        "stray_animals",
        "bites",
    }
    plain = risk.load_lexicon(extra=_school([]), model=None)
    assert set(plain.screen("tadi anjing liar gigit kaki adik").categories) == {"stray_animals", "bites"}


def test_two_categories_that_explain_each_other_are_refused():
    extra = {"categories": {"physical_abuse": {"explains": ["domestic_violence"]}}}
    with pytest.raises(risk.LexiconError, match="domestic_violence explains physical_abuse already"):
        risk.load_lexicon(extra=extra)


def test_the_error_lists_the_other_categories_only():
    extra = {"categories": {"domestic_violence": {"explains": ["nothing"]}}}
    with pytest.raises(risk.LexiconError) as error:
        risk.load_lexicon(extra=extra)
    allowed = str(error.value).split("(", 1)[1]
    assert "physical_abuse" in allowed and "domestic_violence" not in allowed


@pytest.mark.parametrize("margin", [True, "15", 10**400])
def test_a_margin_that_is_a_flag_a_string_or_too_large_leaves_the_category_model_out(margin):
    with pytest.raises(ValueError, match="category model"):
        _toy(margin)


def test_a_tie_is_no_second_opinion_even_at_margin_zero():
    even = {
        "alpha": 1.0,
        "vocabulary": 1,
        "messages": {"A": 1, "B": 1},
        "counts": {"A": {"x": 1}, "B": {"x": 1}},
        "margin": 0,
    }
    assert risk_model._Categories(even).second_opinion({"x"}, ("B",)) is None


@pytest.mark.parametrize(
    "text",
    [
        "dia ngancem bakal nyebar foto aku kalo aku gak nurut sama dia",
        "om di ig itu bilang mau nyebar fotoku ke ortu kalo aku gak nurut",
    ],
)
def test_sextortion_is_grooming_not_bullying_too(text):
    screening = risk.screen(text)
    assert screening.categories == ("grooming",)
    plain = risk.load_lexicon()
    plain.explains = {}
    assert set(plain.screen(text).categories) == {"grooming", "bullying"}  # the same words read twice before


def test_classmates_spreading_a_photo_stay_bullying():
    text = "anak-anak kelas nyebarin fotoku yang diedit ke grup angkatan, semua ngetawain aku"
    assert "bullying" in risk.screen(text).categories
