"""The demo school's BK program: drafted by `gurubk` from the AKPD of X-1 (the released one at the
start of the year), with one item of each bidang moved to a month of the demo's classical services
of X-1 and linked to those service records, so the realisation report has something done."""

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.instruments.models import Administration
from ekonseling.records.models import Scope, ServiceRecord, ServiceType

from . import services
from .models import Program


def load(demo):
    school, users = demo.school, demo.users
    if Program.objects.filter(school=school).exists():
        return
    akpd = (
        Administration.objects.filter(school=school, title="AKPD X-1 awal tahun", instrument__scoring="needs")
        .order_by("-opens_at")
        .first()
    )
    if akpd is None:
        return
    counselor = users["gurubk"]
    program = services.draft(counselor, akpd, title="Program BK X-1 (dari AKPD awal tahun)", per_bidang=3)
    version = program.current()
    today = timezone.localdate()
    records = ServiceRecord.objects.filter(
        school=school,
        service_type=ServiceType.BIMBINGAN_KLASIKAL,
        scope=Scope.ROMBEL,
        rombel__name="X-1",
        date__lte=today,
    ).order_by("-date", "pk")
    for bidang in ("pribadi", "sosial", "belajar", "karier"):
        record = records.filter(bidang=bidang).first()
        item = version.items.filter(bidang=bidang).order_by("pk").first()
        if record is None or item is None:
            continue
        data = services.ItemData(
            bidang=item.bidang,
            topic=item.topic,
            service_type=item.service_type,
            month=record.date.month,
            week=min(5, 1 + (record.date.day - 1) // 7),
            grade=item.grade,
            rombel=item.rombel,
        )
        services.change_item(counselor, item, data)
        services.link(counselor, item, record)


registry.register_demo("program", load, order=70)
