"""The audit log: one helper per kind of event, so no view writes AuditEvent rows by hand."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, ParamSpec

from django.apps import apps
from django.db.models import Case, F, Model, QuerySet, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import policy, registry
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from .models import School

    Actor = AbstractBaseUser | AnonymousUser | None

Action = AuditEvent.Action
P = ParamSpec("P")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; django-axes uses this too (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT proxies the real address is that many hops from the end of
    X-Forwarded-For; anything further left was written by the client and is not trusted.
    """
    return _client_ip(request.META)


def _client_ip(meta: dict[str, Any]) -> str | None:
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return meta.get("REMOTE_ADDR") or None


def request_origin(request: HttpRequest | None) -> dict:
    """Where a request came from, as `record_for`'s keyword arguments (`**audit.request_origin(request)`)."""
    if request is None:
        return {"ip": None, "user_agent": ""}
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def scope_origin(scope: dict[str, Any]) -> dict:
    """Where an ASGI connection (a WebSocket) came from, by the same rules as `request_origin`."""
    headers = dict(scope.get("headers") or [])
    client = scope.get("client") or (None, None)
    meta = {
        "REMOTE_ADDR": client[0],
        "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin-1"),
    }
    return {"ip": _client_ip(meta), "user_agent": headers.get(b"user-agent", b"").decode("latin-1")}


def event_for(
    actor: Actor,
    action: str,
    obj: Model | None = None,
    detail: str = "",
    ip: str | None = None,
    user_agent: str = "",
    *,
    school: School | None = None,
    private_time: bool | None = None,
) -> AuditEvent:
    """One audit event for an explicit actor (actions and consumers have no request to hand), not
    yet written: `record_for` is this and the write; a batch writer collects events for `record_many`.

    `private_time` (by default: the policy's "audit.private_time" for the actor) marks an event that
    staff see by date only; see `for_staff`."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    if private_time is None:
        private_time = actor is not None and policy.can(actor, "audit.private_time")
    school_id = getattr(obj, "school_id", None) or getattr(actor, "school_id", None)
    if school is not None:
        school_id = school.pk
    return AuditEvent(
        school_id=school_id,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail[:500],
        ip_address=ip or None,
        user_agent=(user_agent or "")[:300],
        private_time=private_time,
    )


def _written(build: Callable[P, AuditEvent]) -> Callable[P, AuditEvent]:
    """`build` with the event it builds written: the same parameters, declared once."""

    def record_for(*args: P.args, **kwargs: P.kwargs) -> AuditEvent:
        """Write one audit event for an explicit actor: `event_for`'s event, saved at once."""
        event = build(*args, **kwargs)
        event.save(force_insert=True)
        return event

    return record_for


record_for = _written(event_for)


def record_many(events: list[AuditEvent]) -> None:
    """Write events built by `event_for` in one statement (the counseling socket's live reads)."""
    AuditEvent.objects.bulk_create(events)


def record(
    request: HttpRequest | None,
    action: str,
    obj: Model | None = None,
    *,
    user: Actor = None,
    detail: str = "",
    school: School | None = None,
    private_time: bool | None = None,
) -> AuditEvent:
    """`record_for` with the actor, address and browser taken from a request (`user` overrides the actor)."""
    user = user if user is not None else getattr(request, "user", None)
    return record_for(user, action, obj, detail, school=school, private_time=private_time, **request_origin(request))


