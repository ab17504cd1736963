"""A school's risk lexicon extension: what it screens, how it is cached, checked and edited."""

import json
import uuid

import pytest
from django.urls import reverse

from ekonseling.core.models import AuditEvent
from ekonseling.counseling import lexicons, risk, services
from ekonseling.counseling.models import CounselingSettings
from ekonseling.safety.models import Alert

# Sundanese "pupus" (to pass away, in refined speech): a word the shipped lexicon does not know, so only the
# extension flags it.
PUPUS = {"categories": {"suicide": {"phrases": ["pengen pupus"]}}}
BAG = "tasku dicemplungin ke got tadi siang"  # a bullying message the shipped lexicon (and its model) misses
SPOILER = "bakal gw hajar si cena di smackdown"  # a false alarm of the shipped lexicon (a wrestling game)
BETTER = {
    "categories": {
        "bullying": {"phrases": ["tas dicemplungin"]},
        "violence": {"negatives": [{"phrase": "smackdown", "window": 8}]},
    }
}


@pytest.fixture(autouse=True)
def corpus(tmp_path, monkeypatch):
    """A small held-out part whose verdicts do not move when the shipped lexicon improves."""
    rows = [
        {"text": BAG, "label": "risk", "categories": ["bullying"], "triage": "", "split": "heldout"},
        {"text": SPOILER, "label": "none", "categories": [], "triage": "", "split": "heldout"},
        {"text": "pengen bunuh diri", "label": "risk", "categories": ["suicide"], "triage": "", "split": "heldout"},
        {"text": "mati lampu", "label": "none", "categories": [], "triage": "", "split": "dev"},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    monkeypatch.setattr(risk, "LABELLED_PATH", path)
    return path


def student_message(world, body, student=None):
    conversation = services.start_conversation(student or world.student)
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), body)])
    return posted


def test_a_schools_extension_screens_its_own_students_only(world, other_world):
    lexicons.save(world.school, PUPUS, world.koordinator)
    lexicons.forget()

    mine = student_message(world, "aku pengen pupus aja bu")
    theirs = student_message(other_world, "aku pengen pupus aja bu")

    assert mine.alert is not None and mine.alert.items == ["suicide"]
    assert mine.crisis_contacts
    assert theirs.alert is None
    assert Alert.objects.filter(school=other_world.school).count() == 0


def test_a_saved_extension_screens_at_once_in_this_process(world, django_capture_on_commit_callbacks):
    assert student_message(world, "aku pengen pupus aja").alert is None  # the shipped lexicon is now cached

    with django_capture_on_commit_callbacks(execute=True):
        lexicons.save(world.school, PUPUS, world.koordinator)

    assert student_message(world, "aku pengen pupus aja").alert is not None


def test_another_processs_change_arrives_after_the_recheck_interval(world, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(lexicons.time, "monotonic", lambda: clock[0])
    assert lexicons.for_school(world.school.pk) is risk.default_lexicon()
    # Another process saves: this one's cache is not told.
    CounselingSettings.objects.update_or_create(school=world.school, defaults={"risk_lexicon_extension": PUPUS})

    clock[0] += lexicons.RECHECK_SECONDS - 1
    stale = lexicons.for_school(world.school.pk)
    clock[0] += 2
    fresh = lexicons.for_school(world.school.pk)

    assert stale is risk.default_lexicon()
    assert fresh.screen("pengen pupus").flagged
    clock[0] += lexicons.RECHECK_SECONDS + 1
    assert lexicons.for_school(world.school.pk) is fresh  # unchanged: looked up, not compiled again


def test_an_extension_that_no_longer_validates_falls_back_to_the_shipped_lexicon(world, caplog):
    CounselingSettings.objects.create(
        school=world.school,
        risk_lexicon_extension={"categories": {"gossip": {"phrases": ["gosip"]}}},  # a new category needs a severity
    )

    posted = student_message(world, "aku pengen bunuh diri")

    assert posted.alert is not None  # screening went on, with the shipped lexicon
    assert "does not validate" in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"categories": ', "Baris 1, kolom 16"),
        ('{"categories": {"suicide": {"phrases": [{"phrase": "x", "weight": "berat"}]}}}', "weight"),
        ('{"kategori": {}}', "kategori"),
        ("[1, 2]", "lexicon: must be a JSON object"),
    ],
)
def test_a_bad_extension_is_refused_with_the_place_of_the_problem(text, expected):
    with pytest.raises(lexicons.ExtensionError) as refused:
        lexicons.parse(text)

    assert expected in str(refused.value)


