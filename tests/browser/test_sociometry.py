"""Sociometry in a real browser at 360 px: a student searches, chooses three classmates (a rank
given once is taken from the other menus) and sends; the counselor's sociogram fits the phone."""

import pytest

from ekonseling.sociometry.models import Response, Survey
from ekonseling.students.models import Student

from . import helpers
from .conftest import MOBILE
from .helpers import LOGIN_URL, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


@pytest.fixture
def viewport():
    return MOBILE


def test_a_student_fills_in_the_survey_on_a_phone(page, demo_school):
    survey = Survey.objects.get(title="Sosiometri X-1 kerja kelompok")
    page.goto(LOGIN_URL)
    sign_in(page, "siswa", "bk-demo-2026")
    page.goto(f"/sosiometri/isi/{survey.pk}/")
    helpers.assert_fits(page, "the sociometry sheet", width=MOBILE["width"])
    rows = page.locator(".classmates li")
    assert rows.count() == 27  # every classmate, never oneself
    search = page.locator("[data-sheet-search]")
    assert search.is_visible()
    first_three = [rows.nth(i).locator("label").inner_text() for i in range(3)]
    search.fill(first_three[0][:5].lower())
    assert page.locator(".classmates li:not([hidden])").count() >= 1
    assert page.locator(".classmates li:not([hidden])").count() < 27
    search.fill("")
    selects = page.locator(".classmates select")
    selects.nth(0).select_option("p1")
    # Choice 1 is taken: the other menus offer it no more.
    assert selects.nth(1).locator('option[value="p1"]').is_disabled()
    selects.nth(1).select_option("p2")
    selects.nth(2).select_option("p3")
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_selector('[data-testid="answered"]')
    helpers.assert_fits(page, "the sent sheet", width=MOBILE["width"])
    student = Survey.objects.get(pk=survey.pk).members.get(student__user__username="siswa").student
    picks = sorted(Response.objects.get(student=student, survey=survey).picks(), key=lambda p: p.rank)
    chosen = [Student.objects.get(pk=p.chosen_id).name for p in picks]
    assert chosen == first_three


def test_the_counselor_analysis_fits_a_phone(page, demo_school):
    survey = Survey.objects.get(title="Sosiometri X-1 November")
    page.goto(LOGIN_URL)
    sign_in(page, "gurubk", "bk-demo-2026")
    page.goto(f"/sosiometri/{survey.pk}/analisis/")
    assert page.locator('[data-testid="sociogram"] svg g[data-student]').count() == 28
    helpers.assert_fits(page, "the sociometry analysis", width=MOBILE["width"])
