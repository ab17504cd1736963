"""Files the upload tests send: a plain PDF, a PDF carrying everything the kernel's rewrite must
strip (core/uploads.py), and a password-protected one."""

import io

import pikepdf
from reportlab.pdfgen import canvas

# What must be gone from a hostile PDF once it has been written again.
PDF_TRACES = [b"Rahasia", b"JavaScript", b"/JS", b"isi lampiran", b"AcroForm", b"Launch", b"OpenAction", b"/AA"]


def pdf_bytes(text="Surat dokter untuk izin sakit", author=None):
    out = io.BytesIO()
    drawn = canvas.Canvas(out)
    if author:
        drawn.setAuthor(author)
    drawn.drawString(72, 720, text)
    drawn.showPage()
    drawn.save()
    return out.getvalue()


def hostile_pdf():
    """A PDF as the issue found them: the author's name in the document info and the XMP, and
    JavaScript on opening, a page action, a link that launches a program, a form and an embedded file."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("Isi surat", author="Siswa X-1 Rahasia")))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = pdf.make_indirect(script)
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Siswa X-1 Rahasia"]
    pdf.attachments["rahasia.txt"] = pikepdf.AttachedFileSpec(pdf, b"isi lampiran tersembunyi", mime_type="text/plain")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array())
    page = pdf.pages[0].obj
    page.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)")))
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 9, 9], A=launch)
    page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    saved = io.BytesIO()
    pdf.save(saved, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return saved.getvalue()


def locked_pdf():
    """A PDF that opens only with a password."""
    source = pikepdf.open(io.BytesIO(pdf_bytes()))
    locked = io.BytesIO()
    source.save(locked, encryption=pikepdf.Encryption(owner="guru", user="rahasia"))
    return locked.getvalue()
