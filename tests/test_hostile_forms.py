"""Every form fuzzed (issue 11): every routed view that accepts POST, every Form class of the project
and every admin add and change page get hostile input, and none may crash.

Which views accept POST comes from the URL configuration (`get_resolver()`): a view restricted to
methods without POST is left out; any other view needs an entry in CASES, so a new view cannot ship
unfuzzed. An entry is one line: `"app:name": Case()` is enough for most views, because the fields
are read from the view's own page (its forms in the template context and the names in its HTML),
the acting user and the URL's object come from the access matrix (tests/test_access_matrix.py),
and upload fields get the hostile files. `Case(fields=(...))` names the fields of a POST-only view.

What every view gets: NUL, bidi controls, `1e400`, `Infinity`, 400-digit ids, 20,000 characters,
3,000-deep brackets, repeated fields, a body that is not UTF-8, a broken multipart body, forged
formset counts, hostile uploads (a zip bomb .xlsx, a fake PDF, an image claiming huge dimensions, …),
hostile `?next=` values, and a few hypothesis examples. What must hold: never a 500, nothing logged
at ERROR, a 400 answer carries a message, and a refusal (a 4xx, or the page again with form errors)
writes no row.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import io
import logging
import os
import pkgutil
import re
import struct
import types
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ekonseling
from ekonseling.accounts.models import Role, User
from ekonseling.core.admin_site import admin_site
from tests.test_access_matrix import MATRIX, PUBLIC, _instrument

# --- the cases: one line per view that accepts POST ---------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """How to fuzz one view. Everything is optional.

    fields: POST fields the view reads beyond those found on its page (needed for POST-only views).
    role: who posts (default: the first role the access matrix allows, in ROLE_ORDER; anonymous for
        public views). kwargs: the URL's arguments (default: the access matrix's builder).
    json: the view also reads a JSON body (the deep JSON fuzz is tests/test_hostile_input.py).
    relogin: sign in again before each request (the view signs out).
    """

    fields: tuple[str, ...] = ()
    role: str | tuple | None = None
    kwargs: Callable | None = None
    json: bool = False
    relogin: bool = False
    setup: Callable | None = None  # run on the world first (say, an instrument to choose)
    # Rows the page written again after a refusal may add (the viewer's read mark of a thread).
    view_writes: tuple[str, ...] = ()
    query: tuple[str, ...] = ("next",)


CASES: dict[str, Case] = {
    # core, accounts (undecorated GET views take a POST like a GET: they are fuzzed all the same)
    "core:index": Case(),
    "core:home": Case(),
    "core:audit_log": Case(),
    "core:audit_export": Case(),
    "core:healthz": Case(),
    "core:badges": Case(),
    "core:home_card": Case(),
    "set_language": Case(fields=("language", "next")),
    "accounts:login": Case(fields=("username", "password")),
    "accounts:logout": Case(relogin=True),
    "accounts:logout_everywhere": Case(relogin=True),
    "accounts:account": Case(),
    "accounts:password_change": Case(),
    "accounts:otp_setup": Case(role=Role.GURU_BK),
    # With a device the code is asked; without one (or verified) the page sends the user to `next`.
    "accounts:otp_verify": Case(role=("gurubk_with_device", Role.KOORDINATOR_BK), fields=("token", "next")),
    "accounts:otp_disable": Case(role=Role.GURU_BK),
    "accounts:restore_counseling": Case(role=Role.GURU_BK),
    "accounts:staff_issue_password": Case(fields=("password",)),
    # students
    "students:list": Case(),
    "students:detail": Case(),
    "students:summary": Case(),
    "students:import": Case(),
    "students:import_preview": Case(fields=("action", "confirm")),
    "students:rombel_accounts": Case(fields=("students", "action")),
    "students:student_reset_password": Case(),
    "students:student_changes": Case(fields=("action",)),
    "students:my_profile": Case(),
    "students:edit": Case(role=Role.GURU_BK),
    "students:request_deletion": Case(),
    "students:deletion_requests": Case(),
    "students:deletion_decide": Case(fields=("password", "decision", "action")),
    "students:year_end": Case(),
    "students:caseload": Case(fields=("counselor", "rombels", "students", "action")),
    # counseling
    "counseling:home": Case(),
    "counseling:chat_new": Case(),
    "counseling:inbox": Case(),
    "counseling:office_hours": Case(),
    "counseling:risk_lexicon": Case(fields=("extension", "action")),
    "counseling:conversation": Case(),
    "counseling:messages": Case(fields=("client_key", "body"), json=True, role=Role.SISWA),
    "counseling:chat_attachment": Case(fields=("client_key", "file", "body"), role=Role.SISWA),
    "counseling:mark_read": Case(fields=("seq", "delivered"), json=True),
    "counseling:claim": Case(),
    "counseling:transfer": Case(fields=("counselor", "note")),
    "counseling:set_status": Case(fields=("status", "action")),
    "counseling:alert_decide": Case(fields=("decision", "note", "action")),
    "counseling:letter_new": Case(),
    "counseling:question_new": Case(),
    "counseling:reveal": Case(fields=("confirm",)),
    "counseling:reply": Case(
        fields=("body", "client_key", "attachment"), role=Role.SISWA, view_writes=("counseling.Participant",)
    ),
    "counseling:start_for": Case(role=Role.GURU_BK),
    "counseling:call_in_new": Case(role=Role.GURU_BK, fields=("message", "meet_at", "place")),
    "counseling:call_ins": Case(),
    "counseling:call_in_acknowledge": Case(role=Role.SISWA),
    "counseling:call_in_status": Case(role=Role.GURU_BK, fields=("status",)),
    "counseling:summary": Case(role=Role.GURU_BK, fields=("summary",)),
    # service records
    "records:list": Case(),
    "records:new": Case(role=Role.GURU_BK),
    "records:detail": Case(),
    "records:edit": Case(role=Role.GURU_BK),
    "records:laiseg_request": Case(role=Role.GURU_BK),
    "records:laiseg_answer": Case(role=Role.SISWA),
    "records:laiseg_results": Case(),
    "records:report": Case(query=("next", "bulan", "semester", "konselor")),
    "records:report_pdf": Case(query=("next", "bulan", "semester", "konselor")),
    "records:report_xlsx": Case(query=("next", "bulan", "semester", "konselor")),
    "records:dashboard": Case(),
    "records:principal": Case(role=Role.KEPALA_SEKOLAH),
    # cases
    "cases:new": Case(role=Role.GURU_BK),
    "cases:edit": Case(role=Role.GURU_BK),
    # sociometry
    "sociometry:survey_new": Case(role=Role.GURU_BK),
    "sociometry:survey_window": Case(role=Role.GURU_BK, fields=("action", "closes_at")),
    "sociometry:paper_entry": Case(role=Role.GURU_BK, fields=("siswa",)),
    "sociometry:import": Case(role=Role.GURU_BK),
    "sociometry:fill": Case(role=Role.SISWA),
    "sociometry:alert": Case(role=Role.GURU_BK, fields=("status", "note")),
    "cases:status": Case(role=Role.GURU_BK, fields=("status", "note")),
    "cases:note": Case(role=Role.GURU_BK, fields=("body",)),
    "cases:access": Case(role=Role.GURU_BK, fields=("action", "counselor")),
    "cases:follow_up_new": Case(role=Role.GURU_BK, fields=("description", "due_on")),
    "cases:follow_up_done": Case(role=Role.GURU_BK),
    "cases:record_new": Case(role=Role.GURU_BK),
    "cases:record": Case(role=Role.GURU_BK),
    # appointments
    "appointments:request": Case(role=Role.SISWA, fields=("counselor", "slot", "medium", "topic")),
    "appointments:book": Case(role=Role.GURU_BK),
    "appointments:availability": Case(role=Role.GURU_BK, fields=("action", "slot", "exception")),
    "appointments:holidays": Case(role=Role.KOORDINATOR_BK, fields=("action", "holiday")),
    "appointments:feed_settings": Case(role=Role.GURU_BK, fields=("action",)),
    "appointments:confirm": Case(role=Role.GURU_BK),
    "appointments:propose": Case(role=Role.GURU_BK, fields=("starts_at",)),
    "appointments:accept": Case(role=Role.SISWA),
    "appointments:cancel": Case(role=Role.GURU_BK, fields=("reason",)),
    "appointments:outcome": Case(role=Role.GURU_BK, fields=("outcome",)),
    "appointments:group_add": Case(role=Role.GURU_BK, fields=("students",)),
    "appointments:group_remove": Case(role=Role.GURU_BK, fields=("member",)),
    "cases:referral_new": Case(),
    "cases:referral": Case(role=Role.GURU_BK),
    # program
    "program:list": Case(),
    "program:draft": Case(role=Role.GURU_BK),
    "program:new": Case(role=Role.GURU_BK),
    "program:recap": Case(role=Role.KEPALA_SEKOLAH),
    "program:save_version": Case(role=Role.GURU_BK, fields=("note",)),
    "program:item_new": Case(role=Role.GURU_BK),
    "program:item": Case(role=Role.GURU_BK),
    "program:item_delete": Case(role=Role.GURU_BK),
    "program:link": Case(role=Role.GURU_BK, fields=("record", "action")),
    "program:hold_session": Case(role=Role.GURU_BK, fields=("rombel", "duration_minutes")),
    "program:rpl": Case(role=Role.GURU_BK),
    # information
    "information:new": Case(role=Role.GURU_BK),
    "information:edit": Case(role=Role.GURU_BK),
    "information:media_add": Case(role=Role.GURU_BK, fields=("file", "caption")),
    "information:media_delete": Case(role=Role.GURU_BK),
    "information:poll_new": Case(role=Role.GURU_BK, fields=("rombel", "question", "options")),
    "information:poll_close": Case(role=Role.GURU_BK),
    "information:poll": Case(role=Role.SISWA, fields=("choice",)),
    # instruments
    "instruments:install_samples": Case(fields=("codes",)),
    "instruments:import_definition": Case(),
    "instruments:edit_definition": Case(),
    "instruments:archive": Case(fields=("confirm",)),
    "instruments:administration_new": Case(setup=_instrument),
    "instruments:administration_release": Case(fields=("release", "confirm")),
    "instruments:assignment_extend": Case(fields=("closes_at",)),
    "instruments:assignment_reopen": Case(fields=("reason",)),
    "instruments:alert": Case(fields=("decision", "note", "action")),
    "instruments:my": Case(),
    "instruments:fill": Case(fields=("action", "page", "items")),
    "instruments:autosave": Case(fields=("items",), json=True),
    "instruments:submit": Case(fields=("confirm",)),
    "instruments:result": Case(),
    "instruments:paper_entry": Case(fields=("student", "action")),
    "instruments:answer_import": Case(),
    "instruments:answer_import_preview": Case(fields=("action",)),
}

# Roles tried first when a case names none: staff before students, the broadest first.
ROLE_ORDER = [Role.KOORDINATOR_BK, Role.OPERATOR, Role.GURU_BK, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA]

# Rows a refused request may still write: the sign-in bookkeeping, sessions and the audit log.
BOOKKEEPING = {"sessions.Session", "core.AuditEvent", "admin.LogEntry"}
BOOKKEEPING_APPS = {"axes"}

# A Form class used by no routed view (say, a base class) maps to the view that fuzzes a subclass
# automatically; list here only a form the scan below cannot see, with the view that uses it.
FORM_VIEWS: dict[str, str] = {
    # the case book's record forms: one view, the kind in the URL (the access matrix opens one kind)
    "ReferralOutForm": "cases:record_new",
    "HomeVisitForm": "cases:record_new",
    "CaseConferenceForm": "cases:record_new",
    "ParentCallInForm": "cases:record_new",
    "_RecordForm": "cases:record_new",
}


# --- which views accept POST -----------------------------------------------------------------------------------


def _routed_views():
    """(url name, callback) of every named, non-admin route."""

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p.callback

    for name, callback in walk(get_resolver().url_patterns, ""):
        if not name.startswith("admin:"):
            yield name, callback


def allowed_methods(callback) -> set[str] | None:
    """The methods a view is restricted to (`require_http_methods` and friends, or a class view's
    handlers), or None when it takes any."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function = callback
    while function is not None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list) and value and all(isinstance(v, str) and v.isupper() for v in value):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return None


