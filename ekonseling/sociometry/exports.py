"""Files: the sociomatrix as .xlsx (one sheet per criterion), the response template, and the
sociogram with its indices as a PDF on the school's letterhead (the same geometry as the SVG)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from ekonseling.core import pdf

from . import analysis, importing, sociogram
from .services import SurveyAnalysis

MARGIN = 14 * mm
WIDTH = A4[0] - 2 * MARGIN


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _cell(ws, value, bold=False):
    cell = WriteOnlyCell(ws, value=_safe(value))
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_title(text: str) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31] or "K"


def category_label(code: str) -> str:
    return {
        analysis.STAR: _("star (bintang)"),
        analysis.ISOLATE: _("isolated (terisolir)"),
        analysis.REJECTED: _("rejected (ditolak)"),
        analysis.NEGLECTED: _("neglected (diabaikan)"),
    }.get(code, code)


def matrix_cell(result: analysis.Analysis, chooser: int, chosen: int) -> str | int:
    """A choice as its weight (3, 2, 1), a rejection as −weight, nothing as ""."""
    found = result.matrix.get((chooser, chosen))
    if found is None:
        return ""
    rank, positive = found
    w = analysis.weight(rank, result.choices if positive else result.rejections)
    return w if positive else -w


def _fraction(value) -> float:
    return round(float(value), 3)


def sociomatrix_xlsx(data: SurveyAnalysis) -> bytes:
    wb = Workbook(write_only=True)
    for i, (criterion, result) in enumerate(zip(data.criteria, data.results, strict=True), start=1):
        ws = wb.create_sheet(_sheet_title(f"K{i} {criterion.get_kind_display()}"))
        ws.append([_cell(ws, f"{data.survey.title} — {data.survey.rombel}", bold=True)])
        ws.append([_cell(ws, criterion.question)])
        ws.append(
            [
                _(
                    "Rows: who chooses; columns: who is chosen. A choice shows its weight (%(weights)s), a "
                    "rejection its weight with a minus sign."
                )
                % {"weights": "-".join(str(analysis.weight(r, result.choices)) for r in range(1, result.choices + 1))}
            ]
        )
        ws.append([])
        members = result.members
        ws.append([_cell(ws, "No", True), _cell(ws, _("Name"), True)] + [_cell(ws, m.number, True) for m in members])
        for row in members:
            ws.append([row.number, _cell(ws, row.name)] + [matrix_cell(result, row.id, col.id) for col in members])
        totals = [
            (_("Chosen by (C)"), lambda m: m.chosen_by),
            (_("Weighted score (S)"), lambda m: m.score),
            (_("Rejected by (R)"), lambda m: m.rejected_by),
            (_("Choice status C/(N−1)"), lambda m: _fraction(m.choice_status)),
            (_("Rejection status R/(N−1)"), lambda m: _fraction(m.rejection_status)),
            (_("Balance (C−R)/(N−1)"), lambda m: _fraction(m.balance)),
            (_("Category"), lambda m: ", ".join(category_label(c) for c in m.categories)),
        ]
        for label, value in totals:
            ws.append(["", _cell(ws, label, True)] + [_cell(ws, value(m)) for m in members])
        ws.append([])
        t = result.thresholds
        ws.append([_("N"), result.n, _("Respondents"), result.respondents])
        ws.append([_("Mean S"), round(t.mean_score, 3), _("SD S"), round(t.sd_score, 3)])
        ws.append([_("Cohesion"), _fraction(result.cohesion), _("Tension"), _fraction(result.tension)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx(survey) -> bytes:
    members = list(survey.members.select_related("student"))
    criteria = list(survey.criteria.all())
    header, rows = importing.template_rows(survey, members, criteria)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(str(survey.rombel)))
    ws.append([_cell(ws, h, True) for h in header])
    for row in rows:
        ws.append([row[0], _cell(ws, row[1]), _cell(ws, row[2])])
    notes = wb.create_sheet("Kriteria")
    for i, criterion in enumerate(criteria, start=1):
        notes.append([f"K{i}", _cell(notes, criterion.question)])
    notes.append([])
    notes.append([_("Write a classmate's number (No) or NISN in each choice column, from the first choice on.")])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------------


def sociogram_drawing(drawn: sociogram.Layout, width: float) -> Drawing:
    """The layout as a reportlab drawing `width` points wide (y runs upwards in PDF)."""
    scale = width / drawn.size
    d = Drawing(width, width)
    regular, bold = pdf.fonts()

    def p(x, y):
        return x * scale, (drawn.size - y) * scale

    for radius in drawn.rings:
        cx, cy = p(sociogram.CENTRE, sociogram.CENTRE)
        d.add(
            Circle(
                cx, cy, radius * scale, fillColor=None, strokeColor=colors.HexColor("#c5ccd3"), strokeDashArray=[1, 3]
            )
        )
    for edge in drawn.edges:
        colour = colors.HexColor(sociogram.COLOURS[edge.kind])
        width_ = {"mutual": 2.0, "one_way": 0.8, "rejection": 0.8}[edge.kind]
        x1, y1 = p(edge.x1, edge.y1)
        x2, y2 = p(edge.x2, edge.y2)
        dash = [4, 3] if edge.kind == "rejection" else None
        d.add(Line(x1, y1, x2, y2, strokeColor=colour, strokeWidth=width_, strokeDashArray=dash))
        if edge.arrow:
            points = [c for x, y in edge.arrow for c in p(x, y)]
            d.add(Polygon(points, fillColor=colour, strokeColor=colour, strokeWidth=0.1))
    r = sociogram.NODE_R * scale
    for node in drawn.nodes:
        x, y = p(node.x, node.y)
        fill = colors.HexColor(sociogram.node_fill(node))
        stroke = colors.HexColor("#263238")
        if node.sex == "L":
            d.add(Rect(x - r, y - r, 2 * r, 2 * r, fillColor=fill, strokeColor=stroke, strokeWidth=0.8))
        elif node.sex == "P":
            d.add(Circle(x, y, r, fillColor=fill, strokeColor=stroke, strokeWidth=0.8))
        else:
            k = r * 1.2
            d.add(
                Polygon([x, y + k, x + k, y, x, y - k, x - k, y], fillColor=fill, strokeColor=stroke, strokeWidth=0.8)
            )
        d.add(String(x, y - 2.6, str(node.number), fontName=bold, fontSize=7, textAnchor="middle"))
        d.add(String(x, y - r - 7, node.label, fontName=regular, fontSize=6, textAnchor="middle"))
    return d


def _legend_table(result: analysis.Analysis, styles) -> Table:
    head = ["No", _("Name"), "L/P", "C", "S", "R", "C/(N−1)", "R/(N−1)", _("Category")]
    rows = [[pdf.paragraph(h, styles["head"]) for h in head]]
    for m in result.members:
        rows.append(
            [
                str(m.number),
                pdf.paragraph(m.name, styles["small"]),
                m.sex,
                str(m.chosen_by),
                str(m.score),
                str(m.rejected_by),
                f"{float(m.choice_status):.2f}",
                f"{float(m.rejection_status):.2f}",
                pdf.paragraph(", ".join(category_label(c) for c in m.categories), styles["small"]),
            ]
        )
    widths = [9 * mm, 52 * mm, 9 * mm, 9 * mm, 9 * mm, 9 * mm, 16 * mm, 16 * mm, None]
    table = Table(rows, colWidths=widths, repeatRows=1)
    regular, _bold = pdf.fonts()
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
            ]
        )
    )
    return table


def analysis_pdf(data: SurveyAnalysis, user, *, ranks: int | None = None) -> bytes:
    survey = data.survey
    school = survey.school
    styles = pdf.styles()
    story = pdf.letterhead(school, styles)
    story.append(pdf.paragraph(_("Sociometry: %(title)s") % {"title": survey.title}, styles["title"]))
    story.append(
        pdf.paragraph(
            _("Rombel %(rombel)s · %(responded)d of %(n)d students answered · exported %(when)s by %(who)s")
            % {
                "rombel": survey.rombel,
                "responded": data.responded,
                "n": len(data.members),
                "when": timezone.localtime().strftime("%d-%m-%Y %H:%M"),
                "who": user.display_name,
            },
            styles["small"],
        )
    )
    for i, (criterion, result) in enumerate(zip(data.criteria, data.results, strict=True)):
        if i:
            story.append(PageBreak())
        story.append(pdf.paragraph(f"K{i + 1}. {criterion.question}", styles["heading"]))
        story.append(sociogram_drawing(sociogram.layout(result, ranks=ranks), WIDTH * 0.82))
        story.append(
            pdf.paragraph(
                _(
                    "Square: boy (L); circle: girl (P). Thick line: mutual choice; thin arrow: one-way choice; "
                    "dashed red arrow: rejection. Centre: stars; outside the last ring: nobody chose them."
                ),
                styles["small"],
            )
        )
        t = result.thresholds
        story.append(
            pdf.paragraph(
                _(
                    "Cohesion %(cohesion).3f · tension %(tension).3f · mean S %(mean).2f, SD %(sd).2f · star: S ≥ "
                    "%(star).2f · neglected: S ≤ %(neglected).2f · rejected: R ≥ %(rejected).2f"
                )
                % {
                    "cohesion": float(result.cohesion),
                    "tension": float(result.tension),
                    "mean": t.mean_score,
                    "sd": t.sd_score,
                    "star": t.star,
                    "neglected": t.neglected,
                    "rejected": t.rejected,
                },
                styles["small"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(_legend_table(result, styles))
    story.append(pdf.signature_block(school, user, styles))
    return pdf.confidential_document(
        story,
        footer=_("Confidential BK report of %(school)s") % {"school": school.name},
        margin=MARGIN,
        title=survey.title,
        author=school.name,
    )
