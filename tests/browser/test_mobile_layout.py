"""At 360 px wide (a small Android phone) no page scrolls sideways, for any role."""

import pytest

from ekonseling.core import demo

from . import helpers
from .conftest import MOBILE
from .helpers import ACCOUNT_URL, HOME_URL, LOGIN_URL, menu_links, open_menu, path_of, sign_in, submit_login

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once

DEMO_LOGINS = demo.demo_logins()


@pytest.fixture
def viewport():
    return MOBILE


def assert_fits(page, what):
    helpers.assert_fits(page, what, width=MOBILE["width"])


def visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    return response


def test_the_sign_in_page_fits_with_and_without_an_error(page, demo_school):
    visit(page, LOGIN_URL)
    assert_fits(page, "the sign-in page")

    submit_login(page, "gurubk", "bukan-sandinya-2026")
    assert page.locator("main [role=alert]").count() == 1
    assert_fits(page, "the sign-in page with its error")


@pytest.mark.parametrize(("username", "password", "role_label"), DEMO_LOGINS, ids=[u for u, _, _ in DEMO_LOGINS])
def test_no_page_of_the_role_scrolls_sideways(page, demo_school, username, password, role_label):
    visit(page, LOGIN_URL)
    assert_fits(page, "the sign-in page")
    sign_in(page, username, password)
    assert path_of(page) == HOME_URL
    assert_fits(page, f"the home page of {role_label}")

    links = menu_links(page)
    assert HOME_URL in links and ACCOUNT_URL in links, links
    for url in dict.fromkeys([*links, ACCOUNT_URL]):  # menu order, each page once
        visit(page, url)
        assert path_of(page) == url, f"{url} redirected to {page.url}"
        assert_fits(page, f"{url} for {role_label}")

    # The menu, open, must fit too: it hangs from the right edge of the header.
    visit(page, HOME_URL)
    open_menu(page)
    assert_fits(page, f"the open menu of {role_label}")
    box = page.locator("header details.menu nav").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], box