def test_an_empty_text_is_the_shipped_lexicon_and_a_huge_one_is_refused():
    assert lexicons.parse("  \n") == {}
    with pytest.raises(lexicons.ExtensionError):
        lexicons.parse(json.dumps({"normalisation": {f"w{i}": "kata" for i in range(20_000)}}))


def test_changes_name_the_labelled_messages_the_extension_screens_differently():
    changes = lexicons.changes(BETTER)

    assert changes["caught"] == [BAG]
    assert changes["false_alarms_gone"] == [SPOILER]
    assert changes["missed"] == [] and changes["new_false_alarms"] == []
    assert changes["school"].tp == changes["shipped"].tp + 1
    assert changes["school"].fp == changes["shipped"].fp - 1
    assert lexicons.summary(BETTER) == lexicons.Summary(1, 1, 0, 0, 0, ("bullying", "violence"))


# --- the page -------------------------------------------------------------------------------------------------


def test_the_coordinator_checks_a_draft_without_saving_it(client, world):
    client.force_login(world.koordinator)

    response = client.post(
        reverse("counseling:risk_lexicon"), {"extension": json.dumps(BETTER), "sample": BAG, "action": "check"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-screening" in page and "tas dicemplungin" in page
    assert BAG in page  # listed as now caught
    assert lexicons.extension_of(world.school) == {}


def test_a_bad_draft_is_shown_again_with_the_error_and_nothing_is_saved(client, world):
    client.force_login(world.koordinator)
    lexicons.save(world.school, PUPUS, world.koordinator)
    bad = '{"categories": {"suicide": {"phrases": ["pengen pupus", ]}}}'

    response = client.post(reverse("counseling:risk_lexicon"), {"extension": bad, "action": "save"})

    page = response.content.decode()
    assert "data-error" in page and "Baris 1" in page
    assert "pengen pupus&quot;, ]" in page  # the koordinator's text is kept, not lost
    assert lexicons.extension_of(world.school) == PUPUS


def test_saving_is_audited_and_screens_the_schools_messages(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.koordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("counseling:risk_lexicon"), {"extension": json.dumps(PUPUS), "action": "save"})

    assert response.status_code == 302
    assert lexicons.extension_of(world.school) == PUPUS
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, actor=world.koordinator).latest("pk")
    assert "risk lexicon extension" in event.detail
    assert student_message(world, "pengen pupus").alert is not None
    shown = client.get(reverse("counseling:risk_lexicon")).content.decode()
    assert "pengen pupus" in shown


def test_the_menu_offers_the_page_to_the_coordinator_only(client, world):
    url = reverse("counseling:risk_lexicon")
    for user, shown in ((world.koordinator, True), (world.gurubk, False), (world.operator, False)):
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("core:home")).content.decode()) is shown


def test_a_coordinator_edits_only_their_own_school(client, world, other_world):
    client.force_login(other_world.koordinator)

    client.post(reverse("counseling:risk_lexicon"), {"extension": json.dumps(PUPUS), "action": "save"})

    assert lexicons.extension_of(world.school) == {}
    assert lexicons.extension_of(other_world.school) == PUPUS


def test_the_page_shows_the_held_out_figures_of_a_draft_with_a_new_category_and_imminent_phrases(client, world):
    client.force_login(world.koordinator)
    draft = {
        "imminent": {"time": ["ntar sore"]},
        "categories": {
            "gambling": {"severity": "medium", "phrases": ["judi online"]},
            "suicide": {"phrases": [{"phrase": "siap nyebur", "imminent": True}]},
        },
    }

    response = client.post(
        reverse("counseling:risk_lexicon"),
        {"extension": json.dumps(draft), "sample": "aku udah siap nyebur ke kali", "action": "check"},
    )

    page = response.content.decode()
    assert "bagian uji" in page  # the held-out part, in the page's language
    assert 'data-row="school"' in page
    assert "Risiko segera" in page and "suicide: plan or preparation" in page
    assert lexicons.extension_of(world.school) == {}
