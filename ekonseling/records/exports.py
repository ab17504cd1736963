"""The service report as PDF (on the school's letterhead, signed by the counselor and acknowledged
by the principal) and as a spreadsheet. Both render the same `reports.Report` the page shows.

The monthly PDF lists every activity; the semester PDF gives the month × service recap instead
(the spreadsheet always has every activity). Table cells are plain strings, which keeps a
semester of a whole school within a second.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, Table, TableStyle

from ekonseling.core import pdf

from .reports import Line, Report

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
TOPIC_CHARS = 60


def _hours(minutes: int) -> str:
    return formats.number_format(round(minutes / 60, 1), 1)


def _table_style(regular: str, bold: str, *, numeric_from: int = 1) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), regular),
            ("FONTNAME", (0, 0), (-1, 0), bold),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("LEADING", (0, 0), (-1, -1), 10.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )


def _lines_table(title: str, lines: list[Line], regular: str, bold: str) -> Table:
    data = [[title, _("Records"), _("Students"), _("Hours")]]
    data += [[line.label, str(line.records), str(line.students), _hours(line.minutes)] for line in lines]
    table = Table(data, colWidths=[WIDTH - 60 * mm, 20 * mm, 20 * mm, 20 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(regular, bold))
    return table


def title_of(report: Report) -> str:
    return _("Report of BK services: %(period)s") % {"period": report.period.label}


def _facts(report: Report) -> list[tuple[str, str]]:
    return [
        (_("Period"), f"{report.period.label} ({report.period.start:%d-%m-%Y} – {report.period.end:%d-%m-%Y})"),
        (_("Counselor"), report.counselor.display_name if report.counselor else _("All counselors")),
        (_("Services recorded"), str(report.records)),
        (_("Students reached (a student in two services counts twice)"), str(report.students)),
        (_("Different students"), str(report.distinct_students)),
        (_("Hours of service"), _hours(report.minutes)),
    ]


def report_pdf(report: Report, user) -> bytes:
    school = report.school
    styles = pdf.styles()
    regular, bold = pdf.fonts()
    story = pdf.letterhead(school, styles)
    story.append(pdf.paragraph(title_of(report), styles["title"]))
    facts = Table([[label, value] for label, value in _facts(report)], colWidths=[70 * mm, None], hAlign="LEFT")
    facts.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 9)]))
    story += [facts, Spacer(1, 3 * mm)]
    for _key, title, lines in report.dimensions:
        if lines:
            story += [pdf.paragraph(title, styles["heading"]), _lines_table(title, lines, regular, bold)]
    if report.period.kind == "month":
        story.append(pdf.paragraph(_("Activities"), styles["heading"]))
        data = [[_("Date"), _("Service"), _("Field"), _("Medium"), _("Who"), _("Topic"), _("Minutes")]]
        for a in report.activities:
            topic = a.topic if len(a.topic) <= TOPIC_CHARS else a.topic[: TOPIC_CHARS - 1] + "…"
            data.append(
                [a.date.strftime("%d-%m"), a.service, a.bidang, a.medium, a.participants, topic, str(a.minutes)]
            )
        if len(data) == 1:
            data.append(["—", "", "", "", "", "", ""])
        widths = [12 * mm, 38 * mm, 16 * mm, 20 * mm, 22 * mm, None, 13 * mm]
        table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(_table_style(regular, bold, numeric_from=6))
        story.append(table)
    else:
        story.append(pdf.paragraph(_("Services per month"), styles["heading"]))
        months = [line.label for line in report.by_month]
        data = [[_("Service"), *(m[:3] for m in months), _("Total")]]
        data += [[label, *(str(c) for c in counts), str(total)] for label, counts, total in report.month_type]
        data.append([_("Total"), *(str(line.records) for line in report.by_month), str(report.records)])
        first = 55 * mm
        rest = (WIDTH - first) / (len(months) + 1)
        table = Table(data, colWidths=[first] + [rest] * (len(months) + 1), repeatRows=1, hAlign="LEFT")
        table.setStyle(_table_style(regular, bold))
        story.append(table)
        story.append(
            pdf.paragraph(_("Every activity is listed in the monthly reports and in the spreadsheet."), styles["small"])
        )
    story.append(pdf.signature_block(school, user, styles))
    return pdf.confidential_document(
        story,
        footer=_("BK service report of %(school)s") % {"school": school.name},
        margin=MARGIN,
        title=title_of(report),
        author=school.name,
    )


def _cell(ws, value, *, bold: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # a topic typed as "=..." stays text, never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _text(ws, value):
    return _cell(ws, value) if isinstance(value, str) and value.startswith("=") else value


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Summary")[:31])
    ws.append([_cell(ws, title_of(report), bold=True)])
    ws.append([_cell(ws, report.school.name)])
    for label, value in _facts(report):
        ws.append([label, value])
    ws.append([])
    for _key, title, lines in report.dimensions:
        ws.append(
            [
                _cell(ws, title, bold=True),
                _cell(ws, _("Records"), bold=True),
                _cell(ws, _("Students"), bold=True),
                _cell(ws, _("Minutes"), bold=True),
            ]
        )  # noqa: E501
        for line in lines:
            ws.append([_text(ws, line.label), line.records, line.students, line.minutes])
        ws.append([])
    ws = workbook.create_sheet(_("Activities")[:31])
    ws.append(
        [
            _cell(ws, heading, bold=True)
            for heading in (
                _("Date"), _("Service"), _("Field"), _("Medium"), _("Who"), _("Students"), _("Minutes"),
                _("Topic"), _("Counselor"),
            )
        ]
    )  # fmt: skip
    for a in report.activities:
        ws.append(
            [a.date, a.service, a.bidang, a.medium, _text(ws, a.participants), a.students, a.minutes,
             _text(ws, a.topic), _text(ws, a.counselor)]
        )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d")
