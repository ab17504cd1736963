"""The live poll of a classical session: run by a counselor who serves the rombel, answered once by
each of its students (over the socket or the form), counts only for everyone, through the policy;
present mode's slides."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.errors import ActionError
from ekonseling.counseling import admission
from ekonseling.information import services
from ekonseling.information.models import PollAnswer
from ekonseling.information.views import slides_of
from tests import factories

HOUR = timezone.timedelta(hours=1)


def _article(world):
    body = "Satu ide.\n\nDua ide,\nbaris kedua.\n\n\nTiga."
    data = services.ArticleData("Kenali emosimu", body, "school", timezone.now() - HOUR)
    return services.publish(world.gurubk, data)


def _poll(world):
    return services.open_poll(world.gurubk, world.rombel_a, "Perasaanmu hari ini?", ["Senang", "Biasa", "Sedih"])


def test_present_mode_has_one_idea_per_slide(client, world):
    article = _article(world)
    slides = slides_of(article, [])
    assert [(s["kind"], s.get("text") or str(s["html"]).strip()) for s in slides] == [
        ("title", "Kenali emosimu"),
        ("text", "<p>Satu ide.</p>"),
        ("text", "<p>Dua ide,<br>\nbaris kedua.</p>"),
        ("text", "<p>Tiga.</p>"),
    ]
    client.force_login(world.gurubk)
    page = client.get(reverse("information:present", args=[article.pk])).content.decode()
    assert page.count("data-slide=") == 4 and "present.js" in page and "<script>" not in page


def test_a_poll_is_answered_once_per_student_and_shows_counts_only(client, world):
    other = factories.student(
        world.school, rombel=world.rombel_a, user=factories.user(world.school, "siswa", username="siswa2")
    )
    poll = _poll(world)
    assert services.answer_poll(world.siswa, poll, 0) is True
    assert services.answer_poll(world.siswa, poll, 2) is False  # once: the first answer stays
    assert services.answer_poll(other.user, poll, 2) is True
    results = services.poll_results(poll)
    assert [(o["label"], o["count"], o["percent"]) for o in results["options"]] == [
        ("Senang", 1, 50),
        ("Biasa", 0, 0),
        ("Sedih", 1, 50),
    ]
    assert results["answered"] == 2 and "siswa" not in str(results)
    for bad in (3, -1, "0", True, None):
        with pytest.raises(ActionError):
            services.answer_poll(world.siswa, poll, bad)
    # Another rombel's student, a closed poll, another counselor: refused by the policy.
    outsider = factories.student(
        world.school, rombel=world.rombel_b, user=factories.user(world.school, "siswa", username="s3")
    )
    with pytest.raises(ActionError):
        services.answer_poll(outsider.user, poll, 1)
    with pytest.raises(ActionError):
        services.close_poll(world.gurubk_other, poll)
    with pytest.raises(ActionError):
        services.open_poll(world.gurubk_other, world.rombel_a, "X?", ["a", "b"])
    services.close_poll(world.gurubk, poll)
    late = factories.student(
        world.school, rombel=world.rombel_a, user=factories.user(world.school, "siswa", username="s4")
    )
    with pytest.raises(ActionError):
        services.answer_poll(late.user, poll, 1)
    assert PollAnswer.objects.filter(poll=poll).count() == 2
    # Pages: the student's phone and the results never name anyone.
    client.force_login(world.siswa)
    page = client.get(reverse("information:poll", args=[poll.pk])).content.decode()
    assert "Perasaanmu hari ini?" in page and world.student.name not in page
    client.force_login(outsider.user)
    assert client.get(reverse("information:poll", args=[poll.pk])).status_code == 404
    assert client.get(reverse("information:poll_results", args=[poll.pk])).status_code == 404


def test_the_poll_over_http(client, world):
    article = _article(world)
    client.force_login(world.gurubk)
    response = client.post(
        reverse("information:poll_new", args=[article.pk]),
        {"rombel": world.rombel_a.pk, "question": "Siap ujian?", "options": "Ya\nBelum\n"},
    )
    poll = article.polls.get()
    assert response.status_code == 302 and f"?polling={poll.pk}" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="poll-projector"' in page and "Siap ujian?" in page
    student = Client()
    student.force_login(world.siswa)
    assert "Siap ujian?" in student.get(reverse("information:polls_my")).content.decode()
    student.post(reverse("information:poll", args=[poll.pk]), {"choice": "1"})
    assert client.get(reverse("information:poll_results", args=[poll.pk])).json()["options"][1]["count"] == 1
    client.post(reverse("information:poll_close", args=[poll.pk]))
    poll.refresh_from_db()
    assert not poll.is_open and "Siap ujian?" not in student.get(reverse("information:polls_my")).content.decode()


async def _socket(cookie, poll_id):
    from ekonseling.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, f"/ws/polling/{poll_id}/", headers=headers)
    connected, _code = await communicator.connect(timeout=10)
    assert connected
    return communicator


def _cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_the_projector_sees_the_answers_live_over_the_socket():
    world = factories.SchoolWorld("SMA Polling")
    poll = _poll(world)
    outsider = factories.student(
        world.school, rombel=world.rombel_b, user=factories.user(world.school, "siswa", username="s9")
    )
    cookies = {name: _cookie(user) for name, user in [("gurubk", world.gurubk), ("siswa", world.siswa)]}
    cookies["outsider"] = _cookie(outsider.user)
    cookies["walikelas"] = _cookie(world.walikelas)

    async def run():
        projector = await _socket(cookies["gurubk"], poll.pk)
        first = await projector.receive_json_from(timeout=10)
        assert first["type"] == "results" and first["answered"] == 0
        phone = await _socket(cookies["siswa"], poll.pk)
        assert (await phone.receive_json_from(timeout=10))["type"] == "results"
        await phone.send_json_to({"type": "answer", "choice": 1})
        frames = [await phone.receive_json_from(timeout=10), await phone.receive_json_from(timeout=10)]
        assert {"type": "answered", "stored": True} in frames
        live = await projector.receive_json_from(timeout=10)
        assert live["answered"] == 1 and live["options"][1]["count"] == 1 and "siswa" not in str(live)
        await phone.send_json_to({"type": "answer", "choice": 99})
        assert (await phone.receive_json_from(timeout=10))["type"] == "error"
        await projector.send_json_to({"type": "answer", "choice": 0})  # a counselor does not answer
        assert (await projector.receive_json_from(timeout=10))["type"] == "error"
        for name, code in (("outsider", 4403), ("walikelas", 4403)):
            refused = await _socket(cookies[name], poll.pk)
            closed = await refused.receive_output(timeout=10)
            assert closed["type"] == "websocket.close" and closed["code"] == code
        await projector.disconnect()
        await phone.disconnect()

    try:
        async_to_sync(run)()
    finally:
        admission.reset()


def test_the_article_page_keeps_the_counts_of_its_polls_per_rombel(client, world):
    """Issue 18: poll results are kept per rombel as evidence of the service. Once present mode is
    left, the article's page still shows each poll's counts, to who may see them."""
    article = _article(world)
    poll = services.open_poll(world.gurubk, world.rombel_a, "Siap ujian?", ["Ya", "Belum"], article)
    services.answer_poll(world.siswa, poll, 1)
    services.close_poll(world.gurubk, poll)

    client.force_login(world.gurubk)
    page = client.get(reverse("information:reads", args=[article.pk])).content.decode()

    kept = page.split('data-testid="article-polls"', 1)[1].split("</section>", 1)[0]
    assert "Siap ujian?" in kept and world.rombel_a.name in kept
    assert 'data-count="0">0<' in kept and 'data-count="1">1<' in kept and f"?polling={poll.pk}" in kept
    other = Client()
    other.force_login(world.gurubk_other)  # serves another rombel: the article, not these counts
    response = other.get(reverse("information:reads", args=[article.pk]))
    assert response.status_code == 200 and "Siap ujian?" not in response.content.decode()


# --- the poll socket follows its session, as the counseling socket does (socket_sessions) -----------


def _live_poll():
    world = factories.SchoolWorld("SMA Polling Sesi")
    return world, _poll(world)


def _run(coroutine):
    from ekonseling.counseling import socket_sessions

    try:
        async_to_sync(coroutine)()
    finally:
        socket_sessions.reset()
        admission.reset()


async def _joined(cookie, poll_id):
    socket = await _socket(cookie, poll_id)
    assert (await socket.receive_json_from(timeout=10))["type"] == "results"
    return socket


async def _closed_with(socket, code, timeout=1):
    closed = await socket.receive_output(timeout=timeout)
    while closed["type"] == "websocket.send" and '"results"' in closed.get("text", ""):  # a count on the way
        closed = await socket.receive_output(timeout=timeout)
    assert (closed["type"], closed.get("code")) == ("websocket.close", code)


def _signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_signing_out_in_another_client_closes_the_poll_socket_within_a_second():
    from channels.db import database_sync_to_async

    world, poll = _live_poll()
    browser = _signed_in_client(world.siswa)  # the phone's browser: its poll tab and another tab
    other_session = _signed_in_client(world.siswa)  # still signed in elsewhere
    projector_browser = _signed_in_client(world.gurubk)
    laptop = _signed_in_client(world.gurubk)  # the counselor's other device

    async def run():
        phone = await _joined(browser.cookies["sessionid"].value, poll.pk)
        elsewhere = await _joined(other_session.cookies["sessionid"].value, poll.pk)
        projector = await _joined(projector_browser.cookies["sessionid"].value, poll.pk)

        await database_sync_to_async(browser.post)(reverse("accounts:logout"))
        await _closed_with(phone, 4401)
        assert await elsewhere.receive_nothing(timeout=0.2)  # another session of the same student stays

        # "Sign out everywhere" from another device closes the projector's socket too.
        await database_sync_to_async(laptop.post)(
            reverse("accounts:logout_everywhere"), {"password": factories.PASSWORD}
        )
        await _closed_with(projector, 4401)
        await elsewhere.disconnect()

    _run(run)


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_users_poll_socket_is_closed():
    from channels.db import database_sync_to_async

    from ekonseling.accounts import services as accounts
    from ekonseling.accounts.models import User
    from ekonseling.counseling import socket_sessions

    world, poll = _live_poll()
    graduate = factories.student(
        world.school, rombel=world.rombel_a, user=factories.user(world.school, "siswa", username="lulus")
    )
    cookies = [_cookie(world.siswa), _cookie(graduate.user), _cookie(world.gurubk)]

    async def run():
        phone, graduates_phone, projector = [await _joined(cookie, poll.pk) for cookie in cookies]

        # Deactivated in the administration: every session ends, the socket closes at once.
        await database_sync_to_async(accounts.deactivated)(world.siswa, world.operator)
        await _closed_with(phone, 4401)

        # Closed in bulk (the year-end step's graduates): at the watch's next look.
        await database_sync_to_async(User.objects.filter(pk=graduate.user_id).update)(is_active=False)
        assert await socket_sessions.watch().check() == 1
        await _closed_with(graduates_phone, 4401)
        assert await projector.receive_nothing(timeout=0.2)
        await projector.disconnect()

    _run(run)


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_closes_the_poll_socket_and_answering_keeps_a_session_alive():
    import datetime

    from channels.db import database_sync_to_async
    from django.contrib.sessions.models import Session

    from ekonseling.counseling import socket_sessions

    world, poll = _live_poll()
    phone_cookie, projector_cookie = _cookie(world.siswa), _cookie(world.gurubk)

    def expire_in(cookie, seconds):
        Session.objects.filter(session_key=cookie).update(
            expire_date=timezone.now() + datetime.timedelta(seconds=seconds)
        )

    def expires(cookie):
        return Session.objects.get(session_key=cookie).expire_date - timezone.now()

    async def run():
        phone = await _joined(phone_cookie, poll.pk)
        projector = await _joined(projector_cookie, poll.pk)
        await database_sync_to_async(expire_in)(phone_cookie, 100)
        await phone.send_json_to({"type": "answer", "choice": 0})
        while (await phone.receive_json_from(timeout=10))["type"] != "answered":
            pass
        await database_sync_to_async(expire_in)(projector_cookie, -1)

        assert await socket_sessions.watch().check() == 1

        await _closed_with(projector, 4401)
        assert await database_sync_to_async(expires)(phone_cookie) > datetime.timedelta(minutes=5)  # renewed
        await phone.disconnect()

    _run(run)


@pytest.mark.django_db(transaction=True)
def test_a_counselor_who_no_longer_serves_the_rombel_stops_seeing_the_counts():
    from channels.db import database_sync_to_async

    from ekonseling.students import caseload

    world, poll = _live_poll()
    cookie = _cookie(world.gurubk)

    def drop_rombel():
        world.rombel_a.counselors.remove(world.gurubk)
        caseload.removed([world.gurubk.pk])

    async def run():
        projector = await _joined(cookie, poll.pk)
        await database_sync_to_async(drop_rombel)()
        await _closed_with(projector, 4403)

    _run(run)


def test_the_demo_has_a_closed_poll_of_x1(db):
    from ekonseling.core import demo
    from ekonseling.information.models import Poll

    demo.load()
    poll = Poll.objects.get()
    assert poll.rombel.name == "X-1" and not poll.is_open and poll.article.title == "Tips belajar menjelang PAS"
    assert services.poll_results(poll)["answered"] == poll.answers.count() >= 1
    demo.load()
    assert Poll.objects.count() == 1