def post_views() -> dict[str, Callable]:
    views = {}
    for name, callback in _routed_views():
        methods = allowed_methods(callback)
        if methods is None or "POST" in methods:
            views[name] = callback
    return views


def test_every_view_that_accepts_post_has_a_fuzz_case():
    missing = set(post_views()) - set(CASES)
    assert not missing, f"views that accept POST with no fuzz case (add a line to CASES): {sorted(missing)}"
    stale = set(CASES) - set(post_views())
    assert not stale, f"CASES names views that are not routed or take no POST: {sorted(stale)}"


def test_the_method_scan_reads_the_decorators():
    from django.views.decorators.http import require_GET, require_POST

    assert allowed_methods(require_GET(lambda request: None)) == {"GET"}
    assert allowed_methods(require_POST(lambda request: None)) == {"POST"}
    assert allowed_methods(lambda request: None) is None


# --- every Form class maps to a fuzzed view --------------------------------------------------------------------


def _project_modules():
    for info in pkgutil.walk_packages(ekonseling.__path__, "ekonseling."):
        if ".migrations" in info.name or info.name.endswith((".asgi", ".wsgi")):
            continue
        yield importlib.import_module(info.name)


def project_form_classes() -> set[type]:
    found = set()
    for module in _project_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, (forms.BaseForm, forms.BaseFormSet))
                and value.__module__.startswith("ekonseling.")
            ):
                found.add(value)
    return found


