"""Attachments to counseling messages: images (JPEG, PNG, WebP) and PDF documents.

An upload is judged by its content, never by its name or the content type the browser claims: a
program renamed `foto.jpg` or a text file renamed `surat.pdf` is refused. Images are decoded and
re-encoded, which drops EXIF (a phone photo carries the place it was taken, often a child's home)
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

from ekonseling.core import crypto
from ekonseling.core.files import delete_after_commit

from .models import Attachment

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Decoding more pixels than this is a memory attack, not a photo of a handwritten letter.
MAX_PIXELS = 40_000_000
PDF = "application/pdf"
# Pillow format -> (content type, file extension, save options)
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg", {"quality": 88, "optimize": True}),
    "PNG": ("image/png", "png", {"optimize": True}),
    "WEBP": ("image/webp", "webp", {"quality": 88}),
}
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"<>:|?*]')


class AttachmentError(ValueError):
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
        check_pdf(data)
        clean = rewrite_pdf(data)
        if len(clean) > limit:
            raise _too_large()
        return Prepared(data=clean, content_type=PDF, original_name=_display_name(name, "pdf"))
    image_data, image_format = reencode_image(data)
    if len(image_data) > limit:
        raise _too_large()
    content_type, extension, _options = IMAGE_FORMATS[image_format]
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
            if image_format not in IMAGE_FORMATS:
                raise _not_supported()
            if width * height > MAX_PIXELS:
                raise AttachmentError(_("The image has too many pixels; make it smaller."))
            probe.verify()  # checksums and structure, without decoding every pixel
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Upright once EXIF is gone; in place: a copy doubled the memory of a large image (bench).
            ImageOps.exif_transpose(image, in_place=True)
            image = _saveable(image, image_format)
            out = io.BytesIO()
            _content_type, _extension, options = IMAGE_FORMATS[image_format]
            # No exif=, icc_profile= or pnginfo= argument: the new file carries pixels only.
            image.save(out, image_format, **options)
    except AttachmentError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _not_supported() from None
    return out.getvalue(), image_format


def _saveable(image, image_format):
    from PIL import Image

    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        if "A" in image.getbands() or image.mode == "P":
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return image.convert("RGB")
    if image_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    if image_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        return image.convert("RGBA")
    return image


def check_pdf(data):
    """A PDF has its header, and its last cross-reference section can be found and read: the
    `startxref` offset points at an `xref` table followed by a trailer naming the document's
    /Root, or at a cross-reference stream object that does. That refuses a text or program file
    that merely starts with "%PDF-" and truncated uploads, without parsing the whole document."""
    if not _PDF_HEADER.match(data):
        raise _not_pdf()
    tail = data[-4096:]
    found = list(_STARTXREF.finditer(tail))
    if not found:
        raise _not_pdf()
    offset = int(found[-1].group(1))
    if offset <= 0 or offset >= len(data):
        raise _not_pdf()
    section = data[offset : offset + 64 * 1024]
    stripped = section.lstrip()
    if stripped.startswith(b"xref"):
        # The trailer follows the table: 20 bytes per object, so past the first 64 kB in a PDF of
        # more than about 3,000 objects (bench: such a PDF was refused as "not a whole PDF").
        trailer_at = data.find(b"trailer", offset, offset + 64 * 1024 + MAX_PDF_OBJECTS * 21)
        if trailer_at < 0:
            raise _not_pdf()
        trailer = data[trailer_at : trailer_at + 4096]
        if b"<<" not in trailer or b">>" not in trailer or b"/Root" not in trailer:
            raise _not_pdf()
    elif _OBJECT_HEADER.match(stripped):
        header = stripped[:4096]
        if not re.search(rb"/Type\s*/XRef", header) or b"/Root" not in header:
            raise _not_pdf()
    else:
        raise _not_pdf()


# What a PDF may carry besides its pages, and what a counselor's viewer must never run or reveal:
# keys removed wherever they occur (document, pages, annotations, outline items, any dictionary).
_PDF_REMOVED_KEYS = (
    "/OpenAction",  # runs on opening
    "/AA",  # runs on page, field or document events
    "/JS",
    "/JavaScript",
    "/AcroForm",  # forms (and their scripts, XFA)
    "/XFA",
    "/EmbeddedFiles",
    "/EF",  # a file specification's embedded file
    "/RichMedia",
    "/Metadata",  # XMP: author, tool, dates, often the sender's name or device
    "/PieceInfo",  # application private data
)
# Actions that run code, open other files or send data; any /A or /Next holding one is removed.
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/RichMediaExecute",
}
# Annotations that are forms, embedded files or media; links and notes stay.
_PDF_REMOVED_ANNOTATIONS = {"/Widget", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}
MAX_PDF_OBJECTS = 200_000


def rewrite_pdf(data):
    """The PDF written again without metadata (document info and XMP), JavaScript and other
    active actions, forms, embedded files and media; raises `AttachmentError` when it cannot be
    read (or is encrypted: its content could not be checked).

    An anonymous question's PDF carried its author's name in /Author (issue 11 item 5); a PDF can
    run JavaScript when the counselor opens it. Streams are copied as they are, never decompressed,
    so a compressed bomb inside costs nothing; only objects still reachable are written, so what
    was removed is really gone, and the document ID is new (the old one could match the sender's
    own copy).
    """
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.objects) > MAX_PDF_OBJECTS:
                raise _not_pdf()
            for key in ("/Info", "/ID"):
                if key in pdf.trailer:
                    del pdf.trailer[key]
            for obj in [pdf.Root, *pdf.objects]:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
                    _strip_active(obj, pikepdf)
            names = pdf.Root.get("/Names")
            if isinstance(names, pikepdf.Dictionary):
                for key in ("/JavaScript", "/EmbeddedFiles"):
                    if key in names:
                        del names[key]
            for page in pdf.pages:
                _strip_annotations(page.obj, pikepdf)
            out = io.BytesIO()
            pdf.save(
                out,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                compress_streams=False,
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                deterministic_id=True,
            )
    except AttachmentError:
        raise
    except pikepdf.PasswordError:
        raise AttachmentError(_("This PDF is protected with a password. Send a copy without the password.")) from None
    except Exception:  # pikepdf raises many kinds for a damaged file (PdfError, ValueError, ...)
        raise _not_pdf() from None
    return out.getvalue()


def _strip_active(obj, pikepdf, depth=0):
    """Remove active content from one object and the direct objects inside it (indirect ones are
    visited on their own); bounded depth, as a hostile file may nest deeply."""
    if depth > 64:
        return
    if isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Array) and not item.is_indirect:
                _strip_active(item, pikepdf, depth + 1)
        return
    for key in _PDF_REMOVED_KEYS:
        if key in obj:
            del obj[key]
    for key in ("/A", "/Next"):
        action = obj.get(key)
        if isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
            del obj[key]
    if str(obj.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
        del obj["/S"]  # an action object on its own: inert without its kind
    for key in list(obj.keys()):
        value = obj.get(key)
        if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
            _strip_active(value, pikepdf, depth + 1)


def _strip_annotations(page, pikepdf):
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = [a for a in annotations if str(a.get("/Subtype", "")) not in _PDF_REMOVED_ANNOTATIONS]
    if len(kept) != len(annotations):
        page["/Annots"] = pikepdf.Array(kept)


def _not_pdf():
    return AttachmentError(
        _("This file calls itself a PDF but is not a complete PDF document. Save or export it as PDF again.")
    )


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
