"""The audit log: one helper per kind of event, so no view writes AuditEvent rows by hand."""

from .models import AuditEvent

Action = AuditEvent.Action


def client_ip(request):
    """The client's address; django-axes uses this too (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT proxies the real address is that many hops from the end of
    X-Forwarded-For; anything further left was written by the client and is not trusted.
    """
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(request, action, obj=None, *, user=None, detail="", school=None):
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    school_id = getattr(obj, "school_id", None) or getattr(user, "school_id", None)
    if school is not None:
        school_id = school.pk
    return AuditEvent.objects.create(
        school_id=school_id,
        actor=user,
        actor_name=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail[:500],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )


def read_confidential(request, obj, *fields):
    """Return the decrypted values of `fields` on `obj` and log the read.

    Views show confidential content only through this, so a read is never missed in the log.
    """
    record(request, Action.READ, obj, detail=", ".join(fields))
    return {name: getattr(obj, name) for name in fields}
