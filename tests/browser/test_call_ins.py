"""Issue 13 at 360 px: the student sees the demo's call-in from `gurubk` on their home and
acknowledges it; the counselor sees that they did."""

from ekonseling.core import demo
from ekonseling.counseling.models import CallIn

from .conftest import MOBILE
from .helpers import assert_fits, data_page, sign_in


def test_the_student_acknowledges_a_call_in_on_their_phone(new_page, demo_school):
    call_in = CallIn.objects.get(student__user__username="siswa")
    assert call_in.status == CallIn.Status.SENT

    student = new_page(MOBILE)
    sign_in(student, "siswa", demo.DEMO_PASSWORD)
    assert data_page(student) == "home-siswa"
    item = student.locator(f'[data-testid="home-call-ins"] [data-call-in="{call_in.pk}"]')
    item.wait_for()
    assert "ruang BK" in item.inner_text()
    assert_fits(student, "the student's home", width=MOBILE["width"])

    item.locator("[data-action=acknowledge]").click()
    student.wait_for_url("**/beranda/")
    student.locator(f'[data-call-in="{call_in.pk}"][data-status="acknowledged"]').wait_for()
    assert student.locator(f'[data-call-in="{call_in.pk}"] [data-action=acknowledge]').count() == 0
    call_in.refresh_from_db()
    assert call_in.status == CallIn.Status.ACKNOWLEDGED and call_in.acknowledged_at is not None

    counselor = new_page(MOBILE)
    sign_in(counselor, "gurubk", demo.DEMO_PASSWORD)
    counselor.goto("/konseling/panggilan/")
    counselor.locator(f'[data-call-in="{call_in.pk}"][data-status="acknowledged"]').wait_for()
    assert_fits(counselor, "the call-ins page", width=MOBILE["width"])
