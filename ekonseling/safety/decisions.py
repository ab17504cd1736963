"""The decision step of an alert's page, for every source whose alerts have a page of their own
(an instrument sheet, a sociometric survey): the form, `actions.decide`, its refusal shown on the
form, the success message and the redirect. The page renders it with `safety/_decision.html`.

The page itself checks `actions.DECIDE` on the alert before calling `step`; the action audits."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ekonseling.core import audit

from . import actions
from .forms import AlertDecisionForm
from .models import Alert


@dataclass
class Step:
    """What `step` leaves the page: `done`, the redirect after a recorded decision (return it);
    otherwise `context`, what `safety/_decision.html` needs."""

    done: HttpResponse | None
    context: dict


def step(request: HttpRequest, alert: Alert, url: str) -> Step:
    """Decide `alert` from a POST of `AlertDecisionForm` and redirect to `url` (the page itself), or
    hand back the form (bound, with its errors, on a refusal) for the page to show."""
    form = AlertDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide(
                alert,
                request.user,
                form.cleaned_data["status"],
                form.cleaned_data["note"],
                **audit.request_origin(request),
            )
        except actions.SafetyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decision is recorded."))
            return Step(redirect(url), {})
    # The note is read only once decided: an open alert has none to show.
    note = alert.note if alert.status != Alert.Status.OPEN else ""
    return Step(None, {"form": form, "note": note})
