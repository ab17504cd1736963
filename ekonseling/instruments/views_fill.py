"""The student's side of instruments: the list of their sheets, filling one page at a time (with
JSON autosave for phones on patchy data, and a plain form POST per page so nothing depends on
JavaScript), submitting, and reading their own released profile.

Every write goes through `services.save_answers` / `services.submit`, which enforce the window, the
lock and the definition; these views only translate a refusal into a message or a JSON error.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ekonseling.core import jsonsafe, policy
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert

from . import filling, kinds, scoring, services
from .models import Assignment
from .scoring import AnswersInvalid

OPEN, UPCOMING, SUBMITTED, CLOSED = "open", "upcoming", "submitted", "closed"


def _sheets(user, action="assignment.fill"):
    return policy.visible(
        user, action, Assignment.objects.select_related("administration__instrument", "student")
    ).order_by("administration__closes_at", "pk")


def _sheet(request, pk, action="assignment.fill"):
    return policy.get_object_or_404(request.user, action, _sheets(request.user, action), pk=pk)


def sheet_state(sheet, now=None):
    now = now or timezone.now()
    if sheet.status == Assignment.Status.SUBMITTED:
        return SUBMITTED
    if now < sheet.administration.opens_at:
        return UPCOMING
    if now >= sheet.deadline:
        return CLOSED
    return OPEN


@dataclass
class SheetEntry:
    sheet: Assignment
    state: str
    progress: filling.Progress | None = None
    has_result: bool = False


def student_sheets(user, now=None):
    """The student's sheets grouped by state, for the "my instruments" page and the home card."""
    now = now or timezone.now()
    groups = {OPEN: [], UPCOMING: [], SUBMITTED: [], CLOSED: []}
    for sheet in _sheets(user):
        entry = SheetEntry(sheet, sheet_state(sheet, now))
        if entry.state == OPEN:
            entry.progress = filling.progress(sheet.administration.instrument.definition, sheet.answer_data())
        elif entry.state == SUBMITTED:
            entry.has_result = policy.can(user, "assignment.view_own_result", sheet)
        groups[entry.state].append(entry)
    groups[SUBMITTED].sort(key=lambda e: e.sheet.submitted_at, reverse=True)
    groups[CLOSED].sort(key=lambda e: e.sheet.deadline, reverse=True)
    return groups


@policy.require("assignment.fill")
def my(request):
    return render(request, "instruments/fill/my.html", {"groups": student_sheets(request.user)})


def _yes_no_labels():
    return {"ya": _("Yes"), "tidak": _("No")}


def _fill_url(sheet, page_number=None):
    url = reverse("instruments:fill", args=[sheet.pk])
    return f"{url}?page={page_number}" if page_number else url


@policy.require("assignment.fill")
@require_http_methods(["GET", "POST"])
def fill(request, pk):
    """One page of the sheet; a POST saves the page's answers (the no-JS path) and moves on."""
    sheet = _sheet(request, pk)
    definition = sheet.administration.instrument.definition
    pages = filling.split_pages(definition)
    state = sheet_state(sheet)
    if request.method == "POST":
        page = filling.clamp_page(pages, request.POST.get("page"))
        target = filling.clamp_page(pages, request.POST.get("go", page.number))
        if state != OPEN:
            messages.error(request, _refusal(sheet, state))
            return redirect(_fill_url(sheet, page.number))
        changes = filling.changes_from_form(definition, page, dict(request.POST.lists()))
        error = filling.too_long(definition, changes)
        if error is None and any(changes.values()):
            try:
                services.save_answers(sheet, changes, by=request.user)
            except AnswersInvalid as refused:
                error = _messages_of(refused)
            except services.InstrumentError as refused:
                messages.error(request, str(refused))
                return redirect(_fill_url(sheet, page.number))
        if error is not None:
            # Shown on the same page, with what was posted still unsaved: the student fixes it there.
            return _render_page(request, sheet, pages, page, state, error=error, status=400)
        return redirect(_fill_url(sheet, target.number))
    page = filling.clamp_page(pages, request.GET.get("page"))
    return _render_page(request, sheet, pages, page, state)


