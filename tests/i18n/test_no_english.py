"""No English on Indonesian pages (issue 15): every GET page of the access matrix, opened by every
role allowed on it, is rendered in Indonesian and scanned for the English of our catalogue.

A string shown in English on an Indonesian page is either not marked for translation (it still
matches if the same English is a msgid elsewhere) or marked but left untranslated. New English
that is in no catalogue at all is caught by the word list below (common English words that are
not Indonesian), so a new untranslated template string fails here as well.
"""

import html
import re

import pytest
from django.urls import reverse

from tests.test_access_matrix import ALL, MATRIX, PUBLIC, ROLES

from .catalogue import entries

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
# English words that do not occur in Indonesian text; matched as whole words, case-sensitive
# where capitalised. Names of things that stay English in Indonesian UI (PDF, Excel, e-mail...) are not here.
ENGLISH_WORDS = re.compile(
    r"\b(the|The|and|with|your|Your|you|You|not|Not|this|This|from|From|there|There|which|"
    r"should|would|been|have|has|was|were|are|will|cannot|must|only|Only|when|When|"
    r"Save|Cancel|Delete|Back|Next|Previous|Search|Filter|Submit|Send|Open|Close|Edit|Add|"
    r"Student|Students|Counselor|Teacher|Principal|Password|Sign in|Sign out|Nothing|None|yet)\b"
)
# Text a page may show that comes from data or from the test world, not from the UI.
ALLOWED = [
    re.compile(r"E-Konseling"),
]


def _english_patterns():
    """(msgid, regex) for each catalogue entry whose Indonesian differs from its English."""
    patterns = []
    for entry in entries("id"):
        if entry.msgstr == entry.msgid:
            continue
        literal = "".join(PLACEHOLDER.split(entry.msgid))
        words = re.findall(r"[A-Za-z]{2,}", literal)
        # Short or one-word msgids ("Status", "Email") are shared with Indonesian: too ambiguous alone.
        if len(words) < 2 or len(literal) < 10:
            continue
        parts = [re.escape(part) for part in PLACEHOLDER.split(entry.msgid)]
        patterns.append((entry.msgid, re.compile(r"(?<![\w-])" + ".{0,80}?".join(parts) + r"(?![\w-])")))
    return patterns


PATTERNS = _english_patterns()


def visible_text(page: str) -> str:
    """What a person reads or hears: text outside tags, plus labels in attributes."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    labels = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"(?s)<[^>]+>", "\n", page)
    text = "\n".join([text, *labels])
    text = html.unescape(text)
    return re.sub(r"[ \t]+", " ", text)


def english_on(page: str) -> list[str]:
    text = visible_text(page)
    found = [msgid for msgid, pattern in PATTERNS if pattern.search(text)]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found += [
        f"text: {line!r}" for line in lines if ENGLISH_WORDS.search(line) and not any(a.search(line) for a in ALLOWED)
    ]
    return found


# One voice (docs/glossary.md): students are "kamu", staff "Anda"; a page for both uses neither.
STAFF_VOICE = re.compile(r"\bAnda(?:lah)?\b")
STUDENT_VOICE = re.compile(
    r"\b[Kk]amu\b|-mu\b|\b(?:ruang|data|sandi|akun|kelas|konselor|jadwal|lembar|hasil|pesan|cerita|nama)mu\b"
)


# Staff pages may quote what students are asked, as students will read it: text in “quotes” and
# the questions of a sociometric survey (its criteria, which the counselor may rewrite).
SAID_TO_STUDENTS = re.compile(r"“[^”]*”|Dengan siapa kamu[^?]*\?")


def wrong_voice(page: str, role) -> list[str]:
    from ekonseling.accounts.models import Role

    # Data being edited or shown as code (a lexicon's JSON) is not the page speaking.
    page = re.sub(r"(?s)<(textarea|pre)\b.*?</\1>", " ", page)
    text = SAID_TO_STUDENTS.sub("…", visible_text(page))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if role is None:  # signed out: whoever reads it, student or staff
        return [f"voice: {line!r}" for line in lines if STAFF_VOICE.search(line) or STUDENT_VOICE.search(line)]
    wrong = STAFF_VOICE if role == Role.SISWA else STUDENT_VOICE
    return [f"voice: {line!r}" for line in lines if wrong.search(line)]


def _get_pages():
    for name, (allowed, method, kwargs) in MATRIX.items():
        if method != "get":
            continue
        roles = [None, *ROLES] if allowed == PUBLIC else [role for role in ROLES if role in (ALL & set(allowed))]
        yield pytest.param(name, kwargs, roles, id=name)


# About twenty seconds: in the PostgreSQL half of make test too (tests/conftest.py).
@pytest.mark.once(half="postgres")
@pytest.mark.parametrize(("name", "kwargs", "roles"), list(_get_pages()))
def test_indonesian_pages_have_no_english(client, world, name, kwargs, roles):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    problems = {}
    for role in roles:
        client.logout()
        if role is not None:
            client.force_login(world.by_role()[role])
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        assert response["Content-Language"] == "id"
        found = english_on(response.content.decode()) + wrong_voice(response.content.decode(), role)
        if found:
            problems[str(role)] = found
    assert problems == {}


DEMO_USERS = ["operator", "koordinator", "gurubk", "gurubk2", "walikelas", "kepsek", "siswa"]


# Half a minute: in the PostgreSQL half of make test, so that the two halves end together (tests/conftest.py).
@pytest.mark.once(half="postgres")
def test_the_demo_schools_pages_have_no_english_nor_the_wrong_voice(client, db):
    """The same scan on the demo school, whose data reaches the branches an empty school does not:
    every GET page without arguments, for every demo account allowed on it (and the audit log with a
    month of real events)."""
    from ekonseling.accounts.models import User
    from ekonseling.core import demo

    demo.load()
    problems = {}
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        client.force_login(user)
        for name, (allowed, method, kwargs) in MATRIX.items():
            if method != "get" or kwargs is not None or (allowed != PUBLIC and user.role not in allowed):
                continue
            response = client.get(reverse(name), follow=True)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            page = response.content.decode()
            found = english_on(page) + wrong_voice(page, user.role)
            if found:
                problems[f"{name} as {username}"] = found
    assert problems == {}
