"""The socket's error frames speak the signed-in user's language, not the server's default (issue 15):
no request passes SchoolLanguageMiddleware on a WebSocket, and the batch writer refuses a message on
a thread of its own."""

import pytest
from channels.db import database_sync_to_async
from django.utils import translation

from ekonseling.accounts.models import User
from ekonseling.counseling import services

from .test_consumer import chat, frame_of, send, signed_in

pytestmark = pytest.mark.asyncio


def _choose(user, language):
    User.objects.filter(pk=user.pk).update(language=language)


async def _errors(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")
    await student.send_json_to({"type": "nonsense"})
    unknown = await frame_of(student, "error")
    await send(student, conversation.pk, "x" * (services.MAX_BODY + 1))  # refused by the batch writer
    too_long = await frame_of(student, "error")
    await student.send_to(text_data="{not json")
    malformed = await frame_of(student, "error")
    await student.disconnect()
    return unknown, too_long, malformed


async def test_a_student_who_chose_english_gets_english_error_frames(live_world, session_cookie):
    await database_sync_to_async(_choose)(live_world.siswa, "en")
    unknown, too_long, malformed = await _errors(live_world, session_cookie)
    assert unknown["message"] == "Unknown frame."
    assert too_long["code"] == "too_long"
    assert too_long["message"].startswith("The message is too long"), too_long
    assert str(services.MAX_BODY) in too_long["message"]
    assert malformed["message"] == "This is not valid JSON." or "not valid JSON" in malformed["message"]


async def test_an_english_school_speaks_english_and_a_student_may_keep_indonesian(live_world, session_cookie):
    live_world.school.language = "en"
    await database_sync_to_async(live_world.school.save)()
    await database_sync_to_async(_choose)(live_world.siswa, "id")
    unknown, too_long, malformed = await _errors(live_world, session_cookie)
    assert unknown["message"] == "Frame tidak dikenal."
    assert too_long["message"].startswith("Pesan terlalu panjang"), too_long
    assert "JSON" in malformed["message"] and "not valid" not in malformed["message"]


async def test_the_school_language_is_the_default(live_world, session_cookie):
    live_world.school.language = "en"
    await database_sync_to_async(live_world.school.save)()
    unknown, too_long, _malformed = await _errors(live_world, session_cookie)
    assert unknown["message"] == "Unknown frame."
    assert too_long["message"].startswith("The message is too long"), too_long


async def test_each_socket_keeps_its_own_language_and_leaves_the_callers_alone(live_world, session_cookie):
    """The language is activated once per socket, in the socket's own task (consumers.connect): two
    sockets open side by side still speak each their user's language, frame after frame, and
    the code that opened them keeps its own."""
    await database_sync_to_async(_choose)(live_world.siswa, "en")
    await database_sync_to_async(_choose)(live_world.gurubk, "id")
    before = translation.get_language()
    student = await signed_in(session_cookie, live_world.siswa)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    for _ in range(2):
        for socket in (student, counselor):
            await socket.send_json_to({"type": "nonsense"})
        assert (await frame_of(student, "error"))["message"] == "Unknown frame."
        assert (await frame_of(counselor, "error"))["message"] == "Frame tidak dikenal."
    assert translation.get_language() == before
    await student.disconnect()
    await counselor.disconnect()
