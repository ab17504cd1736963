"""The EN / ID switch in the footer."""

import pytest

from ekonseling.core import demo

from .helpers import HOME_URL, LOGIN_URL, data_page, path_of, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


def switch_language(page, code):
    with page.expect_navigation():
        page.locator("footer form.lang button", has_text=code).click()


def test_the_footer_switches_between_indonesian_and_english(page, transactional_db):
    page.goto(LOGIN_URL)
    heading = page.locator("main h1")
    assert page.locator("html").get_attribute("lang") == "id"
    assert heading.inner_text() == "Masuk"

    switch_language(page, "EN")

    assert path_of(page) == LOGIN_URL, "the switch returns to the page it was pressed on"
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading.inner_text() == "Sign in"
    assert page.locator("footer form.lang button[aria-current]").inner_text() == "EN"

    switch_language(page, "ID")

    assert path_of(page) == LOGIN_URL
    assert data_page(page) == "login"
    assert page.locator("html").get_attribute("lang") == "id"
    assert heading.inner_text() == "Masuk"
    assert page.locator("footer form.lang button[aria-current]").inner_text() == "ID"


def test_a_cookie_left_signed_out_never_decides_and_a_signed_in_choice_follows_the_account(page, demo_school):
    """A language chosen on the sign-in page (a cookie a shared computer keeps) never decides for
    whoever signs in next: they get their own choice, else the school's. A choice made signed in is
    saved on the account and follows it to another device (issue 15)."""
    page.goto(LOGIN_URL)
    switch_language(page, "EN")
    assert page.locator("html").get_attribute("lang") == "en"

    sign_in(page, "kepsek", demo.DEMO_PASSWORD)

    assert path_of(page) == HOME_URL
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("main h1").inner_text() == "Beranda kepala sekolah"

    switch_language(page, "EN")
    assert page.locator("main h1").inner_text() == "Principal's dashboard"

    page.context.clear_cookies()  # another device: no session, no language cookie
    sign_in(page, "kepsek", demo.DEMO_PASSWORD)

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text() == "Principal's dashboard"
