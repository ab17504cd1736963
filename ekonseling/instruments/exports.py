"""Report downloads: the class profile as a spreadsheet, and class or student profiles as PDF.

Both render the same `reports` tables the page shows, so the three never disagree. The PDF is on
the school's letterhead with a signature block for the counselor (both `core.pdf`), and draws its charts with
reportlab's own graphics (bars with value and band labels, readable in black and white). Cells
in the spreadsheet hold numbers where the page shows figures; text that begins like a formula is
stored as text, so a student's typed answer cannot run as a formula when the file is opened.
"""

from __future__ import annotations

import io
from copy import copy
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ekonseling.core import pdf
from ekonseling.core.pdf import fonts, letterhead
from ekonseling.core.pdf import signature_block as signature

from . import reports
from .reports import Comparison, GroupReport, IndividualReport, collector_paused
from .reports import Table as ReportTable
from .tables import DECIMAL, PERCENT, RANKING, band_legend

MARGIN = 16 * mm
PDF_RANKING_ROWS = 30  # longer rankings are cut in the PDF; the spreadsheet has them whole

# --- spreadsheet ---------------------------------------------------------------------------------------------

#: Number formats. A format code is stored with "." and "," and shown in the reader's locale, so
#: Excel or LibreOffice set to Indonesian prints 1.234,56 and 26,67%: the page's figures, as numbers.
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
MIN_WIDTH, MAX_WIDTH = 6, 60


def _value(ws, value):
    """A plain value for ws.append (fast); only text that looks like a formula needs a real cell."""
    if isinstance(value, str) and value.startswith("="):
        return _xcell(ws, value)
    return value


def _xcell(ws, value, *, bold=False, number_format=None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # "=…" typed by a student stays text, never a formula
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, float):
        cell.number_format = DECIMAL_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def _figure(ws, cell, styles=None):
    """A report cell as a spreadsheet cell: a percentage as a fraction of 1 in a percent format
    (26,67 % is the number 0.2667), a mean with two decimals, anything else as it is.

    ``styles`` caches one styled cell per format whose style is copied (a 1,000-student export
    has tens of thousands of figures; looking the format up for each cell doubled the time)."""
    if cell.value is None or cell.format not in (PERCENT, DECIMAL):
        return _value(ws, cell.value)
    value = round(cell.value / 100, 6) if cell.format == PERCENT else cell.value
    number_format = PERCENT_FORMAT if cell.format == PERCENT else DECIMAL_FORMAT
    if styles is None:
        return _xcell(ws, value, number_format=number_format)
    if number_format not in styles:
        styles[number_format] = _xcell(ws, 0.0, number_format=number_format)._style
    out = WriteOnlyCell(ws, value=value)
    out._style = copy(styles[number_format])
    return out


def _sheet_title(text):
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31]


class _Sheet:
    """A write-only sheet whose rows are gathered first, so that the column widths (from the
    longest text of each column) and the frozen header can be set before openpyxl streams them."""

    def __init__(self, wb, title):
        self.ws = wb.create_sheet(_sheet_title(title))
        self.rows = []  # (cells, texts counting for the widths or None)
        self.freeze = None
        self.styles = {}  # number format -> its style, copied onto each figure

    def line(self, values, *, bold=False, widths=True):
        ws = self.ws
        self.rows.append(([_xcell(ws, v, bold=bold) for v in values], [str(v) for v in values] if widths else None))

    def blank(self):
        self.rows.append(([], None))

    def header(self, columns, *, freeze_columns=0):
        """The header row of the sheet's one table: frozen, so it stays in view while scrolling."""
        self.line(columns, bold=True)
        self.freeze = f"{get_column_letter(freeze_columns + 1)}{len(self.rows) + 1}"

    def cells(self, row):
        self.rows.append(([_figure(self.ws, cell, self.styles) for cell in row], [cell.text for cell in row]))

    def table(self, table, *, freeze=False):
        self.line([table.title], bold=True, widths=False)
        if freeze:
            self.header(table.columns, freeze_columns=1)
        else:
            self.line(table.columns, bold=True)
        for row in table.rows:
            self.cells(row)
        if table.note:
            self.line([table.note], widths=False)
        self.blank()

    def close(self):
        widths = {}
        for _cells, texts in self.rows:
            for index, value in enumerate(texts or ()):
                longest = max((len(part) for part in value.splitlines()), default=0)
                widths[index] = max(widths.get(index, MIN_WIDTH), min(longest + 2, MAX_WIDTH))
        for index, width in widths.items():
            self.ws.column_dimensions[get_column_letter(index + 1)].width = width
        if self.freeze:
            self.ws.freeze_panes = self.freeze
        for cells, _texts in self.rows:
            self.ws.append(cells)


