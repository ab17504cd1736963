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
    assert [(s["kind"], s["text"]) for s in slides] == [
        ("title", "Kenali emosimu"),
        ("text", "Satu ide."),
        ("text", "Dua ide,\nbaris kedua."),
        ("text", "Tiga."),
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
        first = await projector.receive_json_from(timeout=3)
        assert first["type"] == "results" and first["answered"] == 0
        phone = await _socket(cookies["siswa"], poll.pk)
        assert (await phone.receive_json_from(timeout=3))["type"] == "results"
        await phone.send_json_to({"type": "answer", "choice": 1})
        frames = [await phone.receive_json_from(timeout=3), await phone.receive_json_from(timeout=3)]
        assert {"type": "answered", "stored": True} in frames
        live = await projector.receive_json_from(timeout=3)
        assert live["answered"] == 1 and live["options"][1]["count"] == 1 and "siswa" not in str(live)
        await phone.send_json_to({"type": "answer", "choice": 99})
        assert (await phone.receive_json_from(timeout=3))["type"] == "error"
        await projector.send_json_to({"type": "answer", "choice": 0})  # a counselor does not answer
        assert (await projector.receive_json_from(timeout=3))["type"] == "error"
        for name, code in (("outsider", 4403), ("walikelas", 4403)):
            refused = await _socket(cookies[name], poll.pk)
            closed = await refused.receive_output(timeout=3)
            assert closed["type"] == "websocket.close" and closed["code"] == code
        await projector.disconnect()
        await phone.disconnect()

    try:
        async_to_sync(run)()
    finally:
        admission.reset()


def test_the_demo_has_a_closed_poll_of_x1(db):
    from ekonseling.core import demo
    from ekonseling.information.models import Poll

    demo.load()
    poll = Poll.objects.get()
    assert poll.rombel.name == "X-1" and not poll.is_open and poll.article.title == "Tips belajar menjelang PAS"
    assert services.poll_results(poll)["answered"] == poll.answers.count() >= 1
    demo.load()
    assert Poll.objects.count() == 1
