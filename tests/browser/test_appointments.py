"""Issue 16 (appointments) at 360 px: the student requests a free slot of their counselor on their
phone, the counselor confirms it, and the student sees it confirmed (on the page and the home card)."""

from ekonseling.appointments.models import Appointment
from ekonseling.core import demo

from .conftest import MOBILE
from .helpers import assert_fits, sign_in


def test_the_student_requests_a_slot_and_sees_it_confirmed(new_page, demo_school):
    before = set(Appointment.objects.values_list("pk", flat=True))
    student = new_page(MOBILE)
    sign_in(student, "siswa", demo.DEMO_PASSWORD)
    student.goto("/jadwal/minta/")
    assert_fits(student, "the request page", width=MOBILE["width"])
    student.locator("input[name=slot]").first.check()
    student.select_option("select[name=medium]", "video")
    student.fill("textarea[name=topic]", "Bingung memilih jurusan")
    student.locator("main form button[type=submit]").click()
    student.locator('[data-testid="appointment-status"][data-status="requested"]').wait_for()
    assert_fits(student, "the appointment page", width=MOBILE["width"])
    (appointment,) = Appointment.objects.exclude(pk__in=before)
    assert appointment.status == "requested" and appointment.medium == "video"

    counselor = new_page(MOBILE)
    sign_in(counselor, appointment.counselor.username, demo.DEMO_PASSWORD)
    counselor.goto(f"/jadwal/{appointment.pk}/")
    counselor.locator('[data-testid="confirm-appointment"]').click()
    counselor.locator('[data-testid="appointment-status"][data-status="confirmed"]').wait_for()

    student.goto(f"/jadwal/{appointment.pk}/")
    student.locator('[data-testid="appointment-status"][data-status="confirmed"]').wait_for()
    student.goto("/beranda/")
    card = student.locator('[data-testid="appointments-student-card"]')
    card.wait_for()
    assert f"/jadwal/{appointment.pk}/" in card.inner_html()
    assert_fits(student, "the student's home", width=MOBILE["width"])
