"""Exports: the spreadsheet opens with the right sheets and figures; the PDF is on the letterhead."""

import io

from openpyxl import load_workbook

from ekonseling.instruments import exports, reports

from .test_reports import administration, aum_class, record


def test_xlsx_has_the_group_table_ranking_students_and_attention(world):
    report = reports.group_report(aum_class(world))
    wb = load_workbook(io.BytesIO(exports.group_xlsx(report)))
    profile, ranking, students, attention = wb.worksheets
    rows = list(profile.iter_rows(values_only=True))
    jdk = next(row for row in rows if isinstance(row[0], str) and row[0].startswith("JDK"))
    # P% 26,67 % is the number 0.2667 in a percent format; M 1,33 a number with two decimals
    assert jdk[:7] == ("JDK Jasmani dan Kesehatan", 5, 0, 3, 4, 0.2667, 1.33)
    ranked = [row for row in ranking.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert ranked[0][1] == 1 and ranked[0][4] == 2 and ranked[0][5] == 0.6667
    names = [row[0] for row in students.iter_rows(min_row=2, values_only=True)]
    assert names == ["Ani", "Budi", "Citra"]
    assert [row[0] for row in attention.iter_rows(min_row=2, values_only=True)] == ["Ani"]


def test_xlsx_keeps_formula_like_answers_as_text(world):
    adm = administration(world, attention_percent=0)
    world.student.name = '=HYPERLINK("http://x")'
    world.student.save()
    record(adm, world.student, {"items": {"1": True}, "open": {"masalah_lain": "=1+1"}}, world.gurubk)
    wb = load_workbook(io.BytesIO(exports.group_xlsx(reports.group_report(adm))))
    cell = wb.worksheets[2]["A2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_group_pdf_is_on_the_letterhead(world, settings):
    world.school.npsn = "20212345"
    world.school.city = "Padang"
    world.school.save()
    report = reports.group_report(aum_class(world))
    data = exports.group_pdf(report, world.gurubk)
    assert data.startswith(b"%PDF")
    assert b"/Author (SMA Negeri Uji)" in data  # the school, as the document's author


def test_individual_pdf_renders_for_every_kind(world):
    for name in ["aum-umum-contoh.json", "dcm-contoh.json", "itp-sma-contoh.json"]:
        adm = administration(world, name)
        definition = adm.instrument.definition
        if definition.answer_format == "choice":
            doc = {"items": {str(item.number): item.options[0].code for item in definition.items}}
        else:
            doc = {"items": {"1": True}}
        sheet = record(adm, world.student, doc, world.gurubk)
        report = reports.individual_report(sheet)
        assert exports.individual_pdf(report, world.gurubk).startswith(b"%PDF")
        assert exports.group_pdf(reports.group_report(adm), world.gurubk).startswith(b"%PDF")


def test_signature_and_letterhead_carry_the_school_and_counselor():
    from types import SimpleNamespace

    styles = exports._styles()
    school = SimpleNamespace(
        name="SMA Negeri 1 Uji",
        address="Jl. Merdeka 1",
        city="Padang",
        province="Sumatera Barat",
        phone="0751-1",
        email="sma@uji.sch.id",
        website="",
        npsn="10301234",
    )
    texts = [flow.getPlainText() for flow in exports.letterhead(school, styles) if hasattr(flow, "getPlainText")]
    assert texts[0] == "SMA Negeri 1 Uji" and "NPSN 10301234" in texts
    assert any("Padang" in t for t in texts) and any("sma@uji.sch.id" in t for t in texts)
    user = SimpleNamespace(
        role="guru_bk", display_name="Bu Rina", nip="198001012005012001", get_role_display=lambda: "Guru BK"
    )
    block = exports.signature(school, user, styles)
    cell = block._content[1]._cellvalues[0][1]
    assert [p.getPlainText() for p in cell if hasattr(p, "getPlainText")][-2:] == ["Bu Rina", "NIP 198001012005012001"]


def test_xlsx_sheets_have_widths_a_frozen_header_and_number_formats(world):
    """Issue 14: no column widths, no frozen header and percentages in General format."""
    report = reports.group_report(aum_class(world))
    wb = load_workbook(io.BytesIO(exports.group_xlsx(report)))
    profile, ranking, students, attention = wb.worksheets
    assert students.freeze_panes == "B2" and attention.freeze_panes == "B2"
    for ws in (profile, ranking, students, attention):
        assert ws.column_dimensions["A"].customWidth and ws.column_dimensions["A"].width >= 6
    # the item text column of the ranking is wide, the rank column narrow
    assert ranking.column_dimensions["D"].width > ranking.column_dimensions["A"].width
    jdk = next(row for row in profile.iter_rows() if str(row[0].value).startswith("JDK"))
    assert jdk[5].number_format == exports.PERCENT_FORMAT and jdk[6].number_format == exports.DECIMAL_FORMAT
    assert isinstance(jdk[5].value, float) and isinstance(jdk[1].value, int)
    assert profile.column_dimensions["A"].width >= len("JDK Jasmani dan Kesehatan")
    percent_cells = [
        cell for row in students.iter_rows(min_row=2) for cell in row if cell.number_format == exports.PERCENT_FORMAT
    ]
    assert percent_cells and all(0 <= cell.value <= 1 for cell in percent_cells)
