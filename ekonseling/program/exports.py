"""The RPL as a PDF on the school's letterhead, signed by the counselor (acknowledged by the principal)."""

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from ekonseling.core import pdf

from . import services


def rpl_pdf(user, item) -> bytes:
    school = user.school
    styles = pdf.styles()
    rpl = getattr(item, "rpl", None)
    values = {name: getattr(rpl, name) for name in rpl.FIELDS} if rpl is not None else services.rpl_draft(item)
    program = item.version.program
    story = pdf.letterhead(school, styles)
    story.append(pdf.paragraph(_("SERVICE IMPLEMENTATION PLAN (RPL)"), styles["title"]))
    target = item.rombel.name if item.rombel_id else (str(item.grade) if item.grade else "—")
    identity = [
        (_("Academic year / semester"), f"{program.academic_year.name} / {item.semester}"),
        (_("Service"), item.get_service_type_display()),
        (_("Field (bidang)"), item.get_bidang_display()),
        (_("Topic"), item.topic),
        (_("Class / rombel"), target),
        (_("Month / week"), f"{item.get_month_display()} / {item.week or '—'}"),
        (_("Time allocation"), values.get("waktu", "")),
    ]
    rows = [[pdf.paragraph(label, styles["head"]), pdf.paragraph(value, styles["body"])] for label, value in identity]
    table = Table(rows, colWidths=[50 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(table)
    for title, name in (
        (_("A. Objectives (tujuan)"), "tujuan"),
        (_("B. Material (materi)"), "materi"),
        (_("C. Method (metode)"), "metode"),
        (_("D. Media"), "media"),
        (_("E. Steps (langkah kegiatan)"), "langkah"),
        (_("F. Evaluation (evaluasi)"), "evaluasi"),
    ):
        story += [pdf.paragraph(title, styles["heading"]), pdf.paragraph(values.get(name, "") or "—", styles["body"])]
    story.append(pdf.signature_block(school, user, styles, role=_("Guru BK / Konselor")))
    return pdf.confidential_document(
        story,
        footer=f"RPL · {item.topic}"[:120],
        margin=18 * mm,
        title=f"RPL {item.topic}",
        author=user.display_name,
    )
