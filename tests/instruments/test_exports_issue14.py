"""Exports a principal can read (issue 14): each finding with the test that failed before the fix."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from reportlab.graphics.shapes import Line, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from ekonseling.instruments import charts, exports, reports
from ekonseling.instruments.reports import Bar, Stack

from .. import factories
from .test_reports import administration, aum_class, record


def _texts(flowables):
    """Every text of a PDF story: paragraphs, table cells, kept-together blocks."""
    out = []
    for flow in flowables:
        if hasattr(flow, "getPlainText"):
            out.append(flow.getPlainText())
        elif hasattr(flow, "_cellvalues"):
            for row in flow._cellvalues:
                for cell in row:
                    out += _texts(cell if isinstance(cell, list | tuple) else [cell])
        elif hasattr(flow, "_content"):
            out += _texts(flow._content)
    return out


@pytest.fixture
def story(monkeypatch):
    """The group or individual PDF's story instead of its bytes."""
    monkeypatch.setattr(exports, "_document", lambda story, school, title: story)


def test_the_band_letter_is_printed_with_its_description(world, story):
    report = reports.group_report(aum_class(world))
    jdk = next(row for row in report.table("areas").rows if row[0].text.startswith("JDK"))
    assert jdk[-1].text == "B (Ringan)"
    texts = _texts(exports.group_pdf(report, world.gurubk))
    assert any("B (Ringan)" in t for t in texts)
    legend = next(t for t in texts if t.startswith("Kategori:"))
    assert "A 0–20 %: Sangat ringan" in legend and "E 81–100 %: Sangat berat" in legend
    # the bar's note says it too
    assert report.bars[0].band_description == "Ringan"


def test_submitted_sheets_say_of_how_many_assigned(world, story, client):
    adm = aum_class(world)  # four students given the sheet, three submitted
    report = reports.group_report(adm)
    assert (report.n, report.assigned) == (3, 4)
    assert "3 dari 4 yang ditugaskan" in _texts(exports.group_pdf(report, world.gurubk))
    client.force_login(world.gurubk)
    html = client.get(reverse("instruments:group_report", args=[adm.pk])).content.decode()
    assert 'data-testid="assigned">dari 4 yang ditugaskan<' in html


def test_the_signature_block_has_nip_and_the_principals_acknowledgement(world, story):
    world.gurubk.nip = "198001012005012001"
    world.gurubk.save()
    world.school.headmaster_name = "Drs. Hasan"
    world.school.headmaster_nip = "196701011990031002"
    world.school.save()
    texts = _texts(exports.group_pdf(reports.group_report(aum_class(world)), world.gurubk))
    for expected in ("Mengetahui,", "Kepala Sekolah", "Drs. Hasan", "NIP 196701011990031002", "NIP 198001012005012001"):
        assert expected in texts
    assert exports.signature is exports.pdf.signature_block and exports.letterhead is exports.pdf.letterhead


def test_pdf_value_labels_sit_on_a_white_ground_over_the_gridlines():
    bars = [Bar("JDK Jasmani", 20.0, "20,00 %", "A", 0, band_description="Sangat ringan"), Bar("DPI", 40.0, "40,00 %")]
    drawing = exports.bar_drawing(bars, exports.WIDTH)
    shapes = drawing.contents
    notes = [(i, s) for i, s in enumerate(shapes) if isinstance(s, String) and "%" in s.text]
    assert notes[0][1].text == "20,00 % · A Sangat ringan"
    for index, note in notes:
        ground = shapes[index - 1]
        assert isinstance(ground, Rect) and ground.fillColor == exports.colors.white
        width = stringWidth(note.text, note.fontName, note.fontSize)
        assert ground.x <= note.x and ground.x + ground.width >= note.x + width
        # drawn after every grid line, so no line crosses the label
        assert all(not isinstance(s, Line) for s in shapes[index:])


def test_web_chart_labels_are_not_cut():
    bars = [Bar("HSO Hubungan Sosial", 20.0, "20,00 %"), Bar("KHK Keadaan dan Hubungan Keluarga", 40.0, "40,00 %")]
    root = ET.fromstring(charts.bar_chart(bars, "Profil"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "HSO Hubungan Sosial" in texts and "KHK Keadaan dan Hubungan Keluarga" in texts
    assert not any(t and t.endswith("…") for t in texts)
    stacks = [Stack("TJS Kesadaran tanggung jawab sosial", (("1", 1, 100.0),))]
    legend = ["1 Impulsif", "2 Perlindungan Diri", "6 Individualistik"]
    root = ET.fromstring(charts.stacked_chart(stacks, "Tingkat", legend))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "TJS Kesadaran tanggung jawab sosial" in texts and "2 Perlindungan Diri" in texts


def _itp_report(world):
    adm = administration(world, "itp-sma-contoh.json")
    definition = adm.instrument.definition
    record(adm, world.student, {"items": {str(i.number): i.options[0].code for i in definition.items}}, world.gurubk)
    return reports.group_report(adm)


def test_itp_pdf_headers_are_never_split_mid_word(world):
    report = _itp_report(world)
    styles = exports._styles()
    for table in report.tables:
        widths, _cell, head = exports._fitted(table, exports.WIDTH, styles)
        for column, width in zip(table.columns, widths, strict=True):
            for word in column.split():
                assert stringWidth(word, head.fontName, head.fontSize) + 4 <= width, (table.id, word)
        assert sum(widths) == pytest.approx(exports.WIDTH)


def test_itp_pdf_legend_names_every_level_whole(world):
    report = _itp_report(world)
    levels = [f"{level.value} {level.name}" for level in report.definition.levels]
    drawing = exports.stacked_drawing(report.stacks, levels, exports.WIDTH, "Tingkat")
    texts = [s for s in drawing.contents if isinstance(s, String)]
    for name in levels:
        (shown,) = [s for s in texts if s.text == name]
        assert shown.x + stringWidth(name, shown.fontName, shown.fontSize) <= exports.WIDTH
    # the aspect labels are whole too (on two lines when long)
    labels = " ".join(s.text for s in texts)
    for stack in report.stacks:
        assert all(word in labels for word in stack.label.split())


def test_two_students_with_the_same_name_are_told_apart(world, story):
    twin = factories.student(world.school, rombel=world.rombel_a, name=world.student.name)
    adm = administration(world, "dcm-contoh.json", attention_percent=90)
    record(adm, world.student, {"items": {"4": True}}, world.gurubk)
    record(adm, twin, {"items": {"4": True}}, world.gurubk)
    report = reports.group_report(adm)
    labels = [entry.sheet.label for entry in report.attention]
    assert len(set(labels)) == 2 and {world.student.nisn, twin.nisn} == {label[-11:-1] for label in labels}
    who = report.table("critical").rows[0][2].text
    assert world.student.nisn in who and twin.nisn in who
    texts = " ".join(_texts(exports.group_pdf(report, world.gurubk)))
    assert world.student.nisn in texts and twin.nisn in texts
