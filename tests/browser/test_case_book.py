"""The case book on a phone (360 px): a wali kelas refers a student, the guru BK sees the referral
waiting on their home, receives it into a case, adds a follow-up and a home visit and prints its
letter; the wali kelas then sees the referral received and handled, and nothing of the case."""

import pytest

from ekonseling.cases.models import Case
from ekonseling.students.models import Student

from .conftest import MOBILE
from .helpers import HOME_URL, assert_fits, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once

PASSWORD = "bk-demo-2026"
REASON = "Akhir-akhir ini sering terlambat dan tidur di kelas."


@pytest.fixture
def viewport():
    return MOBILE


def test_a_referral_from_the_wali_kelas_becomes_a_handled_case(new_page, demo_school):
    student = Student.objects.filter(rombel__name="X-1").order_by("pk")[5]

    wali = new_page(MOBILE)
    sign_in(wali, "walikelas", PASSWORD)
    wali.goto(f"/kasus/rujukan/baru/?siswa={student.pk}")
    assert_fits(wali, "the referral form", width=MOBILE["width"])
    wali.fill("#id_reason", REASON)
    wali.locator("main form button[type=submit]").click()
    wali.wait_for_url("**/kasus/rujukan/")
    assert wali.locator(f"text={student.name}").count() >= 1

    counselor = new_page(MOBILE)
    sign_in(counselor, "gurubk", PASSWORD)
    card = counselor.locator("[data-testid=case-book-card]")
    assert "2" in card.locator("[data-testid=referrals-waiting]").inner_text()  # the demo's and this one
    card.locator("[data-testid=referrals-waiting] a").click()
    counselor.locator(f"tr:has-text('{student.name}') a:has-text('Buka')").click()
    assert REASON in counselor.locator("main").inner_text()
    counselor.fill("#id_title", "Sering terlambat dan mengantuk")
    counselor.select_option("#id_bidang", "belajar")
    counselor.locator("main form button[type=submit]").click()
    counselor.wait_for_url("**/kasus/*/")
    case = Case.objects.get(student=student)
    assert_fits(counselor, "the case page", width=MOBILE["width"])

    counselor.select_option("select[name=status]", "ditangani")
    counselor.locator("form[action$='/status/'] button").click()
    assert counselor.locator("[data-testid=status]").inner_text() == "Ditangani"
    counselor.fill("input[name=description]", "Konseling perorangan")
    counselor.fill("input[name=due_on]", "2030-01-06")
    counselor.locator("form[action$='/tindak-lanjut/'] button").click()
    assert counselor.locator("[data-follow-up]").count() == 1

    counselor.goto(f"/kasus/{case.pk}/kunjungan-rumah/baru/")
    assert_fits(counselor, "the home visit form", width=MOBILE["width"])
    counselor.fill("#id_visit_on", "2030-01-07")
    counselor.fill("#id_address", "Jl. Melati 3, Bandung")
    counselor.fill("#id_purpose", "Mengetahui keadaan di rumah")
    counselor.locator("main form button[type=submit]").click()
    letter = counselor.locator("[data-testid=letter]")
    response = counselor.request.get(letter.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"

    wali.goto(HOME_URL)
    row = wali.locator(f"[data-testid=referrals-card] li:has-text('{student.name}')")
    assert row.locator("[data-progress]").get_attribute("data-progress") == "handled"
    assert "Sering terlambat dan mengantuk" not in wali.content()
    assert wali.goto(f"/kasus/{case.pk}/").status == 403