def _ours(value) -> bool:
    return getattr(value, "__module__", "") and value.__module__.startswith("ekonseling.")


def referenced_classes(function, depth=4, seen=None) -> set[type]:
    """The project classes a view's code can reach: names it uses, resolved in its module, in the
    modules it uses, and through the project functions and classes it calls (a few levels deep)."""
    seen = set() if seen is None else seen
    found: set[type] = set()
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or function in seen or depth < 0:
        return found
    seen.add(function)
    namespace = function.__globals__
    codes = [code]
    names: set[str] = set()
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    closure = [cell.cell_contents for cell in function.__closure__ or () if _cell_set(cell)]
    values = [namespace[n] for n in names if n in namespace] + closure
    for module in [v for v in values if isinstance(v, types.ModuleType) and v.__name__.startswith("ekonseling.")]:
        values.extend(getattr(module, n) for n in names if hasattr(module, n))
    for value in values:
        if isinstance(value, type) and issubclass(value, forms.BaseFormSet):
            found |= {value, getattr(value, "form", value)}  # a factory's formset class is Django's
        if isinstance(value, type) and _ours(value):
            found.add(value)
            for attribute in vars(value).values():
                if isinstance(attribute, (types.FunctionType, staticmethod, classmethod)):
                    target = attribute.__func__ if not isinstance(attribute, types.FunctionType) else attribute
                    found |= referenced_classes(target, depth - 1, seen)
        elif isinstance(value, types.FunctionType) and _ours(value):
            found |= referenced_classes(value, depth - 1, seen)
    return found


