"""Nothing by difference (issue 11, inference): every page the access matrix gives the wali kelas,
the principal and the operator — pages, spreadsheets, PDFs and JSON — answers the same whether or not
the school has facts on record that these roles may not read: special needs, health notes, the
"needs attention" flag, critical-item answers on an instrument sheet (and their alert), a
sociometric survey's choices and a sociometry alert, an urgent chat and an anonymous question.

The pages come from tests/test_access_matrix.py (MATRIX, OBJECT_CELLS and the admin's pages), so a
URL another app adds there is swept here without a line of its own. Each page is fetched once before
the facts are recorded and once after, in the same world; the two answers must be identical after
removing only what changes on every request (the CSRF token, the CSP nonce).
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
from django.urls import reverse

from ekonseling.accounts.models import Role
from tests.test_access_matrix import MATRIX, OBJECT_CELLS, PUBLIC, admin_changelists

SWEPT_ROLES = [Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.OPERATOR]

# Pages that may differ for a reason that is no leak, each with that reason. Keep it short.
EXEMPT: dict[str, str] = {}


def pages_for(role) -> list[tuple[str, object]]:
    """(url name, kwargs builder) of every GET cell of the matrix this role may open."""
    pages = []
    for name, (allowed, method, kwargs) in MATRIX.items():
        if method == "get" and (allowed == PUBLIC or role in allowed) and name not in EXEMPT:
            pages.append((name, kwargs))
    for name, kwargs, allowed in OBJECT_CELLS:
        if role in allowed and name not in EXEMPT:
            pages.append((name, kwargs))
    if role == Role.OPERATOR:
        pages += [("admin:index", None)] + [(name, None) for name in admin_changelists()]
    return pages


def _admin_change_pages(world):
    """The admin's change page of each student: what the operator sees of a record there."""
    return [
        reverse("admin:students_student_change", args=[s.pk])
        for s in (world.student, world.classmate, world.other_student)
    ]


# --- the hidden facts ----------------------------------------------------------------------------------------


def record_hidden_facts(world, administration=None):
    """Everything these roles may not read, on the students their pages show. `administration`: an
    instrument administration already on record before the snapshot (that one exists, and how many
    sheets came in, aggregate pages may show; what a sheet answers they may not)."""
    from ekonseling.counseling import letters, services
    from ekonseling.students.models import Student
    from tests.test_access_matrix import _instrument_administration

    for student in Student.objects.filter(pk__in=[world.student.pk, world.classmate.pk, world.other_student.pk]):
        student.special_needs = "Disleksia; butuh waktu tambahan."
        student.health_notes = (student.health_notes or "") + " Epilepsi."
        student.needs_attention = True
        student.save()
    # Critical items ticked on an instrument sheet (the DCM sample's critical item raises an alert).
    administration = administration or _instrument_administration()(world)
    sheet = administration.assignments.get(student=world.classmate)
    from ekonseling.instruments import services as instruments

    critical = administration.instrument.definition.critical_items  # the DCM sample's: item 4
    assert critical
    answers = {str(n): True for n in [1, *critical]}
    instruments.record_sheet(sheet, {"items": answers}, by=world.koordinator, source="paper")
    # An urgent chat (a message that raises a suicide alert) and an anonymous question.
    conversation = services.start_conversation(world.student)
    services.post_messages(
        [services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "kadang pengen ilang aja dari dunia ini")]
    )
    letters.start_question(world.student, world.siswa, body="Boleh tanya soal orang tua?", client_key=uuid.uuid4())
    # A sociometric survey with a choice, and an alert to follow up (a student the class rejects).
    from tests.test_access_matrix import _sociometry_alert

    _sociometry_alert()(world)

    from ekonseling.counseling.models import Conversation
    from ekonseling.safety.models import Alert

    assert Conversation.objects.filter(urgent=True).exists()
    assert Conversation.objects.filter(kind=Conversation.Kind.QUESTION, anonymous=True).exists()
    assert set(Alert.objects.values_list("source", flat=True)) == {
        Alert.Source.MESSAGE,
        Alert.Source.SHEET,
        Alert.Source.SOCIOMETRY,
    }


# --- comparing answers -----------------------------------------------------------------------------------------

_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
_NONCE = re.compile(rb'nonce="[^"]+"')
# The admin's user list shows when each user last signed in; the test signs the viewer in twice, and a
# minute may turn between the two (a flaky difference that tells nothing hidden).
_LAST_LOGIN = re.compile(rb'(<td class="field-last_login[^"]*">)[^<]*')


def normalised(response, viewer=None) -> object:
    content_type = response.get("Content-Type", "")
    if response.status_code in (301, 302):
        return ("redirect", response["Location"])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("text/html"):
        body = _CSRF.sub(rb"\1*", body)
        body = _LAST_LOGIN.sub(rb"\1*", _NONCE.sub(b'nonce="*"', body))
        return ("html", body.decode("utf-8", "replace"))
    if "json" in content_type:
        data = json.loads(body)
        if isinstance(data, dict) and "generated_at" in data:
            data["generated_at"] = "*"  # the moment of the download, on every download
        if isinstance(data, dict) and isinstance(data.get("audit_events"), list) and viewer is not None:
            # The viewer's own downloads, written to the trail about the student as they happen.
            data["audit_events"] = [e for e in data["audit_events"] if e.get("by") != viewer.username]
        return ("json", data)
    if "spreadsheetml" in content_type or body[:2] == b"PK":
        return ("xlsx", _xlsx_cells(body))
    if content_type.startswith("application/pdf"):
        return ("pdf", _pdf_pages(body))
    if content_type.startswith("text/csv"):
        return ("csv", body.decode("utf-8", "replace"))
    return (content_type, body)