def _header(sheet, report):
    administration = report.administration
    school = administration.school
    rows = [
        (school.name, ""),
        (_("Instrument"), f"{administration.instrument.code} v{administration.instrument.version}"),
        (pgettext("instrument", "Administration"), administration.title),
        (_("Submitted sheets (N)"), report.n),
        (_("Answer sheets assigned"), report.assigned),
        (_("Exported"), timezone.localtime().strftime("%d-%m-%Y %H:%M")),
    ]
    if report.left_out:  # too few sheets of students the viewer does not serve to count them
        rows.insert(4, (_("Left out of the figures (students you do not serve)"), report.left_out))
    for label, value in rows:
        sheet.rows.append(([_xcell(sheet.ws, label, bold=True), _xcell(sheet.ws, value)], None))
    sheet.blank()


def group_xlsx(report: GroupReport) -> bytes:
    """Sheets: the group tables, the item rankings, one row per student, the attention list."""
    with collector_paused():
        return _group_xlsx(report)


def _group_xlsx(report):
    wb = Workbook(write_only=True)
    profile = _Sheet(wb, _("Group profile"))
    _header(profile, report)
    for table in report.tables:
        if table.section != RANKING:
            profile.table(table)
    ranking = _Sheet(wb, _("Item ranking"))
    for table in report.tables:
        if table.section == RANKING:
            ranking.table(table)
    students = _Sheet(wb, _("Students"))
    if report.students is not None:
        students.header(report.students.columns, freeze_columns=1)
        for row in report.students.rows:
            students.cells(row)
    attention = _Sheet(wb, _("Needs attention"))
    attention.header((_("Name"), "NISN", _("Rombel"), _("Reasons")), freeze_columns=1)
    for entry in report.attention:
        sheet = entry.sheet
        attention.line((sheet.name, sheet.nisn, sheet.rombel, "; ".join(entry.reasons)))
    if report.definition.bands:
        profile.line([_("Bands")], bold=True, widths=False)
        for line in band_legend(report.definition):
            profile.line([line], widths=False)
    for each in (profile, ranking, students, attention):
        each.close()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------


def _styles():
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5, splitLongWords=True)
    return {
        "school": ParagraphStyle("school", parent=base, fontName=bold, fontSize=14, leading=17),
        "address": ParagraphStyle("address", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#333")),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=12, leading=15, spaceBefore=4),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=bold, fontSize=10, leading=13, spaceBefore=8, keepWithNext=True
        ),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=7.5, leading=9, splitLongWords=False),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444")),
    }


def _p(value, style):
    return Paragraph("<br/>".join(escape(line) for line in str(value).splitlines()) or "&nbsp;", style)


