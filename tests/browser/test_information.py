"""Issue 18 in a real browser: a student reads an article with its image on a 360 px phone; the
counselor presents an article on the projector (keyboard, one idea per slide) and runs a live poll
that three students answer on their phones, the projector's bars moving without a reload — over the
WebSocket (Daphne) and, on pytest-django's live server (no WebSocket), by the pages' fallback.
"""

import pytest

from ekonseling.accounts.models import Role, User
from ekonseling.core import demo
from ekonseling.information.models import Article, Poll, PollAnswer
from ekonseling.students.models import Student

from .conftest import DESKTOP, MOBILE
from .helpers import assert_fits, sign_in

LIVE_MS = {"socket": 8_000, "polling": 20_000}  # a frame at once; or the 5 s interval, with slack


# The page polling over HTTP (pytest-django's live server, no channel layer) runs in the SQLite half only
# (tests/conftest.py): what differs by backend is the socket and the Redis channel layer.
@pytest.fixture(params=["socket", pytest.param("polling", marks=pytest.mark.once)])
def transport(request):
    return request.param


@pytest.fixture
def server_url(transport, live_server, request):
    return request.getfixturevalue("daphne_server") if transport == "socket" else live_server.url


def x1_students_with_accounts(school, n):
    """`n` students of X-1 (gurubk's rombel) who can sign in: the demo `siswa` and classmates."""
    siswa = User.objects.get(school=school, username="siswa")
    rombel = Student.objects.get(user=siswa).rombel
    names = ["siswa"]
    for i, student in enumerate(Student.objects.filter(rombel=rombel, user__isnull=True).order_by("pk")[: n - 1]):
        student.user = User.objects.create_user(
            username=f"siswa-poll-{i}", password=demo.DEMO_PASSWORD, school=school, role=Role.SISWA
        )
        student.save(update_fields=["user"])
        names.append(student.user.username)
    return rombel, names


def test_a_student_reads_an_article_with_its_image_on_a_phone(new_page, demo_school, transport):
    if transport == "socket":
        # The page needs no socket; and Daphne, a process of its own, does not see this test's MEDIA_ROOT.
        pytest.skip("the article page needs no socket: once, on the live server, is enough")
    page = new_page(MOBILE)
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    page.goto("/informasi/")
    page.get_by_role("link", name="Tips belajar menjelang PAS").click()
    page.wait_for_selector('[data-testid="article-body"]')
    image = page.locator('[data-testid="article-media"] img')
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.getBoundingClientRect().width") <= 360
    assert_fits(page, "the article page", width=360)
    article = Article.objects.get(title="Tips belajar menjelang PAS")
    assert article.reads.filter(student__user__username="siswa").exists()


def test_present_mode_and_a_live_poll_with_three_phones(new_page, demo_school, transport):
    rombel, students = x1_students_with_accounts(demo_school, 3)
    article = Article.objects.get(title="Tips belajar menjelang PAS")
    projector = new_page(DESKTOP)
    sign_in(projector, "gurubk", demo.DEMO_PASSWORD)
    projector.goto(f"/informasi/kelola/{article.pk}/presentasi/")
    slides = projector.locator("[data-slide]")
    total = slides.count()
    assert total >= 3  # the title, the text, the image
    assert projector.locator("[data-slide]:visible").get_attribute("data-slide") == "0"
    projector.keyboard.press("ArrowRight")
    assert projector.locator("[data-slide]:visible").get_attribute("data-slide") == "1"
    projector.keyboard.press("End")
    assert projector.locator("[data-slide]:visible").get_attribute("data-slide") == str(total - 1)
    projector.keyboard.press("Home")
    assert projector.locator("[data-slide]:visible").get_attribute("data-slide") == "0"

    projector.select_option("#id_rombel", str(rombel.pk))
    projector.fill("#id_question", "Sudah punya jadwal belajar?")
    projector.fill("#id_options", "Sudah\nBelum\nSedang dibuat")
    projector.locator('[data-action="start-poll"]').click()
    board = projector.locator('[data-testid="poll-projector"]')
    board.wait_for(state="visible")
    if transport == "socket":
        projector.wait_for_function("() => document.querySelector('[data-poll]').dataset.live === '1'")

    choices = [0, 1, 0]
    for username, choice in zip(students, choices, strict=True):
        phone = new_page(MOBILE)
        sign_in(phone, username, demo.DEMO_PASSWORD)
        phone.goto("/informasi/polling/")
        phone.locator('[data-testid="open-poll"]').click()
        phone.wait_for_selector('[data-testid="poll-phone"]')
        if transport == "socket":
            phone.wait_for_function("() => document.querySelector('[data-poll]').dataset.live === '1'")
        assert_fits(phone, "the poll on a phone", width=360)
        phone.locator(f'[data-choice="{choice}"]').click()
        phone.locator('[data-testid="poll-thanks"]').wait_for(state="visible")
    # The demo's closed poll of X-1 asks the same question: count the answers of the poll just started.
    started = Poll.objects.filter(question="Sudah punya jadwal belajar?").latest("pk")
    assert PollAnswer.objects.filter(poll=started).count() == 3
    # The projector's counts moved without a reload: 2 × Sudah, 1 × Belum, 3 answered.
    projector.wait_for_function(
        "() => document.querySelector('[data-poll-answered]').textContent === '3'", timeout=LIVE_MS[transport]
    )
    assert board.locator('[data-count="0"]').text_content() == "2"
    assert board.locator('[data-count="1"]').text_content() == "1"
    assert "siswa" not in board.text_content()


def test_the_information_and_program_pages_run_under_the_policy(new_page, demo_school, transport):
    """No CSP violation on present mode with its poll, the article with its image, the poll on a
    phone, the program's proposal and calendar (no inline script or style on any of them)."""
    from ekonseling.information.models import Poll
    from ekonseling.program.models import Program

    from .test_content_security_policy import _violations

    if transport == "socket":
        pytest.skip("the policy does not depend on the socket: once is enough")
    poll = Poll.objects.get()
    article = poll.article
    counselor = new_page(DESKTOP)
    sign_in(counselor, "gurubk", demo.DEMO_PASSWORD)
    program = Program.objects.get()
    urls = [
        f"/informasi/kelola/{article.pk}/",
        f"/informasi/kelola/{article.pk}/presentasi/?polling={poll.pk}",
        f"/program/{program.pk}/kalender/",
        f"/program/{program.current().items.first().pk}/".replace("/program/", "/program/butir/", 1),
    ]
    assert _violations(counselor, urls) == []
    student = new_page(MOBILE)
    sign_in(student, "siswa", demo.DEMO_PASSWORD)
    urls = [f"/informasi/{article.pk}/", "/informasi/polling/", f"/informasi/polling/{poll.pk}/"]
    assert _violations(student, urls) == []
