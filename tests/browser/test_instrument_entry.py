"""A guru BK types a stack of paper sheets with the keyboard only, on a phone-sized screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ekonseling.instruments import services
from ekonseling.instruments.models import Assignment
from tests import factories

from .conftest import MOBILE
from .helpers import data_page, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


@pytest.fixture
def viewport():
    return MOBILE


def _on(page, name):
    page.wait_for_selector(f"body[data-page={name}]")
    page.wait_for_load_state()


def _no_sideways_scroll(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= MOBILE["width"]


def test_enter_two_sheets_with_the_keyboard_only(page, transactional_db):
    world = factories.SchoolWorld("SMA Kertas")
    name = "aum-umum-contoh.json"
    instrument, _ = services.import_definition(world.school, (services.SAMPLES_DIR / name).read_bytes(), name)
    administration = services.open_administration(
        instrument=instrument,
        title="AUM X-A",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    first, second = sorted([world.student, world.classmate], key=lambda s: s.name)
    sign_in(page, world.gurubk.username, factories.PASSWORD)

    page.goto(f"/instrumen/pemberian/{administration.pk}/lembar-kertas/")
    assert data_page(page) == "instrument-paper-pick"
    _no_sideways_scroll(page)
    page.keyboard.press("Enter")  # the focused "next not yet entered" button
    _on(page, "instrument-paper-entry")
    _no_sideways_scroll(page)
    page.keyboard.type("1 4 7-9")
    page.keyboard.press("Tab")
    page.keyboard.type("8 12")  # 12 was not ticked
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=errors-heavy]")
    assert data_page(page) == "instrument-paper-entry"
    assert "12" in page.locator("[data-testid=errors-heavy]").inner_text()
    page.fill("#f-heavy", "8")
    page.keyboard.press("Enter")
    _on(page, "instrument-paper-preview")
    _no_sideways_scroll(page)
    page.keyboard.press("Enter")  # the focused Save button
    next_sheet = Assignment.objects.get(administration=administration, student=second).pk
    page.wait_for_selector(f"#student[data-sheet='{next_sheet}']")  # straight on to the next student
    assert data_page(page) == "instrument-paper-entry"
    assert page.evaluate("document.activeElement.id") == "f-ticked"
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    _on(page, "instrument-paper-preview")
    page.keyboard.press("Enter")
    _on(page, "instrument-paper-pick")

    sheets = {a.student_id: a for a in Assignment.objects.filter(administration=administration)}
    assert sheets[first.pk].answer_data() == {
        "items": {"1": True, "4": True, "7": True, "8": True, "9": True},
        "heavy": [8],
    }
    assert sheets[second.pk].answer_data() == {"items": {"2": True}, "heavy": []}
    assert {a.source for a in sheets.values()} == {"paper"}
    assert data_page(page) == "instrument-paper-pick"
    assert page.locator("#all-entered").count() == 1