def _cell_set(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _admin_form_classes() -> set[type]:
    found = set()
    for model_admin in admin_site._registry.values():
        for owner in [model_admin, *(inline(model_admin.model, admin_site) for inline in model_admin.inlines)]:
            for attr in ("form", "add_form", "change_password_form", "formset"):
                value = getattr(owner, attr, None)
                if isinstance(value, type):
                    found.add(value)
            for method in ("get_form", "get_formset", "get_inlines", "get_inline_instances"):
                function = getattr(type(owner), method, None)
                if function is not None and _ours(function):
                    found |= referenced_classes(function)
    from ekonseling.core.admin_site import school_inlines

    for inline in school_inlines():
        found |= {getattr(inline, "form", forms.ModelForm), getattr(inline, "formset", forms.BaseFormSet)}
    return found


def fuzzed_form_classes() -> set[type]:
    found = _admin_form_classes()
    views = post_views()
    for name in CASES:
        if name in views:
            view = views[name]
            found |= referenced_classes(view)
            view_class = getattr(view, "view_class", None)
            if view_class is not None:  # a class view: its form class, set on it or in as_view()
                attributes = {**vars(view_class), **getattr(view, "view_initkwargs", {})}
                found |= {v for v in attributes.values() if isinstance(v, type) and issubclass(v, forms.BaseForm)}
                for function in vars(view_class).values():
                    if isinstance(function, types.FunctionType):
                        found |= referenced_classes(function)
    return found


def test_every_form_class_maps_to_a_fuzzed_view():
    fuzzed = fuzzed_form_classes()
    unmapped = set()
    for form_class in project_form_classes():
        if FORM_VIEWS.get(form_class.__qualname__) in CASES:
            continue
        # A base class is fuzzed through each subclass a view uses (SpreadsheetUploadForm, ...).
        if not any(issubclass(used, form_class) for used in fuzzed if isinstance(used, type)):
            unmapped.add(f"{form_class.__module__}.{form_class.__qualname__}")
    assert not unmapped, f"Form classes no fuzzed view uses (add the view to CASES or FORM_VIEWS): {sorted(unmapped)}"


def test_the_form_scan_finds_forms_behind_helpers():
    from ekonseling.counseling import views_letters

    assert views_letters.LetterForm in referenced_classes(views_letters.letter_new)


# --- hostile values ------------------------------------------------------------------------------------------------

NUL = "\x00"
BIDI = "\u202e\u2066abc\u2069\u200f"
BIG_ID = "9" * 400
LONG_TEXT = "a" * 20_000
DEEP = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000
# Each of these goes into every field at once, one request each; the rest rotate over the fields.
CORE_VALUES = [NUL, BIDI, "1e400", "Infinity", BIG_ID, LONG_TEXT, DEEP, DEEP_OBJECT, "-1", "٣", ""]
MORE_VALUES = ["a\x00b", "-1e400", "NaN", "-" + BIG_ID, " ", "0", "1.5", "true", "null", "2026-02-30"]
MORE_VALUES += ["9999-12-31T99:99", "-Infinity"]
HOSTILE_VALUES = CORE_VALUES + MORE_VALUES
HOSTILE_NEXT = ["1e400", "//evil.example", "javascript:alert(1)", NUL, "/" + "a" * 20_000, "http://[::1", BIG_ID]


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels: a header and one tiny compressed row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@functools.cache
def _zip_bomb_xlsx() -> bytes:
    """An .xlsx whose shared strings unpack far beyond what the readers allow (a few KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>" + b"A" * (64 * 1024 * 1024) + b"</t></si></sst>")
    return out.getvalue()


def _hostile_uploads():
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return [
        ("bomb.xlsx", _zip_bomb_xlsx(), xlsx_type),
        ("fake.pdf", b"%PDF-1.7\n1 0 obj <</Type /Catalog /OpenAction 2 0 R>>\n" + b"\x00" * 100, "application/pdf"),
        ("huge.png", _png_header(100_000, 100_000), "image/png"),
        ("wide.png", _png_header(2**31 - 1, 1), "image/png"),
        ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        ("empty.csv", b"", "text/csv"),
        ("binary.csv", bytes(range(256)) * 16, "text/csv"),
        ("deep.json", DEEP.encode(), "application/json"),
        ("a\x00b\u202e.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("not-a-zip.xlsx", b"PK\x03\x04" + b"\xff" * 200, xlsx_type),
    ]


# What a view refuses before any field reaches a query (a body its parsers refuse, a `?next=` value: the same
# redirect check on every backend) does not depend on the database: the PostgreSQL run of `make test` leaves those
# requests to the SQLite run. Values that reach a query or a row (NUL, 1e400, long text, ids) go to both.
PARSER_ONLY_ELSEWHERE = bool(os.environ.get("DATABASE_URL"))

FUZZ = settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
text_values = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=40), st.integers().map(str))


# --- running a case ----------------------------------------------------------------------------------------------


def _no_errors_logged(caplog, where):
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, (where, [r.getMessage()[:300] for r in bad])


@functools.cache
def _counted_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.label not in BOOKKEEPING and m._meta.app_label not in BOOKKEEPING_APPS and m._meta.managed
    ]


def _row_counts():
    """Rows per model, in one query (a request is checked before and after)."""
    from django.db import connection

    models = _counted_models()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, counts)}


def _context_forms(response):
    """Forms and formsets of a rendered response's context."""
    context = getattr(response, "context", None)
    if context is None:
        return []
    contexts = context if isinstance(context, list) else [context]
    found = []
    for each in contexts:
        values = each.flatten().values() if hasattr(each, "flatten") else each.values()
        for value in values:
            if isinstance(value, (forms.BaseForm, forms.BaseFormSet)):
                found.append(value)
            elif isinstance(getattr(value, "form", None), forms.BaseForm):
                found.append(value.form)  # the admin's AdminForm
            elif isinstance(value, (list, tuple)):
                found.extend(getattr(v, "formset", None) for v in value if hasattr(v, "formset"))  # inlines
    return [f for f in found if f is not None]


def _refused_with_form_errors(response):
    for form in _context_forms(response):
        try:
            if form.is_bound and not form.is_valid():
                return True
        except Exception:  # noqa: BLE001 - a formset refused as a whole (ManagementForm) still counts
            return True
    return False


def _visible_text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        return str(data.get("message") or data.get("error") or "")
    text = re.sub(rb"<script.*?</script>|<style.*?</style>|<[^>]+>", b" ", response.content, flags=re.S)
    return text.decode("utf-8", "replace").strip()


class Target:
    """One view as one user: where to post and which fields it has."""

    def __init__(self, client, url, fields, file_fields, management, login, view_writes=()):
        self.client = client
        self.url = url
        self.fields = sorted(fields)
        self.file_fields = sorted(file_fields)
        self.management = sorted(management)
        self.login = login
        self.statuses: dict[int, int] = {}
        self.view_writes = set(view_writes)

    def send(self, data=None, *, body=None, content_type=None, query=""):
        if self.login:
            self.login()
        url = self.url + query
        before = _row_counts()
        if body is not None:
            response = self.client.generic("POST", url, body, content_type=content_type)
        else:
            response = self.client.post(url, data or {})
        where = (self.url, query[:60], _describe(data if body is None else body))
        assert response.status_code < 500, where
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if 400 <= response.status_code < 500 and response.status_code not in (403, 404, 405):
            assert _visible_text(response), (where, "a refusal without a message")
        if 400 <= response.status_code < 500 or (response.status_code == 200 and _refused_with_form_errors(response)):
            after = _row_counts()
            for label in self.view_writes:
                before.pop(label), after.pop(label)
            assert after == before, (where, {k: (before[k], after[k]) for k in after if after[k] != before[k]})
        return response


def _describe(data) -> str:
    return repr(data)[:200]


_FORM_NAME = re.compile(rb'<(?:input|select|textarea|button)[^>]*\bname="([^"]+)"', re.I)


def _discover(client, url, case) -> tuple[set[str], set[str], set[str]]:
    """Field names from the view's own page: its context forms and the names in its HTML."""
    fields, files, management = set(case.fields), set(), set()
    response = client.get(url)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        fields |= {n.decode() for n in _FORM_NAME.findall(response.content)}
        for form in _context_forms(response):
            form_list = [form.management_form, *form.forms] if isinstance(form, forms.BaseFormSet) else [form]
            for each in form_list:
                for name, form_field in each.fields.items():
                    fields.add(each.add_prefix(name))
                    if isinstance(form_field, forms.FileField):
                        files.add(each.add_prefix(name))
    fields.discard("csrfmiddlewaretoken")
    files |= {f for f in fields if f in ("file", "attachment", "photo", "logo")}
    management = {f for f in fields if f.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MAX_NUM_FORMS"))}
    return fields, files, management


def _fixed_requests(target: Target, case: Case):
    """The corner cases every view gets, whatever hypothesis draws."""
    names = target.fields or ["x"]
    for value in CORE_VALUES:
        yield {"data": dict.fromkeys(names, value)}
    for shift in range(0, len(MORE_VALUES), 4):  # every field sees every value when it has 3 or more
        yield {"data": {name: MORE_VALUES[(shift + i) % len(MORE_VALUES)] for i, name in enumerate(names)}}
    yield {"data": {name: ["1", BIG_ID, "-1", NUL, LONG_TEXT] for name in names}}  # repeated fields
    yield {"data": {f"{name}{suffix}": BIG_ID for name in names for suffix in ("", "[]", "__in")}}
    forged = {name: ("1000" if name.endswith("TOTAL_FORMS") else "0") for name in target.management}
    if forged:
        yield {"data": forged}
        yield {"data": dict.fromkeys(target.management, BIG_ID)}
        yield {"data": dict.fromkeys(target.management, "1e400")}
    encoded = "&".join(f"{name}=%ff%fe%00" for name in names).encode() + b"&\xff\xfe=\xc3\x28"
    yield {"body": encoded, "content_type": "application/x-www-form-urlencoded"}
    yield {
        "body": b"--x\r\nContent-Disposition: form-data; name=\xff\r\n\r\n\xc3\x28",
        "content_type": "multipart/form-data; boundary=x",
        "parser_only": True,
    }
    yield {"body": b"--x\r\n" * 3, "content_type": "multipart/form-data; boundary=", "parser_only": True}
    yield {"body": b"\xff\xfe\x00", "content_type": "application/json", "parser_only": True}
    yield {"body": DEEP.encode(), "content_type": "application/json", "parser_only": True}
    yield {
        "body": b'{"seq": 1e400, "after": Infinity, "id": ' + BIG_ID.encode() + b"}",
        "content_type": "application/json",
    }
    for name in target.file_fields:
        for filename, content, content_type in _hostile_uploads():
            others = {other: "1" for other in names if other not in target.file_fields}
            yield {"data": {**others, name: SimpleUploadedFile(filename, content, content_type=content_type)}}
    for parameter in case.query:
        for value in HOSTILE_NEXT:
            yield {
                "data": dict.fromkeys(names, "1"),
                "query": "?" + parameter + "=" + _quote(value),
                "parser_only": parameter == "next",  # a report's `semester` reaches a query
            }


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def run_case(target: Target, case: Case, caplog):
    for request in _fixed_requests(target, case):
        if request.pop("parser_only", False) and PARSER_ONLY_ELSEWHERE:
            continue
        target.send(**request)
    _no_errors_logged(caplog, target.url)

    names = [*target.fields, "unknown"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), st.lists(text_values, min_size=1, max_size=3), max_size=len(names)))
    def check(data):
        target.send(data)

    check()
    if case.json:
        from tests.test_hostile_input import request_bodies

        @FUZZ
        @given(request_bodies([*case.fields, "unknown"]))
        def check_json(body):
            target.send(body=body, content_type="application/json")

        check_json()
    _no_errors_logged(caplog, target.url)


