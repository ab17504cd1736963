"""Defect 1 of issue 10: a guru BK taken off a caseload kept receiving the student's messages on an
open socket. Every way a caseload shrinks now tells the counselor's sockets, which drop what the
policy no longer allows, before the student's next message."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from ekonseling.counseling.models import Conversation

from .test_consumer import chat, frame_of, send, signed_in

pytestmark = pytest.mark.asyncio


async def _watching(live_world, session_cookie):
    """gurubk serves the student through rombel X-A and has the student's new chat open."""
    conversation = await database_sync_to_async(chat)(live_world)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(counselor, "messages")
    return conversation, counselor


async def _cut_off(counselor, student, conversation):
    refused = await frame_of(counselor, "error")
    assert (refused["code"], refused["conversation"]) == ("forbidden", conversation.pk)
    await send(student, conversation.pk, "Bu, ini rahasia ya.")
    await frame_of(student, "ack")
    # The student's message after the change never reaches the removed counselor.
    while not await counselor.receive_nothing(timeout=0.5):
        frame = await counselor.receive_json_from()
        assert frame.get("type") != "message", frame


def _post_caseload_page(world, keep_gurubk):
    client = Client()
    client.force_login(world.koordinator)
    assign = [f"{world.rombel_b.pk}:{world.gurubk_other.pk}"]
    if keep_gurubk:
        assign.append(f"{world.rombel_a.pk}:{world.gurubk.pk}")
    response = client.post(reverse("students:caseload"), {"assign": assign})
    assert response.status_code == 302


async def test_removal_on_the_caseload_page_cuts_the_open_socket(live_world, session_cookie):
    conversation, counselor = await _watching(live_world, session_cookie)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")

    await database_sync_to_async(_post_caseload_page)(live_world, keep_gurubk=False)

    await _cut_off(counselor, student, conversation)
    await counselor.disconnect()
    await student.disconnect()


async def test_removal_through_the_orm_and_a_rombel_move_cut_the_socket(live_world, session_cookie):
    """The admin's filter_horizontal (an m2m remove) and a student moved to another rombel."""
    conversation, counselor = await _watching(live_world, session_cookie)
    student = await signed_in(session_cookie, live_world.siswa)
    await database_sync_to_async(live_world.rombel_a.counselors.remove)(live_world.gurubk)
    await _cut_off(counselor, student, conversation)
    await counselor.disconnect()

    await database_sync_to_async(live_world.rombel_a.counselors.add)(live_world.gurubk)
    conversation, counselor = await _watching(live_world, session_cookie)

    def move():
        live_world.student.rombel = live_world.rombel_b
        live_world.student.save()

    await database_sync_to_async(move)()
    await _cut_off(counselor, student, conversation)
    await counselor.disconnect()
    await student.disconnect()


async def test_a_counselor_who_keeps_the_student_keeps_the_conversation(live_world, session_cookie):
    conversation, counselor = await _watching(live_world, session_cookie)
    await database_sync_to_async(_post_caseload_page)(live_world, keep_gurubk=True)
    await database_sync_to_async(live_world.rombel_b.counselors.remove)(live_world.gurubk_other)
    student = await signed_in(session_cookie, live_world.siswa)
    await send(student, conversation.pk, "Masih di sini, Bu?")
    message = await frame_of(counselor, "message")
    assert message["conversation"] == conversation.pk
    assert await database_sync_to_async(Conversation.objects.filter(pk=conversation.pk).exists)()
    await counselor.disconnect()
    await student.disconnect()
