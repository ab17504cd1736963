"""A student fills an AUM on a 360 px phone while the connection drops, and nothing is lost."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ekonseling.instruments import services
from ekonseling.instruments.models import Assignment
from tests import factories

from . import helpers
from .conftest import MOBILE
from .helpers import path_of, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


@pytest.fixture
def viewport():
    return MOBILE


def aum_sheet(world):
    path = services.SAMPLES_DIR / "aum-umum-contoh.json"
    instrument, _ = services.import_definition(world.school, path.read_bytes(), path.name)
    now = timezone.now()
    administration = services.open_administration(
        instrument=instrument,
        title="AUM Umum X-A",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    return administration.assignments.get(student=world.student)


def answers_of(sheet):
    return Assignment.objects.get(pk=sheet.pk).answer_data()


def wait_for_answers(page, sheet, expected, seconds=20):
    deadline = time.monotonic() + seconds
    while answers_of(sheet) != expected:
        assert time.monotonic() < deadline, f"the server has {answers_of(sheet)}, expected {expected}"
        page.wait_for_timeout(100)


def assert_fits(page, what):
    helpers.assert_fits(page, what, width=MOBILE["width"])


def pending(page, sheet):
    raw = page.evaluate(f"() => localStorage.getItem('ekonseling.instrument.{sheet.pk}')")
    return json.loads(raw) if raw else []


def go_next(page, number):
    page.click("[data-testid=next]")
    page.wait_for_url(lambda url: url.endswith(f"?page={number}"))


def test_a_student_fills_an_aum_on_a_phone_through_a_dropped_connection(page, new_page, transactional_db):
    world = factories.SchoolWorld("SMA Peramban")
    sheet = aum_sheet(world)
    sign_in(page, world.siswa.username, factories.PASSWORD)
    page.goto(f"/instrumen/isi/{sheet.pk}/")
    assert_fits(page, "the first page")

    # Page 1, online: each tick is saved at once; "very heavy" appears only for a ticked item.
    assert page.locator("input[name=heavy-2]").is_hidden()
    page.check("input[name=item-1]")
    page.check("input[name=item-2]")
    page.check("input[name=heavy-2]")
    wait_for_answers(page, sheet, {"items": {"1": True, "2": True}, "heavy": [2]})
    page.wait_for_selector("[data-testid=save-status][data-state=saved]")
    go_next(page, 2)

    # Page 2, offline: the answers wait on the phone, and the student cannot leave the page.
    page.context.set_offline(True)
    page.check("input[name=item-6]")
    page.check("input[name=item-8]")
    page.check("input[name=heavy-8]")
    page.wait_for_selector("[data-testid=save-status][data-state=offline]")
    assert pending(page, sheet) == [{"items": {"6": True}}, {"items": {"8": True}}, {"heavy": {"8": True}}]
    page.click("[data-testid=next]")
    assert path_of(page).endswith(f"/isi/{sheet.pk}/") and "page=2" in page.url
    # Next tries to send the queue first ("saving"), fails, and says offline again.
    page.wait_for_selector("[data-testid=save-status][data-state=offline]")
    assert answers_of(sheet) == {"items": {"1": True, "2": True}, "heavy": [2]}

    # Back online: the queue is flushed in order and emptied.
    page.context.set_offline(False)
    expected = {"items": {"1": True, "2": True, "6": True, "8": True}, "heavy": [2, 8]}
    wait_for_answers(page, sheet, expected)
    page.wait_for_selector("[data-testid=save-status][data-state=saved]")
    assert pending(page, sheet) == []

    # The save fails (a proxy drops it); a reload puts the unsaved tick back and sends it later.
    page.route("**/simpan/", lambda route: route.abort())
    page.check("input[name=item-9]")
    page.wait_for_selector("[data-testid=save-status][data-state=offline]")
    page.reload()
    assert page.locator("input[name=item-9]").is_checked()
    assert "9" not in answers_of(sheet)["items"]
    page.unroute("**/simpan/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expected["items"]["9"] = True
    wait_for_answers(page, sheet, expected)

    for number in range(3, 12):
        go_next(page, number)
    # Page 11: the open questions.
    page.check("input[name=open-lengkap][value=tidak]")
    page.fill("textarea[name=open-masalah_lain]", "Sulit membagi waktu.")
    page.check("input[name=open-bicara][value=guru_bk]")
    assert_fits(page, "the open questions")
    go_next(page, 12)

    # Review and send.
    assert_fits(page, "the review page")
    page.check("[data-testid=confirm]")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/instrumen/saya/")
    assert_fits(page, "my instruments")

    sent = Assignment.objects.get(pk=sheet.pk)
    assert sent.status == Assignment.Status.SUBMITTED
    assert sent.answer_data() == {
        **expected,
        "open": {"lengkap": "tidak", "masalah_lain": "Sulit membagi waktu.", "bicara": ["guru_bk"]},
    }

    # The counselor, on their own device, sees the class profile with this sheet in it.
    counselor = new_page()
    sign_in(counselor, world.gurubk.username, factories.PASSWORD)
    counselor.goto(f"/instrumen/pemberian/{sheet.administration_id}/")
    counselor.click("[data-testid=group-report]")
    assert counselor.locator("[data-testid=n]").inner_text().strip() == "1"
    assert counselor.locator("svg.chart").count() == 1
    # Diri Pribadi (items 6–10): 6, 8 and 9 ticked, so J = 3 and P% = 3 / (5 × 1) × 100.
    row = counselor.locator("#table-areas tbody tr", has_text="Diri Pribadi")
    assert "60,00" in row.inner_text()
