"""Attachments in the live chat: checked by content and size, stored encrypted through the letters'
path, carried in the message payload without a query per message, served only through the policy."""

import io
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from ekonseling.accounts.models import Role
from ekonseling.core import crypto
from ekonseling.counseling import attachments, letters, protocol, services
from ekonseling.counseling.models import Attachment, Message
from tests import factories
from tests.files import pdf_bytes


def png_bytes(size=(20, 10)):
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def stored_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def chat(world):
    return services.start_conversation(world.student)


def upload(client, conversation, data, name="foto.png", content_type="image/png", body="", key=None):
    fields = {"client_key": str(key or uuid.uuid4()), "body": body}
    if data is not None:
        fields["file"] = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(reverse("counseling:chat_attachment", args=[conversation.pk]), fields)


@pytest.fixture
def memory_layer(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def frames_of(group):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)

    async def receive_now():
        import asyncio

        return await asyncio.wait_for(layer.receive(channel), timeout=0.2)

    def drain():
        frames = []
        while True:
            try:
                frames.append(async_to_sync(receive_now)())
            except TimeoutError:
                return frames

    return drain


def test_an_image_is_acked_stored_encrypted_broadcast_and_carried_in_the_payload(
    client, world, chat, memory_layer, django_capture_on_commit_callbacks
):
    room = frames_of(services.conversation_group(chat.pk))
    inbox = frames_of(services.user_group(world.gurubk.pk))
    client.force_login(world.siswa)
    key = uuid.uuid4()

    # The broadcast goes out once the message and its file are committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, chat, png_bytes(), name="rumah Budi.png", key=key)

    assert response.status_code == 200, response.content
    ack = response.json()
    assert ack["type"] == "ack" and ack["seq"] == 1 and ack["client_key"] == str(key) and not ack["duplicate"]
    message = Message.objects.select_related("attachment").get(conversation=chat)
    assert message.body == "[Foto]"
    attachment = message.attachment
    assert attachment.content_type == "image/png"
    on_disk = (settings.MEDIA_ROOT / attachment.file.name).read_bytes()
    assert not on_disk.startswith(b"\x89PNG")
    assert "Budi" not in attachment.file.name
    assert crypto.fernet().decrypt(on_disk).startswith(b"\x89PNG")

    url = reverse("counseling:attachment", args=[attachment.pk])
    (item,), complete = services.messages_after(chat, 0)
    assert complete
    assert item["attachment"] == {"url": url, "content_type": "image/png", "size": attachment.size}
    assert "Budi" not in str(item)

    frames = room()
    assert [f["type"] for f in frames] == ["conversation.message"]  # once, not twice
    assert json.loads(frames[0]["text"])["attachment"]["url"] == url  # encoded once by the publisher
    assert "Budi" not in str(frames[0])
    # The inbox row, once; it refreshes the menu badge and home card too (static/js/live.js), so no
    # live.refresh on top of it.
    event = {"type": "updated", "conversation": chat.pk}
    assert inbox() == [{"type": "inbox.event", "event": event, "text": json.dumps({"type": "inbox", "event": event})}]

    # A resend of the same upload is the stored message, not a second one.
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(client, chat, png_bytes(), key=key)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Attachment.objects.count() == 1
    # Told again as stored (a page that missed the first broadcast shows it; others have its seq).
    (told_again,) = room()
    assert told_again["text"] == frames[0]["text"]


def test_a_caption_is_the_message_body_and_a_pdf_says_what_it_is(client, world, chat):
    client.force_login(world.siswa)

    assert upload(client, chat, png_bytes(), body="lihat ini").status_code == 200
    letter = pdf_bytes("Surat dokter")
    assert upload(client, chat, letter, name="surat.pdf", content_type="application/pdf").status_code == 200

    assert list(chat.messages.order_by("seq").values_list("body", flat=True)) == ["lihat ini", "[PDF]"]
    page = client.get(reverse("counseling:conversation", args=[chat.pk])).content.decode()
    for att in Attachment.objects.all():
        assert reverse("counseling:attachment", args=[att.pk]) in page


