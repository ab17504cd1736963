"""The koordinator BK extends the school's risk lexicon on a phone: a bad draft keeps the text, a good
one is checked on the labelled messages and on a sentence, then saved."""

import json

import pytest
from django.urls import reverse

from ekonseling.counseling import lexicons
from tests import factories

from .conftest import MOBILE
from .helpers import assert_fits, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


@pytest.fixture
def viewport():
    return MOBILE


def test_the_coordinator_checks_and_saves_a_sundanese_extension(page, transactional_db):
    world = factories.SchoolWorld("SMA Negeri Uji Leksikon")
    sign_in(page, world.koordinator.username, factories.PASSWORD)
    page.goto(reverse("counseling:risk_lexicon"))
    assert_fits(page)
    box = page.locator("#id_extension")

    box.fill('{"normalisation": {"paeh": "mati"')  # unfinished JSON
    page.get_by_role("button", name="Periksa").click()
    assert "Baris 1" in page.locator("[data-error]").inner_text()
    assert box.input_value() == '{"normalisation": {"paeh": "mati"'

    extension = {"normalisation": {"hayang": "ingin", "paeh": "mati", "aing": "aku"}}
    box.fill(json.dumps(extension))
    page.locator("#id_sample").fill("aing hayang paeh wae")
    page.get_by_role("button", name="Periksa").click()
    assert "suicide" in page.locator("[data-screening]").inner_text()
    assert page.locator("[data-measure] [data-row=school]").is_visible()
    assert_fits(page)
    assert lexicons.extension_of(world.school) == {}

    page.get_by_role("button", name="Simpan").click()
    assert page.url.endswith(reverse("counseling:risk_lexicon"))
    assert "disimpan" in page.locator("main").inner_text()
    assert lexicons.extension_of(world.school) == extension
