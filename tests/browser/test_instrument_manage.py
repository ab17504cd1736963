"""The counselor's instrument pages on a phone: nothing scrolls sideways, and the status page
follows the students' progress without a reload."""

import pytest
from django.urls import reverse

from ekonseling.core import demo
from ekonseling.instruments import services
from ekonseling.instruments.models import Administration, Instrument
from ekonseling.safety.models import Alert

from .conftest import MOBILE
from .helpers import assert_fits, horizontal_overflow, sign_in


@pytest.fixture
def viewport():
    return MOBILE


def _fits(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    assert_fits(page, url)


def test_the_counselor_pages_fit_a_phone(page, demo_school):
    sign_in(page, "gurubk", demo.DEMO_PASSWORD)
    dcm = Administration.objects.get(instrument__code="DCM-CONTOH")
    alert = Alert.objects.get(source=Alert.Source.SHEET, source_id__in=dcm.assignments.values("pk"))
    urls = [
        reverse("core:home"),
        reverse("instruments:library"),
        reverse("instruments:import_definition"),
        reverse("instruments:instrument", args=[Instrument.objects.get(code="AUM-UMUM-CONTOH").pk]),
        reverse("instruments:instrument", args=[Instrument.objects.get(code="ITP-SMA-CONTOH").pk]),
        reverse("instruments:administrations"),
        reverse("instruments:administration_new"),
        reverse("instruments:administration", args=[dcm.pk]),
        reverse("instruments:alert", args=[alert.pk]),
    ]
    for url in urls:
        _fits(page, url)
    # With the per-student forms unfolded too.
    page.goto(reverse("instruments:administration", args=[dcm.pk]))
    page.locator(".sheet-actions summary").first.click()
    assert horizontal_overflow(page)[0] <= MOBILE["width"]


def test_the_status_updates_without_a_reload(page, demo_school):
    sign_in(page, "gurubk", demo.DEMO_PASSWORD)
    aum = Administration.objects.get(instrument__code="AUM-UMUM-CONTOH")
    sheet = aum.assignments.get(student__user__username="siswa")
    page.goto(reverse("instruments:administration", args=[aum.pk]))
    before = int(page.get_by_test_id("count-submitted").inner_text())
    page.evaluate("window.__marker = 1")

    services.submit(sheet, by=sheet.student.user)

    submitted = page.locator(f'[data-testid="sheet-{sheet.pk}"][data-status="submitted"]')
    submitted.wait_for(timeout=20_000)
    assert int(page.get_by_test_id("count-submitted").inner_text()) == before + 1
    assert page.evaluate("window.__marker") == 1  # the same page: no reload


def test_the_student_picker_searches_as_one_types_and_keeps_the_chosen(page, demo_school):
    """Issue 15: individual students come from a search, one page at a time, at 360 px."""
    from ekonseling.students.models import Student

    from . import axe

    sign_in(page, "koordinator", demo.DEMO_PASSWORD)
    page.goto(reverse("instruments:administration_new"))
    assert page.locator('input[name="students"]').count() <= 20  # one page, not the whole school
    page.locator("details[data-student-picker] summary").click()
    first, second = Student.objects.filter(rombel__name="XI-2").order_by("name")[:2]

    page.fill("#picker-q", first.name)
    match = page.locator(f'#student-picker-results input[name="students"][value="{first.pk}"]')
    match.wait_for()
    assert page.locator('#student-picker-results [data-testid="student-choices"] input').count() >= 1
    match.check()
    page.fill("#picker-q", "")
    page.select_option("#picker-rombel", label="XI-2")
    page.locator(f'[data-testid="student-choices"] input[value="{second.pk}"]').wait_for()
    # The chosen student came back ticked, above the matches, and is not listed twice.
    assert page.locator(f'[data-testid="chosen-students"] input[value="{first.pk}"]').is_checked()
    assert page.locator(f'input[name="students"][value="{first.pk}"]').count() == 1
    # XI-2's 28 students: two pages; the next one comes without a reload.
    page.locator('[data-testid="picker-pages"] button').last.click()
    page.wait_for_function("() => document.querySelector('[data-testid=picker-pages]').textContent.includes('21')")
    assert horizontal_overflow(page)[0] <= MOBILE["width"]
    assert not axe.violations(page)


def test_a_page_asked_for_while_a_typed_search_waits_stays(page, demo_school):
    """Found in a loaded CI run: "Next" pressed within 300 ms of a keystroke showed page 2, then the
    waiting search fired and brought page 1 back."""
    sign_in(page, "koordinator", demo.DEMO_PASSWORD)
    page.goto(reverse("instruments:administration_new"))
    page.locator("details[data-student-picker] summary").click()
    page.select_option("#picker-rombel", label="XI-2")
    pages = page.locator('[data-testid="picker-pages"]')
    pages.wait_for()
    page.dispatch_event("#picker-q", "input")  # a keystroke: its search waits for the typing to pause
    pages.locator("button").last.click()
    page.wait_for_function("() => document.querySelector('[data-testid=picker-pages]').textContent.includes('21')")
    page.wait_for_timeout(800)  # past the pause the typed search waited for
    assert "21" in pages.inner_text()
