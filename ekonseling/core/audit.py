"""The audit log: one helper per kind of event, so no view writes AuditEvent rows by hand."""

from __future__ import annotations

import csv
from typing import IO, TYPE_CHECKING, Any

from django.db.models import Case, F, Model, QuerySet, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import policy
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from .models import School

    Actor = AbstractBaseUser | AnonymousUser | None

Action = AuditEvent.Action


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


def record_for(
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
    """Write one audit event for an explicit actor: actions and consumers have no request to hand.

    `private_time` (by default: the policy's "audit.private_time" for the actor) marks an event that
    staff see by date only; see `for_staff`."""
    event = event_for(actor, action, obj, detail, ip, user_agent, school=school, private_time=private_time)
    event.save(force_insert=True)
    return event


def record_many(events: list[AuditEvent]) -> None:
    """Write events built by `event_for` in one statement (the counseling socket's live reads)."""
    AuditEvent.objects.bulk_create(events)


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
    """The event `record_for` writes, not yet written."""
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


CSV_HEADER = ["time", "user", "action", "object type", "object id", "object", "detail", "ip", "user agent"]


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
    writer.writerow(CSV_HEADER)
    count = 0
    for e in events.iterator():
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in [
                    shown_time(e),
                    e.actor_name,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    e.detail,
                    e.ip_address or "",
                    e.user_agent,
                ]
            ]
        )
        count += 1
    record_for(actor, Action.EXPORT, None, f"audit log, {count} events", ip, user_agent)
    return count
