"""The kernel's checks of files from outside (core.uploads): a whole PDF, written again without what
a reader could run or what names its author; images in a mode their format can write. The
counseling attachments and the article media both use them (their own tests go through the apps)."""

import io
import tomllib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from ekonseling.core import uploads
from ekonseling.counseling import attachments
from ekonseling.information import media
from tests.files import PDF_TRACES as TRACES
from tests.files import hostile_pdf, locked_pdf, pdf_bytes


def test_a_whole_pdf_passes_and_is_written_again_without_what_could_run_or_name_its_author():
    document = hostile_pdf()
    uploads.check_pdf(document)
    assert all(trace in document for trace in TRACES)

    clean = uploads.rewrite_pdf(document)

    assert [trace for trace in TRACES if trace in clean] == []
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer and not pdf.attachments


@pytest.mark.parametrize(
    "data",
    [
        b"Ini bukan PDF, hanya teks biasa.\n" * 20,
        pdf_bytes()[:300],
        b"%PDF-1.7\nhello\n%%EOF\n",
        b"%PDF-1.7\n" + b"x" * 100 + b"\nstartxref\n5\n%%EOF\n",
    ],
    ids=["text", "truncated", "header-only", "xref-to-nothing"],
)
def test_what_is_not_a_whole_pdf_is_refused(data):
    with pytest.raises(uploads.UploadError, match="PDF"):
        uploads.check_pdf(data)


def test_a_password_protected_pdf_is_refused_clearly():
    with pytest.raises(uploads.UploadError, match="(?i)password|sandi"):
        uploads.rewrite_pdf(locked_pdf())


def test_a_pdf_of_many_objects_is_a_whole_pdf():
    """Its trailer lies past the first 64 kB after `xref` (bench/bench_hostile_files.py found it
    refused as "not a whole PDF")."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Many = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=n)) for n in range(5000)])
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    uploads.check_pdf(out.getvalue())
    assert uploads.rewrite_pdf(out.getvalue()).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("mode", "image_format", "expected"),
    [
        ("RGBA", "JPEG", "RGB"),
        ("P", "JPEG", "RGB"),
        ("CMYK", "JPEG", "RGB"),
        ("L", "WEBP", "RGB"),
        ("CMYK", "PNG", "RGBA"),
    ],
)
def test_an_image_is_brought_to_a_mode_its_format_writes(mode, image_format, expected):
    image = Image.new(mode, (4, 4))
    converted = uploads.saveable(image, image_format)
    assert converted.mode == expected
    converted.save(io.BytesIO(), image_format)


def test_a_transparent_image_saved_as_jpeg_lies_on_white():
    converted = uploads.saveable(Image.new("RGBA", (2, 2), (0, 0, 0, 0)), "JPEG")
    assert converted.getpixel((0, 0)) == (255, 255, 255)


def test_both_upload_paths_refuse_with_their_own_error_that_is_the_kernels():
    """A refusal from the shared checks reaches each app as its own error (the views catch those)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = b"%PDF-1.7\nhello\n%%EOF\n"
    with pytest.raises(attachments.AttachmentError) as in_chat:
        attachments.prepare(SimpleUploadedFile("surat.pdf", fake))
    with pytest.raises(media.MediaError) as in_article:
        media.check(SimpleUploadedFile("materi.pdf", fake))
    assert str(in_chat.value) == str(in_article.value) == str(uploads.not_pdf())
    assert isinstance(in_chat.value, uploads.UploadError) and isinstance(in_article.value, uploads.UploadError)


def test_article_media_do_not_borrow_the_counseling_attachments():
    """The checks live in the kernel: an import contract keeps information.media off counseling."""
    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    assert any(
        c["type"] == "forbidden"
        and "ekonseling.information.media" in c["source_modules"]
        and "ekonseling.counseling" in c["forbidden_modules"]
        for c in contracts
    )
