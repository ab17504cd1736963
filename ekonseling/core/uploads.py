"""Files from outside judged by their content: the checks every upload path shares.

A PDF must be whole (`check_pdf`: its last cross-reference section found and read) and is written
again without what a reader could run or what names its author (`rewrite_pdf`); an image is
re-encoded in a mode its format can write (`saveable`), in one of `IMAGE_FORMATS`. The counseling
attachments (`counseling.attachments`) and the information service's media (`information.media`)
both use these, each with its own size caps, pixel limits and wording of the refusal around them:
a hostile file is refused, or made harmless, the same way wherever it arrives.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _

# Pillow format -> (content type, file extension, save options)
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg", {"quality": 88, "optimize": True}),
    "PNG": ("image/png", "png", {"optimize": True}),
    "WEBP": ("image/webp", "webp", {"quality": 88}),
}

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")


class UploadError(ValueError):
    """A file that is refused; the text says why and is shown to the person who sent it."""


def saveable(image, image_format):
    """The image in a mode its format can write (JPEG: RGB or L, on white where there was
    transparency)."""
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


def check_pdf(data: bytes) -> None:
    """A PDF has its header, and its last cross-reference section can be found and read: the
    `startxref` offset points at an `xref` table followed by a trailer naming the document's
    /Root, or at a cross-reference stream object that does. That refuses a text or program file
    that merely starts with "%PDF-" and truncated uploads, without parsing the whole document."""
    if not _PDF_HEADER.match(data):
        raise not_pdf()
    tail = data[-4096:]
    found = list(_STARTXREF.finditer(tail))
    if not found:
        raise not_pdf()
    offset = int(found[-1].group(1))
    if offset <= 0 or offset >= len(data):
        raise not_pdf()
    section = data[offset : offset + 64 * 1024]
    stripped = section.lstrip()
    if stripped.startswith(b"xref"):
        # The trailer follows the table: 20 bytes per object, so past the first 64 kB in a PDF of
        # more than about 3,000 objects (bench: such a PDF was refused as "not a whole PDF").
        trailer_at = data.find(b"trailer", offset, offset + 64 * 1024 + MAX_PDF_OBJECTS * 21)
        if trailer_at < 0:
            raise not_pdf()
        trailer = data[trailer_at : trailer_at + 4096]
        if b"<<" not in trailer or b">>" not in trailer or b"/Root" not in trailer:
            raise not_pdf()
    elif _OBJECT_HEADER.match(stripped):
        header = stripped[:4096]
        if not re.search(rb"/Type\s*/XRef", header) or b"/Root" not in header:
            raise not_pdf()
    else:
        raise not_pdf()


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


def rewrite_pdf(data: bytes) -> bytes:
    """The PDF written again without metadata (document info and XMP), JavaScript and other
    active actions, forms, embedded files and media; raises `UploadError` when it cannot be
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
                raise not_pdf()
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
    except UploadError:
        raise
    except pikepdf.PasswordError:
        raise UploadError(_("This PDF is protected with a password. Send a copy without the password.")) from None
    except Exception:  # pikepdf raises many kinds for a damaged file (PdfError, ValueError, ...)
        raise not_pdf() from None
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


def not_pdf() -> UploadError:
    return UploadError(
        _("This file calls itself a PDF but is not a complete PDF document. Save or export it as PDF again.")
    )
