"""Attachment files follow their rows: deleted when the row's deletion commits, re-encrypted by
`rotate_data_keys` so that the old key can be removed."""

import io
import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import transaction
from django.db.models.deletion import Collector

from ekonseling.counseling import attachments, letters
from ekonseling.counseling.models import Attachment, Conversation, Message
from ekonseling.students import records

ORIGINAL = b"%PDF-1.4 surat dokter untuk izin sakit"


def attach(student, sender, data=ORIGINAL):
    """A letter from `sender` (the student's own account or a counselor of theirs) with a stored attachment."""
    started = letters.start_letter(student, sender, subject="Lampiran", body="Ini suratnya.", client_key=uuid.uuid4())
    prepared = attachments.Prepared(data=data, content_type=attachments.PDF, original_name="surat.pdf")
    return attachments.store(started.posted.message, prepared)


def exists(attachment):
    return attachment.file.storage.exists(attachment.file.name)


# --- deletion ---------------------------------------------------------------------------------------------


def test_deleting_the_message_deletes_the_file_after_the_commit(world, django_capture_on_commit_callbacks):
    attachment = attach(world.student, world.siswa)
    assert exists(attachment)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attachment.message.delete()
        assert exists(attachment)  # not before the commit

    assert len(callbacks) == 1
    assert not exists(attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_the_conversation_deletes_its_files(world, django_capture_on_commit_callbacks, how):
    first = attach(world.student, world.siswa)
    conversation = first.message.conversation
    message = Message.objects.create(
        conversation=conversation, sender=world.siswa, sender_role="student", body="lagi", seq=99
    )
    second = attachments.store(
        message, attachments.Prepared(data=b"kedua", content_type=attachments.PDF, original_name="dua.pdf")
    )
    kept = attach(world.other_student, world.koordinator)

    with django_capture_on_commit_callbacks(execute=True):
        if how == "instance":
            conversation.delete()
        else:
            Conversation.objects.filter(pk=conversation.pk).delete()

    assert not exists(first)
    assert not exists(second)
    assert exists(kept)


def test_attachments_are_never_fast_deleted_past_their_receiver(db):
    # A fast delete is one DELETE query without loading rows or sending post_delete.
    assert not Collector(using="default").can_fast_delete(Attachment.objects.all())


def test_an_attachment_missing_its_file_is_deleted_without_error(world, django_capture_on_commit_callbacks):
    attachment = attach(world.student, world.siswa)
    attachment.file.storage.delete(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        attachment.message.conversation.delete()

    assert not Attachment.objects.exists()


def test_a_failed_file_deletion_is_logged_not_raised(world, django_capture_on_commit_callbacks, monkeypatch, caplog):
    attachment = attach(world.student, world.siswa)
    storage = attachment.file.storage

    def refuse(name):
        raise PermissionError(name)

    monkeypatch.setattr(storage, "delete", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        attachment.message.delete()

    assert not Attachment.objects.exists()
    assert exists(attachment)
    assert f"Could not delete the stored file {attachment.file.name}" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_deletion_keeps_the_file_a_committed_one_does_not():
    from tests import factories

    world = factories.SchoolWorld("SMA Transaksi")
    attachment = attach(world.student, world.siswa)
    conversation_pk = attachment.message.conversation_id

    with pytest.raises(RuntimeError), transaction.atomic():
        Conversation.objects.get(pk=conversation_pk).delete()
        raise RuntimeError("rolled back")

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert exists(attachment)

    Conversation.objects.get(pk=conversation_pk).delete()

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not exists(attachment)


def test_erasing_the_student_removes_their_attachment_files(world, django_capture_on_commit_callbacks):
    theirs = attach(world.student, world.siswa)
    another = attach(world.other_student, world.koordinator)
    deletion = records.request_deletion(world.student, world.koordinator, "Permintaan orang tua")

    with django_capture_on_commit_callbacks(execute=True):
        records.carry_out_deletion(deletion, world.operator)

    assert not Attachment.objects.filter(pk=theirs.pk).exists()
    assert not exists(theirs)
    assert exists(another)
    assert attachments.open_decrypted(Attachment.objects.get(pk=another.pk)) == ORIGINAL


# --- key rotation -----------------------------------------------------------------------------------------


def rotate(django_capture_on_commit_callbacks):
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_data_keys", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rotation_re_encrypts_files_under_a_new_name_so_the_old_key_can_go(
    world, settings, django_capture_on_commit_callbacks
):
    old_key = settings.DATA_KEYS[0]
    attachment = attach(world.student, world.siswa)
    old_name = attachment.file.name
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]

    out, err = rotate(django_capture_on_commit_callbacks)

    settings.DATA_KEYS = [new_key]
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert attachment.file.name != old_name
    assert attachment.file.name.startswith("counseling/attachments/")
    assert attachment.file.name.endswith(".bin")
    assert not attachment.file.storage.exists(old_name)
    assert attachments.open_decrypted(attachment) == ORIGINAL
    assert attachment.original_name == "surat.pdf"
    with attachment.file.storage.open(attachment.file.name, "rb") as fh:
        assert Fernet(new_key.encode()).decrypt(fh.read()) == ORIGINAL
    assert "Attachment files: 1 re-encrypted, 0 missing, 0 unreadable." in out
    assert err == ""


def test_the_old_file_stays_until_the_rotation_commits(world, settings, django_capture_on_commit_callbacks):
    attachment = attach(world.student, world.siswa)
    old_name = attachment.file.name
    settings.DATA_KEYS = [Fernet.generate_key().decode(), settings.DATA_KEYS[0]]

    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.rotate_file(attachment) == attachments.ROTATED
        assert attachment.file.storage.exists(old_name)
        assert attachment.file.storage.exists(attachment.file.name)

    assert not attachment.file.storage.exists(old_name)
    assert Attachment.objects.get(pk=attachment.pk).file.name == attachment.file.name


def test_a_row_changed_meanwhile_is_left_alone_and_leaves_no_extra_file(world, django_capture_on_commit_callbacks):
    attachment = attach(world.student, world.siswa)
    stale = Attachment.objects.get(pk=attachment.pk)
    Attachment.objects.filter(pk=attachment.pk).update(file="counseling/attachments/other.bin")
    before = set(attachment.file.storage.listdir(attachment.file.name.rsplit("/", 1)[0])[1])

    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.rotate_file(stale) == attachments.CHANGED

    after = set(attachment.file.storage.listdir(attachment.file.name.rsplit("/", 1)[0])[1])
    assert after == before
    assert exists(attachment)


def test_a_missing_or_unreadable_file_is_reported_not_fatal(world, settings, django_capture_on_commit_callbacks):
    old_key = settings.DATA_KEYS[0]
    missing = attach(world.student, world.siswa)
    missing.file.storage.delete(missing.file.name)
    unreadable = attach(world.student, world.siswa)
    lost = Fernet(Fernet.generate_key()).encrypt(b"under a key that is lost")
    with unreadable.file.storage.open(unreadable.file.name, "wb") as fh:
        fh.write(lost)
    fine = attach(world.other_student, world.koordinator)
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]

    out, err = rotate(django_capture_on_commit_callbacks)

    assert "Attachment files: 1 re-encrypted, 1 missing, 1 unreadable." in out
    assert f"Attachment {missing.pk}: file missing: {missing.file.name}" in err
    assert f"Attachment {unreadable.pk}: no key decrypts {unreadable.file.name}" in err
    assert Attachment.objects.get(pk=missing.pk).file.name == missing.file.name
    assert Attachment.objects.get(pk=unreadable.pk).file.name == unreadable.file.name
    assert exists(unreadable)
    settings.DATA_KEYS = [new_key]
    assert attachments.open_decrypted(Attachment.objects.get(pk=fine.pk)) == ORIGINAL
