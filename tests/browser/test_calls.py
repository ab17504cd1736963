"""Issue 16's video and voice calls in real Chromium, with fake camera and microphone, over loopback
against Daphne (the signalling is on the WebSocket): the counselor opens the call, the student waits
until let in, and each receives the other's picture (videoWidth > 0) and sound (audio bytes); a
student who picks audio only still hears and is heard; a group of four all see each other."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.appointments.models import Appointment, CallSession, GroupMember
from tests import factories

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, TIMEOUT_MS

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
MEDIA_MS = 20_000


@pytest.fixture(scope="module")
def media_browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def signed_in_page(media_browser, daphne_server):
    """A page of its own browser context (cookies), signed in as `user` through a real session."""
    contexts = []

    def make(user):
        client = Client()
        client.force_login(user)
        context = media_browser.new_context(
            base_url=daphne_server, viewport=DESKTOP, locale="id-ID", timezone_id="Asia/Jakarta"
        )
        context.set_default_timeout(TIMEOUT_MS)
        host = urlsplit(daphne_server).hostname
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def call_world(transactional_db):
    world = factories.SchoolWorld("SMA Panggilan")
    starts = timezone.now() - datetime.timedelta(minutes=1)
    world.appointment = Appointment.objects.create(
        school=world.school,
        counselor=world.gurubk,
        student=world.student,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        medium="video",
        status="confirmed",
    )
    return world


def open_call(page, appointment, mode=None):
    page.goto(f"/jadwal/{appointment.pk}/panggilan/")
    page.locator('[data-testid="not-recorded"]').wait_for()
    page.locator('[data-testid="connection-quality"][data-quality]').wait_for()
    if mode:
        page.locator(f"input[name=call-mode][value={mode}]").check()
    page.locator('[data-testid="join-call"]').click()


def admit_next(host):
    button = host.locator("[data-admit]").first
    button.wait_for()
    button.click()


def wait_receiving(page, peers, *, video=True):
    """Every one of `peers` remote tiles plays sound, and (with `video`) a picture."""
    deadline = time.monotonic() + MEDIA_MS / 1000
    while True:
        remote = page.evaluate("() => window.ekonselingCall.remote()")
        ok = len(remote) == peers and all(r["audioBytes"] > 0 and (not video or r["videoWidth"] > 0) for r in remote)
        if ok:
            return remote
        if time.monotonic() > deadline:
            raise AssertionError(f"not receiving: {remote}")
        time.sleep(0.2)


def test_counselor_and_student_see_and_hear_each_other(call_world, signed_in_page):
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment)
    host.locator('[data-call][data-state="in-call"]').wait_for()

    student = signed_in_page(call_world.siswa)
    open_call(student, call_world.appointment)
    student.locator('[data-testid="waiting-room"]').wait_for()  # not in until let in
    assert student.evaluate("() => window.ekonselingCall.remote()") == []
    admit_next(host)

    student_gets = wait_receiving(student, 1)
    host_gets = wait_receiving(host, 1)
    assert student_gets[0]["videoWidth"] > 0 and host_gets[0]["videoWidth"] > 0
    assert CallSession.objects.get(appointment=call_world.appointment).started_at is not None

    # The fall back to audio (what a weak connection triggers): the student's picture stops, the sound goes on.
    student.evaluate("() => window.ekonselingCall.switchToAudio()")
    student.locator('[data-call][data-audio-only="1"]').wait_for()
    time.sleep(1)
    (first,) = host.evaluate("() => window.ekonselingCall.remote()")
    time.sleep(1.5)
    (later,) = host.evaluate("() => window.ekonselingCall.remote()")
    assert later["videoBytes"] == first["videoBytes"] and later["audioBytes"] > first["audioBytes"]

    host.locator('[data-testid="end-call"]').click()
    student.locator('[data-testid="call-ended"]').wait_for()
    host.locator('[data-testid="call-record"]').wait_for()
    deadline = time.monotonic() + 5
    while CallSession.objects.get(appointment=call_world.appointment).ended_at is None:
        assert time.monotonic() < deadline, "the call's end was not stored"
        time.sleep(0.1)


def test_after_a_fall_back_a_sustained_good_connection_offers_the_video_back(call_world, signed_in_page):
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment)
    host.locator('[data-call][data-state="in-call"]').wait_for()
    student = signed_in_page(call_world.siswa)
    open_call(student, call_world.appointment)
    admit_next(host)
    wait_receiving(host, 1)

    # Two weak checks in a row fall back to audio; the picture stops.
    student.evaluate("() => { window.ekonselingCall.quality(true); window.ekonselingCall.quality(true); }")
    student.locator('[data-call][data-audio-only="1"]').wait_for()
    back = student.locator('[data-testid="video-back"]')
    assert back.is_hidden()
    student.evaluate("() => window.ekonselingCall.quality(false)")  # one good check is not yet sustained
    assert back.is_hidden()
    time.sleep(1)
    (stalled,) = host.evaluate("() => window.ekonselingCall.remote()")

    # Five good checks in a row (15 s on a real network): the video is offered back, and comes back.
    student.evaluate("() => { for (let i = 0; i < 5; i++) window.ekonselingCall.quality(false); }")
    back.wait_for(state="visible")
    back.click()
    student.locator("[data-call]:not([data-audio-only])").wait_for()
    assert (
        student.evaluate("() => document.querySelector('[data-self]').srcObject.getVideoTracks()[0].readyState")
        == "live"
    )
    deadline = time.monotonic() + MEDIA_MS / 1000
    while True:
        (now,) = host.evaluate("() => window.ekonselingCall.remote()")
        if now["videoBytes"] > stalled["videoBytes"] + 5000:
            break
        assert time.monotonic() < deadline, f"the picture did not come back: {stalled} -> {now}"
        time.sleep(0.3)


def test_the_chat_beside_the_call_is_stored_as_chat(call_world, signed_in_page):
    from ekonseling.counseling import services
    from ekonseling.counseling.models import Conversation, Message

    conversation = services.start_conversation(call_world.student)
    Conversation.objects.filter(pk=conversation.pk).update(counselor=call_world.gurubk)
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment)
    student = signed_in_page(call_world.siswa)
    open_call(student, call_world.appointment)
    admit_next(host)
    student.fill("#call-chat-body", "Bu, suaranya terdengar jelas.")
    student.locator("[data-chat-form] button[type=submit]").click()
    host.locator("[data-messages] li", has_text="Bu, suaranya terdengar jelas.").wait_for()
    deadline = time.monotonic() + 5
    while not Message.objects.filter(conversation=conversation).exists():
        assert time.monotonic() < deadline, "the message was not stored"
        time.sleep(0.1)
    assert Message.objects.get(conversation=conversation).body == "Bu, suaranya terdengar jelas."


def test_a_student_on_audio_only_hears_and_is_heard(call_world, signed_in_page):
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment)
    host.locator('[data-call][data-state="in-call"]').wait_for()
    student = signed_in_page(call_world.siswa)
    open_call(student, call_world.appointment, mode="audio")
    admit_next(host)
    # The student still sees the counselor; the counselor hears the student (no picture is sent).
    wait_receiving(student, 1, video=True)
    (heard,) = wait_receiving(host, 1, video=False)
    assert heard["videoBytes"] == 0
    assert student.evaluate("() => document.querySelector('[data-self]').srcObject") is None
    # Audio only by the student's own choice: a good connection never offers the video.
    student.evaluate("() => { for (let i = 0; i < 10; i++) window.ekonselingCall.quality(false); }")
    assert student.locator('[data-testid="video-back"]').is_hidden()


def test_a_group_of_four_connects(call_world, signed_in_page):
    members = []
    for _ in range(2):
        user = factories.user(call_world.school, Role.SISWA)
        student = factories.student(call_world.school, rombel=call_world.rombel_a, user=user)
        GroupMember.objects.create(school=call_world.school, appointment=call_world.appointment, student=student)
        members.append(user)
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment, mode="low")
    host.locator('[data-call][data-state="in-call"]').wait_for()
    pages = [host]
    for user in [call_world.siswa, *members]:
        page = signed_in_page(user)
        open_call(page, call_world.appointment, mode="low")
        page.locator('[data-testid="waiting-room"]').wait_for()
        admit_next(host)
        page.locator('[data-call][data-state="in-call"]').wait_for()
        pages.append(page)
    for page in pages:
        wait_receiving(page, 3)


def test_a_group_session_chats_beside_its_call(call_world, signed_in_page):
    from ekonseling.appointments.models import GroupChatMessage

    user = factories.user(call_world.school, Role.SISWA)
    student = factories.student(call_world.school, rombel=call_world.rombel_a, user=user)
    GroupMember.objects.create(school=call_world.school, appointment=call_world.appointment, student=student)
    host = signed_in_page(call_world.gurubk)
    open_call(host, call_world.appointment, mode="audio")
    host.locator('[data-call][data-state="in-call"]').wait_for()
    pages = []
    for who in (call_world.siswa, user):
        page = signed_in_page(who)
        open_call(page, call_world.appointment, mode="audio")
        admit_next(host)
        page.locator('[data-call][data-state="in-call"]').wait_for()
        pages.append(page)
    first, second = pages
    first.fill("#call-chat-body", "Saya sudah siap")
    first.locator("[data-chat-form] button[type=submit]").click()
    first.locator("[data-messages] li.mine:not(.pending)", has_text="Saya sudah siap").wait_for()
    name = call_world.siswa.get_full_name() or call_world.siswa.username
    for page in (host, second):
        page.locator("[data-messages] li.theirs", has_text=f"{name}: Saya sudah siap").wait_for()
    assert GroupChatMessage.objects.get().body == "Saya sudah siap"
    # A page opened later gets the chat so far.
    second.reload()
    second.locator('[data-testid="join-call"]').click()
    admit_next(host)
    second.locator("[data-messages] li", has_text="Saya sudah siap").wait_for()
