"""Attachments to counseling messages: images (JPEG, PNG, WebP) and PDF documents.

An upload is judged by its content, never by its name or the content type the browser claims: a
program renamed `foto.jpg` or a text file renamed `surat.pdf` is refused (the PDF checks and the
image formats are the kernel's, `core.uploads`, shared with the information service's media). Images
are decoded and re-encoded, which drops EXIF (a phone photo carries the place it was taken, often a child's home)
and anything hidden after the image data. The bytes are encrypted (Fernet, the data keys of
`core.crypto`) before they reach the disk, under a random name that says nothing about the file;
the original name is kept only in the encrypted database column. Files are read back only through
`open_decrypted`, which the policy-checked attachment view calls. A file is deleted when its row is
(`apps._delete_attachment_file`) and re-encrypted by `rotate_data_keys` (`rotate_file`).
"""

import io
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ekonseling.core import crypto, uploads
from ekonseling.core.files import delete_after_commit

from .models import Attachment

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Decoding more pixels than this is a memory attack, not a photo of a handwritten letter.
MAX_PIXELS = 40_000_000
PDF = "application/pdf"
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"<>:|?*]')


class AttachmentError(uploads.UploadError):
    """An upload that is refused; the text says why and is shown to the person who sent it."""


@dataclass(frozen=True)
class Prepared:
    """A checked upload, ready to be encrypted and stored."""

    data: bytes
    content_type: str
    original_name: str

    @property
    def size(self):
        return len(self.data)

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


def max_bytes():
    return int(getattr(settings, "COUNSELING_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def is_image(attachment):
    return attachment.content_type.startswith("image/")


def _too_large():
    return AttachmentError(
        _("The file is too large: at most %(limit)s. Send a smaller photo or split the document.")
        % {"limit": filesizeformat(max_bytes())}
    )


def _not_supported():
    return AttachmentError(
        _(
            "This file is not a JPEG, PNG or WebP image or a PDF document. Its content was checked, "
            "not its name, so renaming it does not help."
        )
    )


def prepare(upload):
    """Check an uploaded file and return what may be stored, or raise `AttachmentError`.

    The size is checked before anything is read, so a huge upload costs no decoding.
    """
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise _too_large()
    if upload.size == 0:
        raise AttachmentError(_("The file is empty."))
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    name = upload.name or ""
    if data.startswith(b"%PDF-"):
        try:
            uploads.check_pdf(data)
            clean = uploads.rewrite_pdf(data)
        except uploads.UploadError as error:
            raise AttachmentError(str(error)) from None
        if len(clean) > limit:
            raise _too_large()
        return Prepared(data=clean, content_type=PDF, original_name=_display_name(name, "pdf"))
    image_data, image_format = reencode_image(data)
    if len(image_data) > limit:
        raise _too_large()
    content_type, extension, _options = uploads.IMAGE_FORMATS[image_format]
    return Prepared(data=image_data, content_type=content_type, original_name=_display_name(name, extension))


def _display_name(name, extension):
    """The name shown for a download: the sender's own name, with the extension of what it really is."""
    stem = _UNSAFE_IN_NAME.sub("", PurePath(name.replace("\\", "/")).stem).strip(" .")[:100]
    return f"{stem or _('attachment')}.{extension}"


def reencode_image(data):
    """Decode an image and encode it again in its own format, with no metadata; returns
    (bytes, Pillow format). Raises `AttachmentError` for anything that is not a whole JPEG, PNG
    or WebP image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in uploads.IMAGE_FORMATS:
                raise _not_supported()
            if width * height > MAX_PIXELS:
                raise AttachmentError(_("The image has too many pixels; make it smaller."))
            probe.verify()  # checksums and structure, without decoding every pixel
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Upright once EXIF is gone; in place: a copy doubled the memory of a large image (bench).
            ImageOps.exif_transpose(image, in_place=True)
            image = uploads.saveable(image, image_format)
            out = io.BytesIO()
            _content_type, _extension, options = uploads.IMAGE_FORMATS[image_format]
            # No exif=, icc_profile= or pnginfo= argument: the new file carries pixels only.
            image.save(out, image_format, **options)
    except AttachmentError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _not_supported() from None
    return out.getvalue(), image_format


def store(message, prepared):
    """Encrypt the checked bytes and write them under a random name; returns the Attachment.

    The name on disk is random so that neither the student's name nor the file's own name ever
    reaches the file system, a backup or a log of it.
    """
    attachment = Attachment(
        message=message,
        content_type=prepared.content_type,
        size=prepared.size,
        original_name=prepared.original_name,
    )
    token = crypto.fernet().encrypt(prepared.data)
    attachment.file.save(_random_name(), ContentFile(token), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def open_decrypted(attachment):
    """The original bytes of a stored attachment. Raises FileNotFoundError when the file is gone
    and `crypto.InvalidToken` when it cannot be decrypted with any of the data keys."""
    with attachment.file.storage.open(attachment.file.name, "rb") as fh:
        token = fh.read()
    return crypto.fernet().decrypt(token)


def _random_name():
    return f"{secrets.token_hex(16)}.bin"


ROTATED = "rotated"
MISSING = "missing"
CHANGED = "changed"


def rotate_file(attachment):
    """Re-encrypt an attachment's file under the first data key, so that older keys can be removed.

    The new token is written under a new random name and the row is pointed at it in a
    transaction; the old file is deleted only after the commit. Writing in place could lose the
    only copy in a crash; this way a crash leaves at worst an extra file, never a row without one.
    Returns ROTATED; MISSING when the file is not there (nothing is changed); CHANGED when the row
    was deleted or given another file meanwhile (the new file is removed again). Raises
    `crypto.InvalidToken` when none of the keys decrypts the file.
    """
    storage = attachment.file.storage
    old_name = attachment.file.name
    try:
        with storage.open(old_name, "rb") as fh:
            token = fh.read()
    except FileNotFoundError:
        return MISSING
    new_token = crypto.fernet().rotate(token)
    new_name = storage.save(attachment.file.field.generate_filename(attachment, _random_name()), ContentFile(new_token))
    try:
        with transaction.atomic():
            # Only if the row still has the file just read: a concurrent change wins.
            updated = Attachment.objects.filter(pk=attachment.pk, file=old_name).update(file=new_name)
            if updated:
                delete_after_commit(storage, old_name)
    except BaseException:
        storage.delete(new_name)
        raise
    if not updated:
        storage.delete(new_name)
        return CHANGED
    attachment.file.name = new_name
    return ROTATED


def rotate_files(batch_size: int, out, err) -> None:
    """Re-encrypt every attachment file under the primary key (for `rotate_data_keys`); files that
    are missing or that no key decrypts are reported and left as they are."""
    counts = Counter()
    # The ids first: the loop below changes the rows it walks through.
    pks = list(Attachment.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        for attachment in Attachment.objects.filter(pk__in=pks[start : start + batch_size]).only("pk", "file"):
            try:
                outcome = rotate_file(attachment)
            except crypto.InvalidToken:
                outcome = "unreadable"
                err.write(f"Attachment {attachment.pk}: no key decrypts {attachment.file.name}")
            if outcome == MISSING:
                err.write(f"Attachment {attachment.pk}: file missing: {attachment.file.name}")
            counts[outcome] += 1
    line = (
        f"Attachment files: {counts[ROTATED]} re-encrypted, "
        f"{counts[MISSING]} missing, {counts['unreadable']} unreadable"
    )
    if counts[CHANGED]:
        line += f", {counts[CHANGED]} changed meanwhile"
    out.write(line + ".")
