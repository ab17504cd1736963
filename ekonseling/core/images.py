"""Uploaded images re-encoded before they are stored: the school logo (and, the same way, the
student photo in `students.forms_records`).

Re-encoding drops EXIF (a phone photo carries the place it was taken) and anything appended after
the image data; the random name keeps names out of the path.
"""

import io
import uuid

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"JPEG", "PNG", "WEBP"}
LOGO_MAX_PIXELS = 25_000_000
LOGO_BOX = (600, 600)


def normalise_logo(upload):
    """The uploaded logo as a PNG of at most 600×600 (transparency kept) under a random name.

    Raises forms.ValidationError for a file too large, not JPEG/PNG/WebP, or with too many pixels.
    `upload` is what forms.ImageField cleans (it carries `.image`).
    """
    from PIL import Image, ImageOps

    if upload.size > LOGO_MAX_BYTES:
        raise forms.ValidationError(_("The logo may be at most 1 MB."))
    image_info = getattr(upload, "image", None)
    if image_info is None or image_info.format not in LOGO_FORMATS:
        raise forms.ValidationError(_("Upload a JPEG, PNG or WebP image."))
    width, height = image_info.size
    if width * height > LOGO_MAX_PIXELS:
        raise forms.ValidationError(_("The image has too many pixels; make it smaller."))
    upload.seek(0)
    with Image.open(upload) as image:
        ImageOps.exif_transpose(image, in_place=True)  # no second copy of a large image
        image.thumbnail(LOGO_BOX)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
