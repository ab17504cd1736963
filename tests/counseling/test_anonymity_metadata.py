"""Issue 11 item 4: a koordinator with everything the app shows, audit log included, cannot tell the
asker of a non-urgent anonymous question from the other students active that day.

The property is stated by swapping: the same day happens twice, once with student P as the asker and
student Q as a bystander, once the other way round (each doing exactly what the other did), and
every page the koordinator can open is compared. Identical pages mean nothing they show singles out
the asker: not the sign-in second against the question's second, not the order of the audit rows, not
the time of a profile edit made just after asking."""

import datetime
import re
import uuid

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.counseling.models import Conversation
from ekonseling.students import profile
from ekonseling.students.models import Student
from tests import factories

DAY = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Jakarta


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: every `timezone.now()` answers the time set last."""
    current = {"now": DAY}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])

    def at(minutes, seconds=0):
        current["now"] = DAY + datetime.timedelta(minutes=minutes, seconds=seconds)

    return at


@pytest.fixture
def two_students(world):
    """world.student (P) and world.classmate (Q), each with an account of their own."""
    world.classmate.user = factories.user(world.school, Role.SISWA)
    world.classmate.save(update_fields=["user"])
    return world.student, world.classmate


def sign_in(user):
    client = Client()
    response = client.post("/masuk/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def koordinator_sees(world, clock, asker, bystander):
    """The day, then every page the koordinator can open about it; rolled back afterwards."""
    asker, bystander = (Student.objects.select_related("user").get(pk=s.pk) for s in (asker, bystander))
    with transaction.atomic():
        clock(0)
        sign_in(bystander.user)  # the bystander signs in early and edits their profile
        clock(1)
        profile.update_own_profile(bystander, {"phone": "0213333"}, bystander.user)
        clock(30)
        student_client = sign_in(asker.user)  # the asker signs in, and asks a few seconds later
        clock(30, 4)
        response = student_client.post(
            reverse("counseling:question_new"),
            {"body": "Bagaimana kalau saya takut pulang?", "client_key": str(uuid.uuid4())},
        )
        assert response.status_code == 302
        clock(30, 9)
        profile.update_own_profile(asker, {"phone": "0213333"}, asker.user)
        conversation = Conversation.objects.get(kind=Conversation.Kind.QUESTION)
        assert conversation.identity_hidden and not conversation.urgent

        clock(60)
        koordinator = Client()
        koordinator.force_login(world.koordinator)
        urls = [
            # The home's "needs attention" card, alone and on the page, and the menu badges (issue 13).
            reverse("core:home"),
            reverse("core:home_card", args=["counseling.counselor"]),
            reverse("core:badges"),
            reverse("counseling:inbox"),
            reverse("counseling:conversation", args=[conversation.pk]),
            reverse("core:audit_log"),
            reverse("core:audit_export"),
        ]
        for student in (world.student, world.classmate):
            urls += [
                reverse("students:detail", args=[student.pk]),
                reverse("students:student_changes", args=[student.pk]),
            ]
        pages = {}
        for url in urls:
            response = koordinator.get(url)
            assert response.status_code == 200, url
            # Keyed without the question's id: a database sequence need not roll back (PostgreSQL).
            question_url = reverse("counseling:conversation", args=[conversation.pk])
            key = "<question page>" if url == question_url else url
            pages[key] = normalised(response.content.decode("utf-8-sig"), conversation)
        transaction.set_rollback(True)
    return pages


def normalised(text, conversation):
    """Without what differs between two runs for reasons other than who asked: form tokens and keys, the
    question's own id (a database sequence need not roll back)."""
    text = re.sub(r"[A-Za-z0-9]{32,}", "<token>", text)  # CSRF tokens, masked afresh on every page
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", text)  # form keys
    text = re.sub(r'nonce="[^"]*"', "", text)
    # Ids only where the pages print them (a URL segment, a data attribute, "#id", a CSV cell): a bare number elsewhere
    # ("1 student") must stay, and on a fresh database the ids are that small.
    for pk, name in [(conversation.pk, "<question>")] + [(m.pk, "<message>") for m in conversation.messages.all()]:
        # Not /konseling/mulai/<id>/: that id is a student's (reaching out to them), printed alike in both runs.
        text = re.sub(rf"(/konseling/(?!mulai/)(?:[a-z-]+/)*){pk}(?=/)", rf"\g<1>{name}", text)
        text = re.sub(rf"(?<=#){pk}(?!\d)", name, text)  # "Pertanyaan anonim #12" in audit rows
        text = re.sub(rf"(?i)(?<=conversation,){pk}(?=,)", name, text)  # the audit CSV's object id
        text = re.sub(rf'(data-(?:conversation|message|open-chat)="){pk}(")', rf"\g<1>{name}\2", text)
    return text


def test_the_koordinator_cannot_tell_the_asker_from_another_student_active_that_day(world, clock, two_students):
    p, q = two_students

    p_asked = koordinator_sees(world, clock, asker=p, bystander=q)
    q_asked = koordinator_sees(world, clock, asker=q, bystander=p)

    assert p_asked.keys() == q_asked.keys()
    for url in p_asked:
        assert p_asked[url] == q_asked[url], url
    audit_csv = p_asked[reverse("core:audit_export")]
    assert p.user.username in audit_csv and q.user.username in audit_csv  # both sign-ins are there, by day
    assert "2026-12-02T08:30:00" not in audit_csv
