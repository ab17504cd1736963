"""What every PDF export shares: the fonts, and an A4 document whose every page says it is
confidential and which page it is (a printed page gets separated from its stack).

DejaVu Sans covers Indonesian and the quotes and dashes phones type; where it is not installed the
PDF falls back to Helvetica.
"""

import functools
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

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
