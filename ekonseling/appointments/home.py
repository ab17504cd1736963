"""Home cards: today's appointments for a counselor, the upcoming ones for a student. Reads only."""

import datetime

from django.utils import timezone

from .models import Appointment


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
        .select_related("student__rombel")
    )
    waiting = Appointment.objects.filter(counselor=user, status=Appointment.Status.REQUESTED).count()
    return {"appointments": list(rows), "waiting": waiting}


def student_upcoming(request):
    rows = Appointment.objects.filter(
        student__user=request.user, status__in=Appointment.ACTIVE, ends_at__gte=timezone.now()
    ).select_related("counselor")[:5]
    return {"appointments": list(rows)}