def _render_page(request, sheet, pages, page, state, *, error=None, status=200):
    definition = sheet.administration.instrument.definition
    doc = sheet.answer_data()
    labels = _yes_no_labels()
    context = {
        "sheet": sheet,
        "administration": sheet.administration,
        "definition": definition,
        "state": state,
        "editable": state == OPEN,
        "pages": pages,
        "page": page,
        "page_count": len(pages),
        "previous": page.number - 1 if page.number > 1 else None,
        "next": page.number + 1 if page.number < len(pages) else None,
        "item_input": filling.item_input(definition),
        "kind": kinds.of(definition),
        "heavy": kinds.of(definition).heavy_items,
        "progress": filling.progress(definition, doc),
        "refusal": _refusal(sheet, state) if state != OPEN else "",
        "error": error,
        "revision": sheet.revision,
    }
    if page.kind == filling.AREA:
        context["rows"] = filling.item_rows(definition, page, doc, labels)
    elif page.kind == filling.OPEN:
        context["questions"] = filling.question_rows(page, doc, labels)
    else:
        context["missing"] = filling.missing_by_page(definition, doc, pages)
        context["open_total"] = len(definition.open_questions)
        context["open_answered"] = len(doc.get("open") or {})
    return render(request, "instruments/fill/page.html", context, status=status)


def _refusal(sheet, state):
    """Why the sheet cannot be changed now, in the service's own words."""
    try:
        services._check_student_may_write(sheet, timezone.now())
    except services.InstrumentError as refused:
        return str(refused)
    return ""


def _messages_of(refused):
    return "\n".join(error.message for error in refused.errors)


def _json_error(message, status, code):
    """A refusal the page shows (`error`, translated) and tells apart by its code (core/errors.py)."""
    return JsonResponse({"error": message, "code": code}, status=status)


@policy.require("assignment.fill")
@require_POST
def autosave(request, pk):
    """Merge one change (or a batch a phone kept while offline) into the sheet; idempotent."""
    sheet = _sheet(request, pk)
    definition = sheet.administration.instrument.definition
    try:
        # A form post with no fields (or an empty body) is "nothing to save", answered with the state.
        is_json = request.content_type == "application/json"
        changes = jsonsafe.loads(request.body or b"{}", max_depth=4) if is_json else {} if not request.POST else None
    except jsonsafe.JSONRejected:
        changes = None
    if changes is None:
        return _json_error(_("The answer data cannot be read."), 400, "instruments.unreadable")
    message = filling.check_changes(definition, changes)
    if message:
        return _json_error(message, 400, AnswersInvalid.code)
    if any(changes.values()):
        try:
            sheet = services.save_answers(sheet, changes, by=request.user)
        except AnswersInvalid as refused:
            return _json_error(_messages_of(refused), 400, refused.code)
        except services.WindowClosed as refused:
            return _json_error(str(refused), 403, refused.code)
        except services.SheetLocked as refused:
            return _json_error(str(refused), 409, refused.code)
    progress = filling.progress(definition, sheet.answer_data())
    return JsonResponse({"revision": sheet.revision, "answered": progress.answered, "total": progress.total})


@policy.require("assignment.fill")
@require_POST
def submit(request, pk):
    sheet = _sheet(request, pk)
    pages = filling.split_pages(sheet.administration.instrument.definition)
    review = _fill_url(sheet, len(pages))
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that you have checked your answers."))
        return redirect(review)
    try:
        services.submit(sheet, by=request.user)
    except AnswersInvalid as refused:
        messages.error(request, _messages_of(refused))
        return redirect(review)
    except services.InstrumentError as refused:
        messages.error(request, str(refused))
        return redirect(_fill_url(sheet))
    messages.success(request, _("Your answers were sent. Thank you!"))
    if safety.alerts_on(Alert.Source.SHEET, [sheet.pk]).exists():
        # As in a chat that signals risk: the student is not left alone until the counselor comes.
        messages.warning(
            request,
            _("Your guru BK will talk with you soon. If you feel unsafe right now, reach out: %(contacts)s")
            % {"contacts": " · ".join(safety.crisis_contacts(sheet.student.school))},
        )
    return redirect("instruments:my")


@policy.require("assignment.view_own_result")
def result(request, pk):
    """The student's own profile, released by the counselor: bars and words, no clinical flags."""
    sheet = _sheet(request, pk, "assignment.view_own_result")
    definition = sheet.administration.instrument.definition
    _measure, rows = filling.result_rows(definition, scoring.score_individual(definition, sheet.answer_data()))
    intro, items_title = filling.result_texts(definition)
    return render(
        request,
        "instruments/fill/result.html",
        {
            "sheet": sheet,
            "administration": sheet.administration,
            "intro": intro,
            "items_title": items_title,
            "rows": rows,
        },
    )