def test_the_student_and_the_handling_counselor_get_the_file_and_nobody_else(client, world, chat):
    client.force_login(world.siswa)
    upload(client, chat, png_bytes())
    services.claim(chat, world.gurubk)
    url = reverse("counseling:attachment", args=[Attachment.objects.get().pk])

    assert client.get(url).status_code == 200
    client.force_login(world.gurubk)
    served = client.get(url)
    assert served.status_code == 200
    assert served.content.startswith(b"\x89PNG")

    other_account = factories.user(world.school, Role.SISWA)
    factories.student(world.school, rombel=world.rombel_a, user=other_account)
    for outsider in (other_account, world.walikelas, world.gurubk_other):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404), outsider.role


def test_a_program_renamed_jpg_is_refused_and_nothing_is_stored(client, world, chat):
    client.force_login(world.siswa)

    response = upload(client, chat, b"MZ\x90\x00" + b"\x00" * 600, name="foto.jpg", content_type="image/jpeg")

    assert response.status_code == 400
    error = response.json()
    assert error["type"] == "error" and error["code"] == "bad_attachment"
    assert "bukan namanya" in error["message"]  # "its content was checked, not its name"
    assert not Message.objects.exists() and not Attachment.objects.exists() and stored_files() == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(client, world, chat, settings):
    settings.COUNSELING_ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.siswa)

    response = upload(client, chat, png_bytes((200, 200)))

    assert response.status_code == 400
    assert response.json()["code"] == "bad_attachment"
    assert "terlalu besar" in response.json()["message"]  # "too large"
    assert not Message.objects.exists() and not Attachment.objects.exists() and stored_files() == []


def test_no_file_or_no_client_key_is_a_400(client, world, chat):
    client.force_login(world.siswa)

    assert upload(client, chat, None).json()["code"] == "bad_attachment"
    response = client.post(reverse("counseling:chat_attachment", args=[chat.pk]), {"file": png_bytes()})
    assert response.status_code == 400 and response.json()["code"] == "bad_key"
    assert not Message.objects.exists()


def test_a_letter_or_someone_elses_chat_is_a_404(client, world):
    letter = letters.start_letter(
        world.student, world.siswa, subject="Surat", body="Isi surat.", client_key=uuid.uuid4()
    ).conversation
    other_account = factories.user(world.school, Role.SISWA)
    other = factories.student(world.school, rombel=world.rombel_a, user=other_account)
    theirs = services.start_conversation(other)
    client.force_login(world.siswa)

    assert upload(client, letter, png_bytes()).status_code == 404
    assert upload(client, theirs, png_bytes()).status_code == 404
    assert not Attachment.objects.exists()


def test_the_upload_shares_the_message_rate_limit(client, world, chat, monkeypatch):
    from ekonseling.core import ratelimit
    from ekonseling.counseling import protocol

    monkeypatch.setattr(protocol, "SEND_LIMIT", 1)
    # The limiter's windows are fixed minutes: one that turned between the two uploads let the second
    # through (seen once in CI); the clock stands still here.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)
    client.force_login(world.siswa)

    assert upload(client, chat, png_bytes()).status_code == 200
    limited = upload(client, chat, png_bytes())
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert Attachment.objects.count() == 1


def _with_attachments(world, count):
    conversation = services.start_conversation(world.student)
    for _ in range(count):
        prepared = attachments.prepare(SimpleUploadedFile("f.png", png_bytes(), content_type="image/png"))
        letters.reply(conversation, world.siswa, body="foto", client_key=uuid.uuid4(), prepared=prepared)
    services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "tanpa lampiran")])
    return conversation


def test_messages_after_costs_the_same_queries_however_many_attachments(world, django_assert_num_queries):
    one, five = _with_attachments(world, 1), _with_attachments(world, 5)
    with CaptureQueriesContext(connection) as baseline:
        batch, _complete = services.messages_after(one, 0)
    assert len(batch) == 2 and "attachment" in batch[0] and "attachment" not in batch[1]

    with django_assert_num_queries(len(baseline)):
        batch, _complete = services.messages_after(five, 0)
    assert len(baseline) == 1
    assert sum("attachment" in m for m in batch) == 5


def test_a_payload_of_a_message_stored_without_attachment_needs_no_query(world, chat, django_assert_num_queries):
    (posted,) = services.post_messages([services.Draft(chat.pk, world.siswa, uuid.uuid4(), "halo")])
    with django_assert_num_queries(0):
        assert "attachment" not in protocol.message(posted.message)