def _xlsx_cells(data: bytes):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    cells = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # comments, names, hidden sheets: every part but the dates
        parts = {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps/")}
    return cells, parts


def _pdf_pages(data: bytes):
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)) for page in pdf.pages]


def _first_difference(before, after) -> str:
    a, b = repr(before), repr(after)
    i = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"…{a[max(0, i - 150) : i + 150]}…\n  became\n…{b[max(0, i - 150) : i + 150]}…"


# --- the sweep -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_no_page_tells_a_role_what_it_may_not_read(client, world, role):
    user = world.by_role()[role]
    client.force_login(user)
    urls = []
    for name, builder in pages_for(role):
        urls.append(reverse(name, kwargs=builder(world) if builder else None))
    if role == Role.OPERATOR:
        urls += _admin_change_pages(world)
    assert len(urls) >= 5

    from tests.test_access_matrix import _instrument_administration

    administration = _instrument_administration()(world)
    before = {url: normalised(client.get(url), user) for url in urls}
    record_hidden_facts(world, administration)
    client.force_login(user)
    after = {url: normalised(client.get(url), user) for url in urls}

    differ = {url: _first_difference(before[url], after[url]) for url in urls if before[url] != after[url]}
    assert not differ, "\n\n".join(f"{url}:\n  {diff}" for url, diff in differ.items())


def test_the_facts_are_there_and_seen_by_a_counselor(client, world):
    """The sweep's control: the same facts do change what the coordinator sees."""
    client.force_login(world.koordinator)
    url = reverse("students:detail", kwargs={"pk": world.student.pk})
    before = normalised(client.get(url))
    record_hidden_facts(world)
    assert normalised(client.get(url)) != before


def test_every_swept_role_has_pages_from_the_matrix():
    for role in SWEPT_ROLES:
        names = {name for name, _ in pages_for(role)}
        assert "core:home" in names and "accounts:account" in names
    assert "students:personal_data" in {name for name, _ in pages_for(Role.OPERATOR)}
    assert "students:summary" in {name for name, _ in pages_for(Role.KEPALA_SEKOLAH)}


# --- a class profile spanning rombel the viewer does not serve -------------------------------------------------


def _spanning_administration(world, extra_in_b=0):
    from datetime import timedelta

    from django.utils import timezone

    from ekonseling.instruments import services
    from tests import factories
    from tests.test_access_matrix import _instrument

    for _ in range(extra_in_b):
        factories.student(world.school, rombel=world.rombel_b)
    now = timezone.now()
    return services.open_administration(
        instrument=_instrument(world),
        title="DCM dua rombel",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.koordinator,
        rombels=[world.rombel_a, world.rombel_b],
    )


def _answer(world, administration, student, items):
    from ekonseling.instruments import services

    sheet = administration.assignments.get(student=student)
    services.record_sheet(sheet, {"items": {str(n): True for n in items}}, by=world.koordinator, source="paper")


def _figures(report):
    return [(b.label, b.value) for b in report.bars], [t.rows for t in report.tables], report.n


def _gurubk_report(world, administration):
    from ekonseling.core import policy
    from ekonseling.instruments import reports
    from ekonseling.instruments.models import Assignment

    mine = Assignment.objects.filter(administration=administration)
    visible = set(policy.visible(world.gurubk, "assignment.view", mine).values_list("pk", flat=True))
    return reports.group_report(administration, visible=visible)


def test_one_unserved_sheet_is_left_out_of_a_guru_bks_figures(client, world):
    administration = _spanning_administration(world)
    _answer(world, administration, world.student, [1, 2])
    _answer(world, administration, world.classmate, [2, 3])
    before = _figures(_gurubk_report(world, administration))

    _answer(world, administration, world.other_student, [1, 4, 5, 6])  # rombel_b: not gurubk's
    report = _gurubk_report(world, administration)

    assert _figures(report) == before  # nothing of the other student's answers by difference
    assert (report.left_out, report.hidden, report.n) == (1, 0, 2)
    client.force_login(world.gurubk)
    page = client.get(reverse("instruments:group_report", kwargs={"pk": administration.pk}))
    assert "tidak dihitung dalam angka" in page.content.decode()
    for name in ("instruments:group_report_xlsx", "instruments:group_report_pdf"):
        assert client.get(reverse(name, kwargs={"pk": administration.pk})).status_code == 200
    # The coordinator, who serves everyone, sees all three sheets in the figures.
    from ekonseling.instruments import reports

    assert reports.group_report(administration).n == 3


def test_five_unserved_sheets_are_counted_but_not_listed(world):
    administration = _spanning_administration(world, extra_in_b=4)
    _answer(world, administration, world.student, [1])
    for assignment in administration.assignments.filter(student__rombel=world.rombel_b):
        _answer(world, administration, assignment.student, [2])
    report = _gurubk_report(world, administration)
    assert (report.left_out, report.hidden, report.n) == (0, 5, 6)