# --- the routed views ----------------------------------------------------------------------------------------------


def _gurubk_with_device(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.gurubk, name="app", confirmed=True)
    return world.gurubk


def _actors(world, name, case):
    """Who posts: the case's role(s), else the first role the access matrix allows."""
    roles = case.role if isinstance(case.role, tuple) else (case.role,)
    if roles == (None,):
        allowed = MATRIX[name][0]
        roles = (None,) if allowed == PUBLIC else (next(r for r in ROLE_ORDER if r in allowed),)
    by_role = world.by_role()
    return [_gurubk_with_device(world) if r == "gurubk_with_device" else by_role.get(r) for r in roles]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_view_survives_hostile_posts(client, world, caplog, name):
    case = CASES[name]
    if case.setup is not None:
        case.setup(world)
    builder = case.kwargs or MATRIX[name][2]
    url = reverse(name, kwargs=builder(world) if builder else None)
    for user in _actors(world, name, case):
        client.logout()
        if user is not None:
            client.force_login(user)
        fields, files, management = _discover(client, url, case)

        def login(user=user):
            if user is not None and case.relogin:
                client.force_login(user)

        target = Target(client, url, fields, files, management, login, case.view_writes)
        caplog.clear()
        run_case(target, case, caplog)


# --- the admin's add and change pages ------------------------------------------------------------------------------