def for_staff(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """`events` in the order staff see them: newest day first; within a day, the events with a precise
    time newest first, then those with a private time (`private_time`) by person and kind, never by
    time: their place among timed events would bracket them as well as a time would."""
    return events.order_by(
        TruncDate("created_at").desc(),
        "private_time",
        Case(When(private_time=False, then=F("created_at"))).desc(nulls_last=True),
        "actor_name",
        "action",
        "object_repr",
        "id",
    )


def shown_time(event: AuditEvent) -> str:
    """An event's time as staff see it: the date alone when the time is private."""
    local = timezone.localtime(event.created_at)
    if event.private_time:
        return local.date().isoformat()
    return local.isoformat(timespec="seconds")


def read_confidential(request: HttpRequest, obj: Model, *fields: str) -> dict[str, Any]:
    """Return the decrypted values of `fields` on `obj` and log the read.

    Views show confidential content only through this, so a read is never missed in the log.
    """
    record(request, Action.READ, obj, detail=", ".join(fields))
    return {name: getattr(obj, name) for name in fields}


def spreadsheet_safe(value: object) -> str:
    """Neutralise text a spreadsheet would run as a formula (user agents and names are user input)."""
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_log(
    events: QuerySet[AuditEvent], out: IO[str], actor: Actor, *, ip: str | None = None, user_agent: str = ""
) -> int:
    """Write `events` to `out` as CSV (with a BOM: Excel reads UTF-8 only so) and record the export,
    which is itself an event; returns how many rows were written."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(csv_header())  # in the reader's language, as the page
    count = 0
    for e in events.iterator():
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in [
                    shown_time(e),
                    e.actor_name,
                    e.get_action_display(),
                    _kind(e),
                    e.object_id,
                    shown_object(e),
                    shown_detail(e.detail, e.object_type),
                    e.ip_address or "",
                    e.user_agent,
                ]
            ]
        )
        count += 1
    record_for(actor, Action.EXPORT, None, f"audit log, {count} events", ip, user_agent)
    return count


# --- what staff read: details in their language ------------------------------------------------
# The log stores each detail as the code wrote it (plain English words, field names, numbers):
# stable for exports and greps. People read it through shown_detail(), in their language: each app
# registers the phrasings it writes (`registry.register_audit_detail`, from its plugin.py); the
# kernel only matches them. A detail no phrasing matches is shown as stored.


def _code_label(model: type[Model] | None, key: str, code: str) -> str:
    """A stored code as people read it: the label of the choice it is a value of (the field named
    like the group first, then any field of the record, then any model's)."""
    models = [model] if model is not None else []
    for candidate in [*models, *apps.get_models()]:
        fields = sorted(candidate._meta.get_fields(), key=lambda f: getattr(f, "name", "") != key)
        for field in fields:
            for value, label in getattr(field, "flatchoices", None) or []:
                if value == code:
                    return str(label)
    return code


def _field_labels(first: type[Model] | None = None) -> dict[str, str]:
    """Every model field's name → its verbose name (lazy, so in the reader's language); the fields
    of `first` (the event's record) win over same-named fields elsewhere."""
    labels = {}
    for model in [first, *apps.get_models()] if first else apps.get_models():
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose is not None and not field.is_relation:
                labels.setdefault(field.name, verbose)
    return labels


def _fields(text: str, model: type[Model] | None = None) -> str:
    labels = _field_labels(model)
    return ", ".join(str(labels.get(name.strip(), name.strip())) for name in text.split(","))


def shown_detail(detail: str, object_type: str = "") -> str:
    """An audit detail as a person reads it, in the active language: a list of field names becomes
    their labels (their verbose names: "full_name" → "nama lengkap"), a phrasing an app registered
    (`registry.register_audit_detail`) is translated; anything else is shown as stored."""
    if not detail:
        return ""
    try:
        model = apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        model = None
    if re.fullmatch(r"[a-z_]+(, [a-z_]+)*", detail) and "_" in detail or detail in _field_labels(model):
        return _fields(detail, model)
    for phrasing in registry.audit_details():
        match = phrasing.pattern.match(detail)
        if match:
            values = {key: value or "" for key, value in match.groupdict().items()}
            if "fields" in values:
                values["fields"] = _fields(values["fields"], model)
            for key, value in values.items():
                if key in phrasing.labels:
                    values[key] = str(phrasing.labels[key].get(value, value))
                elif key in phrasing.coded:
                    values[key] = _code_label(model, key, value)
            if "what" in values:
                values["what"] = shown_detail(values["what"], object_type)
            return phrasing.template % values
    return detail


def shown_object(event: AuditEvent) -> str:
    """The event's record as a person reads it: its kind in the active language and its name."""
    if not event.object_type:
        return event.object_repr
    try:
        kind = apps.get_model(event.object_type)._meta.verbose_name
    except (LookupError, ValueError):
        return event.object_repr
    if any(pattern.fullmatch(event.object_repr) for pattern in registry.audit_reprs()):  # an English __str__
        return f"{capfirst(kind)} #{event.object_id}"
    return event.object_repr


def _kind(event: AuditEvent) -> str:
    try:
        return str(apps.get_model(event.object_type)._meta.verbose_name) if event.object_type else ""
    except (LookupError, ValueError):
        return event.object_type


def csv_header() -> list[str]:
    return [
        str(_("time")),
        str(_("user")),
        str(_("action")),
        str(_("record type")),
        str(_("record id")),
        str(_("record")),
        str(_("detail")),
        str(_("IP address")),
        str(_("browser")),
    ]
