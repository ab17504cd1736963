"""What every PDF export shares: the fonts, the school's letterhead (kop surat) and signature
block, and an A4 document whose every page says it is confidential and which page it is (a printed
page gets separated from its stack).

DejaVu Sans covers Indonesian and the quotes and dashes phones type; where it is not installed the
PDF falls back to Helvetica.
"""

import functools
import logging
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

log = logging.getLogger(__name__)

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


@functools.cache
def fonts():
    """(regular, bold) font names: DejaVu Sans when its files are on this machine, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            try:
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            except Exception:  # a damaged font file must not stop an export  # noqa: S112
                continue
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def confidential_document(story, *, footer, margin, title, author, subject=""):
    """The PDF bytes of `story` on A4, with `footer` and the page number at the foot of every page."""
    regular, _bold = fonts()

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillGray(0.35)
        canvas.drawString(margin, 9.5 * mm, footer[:120])
        canvas.drawRightString(A4[0] - margin, 9.5 * mm, _("Page %(number)d") % {"number": doc.page})
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=title,
        author=author,
        subject=subject,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def styles():
    """The paragraph styles of the letterhead and the signature block (an export may pass its own)."""
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13.5, splitLongWords=True)
    return {
        "school": ParagraphStyle("school", parent=base, fontName=bold, fontSize=14, leading=17),
        "address": ParagraphStyle("address", parent=base, fontSize=9, leading=11.5, textColor=colors.HexColor("#333")),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=6),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=bold, fontSize=11, leading=14, spaceBefore=10, keepWithNext=True
        ),
        "body": base,
        "head": ParagraphStyle("head", parent=base, fontName=bold),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#555")),
    }


def paragraph(value, style):
    """User text as a Paragraph: escaped (Paragraph reads a small markup language), line breaks kept."""
    return Paragraph("<br/>".join(escape(line) for line in str(value).splitlines()) or "&nbsp;", style)


LOGO_WIDTH = 20 * mm


def _logo(school):
    """The school's logo as a flowable about 2 cm wide, or None (no logo, or its file is unreadable)."""
    logo = getattr(school, "logo", None)
    if not logo:
        return None
    try:
        with logo.open("rb") as handle:
            data = BytesIO(handle.read())
        flow = Image(data)
        ratio = flow.imageHeight / flow.imageWidth if flow.imageWidth else 1
        flow.drawWidth, flow.drawHeight = LOGO_WIDTH, LOGO_WIDTH * min(ratio, 1.5)
        return flow
    except Exception:  # a missing or damaged logo must not stop an export
        log.warning("The logo of school %s could not be read", getattr(school, "pk", "?"))
        return None


def letterhead(school, styles_=None):
    """The kop surat: logo, school name, address, contacts and NPSN over a double rule.

    Without a logo the result is the flowables one under the other; with one, a table with the logo
    on the left. `styles_` may override "school" and "address".
    """
    style = {**styles(), **(styles_ or {})}
    lines = [paragraph(school.name, style["school"])]
    place = ", ".join(part for part in ((school.address or "").strip(), school.city, school.province) if part)
    if place:
        lines.append(paragraph(place, style["address"]))
    contact = " · ".join(part for part in (school.phone, school.email, school.website) if part)
    if contact:
        lines.append(paragraph(contact, style["address"]))
    if getattr(school, "npsn", ""):
        lines.append(paragraph(f"NPSN {school.npsn}", style["address"]))
    logo = _logo(school)
    if logo is not None:
        head = Table([[logo, lines]], colWidths=[LOGO_WIDTH + 4 * mm, None], hAlign="LEFT")
        head.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        lines = [head]
    lines.append(HRFlowable(width="100%", thickness=1.5, color=colors.black, spaceBefore=3, spaceAfter=1))
    lines.append(HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=0, spaceAfter=6))
    return lines


def signature_block(school, signatory, styles_=None, *, role=None, date=None, acknowledged=True):
    """Place and date, the signatory's role, room to sign, their name and NIP (right); with
    `acknowledged`, "Mengetahui, Kepala Sekolah" and the principal's name and NIP (left).

    The signatory is a user (display_name, nip, get_role_display). The right-hand cell is the
    signatory's, so `block._content[1]._cellvalues[0][1]` is their list of flowables.
    """
    style = {**styles(), **(styles_ or {})}
    bold = style.get("head", style["body"])
    when = formats.date_format(date or timezone.localdate(), "j F Y")
    city = getattr(school, "city", "")
    if role is None:
        role = signatory.get_role_display() if getattr(signatory, "role", "") else ""
    right = [
        paragraph(f"{city}, {when}" if city else when, style["body"]),
        paragraph(role, style["body"]),
        Spacer(1, 16 * mm),
        paragraph(signatory.display_name, bold),
    ]
    if getattr(signatory, "nip", ""):
        right.append(paragraph(f"NIP {signatory.nip}", style["body"]))
    left = ""
    if acknowledged:
        name = getattr(school, "headmaster_name", "") or "(" + "." * 40 + ")"
        nip = getattr(school, "headmaster_nip", "")
        left = [
            paragraph(_("Acknowledged by,"), style["body"]),
            paragraph(pgettext("signature block", "Principal"), style["body"]),
            Spacer(1, 16 * mm),
            paragraph(name, bold),
            paragraph(f"NIP {nip}" if nip else "NIP", style["body"]),
        ]
    block = Table([[left, right]], colWidths=[None, 70 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 8 * mm), block])
