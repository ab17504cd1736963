"""The demo school's BK program: drafted by `gurubk` from the AKPD of X-1 (the released one at the
start of the year), with the first item of three bidang moved to the month of a classical service of X-1 and linked to
it, so the realisation report has something done."""

import datetime

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.instruments import reports as instrument_reports
from ekonseling.instruments.models import Administration
from ekonseling.records import services as record_services
from ekonseling.records.models import Medium, Scope, ServiceRecord, ServiceType

from . import services
from .models import Program


def load(demo):
    school, users = demo.school, demo.users
    if Program.objects.filter(school=school).exists():
        return
    akpd = (
        Administration.objects.filter(
            school=school, title="AKPD X-1 awal tahun", instrument__scoring__in=instrument_reports.needs_kinds()
        )
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
    # One item per bidang (three bidang) carried out: the demo's own classical service of X-1 in that
    # bidang if there is one, else a classical service recorded now, a week or more ago.
    for weeks_ago, bidang in enumerate(("pribadi", "belajar", "karier"), start=1):
        item = version.items.filter(bidang=bidang).order_by("pk").first()
        if item is None:
            continue
        record = records.filter(bidang=bidang).first() or _classical(counselor, item, today, weeks_ago)
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


def _classical(counselor, item, today, weeks_ago):
    data = record_services.RecordData(
        service_type=ServiceType.BIMBINGAN_KLASIKAL,
        bidang=item.bidang,
        medium=Medium.TATAP_MUKA,
        date=today - datetime.timedelta(days=7 * weeks_ago),
        duration_minutes=45,
        scope=Scope.ROMBEL,
        topic=item.topic[:200],
        rombel=item.rombel,
    )
    return record_services.create_record(counselor, data)


registry.register_demo("program", load, order=70)
