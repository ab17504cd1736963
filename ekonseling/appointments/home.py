"""Home cards: today's appointments for a counselor, the upcoming ones for a student. Reads only."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import Appointment
from .rules import CALL_MEDIA


def counselor_today(request):
    user = request.user
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min), zone)
    rows = (
        Appointment.objects.filter(
            counselor=user, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("student")
        # What a row shows: the time, the student's name, the medium and the status.
        .only("id", "starts_at", "medium", "status", "student__id", "student__name")
    )
    waiting = Appointment.objects.filter(counselor=user, status=Appointment.Status.REQUESTED).count()
    return {"appointments": list(rows), "waiting": waiting, "call_media": CALL_MEDIA}


def student_upcoming(request):
    # Their own, and the group sessions they are a member of (whose call they join from here).
    mine = Q(student__user=request.user) | Q(group_members__student__user=request.user)
    rows = (
        Appointment.objects.filter(mine, status__in=Appointment.ACTIVE, ends_at__gte=timezone.now())
        .distinct()
        .select_related("counselor", "student")[:5]
    )
    return {"appointments": list(rows), "call_media": CALL_MEDIA}


def waiting_requests(user) -> int:
    """The menu badge of a counselor: requests waiting for their answer (one count)."""
    return Appointment.objects.filter(counselor=user, status=Appointment.Status.REQUESTED).count()


def student_section(request, student):
    """The student page's appointments: those the viewer may see (a guru BK their own, the
    koordinator the school's, the student theirs), the last ten and every upcoming one; one query."""
    from ekonseling.core import policy

    rows = list(
        policy.visible(request.user, "appointment.view", Appointment.objects.filter(student=student))
        .select_related("counselor")
        .order_by("-starts_at")[:10]
    )
    return {"student": student, "appointments": rows}
