"""The strict Content-Security-Policy breaks no page: Chromium reports no violation on the pages
of each kind (chat, letters, instruments, reports, admin) for the roles that use them."""

import pytest
from django.urls import reverse

from ekonseling.core import demo
from ekonseling.counseling.models import Conversation
from ekonseling.instruments.models import Administration

from .helpers import sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


def _violations(page, urls):
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        assert "script-src 'self';" in (response.header_value("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
    return seen


def test_the_counselor_pages_run_under_the_policy(page, demo_school):
    sign_in(page, "gurubk", demo.DEMO_PASSWORD)
    dcm = Administration.objects.get(instrument__code="DCM-CONTOH")
    chat = Conversation.objects.filter(kind=Conversation.Kind.CHAT).first()
    letter = Conversation.objects.filter(kind=Conversation.Kind.LETTER).first()
    urls = [
        reverse("core:home"),
        reverse("counseling:inbox"),
        reverse("instruments:library"),
        reverse("instruments:administration", args=[dcm.pk]),
    ]
    urls += [reverse("counseling:conversation", args=[c.pk]) for c in (chat, letter) if c is not None]
    assert _violations(page, urls) == []


def test_the_student_pages_run_under_the_policy(page, demo_school):
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    assert _violations(page, [reverse("core:home"), reverse("counseling:home"), reverse("instruments:my")]) == []
