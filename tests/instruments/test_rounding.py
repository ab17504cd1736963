"""One rounding rule for the page, the PDF and the spreadsheet (issue 14).

The spreadsheet used to store ``round(J / N, 2)`` (a float rounded half to even) while the page and
the PDF printed the same figure rounded half up: at N = 40, J = 3 showed "0,08" on the page and
0.07 in the xlsx. Every figure now goes through `tables.hundredths`; these tests compare the three
renderers figure by figure.
"""

import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from openpyxl import Workbook, load_workbook

from ekonseling.instruments import exports, tables
from ekonseling.instruments.scoring import fmt, percent


def _half_up(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def _xlsx_text(value, number_format):
    """What a spreadsheet set to Indonesian shows for a stored number and its format."""
    if number_format == exports.PERCENT_FORMAT:
        return f"{value * 100:.2f}".replace(".", ",")
    assert number_format == exports.DECIMAL_FORMAT
    return f"{value:.2f}".replace(".", ",")


def _roundtrip(cells):
    """The cells written by the export's sheet writer and read back: (value, number format) each."""
    wb = Workbook(write_only=True)
    sheet = exports._Sheet(wb, "uji")
    for cell in cells:
        sheet.cells([cell])
    sheet.close()
    out = io.BytesIO()
    wb.save(out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    return [(row[0].value, row[0].number_format) for row in ws.iter_rows(max_col=1)]


def test_means_agree_on_page_pdf_and_xlsx_for_n_1_to_60():
    """M = J / N for every J of a 5-item area, N = 1…60: page text = PDF text = xlsx as shown."""
    cells, expected = [], []
    for n in range(1, 61):
        for j in range(0, 5 * n + 1):
            cell = tables.mean(j, n)
            # the page and the PDF print cell.text; the hand calculation rounds half up
            assert cell.text == _half_up(Fraction(j, n)) == fmt(Fraction(j, n)), (j, n)
            cells.append(cell)
            expected.append(cell.text)
    stored = _roundtrip(cells)
    shown = [_xlsx_text(value, number_format) for value, number_format in stored]
    assert shown == expected
    assert all(isinstance(value, float | int) for value, _f in stored)  # numbers, not text


def test_the_reported_case_n40_j3():
    cell = tables.mean(3, 40)
    assert (cell.text, cell.value) == ("0,08", 0.08)  # was 0.07 in the xlsx (round half to even)


def test_percentages_agree_on_page_pdf_and_xlsx_for_n_1_to_60():
    cells, expected = [], []
    for n in range(1, 61):
        for j in range(0, 5 * n + 1):
            figure = percent(j, 5, n)
            cell = tables.pct(figure)
            assert cell.text == figure.display() == _half_up(figure.value), (j, n)
            cells.append(cell)
            expected.append(cell.text)
    stored = _roundtrip(cells)
    assert {number_format for _v, number_format in stored} == {exports.PERCENT_FORMAT}
    assert [_xlsx_text(value, f) for value, f in stored] == expected


def test_itp_aspect_means_round_half_up_everywhere():
    for numerator in range(0, 800):
        for items in (2, 3, 4, 6, 8):
            value = Fraction(numerator, items * 40)
            cell = tables.decimal(value, "x = {}")
            assert cell.text == fmt(value) and cell.formula == f"x = {fmt(value)}"
            assert f"{cell.value:.2f}".replace(".", ",") == cell.text