def _facts(rows, styles):
    table = Table(
        [[_p(label, styles["small"]), _p(value, styles["body"])] for label, value in rows],
        colWidths=[40 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


TABLE_FONT_SIZES = (7.5, 7, 6.5, 6, 5.5)
LONGEST_CELL_WORD = 90  # points: a longer word in a cell (a URL) may still be split; a header word never
CELL_PADDING = 5  # left + right padding and the grid line


def _words(value):
    return str(value).split() or [""]


def _widths(table, total, size=7.5):
    """Column widths: each at least its longest header word (so "Target" or "Impulsif" is never
    split mid-word) and its longest short word in a cell; the room left in proportion to the
    longest text (capped), so item texts get it. None when the minimums do not fit in ``total``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = fonts()
    minimums, weights = [], []
    for index, column in enumerate(table.columns):
        head = max(stringWidth(word, bold, size) for word in _words(column))
        cells = max(
            [
                min(stringWidth(word, regular, size), LONGEST_CELL_WORD)
                for row in table.rows
                for word in _words(row[index].text)
            ],
            default=0,
        )
        minimums.append(max(head, cells) + CELL_PADDING)
        longest = max([len(column), *(len(row[index].text) for row in table.rows)], default=4)
        weights.append(min(max(longest, 4), 48))
    room = total - sum(minimums)
    if room < 0:
        return None
    natural = [weight * total / sum(weights) for weight in weights]
    wants = [max(0.0, n - m) for n, m in zip(natural, minimums, strict=True)]
    share = sum(wants) or sum(weights)
    extra = wants if sum(wants) else weights
    return [m + room * e / share for m, e in zip(minimums, extra, strict=True)]


def _fitted(table, total, styles):
    """(widths, cell style, head style): the largest font size at which every header word fits."""
    for size in TABLE_FONT_SIZES:
        widths = _widths(table, total, size)
        if widths is not None:
            break
    else:
        size = TABLE_FONT_SIZES[-1]
        widths = [total / len(table.columns)] * len(table.columns)
    if size == styles["cell"].fontSize:
        return widths, styles["cell"], styles["head"]
    leading = size * 1.2
    cell = ParagraphStyle(f"cell{size}", parent=styles["cell"], fontSize=size, leading=leading)
    head = ParagraphStyle(f"head{size}", parent=styles["head"], fontSize=size, leading=leading)
    return widths, cell, head


def _table(table, styles, width, *, limit=None):
    rows = table.rows if limit is None else table.rows[:limit]
    widths, cell_style, head_style = _fitted(table, width, styles)
    data = [[_p(column, head_style) for column in table.columns]]
    data += [[_p(cell.text, cell_style) for cell in row] for row in rows]
    flow = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flow.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    out = [_p(table.title, styles["heading"]), flow]
    if limit is not None and len(table.rows) > limit:
        note = _("The first %(shown)d of %(total)d rows; the spreadsheet has them all.") % {
            "shown": limit,
            "total": len(table.rows),
        }
        out.append(_p(note, styles["small"]))
    if table.note:
        out.append(_p(table.note, styles["small"]))
    return out


BAND_GREYS = (0.92, 0.78, 0.62, 0.46, 0.3, 0.18, 0.08)


def _fit_label(text, font, width, size=7.5):
    """A chart label in at most two lines of ``width`` points, at 7.5 pt or smaller; clipped only
    when even that cannot hold it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return [text], size
    words = text.split()
    for small in (size, 7, 6.5, 6):
        lines, line = [], ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if stringWidth(candidate, font, small) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
        if len(lines) <= 2 and all(stringWidth(one, font, small) <= width for one in lines):
            return lines, small
    while len(text) > 4 and stringWidth(text + "…", font, 6) > width * 2:
        text = text[:-1]
    return _fit_label(text + "…", font, width, 6)[0][:2], 6


def _label(drawing, x, y, text, font, width):
    """Draws a right-aligned label ending at ``x``, centred on a bar at ``y`` (one or two lines)."""
    lines, size = _fit_label(text, font, width)
    if len(lines) == 1:
        drawing.add(String(x, y + 2, lines[0], fontName=font, fontSize=size, textAnchor="end"))
        return
    drawing.add(String(x, y + 5.5, lines[0], fontName=font, fontSize=size, textAnchor="end"))
    drawing.add(String(x, y - 1.5, lines[1], fontName=font, fontSize=size, textAnchor="end"))


def bar_drawing(bars, width, title=""):
    """The bar chart drawn with reportlab graphics: grey by band, value and band label as text.

    The value label sits on a white ground, so the grid lines stop at its edges instead of
    running through the figure; the band prints with its description ("B Ringan").
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = fonts()
    row, bar, label_w, value_w = 15, 10, 62 * mm, 38 * mm
    span = width - label_w - value_w
    height = row * len(bars) + 28
    drawing = Drawing(width, height)
    top = height - 16
    if title:
        drawing.add(String(0, height - 10, title, fontName=bold, fontSize=9))
    for tick in (0, 20, 40, 60, 80, 100):
        x = label_w + span * tick / 100
        drawing.add(Line(x, 10, x, top, strokeColor=colors.HexColor("#999"), strokeWidth=0.3))
        drawing.add(String(x, 2, str(tick), fontName=regular, fontSize=6.5, textAnchor="middle"))
    for index, item in enumerate(bars):
        y = top - (index + 1) * row + 2
        _label(drawing, label_w - 4, y, item.label, regular, label_w - 6)
        grey = BAND_GREYS[item.band_index % len(BAND_GREYS)] if item.band_index is not None else 0.55
        length = max(0.0, min(100.0, item.value)) * span / 100
        drawing.add(
            Rect(
                label_w,
                y,
                length,
                bar,
                fillColor=colors.Color(grey, grey, grey),
                strokeColor=colors.black,
                strokeWidth=0.4,
            )
        )
        band = " ".join(part for part in (item.band, getattr(item, "band_description", "")) if part)
        note = f"{item.display} · {band}" if band else item.display
        x = label_w + length + 3
        size = 7.5
        while size > 5.5 and x + stringWidth(note, regular, size) > width:
            size -= 0.5
        drawing.add(
            Rect(
                x - 1.5,
                y - 0.5,
                stringWidth(note, regular, size) + 3,
                bar + 1,
                fillColor=colors.white,
                strokeColor=None,
                strokeWidth=0,
            )
        )
        drawing.add(String(x, y + 2, note, fontName=regular, fontSize=size))
    return drawing


def stacked_drawing(stacks, levels, width, title=""):
    """Students per level per aspect as 100 % stacked bars, greys light (low) to dark (high)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = fonts()
    row, bar, label_w = 15, 10, 62 * mm
    span = width - label_w - 14 * mm
    # the legend: every level's whole name, on as many lines as it takes
    placed, x, line = [], 0.0, 0
    for name in levels:
        step = 9 + stringWidth(name, regular, 6.5) + 10
        if x and x + step > width:
            x, line = 0.0, line + 1
        placed.append((x, line, name))
        x += step
    legend_lines = line + 1 if levels else 0
    height = row * len(stacks) + 30 + 11 * legend_lines
    drawing = Drawing(width, height)
    if title:
        drawing.add(String(0, height - 10, title, fontName=bold, fontSize=9))
    count = max(len(levels), 1)
    greys = [0.95 - 0.85 * index / max(count - 1, 1) for index in range(count)]
    for index, (x, line, name) in enumerate(placed):
        legend_y = height - 24 - 11 * line
        g = greys[index]
        drawing.add(Rect(x, legend_y, 7, 7, fillColor=colors.Color(g, g, g), strokeColor=colors.black, strokeWidth=0.3))
        drawing.add(String(x + 9, legend_y + 1, name, fontName=regular, fontSize=6.5))
    top = height - 24 - 11 * (legend_lines - 1) - 6
    for row_index, stack in enumerate(stacks):
        y = top - (row_index + 1) * row + 2
        _label(drawing, label_w - 4, y, stack.label, regular, label_w - 6)
        x = label_w
        for index, (_level, n, share) in enumerate(stack.segments):
            length = share * span / 100
            if length <= 0:
                continue
            g = greys[index % count]
            drawing.add(
                Rect(x, y, length, bar, fillColor=colors.Color(g, g, g), strokeColor=colors.black, strokeWidth=0.3)
            )
            if length >= 9:
                shade = colors.white if g < 0.5 else colors.black
                drawing.add(
                    String(
                        x + length / 2,
                        y + 2.5,
                        str(n),
                        fontName=regular,
                        fontSize=6.5,
                        textAnchor="middle",
                        fillColor=shade,
                    )
                )
            x += length
        if stack.marker:
            drawing.add(String(label_w + span + 3, y + 2, f"≥ {stack.marker}", fontName=regular, fontSize=7))
    return drawing


def _document(story, school, title):
    return pdf.confidential_document(
        story,
        footer=_("Confidential BK report of %(school)s") % {"school": school.name},
        margin=MARGIN,
        title=title,
        author=school.name,
    )


WIDTH = A4[0] - 2 * MARGIN


def _when(value):
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else "—"


def submitted_of_assigned(report: GroupReport) -> str:
    """ "10 of 28 assigned": N with the number of answer sheets given out."""
    return _("%(n)d of %(assigned)d assigned") % {"n": report.n, "assigned": report.assigned}


def _legend(definition, styles):
    """What each band means, with its range: "A 0–20 %: Sangat ringan · B 21–40 %: Ringan …"."""
    if not definition.bands:
        return []
    return [_p(_("Bands: %(bands)s") % {"bands": " · ".join(band_legend(definition))}, styles["small"])]


def group_pdf(report: GroupReport, user) -> bytes:
    administration = report.administration
    school = administration.school
    styles = _styles()
    story = letterhead(school, styles)
    story.append(_p(_("Group profile: %(title)s") % {"title": administration.title}, styles["title"]))
    instrument = administration.instrument
    story.append(
        _facts(
            [
                (_("Instrument"), f"{instrument.title} ({instrument.code} v{instrument.version})"),
                (_("Window"), f"{_when(administration.opens_at)} – {_when(administration.closes_at)}"),
                (_("Submitted sheets (N)"), submitted_of_assigned(report)),
                *(
                    [(_("Left out of the figures (students you do not serve)"), str(report.left_out))]
                    if report.left_out
                    else []
                ),
                (_("Exported"), f"{_when(timezone.now())}, {user.display_name}"),
            ],
            styles,
        )
    )
    if report.group is None:
        story.append(_p(_("No submitted answer sheets yet."), styles["body"]))
    if report.bars:
        story += [
            Spacer(1, 3 * mm),
            bar_drawing(report.bars, WIDTH, _("%(metric)s per area") % {"metric": report.metric}),
        ]
    if report.stacks:
        levels = [f"{level.value} {level.name}" for level in report.definition.levels]
        story += [Spacer(1, 3 * mm), stacked_drawing(report.stacks, levels, WIDTH, _("Students at each level"))]
    story += _legend(report.definition, styles)
    for table in report.tables:
        limit = PDF_RANKING_ROWS if table.section == RANKING else None
        story += _table(table, styles, WIDTH, limit=limit)
    story.append(_p(_("Students who need individual attention"), styles["heading"]))
    if report.attention:
        for entry in report.attention:
            sheet = entry.sheet
            where = "" if sheet.label != sheet.name else f" ({sheet.rombel})"
            story.append(_p(f"{sheet.label}{where} — {'; '.join(entry.reasons)}", styles["body"]))
    else:
        story.append(_p("—", styles["body"]))
    story.append(signature(school, user, styles))
    return _document(story, school, administration.title)


def individual_pdf(report: IndividualReport, user) -> bytes:
    assignment = report.assignment
    administration = assignment.administration
    student = assignment.student
    school = administration.school
    styles = _styles()
    story = letterhead(school, styles)
    story.append(_p(_("Individual profile: %(title)s") % {"title": administration.title}, styles["title"]))
    story.append(
        _facts(
            [
                (_("Student"), f"{student.name} · NISN {student.nisn}"),
                (_("Rombel"), student.rombel.name if student.rombel_id else "—"),
                (_("Instrument"), f"{administration.instrument.code} v{administration.instrument.version}"),
                (_("Submitted"), _when(assignment.submitted_at)),
                (_("Exported"), f"{_when(timezone.now())}, {user.display_name}"),
            ],
            styles,
        )
    )
    if report.sheet is None:
        story.append(_p(_("This answer sheet has not been submitted."), styles["body"]))
    if report.bars:
        story += [Spacer(1, 3 * mm), bar_drawing(report.bars, WIDTH, _("Profile per area"))]
    story += _legend(report.definition, styles)
    for table in report.tables:
        story += _table(table, styles, WIDTH)
    if report.open_answers:
        story.append(_p(_("Open questions"), styles["heading"]))
        for question, answer in report.open_answers:
            story.append(_p(question, styles["small"]))
            story.append(_p(answer or "—", styles["body"]))
    if report.reasons:
        story.append(_p(_("Needs individual attention"), styles["heading"]))
        for reason in report.reasons:
            story.append(_p(reason, styles["body"]))
    story.append(signature(school, user, styles))
    return _document(story, school, f"{student.name} — {administration.title}")


# --- individual spreadsheet, comparisons -----------------------------------------------------------------


def individual_xlsx(report: IndividualReport) -> bytes:
    """One sheet: who and what, the tables of the profile, the open answers, why attention."""
    with collector_paused():
        assignment = report.assignment
        administration = assignment.administration
        student = assignment.student
        wb = Workbook(write_only=True)
        ws = _Sheet(wb, _("Individual profile"))
        facts = [
            (administration.school.name, ""),
            (_("Student"), f"{student.name} · NISN {student.nisn}"),
            (_("Rombel"), student.rombel.name if student.rombel_id else "—"),
            (_("Instrument"), f"{administration.instrument.code} v{administration.instrument.version}"),
            (_("Submitted"), _when(assignment.submitted_at)),
            (_("Exported"), _when(timezone.now())),
        ]
        for label, value in facts:
            ws.rows.append(([_xcell(ws.ws, label, bold=True), _xcell(ws.ws, value)], None))
        ws.blank()
        for table in report.tables:
            ws.table(table)
        if report.open_answers:
            ws.line([_("Open questions")], bold=True, widths=False)
            for question, answer in report.open_answers:
                ws.line([question, answer or "—"], widths=False)
            ws.blank()
        if report.reasons:
            ws.line([_("Needs individual attention")], bold=True, widths=False)
            for reason in report.reasons:
                ws.line([reason], widths=False)
        ws.close()
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def comparison_table(comparison: Comparison) -> ReportTable:
    """The comparison as a report table: one row per area, one column per series, N first."""
    table = ReportTable("comparison", comparison.metric, [_("Area"), *comparison.series])
    table.rows.append([reports.text("N"), *(reports.number(n) for n in comparison.ns)])
    for label, cells in comparison.rows:
        table.rows.append([reports.text(label), *(cell if cell is not None else reports.text("—") for cell in cells)])
    table.note = " ".join(comparison.notes)
    return table


def comparison_xlsx(comparison: Comparison, school) -> bytes:
    wb = Workbook(write_only=True)
    ws = _Sheet(wb, _("Comparison"))
    ws.line([school.name], bold=True, widths=False)
    ws.rows.append(([_xcell(ws.ws, _("Exported"), bold=True), _xcell(ws.ws, _when(timezone.now()))], None))
    ws.blank()
    ws.table(comparison_table(comparison), freeze=True)
    ws.close()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def comparison_pdf(comparison: Comparison, school, user) -> bytes:
    styles = _styles()
    story = letterhead(school, styles)
    story.append(_p(_("Comparison: %(metric)s per area") % {"metric": comparison.metric}, styles["title"]))
    story.append(_facts([(_("Exported"), f"{_when(timezone.now())}, {user.display_name}")], styles))
    story += _table(comparison_table(comparison), styles, WIDTH)
    story.append(signature(school, user, styles))
    return _document(story, school, _("Comparison: %(metric)s per area") % {"metric": comparison.metric})