ADMIN_PAGES = [
    pytest.param(model._meta.label, kind, actor, id=f"{model._meta.label}-{kind}-{actor}")
    for model in admin_site._registry
    for kind in ("add", "change")
    for actor in ("operator", "superuser")
]


def _admin_url(world, label, kind, actor):
    """The page, or None where the actor may not open it (the smoke test and the matrix say who may)."""
    model = apps.get_model(label)
    model_admin = admin_site._registry[model]
    info = (model._meta.app_label, model._meta.model_name)
    if kind == "add":
        return reverse("admin:{}_{}_add".format(*info))
    # A row that is not the actor's own account: a saved role or password would sign them out.
    rows = model_admin.get_queryset(_FakeRequest(actor)).order_by("pk")
    first = rows.exclude(pk=actor.pk).first() if model is User else rows.first()
    return reverse("admin:{}_{}_change".format(*info), args=[first.pk]) if first is not None else None


class _FakeRequest:
    def __init__(self, user):
        self.user = user


def _valid_admin_data(response):
    """The page's own values, as a browser would post them unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name, bound in ((n, form[n]) for n in form.fields):
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[form.add_prefix(name)] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        else:
            data[form.add_prefix(name)] = str(value)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
    return data


@pytest.mark.parametrize(("label", "kind", "actor_name"), ADMIN_PAGES)
def test_the_admin_page_survives_hostile_posts(client, world, caplog, label, kind, actor_name):
    from ekonseling.core.models import School

    actor = world.operator if actor_name == "operator" else User.objects.create_superuser("root", password="x")
    url = _admin_url(world, label, kind, actor)

    def login():
        # A hostile value in "require 2FA" switches it on, which sends the actor to set it up.
        School.objects.update(require_staff_2fa=False)
        client.force_login(actor)

    login()
    page = client.get(url) if url else None
    if page is None or page.status_code != 200:
        pytest.skip(f"{actor_name} may not open this page")
    base = _valid_admin_data(page)
    fields = set(base) | set(_page_field_names(page))
    fields = {f for f in fields if not f.startswith("_") and f != "csrfmiddlewaretoken"}
    management = {f for f in fields if f.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MAX_NUM_FORMS"))}
    files = {f for f in fields if f.split("-")[-1] in ("logo", "photo", "file")}
    target = Target(client, url, fields, files, management, login)
    caplog.clear()
    for value in CORE_VALUES:  # every field at once: each field's own cleaning
        target.send({**base, **dict.fromkeys(fields, value)})
    for shift in range(0, len(MORE_VALUES), 4):
        target.send({**base, **{n: MORE_VALUES[(shift + i) % len(MORE_VALUES)] for i, n in enumerate(fields)}})
    target.send({**base, **{name: [BIG_ID, "1", "-1", NUL] for name in fields}})  # repeated fields
    form_fields = _admin_form_fields(page)
    for name in sorted(fields):  # one field at a time, the rest valid: the model's checks and the save
        target.send({**base, name: _worst_value_for(form_fields.get(name))})
    for forged in ("1000", BIG_ID, "-5"):
        target.send({**base, **{m: forged for m in management if m.endswith("TOTAL_FORMS")}})
    for name in files:
        for filename, content, content_type in _hostile_uploads():
            target.send({**base, name: SimpleUploadedFile(filename, content, content_type=content_type)})
    body = b"\xff\xfe=\xc3\x28&" + b"&".join(n.encode() + b"=%ff" for n in fields)
    target.send(body=body, content_type="application/x-www-form-urlencoded")
    _no_errors_logged(caplog, url)


def _admin_form_fields(page):
    fields = {}
    form = page.context["adminform"].form
    fields.update({form.add_prefix(n): f for n, f in form.fields.items()})
    for inline in page.context.get("inline_admin_formsets", []):
        for each in inline.formset.forms:
            fields.update({each.add_prefix(n): f for n, f in each.fields.items()})
    return fields


def _worst_value_for(form_field):
    """The value most likely to pass the field's own check and hurt further on."""
    if isinstance(form_field, forms.CharField):
        return LONG_TEXT  # a text column shorter than the form says, or none at all
    if isinstance(form_field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
        return "9999-12-31"
    return BIG_ID  # numbers, choices of rows, anything else


def _page_field_names(response):
    return [n.decode() for n in _FORM_NAME.findall(response.content)]


def test_every_admin_inline_is_bounded():
    from ekonseling.core.admin_site import BoundedInlineMixin, school_inlines

    inlines = [inline for model_admin in admin_site._registry.values() for inline in model_admin.inlines]
    unbounded = [i.__name__ for i in [*inlines, *school_inlines()] if not issubclass(i, BoundedInlineMixin)]
    assert not unbounded, f"admin inlines without a cap on forged form counts (use BoundedInlineMixin): {unbounded}"


def test_a_forged_formset_count_builds_a_bounded_number_of_forms(client, world):
    """TOTAL_FORMS=1000 on a page with an inline must not build a thousand forms."""
    built = []
    original = forms.BaseForm.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self))
        original(self, *args, **kwargs)

    client.force_login(world.operator)
    url = reverse("admin:students_academicyear_change", args=[world.rombel_a.academic_year.pk])
    page = client.get(url)
    data = _valid_admin_data(page)
    data.update({k: "1000" for k in data if k.endswith("TOTAL_FORMS")})
    forms.BaseForm.__init__ = counting
    try:
        client.post(url, data)
    finally:
        forms.BaseForm.__init__ = original
    assert len(built) < 50


