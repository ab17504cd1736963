"""The demo school's instruments: the samples; a DCM of X-2 closed last week with a critical item
among its sheets; an AUM Umum of X-1 open now, half filled in by `siswa`; an AKPD of X-1 closed with
its results released, and the same AKPD a year earlier (a cohort over two years on the cohort page).
Answers go through the services, as a phone's would."""

import datetime
import random

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.safety.models import Alert
from ekonseling.students.models import Rombel

from . import kinds, services
from .models import Administration, Instrument


def load(demo):
    school, users = demo.school, demo.users
    """Instruments alive: the samples; a DCM of X-2 closed last week with a critical item among its
    sheets; an AUM Umum of X-1 open now, with the `siswa` login's sheet half-filled; an AKPD of X-1
    closed with its results released. Answers go through the services, as a phone's would."""
    services.install_samples(school, user=users["koordinator"])
    if Administration.objects.filter(school=school).exists():
        return
    rng = random.Random(2026_1125)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)

    def give(code, title, rombel_name, opens_at, closes_at):
        instrument = Instrument.objects.get(school=school, code=code, sample=True)
        rombel = Rombel.objects.get(school=school, name=rombel_name, academic_year__is_current=True)
        return services.open_administration(
            instrument=instrument,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=users["gurubk"],
            rombels=[rombel],
        )

    def sheets(administration):
        return list(administration.assignments.select_related("student").order_by("student__pk"))

    # DCM, closed last week: 24 of 28 submitted (3 typed from paper), 2 half-way, 2 never started.
    dcm = give("DCM-CONTOH", "DCM X-2 semester ganjil", "X-2", now - 12 * day, now - 5 * day)
    for index, sheet in enumerate(sheets(dcm)):
        if index >= 26:
            continue
        doc = _demo_answers(dcm.instrument.definition, rng, critical=index == 7)
        if index >= 24:
            _demo_fill(sheet, doc, rng, dcm.opens_at, submit=False, half=True)
        elif index in (3, 11, 19):
            when = dcm.closes_at - datetime.timedelta(hours=rng.randrange(2, 30))
            services.record_sheet(sheet, doc, by=users["gurubk"], source="paper", now=when)
        else:
            _demo_fill(sheet, doc, rng, dcm.opens_at, submit=True)
    for sheet in dcm.assignments.filter(pk__in=Alert.objects.filter(source=Alert.Source.SHEET).values("source_id")):
        # Raised when the sheet came in last week, not when the demo was loaded.
        Alert.objects.filter(source=Alert.Source.SHEET, source_id=sheet.pk).update(created_at=sheet.submitted_at)

    # AUM Umum, open now: `siswa` (the first student of X-1) is half-way, 10 submitted, 4 half-way.
    aum = give("AUM-UMUM-CONTOH", "AUM Umum X-1", "X-1", now - 2 * day, now + 5 * day)
    for index, sheet in enumerate(sheets(aum)):
        if index >= 15:
            break
        doc = _demo_answers(aum.instrument.definition, rng)
        _demo_fill(sheet, doc, rng, aum.opens_at, submit=0 < index <= 10, half=index == 0 or index > 10)

    # The same AKPD a year earlier (the cohort page compares the two: X-1's students across years,
    # with the change per area): everyone but two submitted, with somewhat more needs back then.
    earlier = give("AKPD-CONTOH", "AKPD X-1 tahun lalu", "X-1", now - 395 * day, now - 388 * day)
    for index, sheet in enumerate(sheets(earlier)):
        if index not in (5, 17):
            doc = _demo_answers(earlier.instrument.definition, rng, more=0.1)
            _demo_fill(sheet, doc, rng, earlier.opens_at, submit=True)

    # AKPD at the start of the year, closed and released: everyone but one submitted.
    akpd = give("AKPD-CONTOH", "AKPD X-1 awal tahun", "X-1", now - 30 * day, now - 23 * day)
    for index, sheet in enumerate(sheets(akpd)):
        if index != 17:
            _demo_fill(sheet, _demo_answers(akpd.instrument.definition, rng), rng, akpd.opens_at, submit=True)
    services.release_results(akpd, by=users["gurubk"])


YES_NO = {"ya": "ya", "tidak": "tidak"}
DEMO_OTHER_PROBLEMS = ["Sering sakit kepala saat ujian.", "Belum punya laptop untuk tugas.", ""]


def _demo_answers(definition, rng, *, critical=False, more=0.0):
    """A plausible sheet: each student ticks (or answers "ya" to) their own share of the items."""
    share = rng.choice([0.05, 0.1, 0.15, 0.2, 0.3, 0.45]) + more
    kind = kinds.of(definition)
    items = {}
    for item in definition.items:
        if item.number in definition.critical_items:
            if critical:
                items[str(item.number)] = True
            continue
        # A kind that offers choices ("ya"/"tidak" for needs) gets one for every item: the first
        # (the need) for the student's share, else the last; a checklist gets a tick for its share.
        choices = [code for code, _label in kind.item_choices(definition, item, YES_NO)]
        if choices:
            items[str(item.number)] = choices[0] if rng.random() < share + 0.15 else choices[-1]
        elif rng.random() < share:
            items[str(item.number)] = True
    doc = {"items": items}
    if kind.heavy_items:
        doc["heavy"] = [int(n) for n in items if rng.random() < 0.25]
    answers = {}
    for question in definition.open_questions:
        if question.type == "yes_no":
            answers[question.code] = rng.choice(["ya", "ya", "tidak"])
        elif question.type == "choice":
            code = rng.choice([c.code for c in question.choices])
            answers[question.code] = [code] if question.multiple else code
        elif question.code != "usulan" or rng.random() < 0.3:
            text = rng.choice(DEMO_OTHER_PROBLEMS)
            if text:
                answers[question.code] = text
    if answers:
        doc["open"] = answers
    return doc


def _demo_fill(sheet, doc, rng, opens_at, *, submit, half=False):
    """Save a sheet in two autosaves (the second only when not `half`), then submit it if asked."""
    when = opens_at + datetime.timedelta(minutes=rng.randrange(30, 60 * 40))
    numbers = sorted(doc["items"], key=int)
    first, rest = numbers[: len(numbers) // 2], numbers[len(numbers) // 2 :]
    heavy = set(doc.get("heavy", []))
    user = sheet.student.user
    pages = [first] if half else [first, rest]
    for page, page_numbers in enumerate(pages):
        changes = {"items": {n: doc["items"][n] for n in page_numbers}}
        if heavy:
            changes["heavy"] = {int(n): True for n in page_numbers if int(n) in heavy}
        if page == len(pages) - 1 and not half and "open" in doc:
            changes["open"] = doc["open"]
        sheet = services.save_answers(sheet, changes, by=user, now=when + datetime.timedelta(minutes=6 * page))
    if submit:
        services.submit(sheet, by=user, now=when + datetime.timedelta(minutes=6 * len(pages) + 1))


registry.register_demo("instruments", load, order=40)
