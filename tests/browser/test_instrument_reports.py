"""Instrument reports on a 360 px phone: nothing scrolls sideways, and the formula switch works."""

import pytest
from django.urls import reverse

from tests import factories
from tests.instruments.test_reports import aum_class

from .conftest import MOBILE
from .helpers import assert_fits, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


@pytest.fixture
def viewport():
    return MOBILE


def test_reports_fit_a_phone_and_show_formulas_on_demand(page, transactional_db):
    world = factories.SchoolWorld("SMA Negeri Uji Layar")
    administration = aum_class(world)
    sign_in(page, world.gurubk.username, factories.PASSWORD)

    page.goto(reverse("instruments:group_report", args=[administration.pk]))
    assert page.locator("svg.chart").count() == 1
    assert_fits(page)
    formula = page.locator("#table-areas .formula").first
    assert not formula.is_visible()
    page.locator(".formula-switch label").click()
    assert formula.is_visible() and "× 100 =" in formula.inner_text()
    assert_fits(page)

    sheet = administration.assignments.get(student=world.student)
    page.goto(reverse("instruments:individual_report", args=[sheet.pk]))
    assert page.locator("[data-testid=open-answers]").is_visible()
    assert_fits(page)

    page.goto(reverse("instruments:compare") + f"?a={administration.pk}")
    assert_fits(page)
