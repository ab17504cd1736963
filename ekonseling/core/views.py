from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import audit, policy, registry, text
from .models import AuditEvent


def index(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:login")


@policy.require("home.view")
def home(request):
    user = request.user
    if user.is_superuser and not user.school_id:
        return redirect("admin:index")
    # The apps' cards, each shown when the policy allows it: the kernel knows no role and no app.
    cards = registry.home_cards(request)
    context = {"heading": registry.home_heading(user), "cards": cards, "extraheads": registry.extraheads(cards)}
    return render(request, "core/home.html", context)


@policy.require("home.view")
def badges(request):
    """The signed-in user's menu badges, {url name: count}, for static/js/live.js. Refreshing them
    is the page's doing, not the user's: it does not renew an idle session."""
    request.keeps_session_idle = True
    counts = registry.badges_for(request.user)
    response = JsonResponse({"badges": counts, "total": sum(counts.values())})
    response["Cache-Control"] = "no-store"
    return response


@policy.require("home.view")
def home_card(request, name):
    """One live home card, rendered afresh (static/js/live.js swaps it in); 404 when there is none
    for this user, so the page removes it."""
    request.keeps_session_idle = True
    shown = registry.live_home_card(request, name)
    if shown is None:
        raise Http404
    response = HttpResponse(shown.html)
    response["Cache-Control"] = "no-store"
    return response


AUDIT_FILTERS = ("action", "actor")


def _audit_events(request, action):
    events = policy.visible(request.user, action, AuditEvent.objects.select_related("actor"))
    if request.GET.get("action") in AuditEvent.Action.values:
        events = events.filter(action=request.GET["action"])
    q = text.clean(request.GET.get("q", "")).strip()[:100]  # NUL cannot reach PostgreSQL
    if q:
        events = events.filter(Q(actor_name__icontains=q) | Q(object_repr__icontains=q))
    return audit.for_staff(events)


@policy.require("audit.view")
def audit_log(request):
    page = Paginator(_audit_events(request, "audit.view"), 50).get_page(request.GET.get("page"))
    for event in page:  # in the reader's language: no field names or English phrasing (issue 15)
        event.shown_object, event.shown_detail = (
            audit.shown_object(event),
            audit.shown_detail(event.detail, event.object_type),
        )
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "actions": AuditEvent.Action.choices, "query": request.GET},
    )


@policy.require("audit.export")
def audit_export(request):
    events = _audit_events(request, "audit.export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    audit.export_log(events, response, request.user, **audit.request_origin(request))
    return response


@never_cache
def healthz(request):
    """Liveness for load balancers: JSON, 200 when the database and channel layer answer, 503 when
    not; which part failed and what runs there only for a signed-in superuser."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # report, don't crash: this is the page that says what is down
        checks["database"] = {"status": "error", "error": exc.__class__.__name__}
    try:
        layer = get_channel_layer()
        async_to_sync(_ping_layer)(layer)
        checks["channel_layer"] = {"status": "ok", "backend": layer.__class__.__name__}
    except Exception as exc:
        checks["channel_layer"] = {"status": "error", "error": exc.__class__.__name__}
    healthy = all(c["status"] == "ok" for c in checks.values())
    answer = {"status": "ok" if healthy else "error"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_superuser:
        # What runs where (database vendor, channel-layer class) is a map for an attacker: only the
        # platform's own administrator sees it; a load balancer needs up or down.
        answer.update(checks)
    return JsonResponse(answer, status=200 if healthy else 503)


async def _ping_layer(layer):
    import asyncio

    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned the wrong message")
