"""Images, PDF documents and videos in an article, judged by their content.

An upload is checked by what it is, never by its name or the content type the browser claims, with
the size capped before anything is read:

- **images** (JPEG, PNG, WebP): the pixel count is read from the header and refused above
  ``MAX_PIXELS`` (25 M) before any decoding (a decompression bomb costs
  nothing), then the image is decoded once (a large JPEG at a reduced scale), made at most
  ``MAX_SIDE`` pixels wide or high for the students' phones and encoded again with pixels only
  (EXIF, with the place a phone photo was taken, and anything appended are gone);
- **PDF**: the structure is checked and the document written again without metadata, JavaScript,
  forms, embedded files or media (`core.uploads.check_pdf` / `rewrite_pdf`, as the counseling
  attachments are; streams are copied, never decompressed);
- **video** (MP4, WebM; not re-encoded: no encoder on the server): an MP4's top-level boxes must
  cover the file exactly and hold ``moov``; the user-data and metadata boxes (``udta``, ``meta``,
  where phones write the place and the device) are overwritten by ``free`` boxes of the same size,
  so nothing shifts. A WebM must start with an EBML header whose DocType is ``webm``.

Files are stored under random names in the private MEDIA_ROOT and served only by the policy-checked
view (`views.media`), never by a public URL, a CDN or an external player.
"""

from __future__ import annotations

import io
import secrets
import struct
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ekonseling.core import uploads

IMAGE_MAX_BYTES = 8 * 1024 * 1024
PDF_MAX_BYTES = 10 * 1024 * 1024
VIDEO_MAX_BYTES = 50 * 1024 * 1024
# Decoded once at most (an RGBA PNG at the cap is 100 MB in memory): a 24 MP phone photo fits.
MAX_PIXELS = 25_000_000
MAX_SIDE = 1920
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm,.jpg,.jpeg,.png,.webp,.pdf,.mp4,.webm"

IMAGE, PDF, VIDEO = "image", "pdf", "video"
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV"}
_MP4_STRIPPED = {b"udta", b"meta"}
_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


class MediaError(uploads.UploadError):
    """An upload that is refused; the text says why."""


@dataclass(frozen=True)
class Checked:
    kind: str
    data: bytes
    content_type: str
    extension: str
    original_name: str
    width: int | None = None
    height: int | None = None


def video_max_bytes() -> int:
    return int(getattr(settings, "INFORMATION_VIDEO_MAX_BYTES", VIDEO_MAX_BYTES))


def _too_large(limit: int) -> MediaError:
    return MediaError(_("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)})


def _unsupported() -> MediaError:
    return MediaError(
        _(
            "This file is not a JPEG, PNG or WebP image, a PDF document or an MP4/WebM video. Its content "
            "was checked, not its name, so renaming it does not help."
        )
    )


def _name(name: str, extension: str) -> str:
    stem = "".join(
        ch for ch in PurePath((name or "").replace("\\", "/")).stem if ch.isprintable() and ch not in '"<>:|?*'
    )
    return f"{stem.strip(' .')[:100] or 'media'}.{extension}"


def check(upload) -> Checked:
    """Check an uploaded file (see the module's text) and return what may be stored, or raise
    `MediaError`. The largest cap is checked before anything is read."""
    largest = max(IMAGE_MAX_BYTES, PDF_MAX_BYTES, video_max_bytes())
    if upload.size is None or upload.size > largest:
        raise _too_large(largest)
    if upload.size == 0:
        raise MediaError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(64)
    name = upload.name or ""
    if head.startswith(b"%PDF-"):
        return _pdf(_read_all(upload, PDF_MAX_BYTES), name)
    if head[4:8] == b"ftyp":
        return _mp4(_read_all(upload, video_max_bytes()), name)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _webm(_read_all(upload, video_max_bytes()), name)
    return _image(_read_all(upload, IMAGE_MAX_BYTES), name)


def _read_all(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise _too_large(limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _pdf(data: bytes, name: str) -> Checked:
    try:
        uploads.check_pdf(data)
        clean = uploads.rewrite_pdf(data)
    except uploads.UploadError as error:
        raise MediaError(str(error)) from None
    if len(clean) > PDF_MAX_BYTES:
        raise _too_large(PDF_MAX_BYTES)
    return Checked(PDF, clean, "application/pdf", "pdf", _name(name, "pdf"))


def _image(data: bytes, name: str) -> Checked:
    """One decode: the pixel cap from the header first, then decoded (a JPEG at a reduced scale
    when it is larger than the phone size), turned upright, made at most MAX_SIDE and encoded again
    with pixels only (no exif=, icc_profile= or pnginfo=)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in uploads.IMAGE_FORMATS:
                raise _unsupported()
            if width * height > MAX_PIXELS:
                raise MediaError(_("The image has too many pixels; make it smaller."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image_format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 scale when it can
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=None)  # no intermediate copy
            image = uploads.saveable(image, image_format)
            content_type, extension, options = uploads.IMAGE_FORMATS[image_format]
            out = io.BytesIO()
            image.save(out, image_format, **options)
            width, height = image.size
    except MediaError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _unsupported() from None
    return Checked(IMAGE, out.getvalue(), content_type, extension, _name(name, extension), width, height)


def _mp4_boxes(data: bytes, start: int, end: int):
    """(type, offset, size) of the boxes from ``start`` to ``end``; raises MediaError unless they
    cover the span exactly."""
    at = start
    while at < end:
        if end - at < 8:
            raise _unsupported()
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size == 1:
            if end - at < 16:
                raise _unsupported()
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        elif size == 0:
            size = end - at  # to the end of the file
        if size < 8 or at + size > end:
            raise _unsupported()
        yield kind, at, size
        at += size


def _mp4(data: bytes, name: str) -> Checked:
    if data[8:12] not in _MP4_BRANDS:
        raise _unsupported()
    out = bytearray(data)
    seen = set()

    def walk(start, end, depth):
        if depth > 8:
            raise _unsupported()
        for kind, at, size in _mp4_boxes(data, start, end):
            if depth == 0:
                seen.add(kind)
            if kind in _MP4_STRIPPED:
                header = 16 if struct.unpack(">I", data[at : at + 4])[0] == 1 else 8
                out[at + 4 : at + 8] = b"free"
                out[at + header : at + size] = bytes(size - header)
            elif kind in _MP4_CONTAINERS:
                walk(at + 8, at + size, depth + 1)

    walk(0, len(data), 0)
    if b"moov" not in seen or b"ftyp" not in seen:
        raise _unsupported()
    return Checked(VIDEO, bytes(out), "video/mp4", "mp4", _name(name, "mp4"))


def _webm(data: bytes, name: str) -> Checked:
    if b"\x42\x82\x84webm" not in data[:64]:  # EBML DocType element, "webm"
        raise _unsupported()
    return Checked(VIDEO, data, "video/webm", "webm", _name(name, "webm"))


def random_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"