@pytest.fixture(autouse=True)
def _fresh_writer():
    from ekonseling.counseling import socket_sessions, writer

    yield
    writer.reset()
    socket_sessions.reset()


# --- the crashes this suite found, pinned ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [BIG_ID, "1e400", "-1", "٣", "1 OR 1=1", NUL])
def test_ids_fields_refuse_what_cannot_be_an_id(world, value):
    from ekonseling.core.forms import IdField, IdsField

    many = IdsField(queryset=User.objects.all())
    one = IdField(queryset=User.objects.all())
    with pytest.raises(forms.ValidationError):
        many.clean([str(world.gurubk.pk), value])
    with pytest.raises(forms.ValidationError):
        one.clean(value)
    assert list(many.clean([str(world.gurubk.pk)])) == [world.gurubk]


def test_a_long_username_is_a_wrong_login_not_a_500(client, world):
    response = client.post(reverse("accounts:login"), {"username": LONG_TEXT, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_next_that_is_no_address_goes_home(client, world):
    client.force_login(world.koordinator)  # no authenticator device: the page sends the user on
    response = client.get(reverse("accounts:otp_verify"), {"next": "1e400"})
    assert response.status_code == 302


# A PDF of many objects: tests/core/test_uploads.py (the checks are the kernel's).


# --- the admin's other forms: change-list actions and the one-time password page ------------------------------

ACTION_FIELDS = ["action", "_selected_action", "select_across", "index", "q", "o", "p"]


@pytest.mark.parametrize("label", [model._meta.label for model in admin_site._registry])
def test_every_admin_change_list_survives_hostile_actions(client, world, caplog, label):
    model = apps.get_model(label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(world.operator)
    target = Target(client, url, ACTION_FIELDS, (), (), None)
    valid = {"action": "delete_selected", "_selected_action": [str(world.student.pk)], "index": "0"}
    for value in CORE_VALUES:
        target.send(dict.fromkeys(ACTION_FIELDS, value))
        target.send({**valid, "_selected_action": [value, BIG_ID]})
    target.send({**valid, "action": "reset_two_factor", "_selected_action": [BIG_ID, "1e400", "-1"]})
    for query in ("?q=" + _quote(NUL), "?o=" + BIG_ID, "?p=" + BIG_ID, "?rombel__id__exact=" + BIG_ID, "?e=1"):
        assert client.get(url + query).status_code < 500
    _no_errors_logged(caplog, url)


@pytest.mark.parametrize("actor_name", ["operator", "superuser"])
def test_the_admin_password_page_survives_hostile_posts(client, world, caplog, actor_name):
    actor = world.operator if actor_name == "operator" else User.objects.create_superuser("root", password="x")
    client.force_login(actor)
    for target_user in (world.walikelas, world.kepsek, world.siswa, world.gurubk):
        url = reverse("admin:auth_user_password_change", args=[target_user.pk])
        if client.get(url).status_code != 200:
            continue  # not the actor's to issue (tests/core/test_admin_smoke.py says whose)
        fields = ["password1", "password2", "usable_password", "set_usable_password"]
        target = Target(client, url, fields, (), (), lambda: client.force_login(actor))
        for value in CORE_VALUES:
            target.send(dict.fromkeys(fields, value))
        target.send({name: [LONG_TEXT, NUL] for name in fields})
    _no_errors_logged(caplog, "password pages")


def test_a_lexicon_extension_of_too_many_entries_is_refused_before_it_is_built(monkeypatch):
    """Each new word is stemmed when the lexicon is built: 200 kB of distinct phrases took over
    10 s (bench/bench_hostile_files.py)."""
    import json

    from ekonseling.counseling import lexicons, risk

    built = []
    monkeypatch.setattr(risk, "load_lexicon", lambda *a, **k: built.append(1))
    phrases = [f"frasa{n}" for n in range(lexicons.MAX_EXTENSION_ENTRIES + 1)]
    with pytest.raises(lexicons.ExtensionError, match=str(lexicons.MAX_EXTENSION_ENTRIES)):
        lexicons.parse(json.dumps({"categories": {"bullying": {"phrases": phrases}}}))
    assert built == []
    for shape in ({"categories": []}, {"categories": {"x": "y"}}, {"normalisation": "z", "crisis": 3}):
        assert lexicons._entries(shape) == 0
