"""On a phone (360 px): a counselor takes the urgent chat from the inbox, records the session from
the conversation in one step, and finds it in the month's report."""

import re

import pytest

from ekonseling.core import demo
from ekonseling.records.models import ServiceRecord

from .conftest import MOBILE
from .helpers import assert_fits, data_page, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once

TOPIC = "Sesi darurat lewat chat"


@pytest.fixture
def viewport():
    return MOBILE


def test_a_claimed_chat_is_recorded_in_one_step_and_found_in_the_monthly_report(page, demo_school):
    sign_in(page, "gurubk", demo.DEMO_PASSWORD)
    page.goto("/konseling/inbox/")
    assert data_page(page) == "counseling-inbox"
    assert_fits(page, "the inbox", width=MOBILE["width"])
    # Urgent first: the demo's unclaimed risk-alert chat.
    page.locator("#inbox-list tbody tr[data-conversation] a").first.click()
    page.wait_for_url(re.compile(r"/konseling/\d+/$"))
    chat_id = int(re.search(r"/konseling/(\d+)/", page.url).group(1))
    page.locator("[data-action=claim]").click()
    page.wait_for_url(re.compile(rf"/konseling/({chat_id}/|inbox/)"))
    if "/inbox/" in page.url:
        page.goto(f"/konseling/{chat_id}/")
    assert_fits(page, "the claimed chat", width=MOBILE["width"])

    # One step: the button on the conversation opens the form with the chat's student and medium.
    page.locator("[data-action=record-session]").click()
    page.wait_for_url(re.compile(rf"/layanan/baru/\?percakapan={chat_id}$"))
    assert page.locator("[data-testid=from-conversation]").is_visible()
    assert page.locator("#id_medium").input_value() == "chat"
    assert page.locator("#id_scope_0").is_checked()
    assert page.locator("#id_student").input_value() != ""
    assert_fits(page, "the record form", width=MOBILE["width"])
    # Only the field the chosen participants need is shown.
    assert page.locator("#id_student").is_visible() and not page.locator("#id_rombel").is_visible()
    page.locator("#id_scope_2").check()
    assert page.locator("#id_rombel").is_visible() and not page.locator("#id_student").is_visible()
    page.locator("#id_scope_0").check()
    page.select_option("#id_bidang", "pribadi")
    page.fill("#id_topic", TOPIC)
    page.fill("#id_description", "Siswa menyampaikan keinginan menghilang; rencana keselamatan disusun bersama.")
    page.fill("#id_follow_up", "Hubungi orang tua hari ini.")
    page.locator("[data-action=save-record]").click()
    page.wait_for_url(re.compile(r"/layanan/\d+/$"))
    assert page.locator(f'[data-testid=linked-conversation] a[href="/konseling/{chat_id}/"]').count() == 1
    assert_fits(page, "the record", width=MOBILE["width"])
    record = ServiceRecord.objects.get(topic=TOPIC)
    assert record.conversation_id == chat_id and record.medium == "chat"

    # The month's report lists it.
    page.goto("/layanan/laporan/")
    assert data_page(page) == "records-report"
    row = page.locator(f'[data-testid=activities] tr[data-activity="{record.pk}"]')
    if row.count() == 0:  # the report lists 50 activities a page, oldest first
        page.locator(".pager a").last.click()
        row = page.locator(f'[data-testid=activities] tr[data-activity="{record.pk}"]')
    assert TOPIC in row.inner_text()
    assert_fits(page, "the monthly report", width=MOBILE["width"])
