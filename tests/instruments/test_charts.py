"""SVG charts: valid XML, values placed where they belong, text escaped, missing values shown as —."""

import xml.etree.ElementTree as ET

from ekonseling.instruments import charts
from ekonseling.instruments.reports import Bar, Stack

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg):
    return ET.fromstring(svg)


def _bar_rects(root):
    return [g.find("s:rect", NS) for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"]


def test_bar_chart_places_each_value_and_band_label():
    bars = [
        Bar("JDK Jasmani", 25.0, "25,00 %", "B", 1, "5 / (5 × 4) × 100 = 25,00 %"),
        Bar("DPI Diri", 100.0, "100,00 %", "E", 4),
        Bar("HSO", 0.0, "0,00 %", "A", 0),
    ]
    root = _parse(charts.bar_chart(bars, 'Profil <kelas> & "uji"'))
    assert root.find("s:title", NS).text == 'Profil <kelas> & "uji"'
    rects = _bar_rects(root)
    span = charts.WIDTH - charts.LABEL_W - charts.VALUE_W
    widths = [float(rect.get("width")) for rect in rects]
    assert widths == [span * 0.25, span * 1.0, 0.0]
    assert [rect.get("fill") for rect in rects] == ["url(#band1)", "url(#band4)", "url(#band0)"]
    values = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "value"]
    assert values == ["25,00 % · B", "100,00 % · E", "0,00 % · A"]
    # the value label starts right after its bar
    labels = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "value"]
    assert float(labels[0].get("x")) == charts.LABEL_W + span * 0.25 + 4
    titles = [g.find("s:title", NS).text for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"]
    assert titles[0] == "JDK Jasmani: 5 / (5 × 4) × 100 = 25,00 %"
    assert root.find("s:defs/s:pattern[@id='band1']", NS) is not None


def test_text_is_escaped_and_cannot_inject_markup():
    svg = charts.bar_chart([Bar("<script>alert(1)</script>", 10.0, "10 %")], "</svg><script>")
    root = _parse(svg)
    assert not any(el.tag.endswith("script") for el in root.iter())
    assert "<script>" not in svg


def test_values_are_clamped_to_the_axis():
    root = _parse(charts.bar_chart([Bar("x", 150.0, "150 %"), Bar("y", -5.0, "-5 %")], "t"))
    span = charts.WIDTH - charts.LABEL_W - charts.VALUE_W
    assert [float(r.get("width")) for r in _bar_rects(root)] == [span, 0.0]


def test_stacked_chart_segments_add_up_and_carry_counts():
    stacks = [Stack("REL", (("1", 1, 25.0), ("2", 0, 0.0), ("3", 3, 75.0)), marker="3")]
    root = _parse(charts.stacked_chart(stacks, "Tingkat", ["1 Impulsif", "2 Perlindungan", "3 Konformistik"]))
    segments = [el for el in root.iter("{http://www.w3.org/2000/svg}rect") if el.get("class") == "segment"]
    assert [(s.get("data-level"), s.get("data-count")) for s in segments] == [("1", "1"), ("3", "3")]
    span = charts.WIDTH - charts.LABEL_W - charts.STACK_RIGHT
    assert sum(float(s.get("width")) for s in segments) == span
    assert float(segments[1].get("x")) == charts.LABEL_W + span * 0.25


def test_comparison_chart_draws_each_series_and_marks_missing_values():
    svg = charts.comparison_chart(
        ["JDK", "DPI"], [("2025 (N=30)", [20.0, None]), ("2026 (N=32)", [40.0, 10.0])], "Perbandingan"
    )
    root = _parse(svg)
    bars = [el for el in root.iter("{http://www.w3.org/2000/svg}rect") if el.get("class") == "bar"]
    assert [(b.get("data-series"), float(b.get("data-value"))) for b in bars] == [("0", 20.0), ("1", 40.0), ("1", 10.0)]
    assert float(bars[1].get("width")) == 2 * float(bars[0].get("width"))
    assert any((t.text or "").startswith("—") for t in root.iter("{http://www.w3.org/2000/svg}text"))
