"""Signing in and out through the real form, as each kind of user does it."""

import pytest

from ekonseling.accounts.models import User
from ekonseling.core import demo

from .helpers import (
    HOME_PAGE,
    HOME_URL,
    LOGIN_URL,
    data_page,
    open_menu,
    path_of,
    sign_in,
    submit_login,
)

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once

DEMO_LOGINS = demo.demo_logins()
WRONG_PASSWORD = "bukan-sandinya-2026"
WRONG_LOGIN_TEXT = "Nama pengguna atau sandi salah"
LOCKOUT_TEXT = "Terlalu banyak percobaan masuk yang gagal"


def test_every_demo_login_lands_on_its_role_home(new_page, demo_school):
    """Each login in a browser context of its own (its own cookies), on one load of the demo school."""
    for username, password, role_label in DEMO_LOGINS:
        role = User.objects.get(username=username).role
        page = new_page()
        page.goto(LOGIN_URL)
        sign_in(page, username, password)

        assert path_of(page) == HOME_URL, username
        assert data_page(page) == HOME_PAGE[role], f"{username} ({role_label}) landed on {data_page(page)!r}"
        assert page.locator("header details.menu summary .who").inner_text().strip(), username
        page.context.close()


def test_a_wrong_password_is_refused_in_indonesian(page, demo_school):
    page.goto(LOGIN_URL)

    response = submit_login(page, "gurubk", WRONG_PASSWORD)

    assert response.status == 200
    assert path_of(page) == LOGIN_URL
    assert data_page(page) == "login"
    assert WRONG_LOGIN_TEXT in page.locator("main [role=alert]").inner_text()
    # The username stays filled in; the password does not.
    assert page.input_value("#id_username") == "gurubk"
    assert page.input_value("#id_password") == ""


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(page, demo_school):
    username, password, _ = next(login for login in DEMO_LOGINS if login[0] == "gurubk")
    page.goto(LOGIN_URL)
    for attempt in range(1, 6):
        response = submit_login(page, username, WRONG_PASSWORD)
        assert path_of(page) == LOGIN_URL
        if attempt < 5:  # the first four are plain wrong passwords; the fifth may already lock
            assert response.status == 200
            assert WRONG_LOGIN_TEXT in page.locator("main [role=alert]").inner_text()

    response = submit_login(page, username, password)

    assert response.status == 429
    assert LOCKOUT_TEXT in page.locator("main [role=alert]").inner_text()
    page.goto(HOME_URL)
    assert path_of(page) == LOGIN_URL, "a locked-out sign-in must not open a session"


def test_the_lockout_is_per_username(page, demo_school):
    page.goto(LOGIN_URL)
    for _attempt in range(5):
        submit_login(page, "gurubk", WRONG_PASSWORD)

    # Someone else at the same computer can still sign in.
    sign_in(page, "gurubk2", demo.DEMO_PASSWORD)
    assert data_page(page) == "home-counselor"


def test_signing_out_ends_the_session(page, demo_school):
    page.goto(LOGIN_URL)
    sign_in(page, "walikelas", demo.DEMO_PASSWORD)

    open_menu(page)
    with page.expect_navigation():
        page.locator("header details.menu nav form button[type=submit]").click()

    assert path_of(page) == LOGIN_URL
    assert page.locator("header details.menu").count() == 0, "the header still shows a signed-in menu"
    assert page.locator("main .messages li").count() == 1, "no confirmation that the user signed out"
    page.goto(HOME_URL)
    assert path_of(page) == LOGIN_URL
    assert data_page(page) == "login"
