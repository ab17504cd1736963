"""Charts as server-rendered SVG strings: no JavaScript, no chart library, printable.

A chart must still read on a black-and-white printout and on a 360 px phone, so every bar carries
its value as text and its band as a label, and the band fill is a pattern as well as a colour.
All text is escaped; the SVG scales to its container through its viewBox.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

# Narrow on purpose: on a 360 px phone the chart is drawn about 320 px wide, so a wider viewBox
# would shrink the 14-unit text below legibility.
WIDTH = 400
LABEL_W = 120  # room for the area label on the left
VALUE_W = 100  # room for the value and the band label on the right
STACK_RIGHT = 40  # room for the target marker after a stacked bar
HALO = ' paint-order="stroke" stroke="#fff" stroke-width="3"'  # value text stays readable over grid lines
ROW = 28
BAR = 18
TOP = 30

# Fill colour and pattern per band index (lowest band first); greys differ enough to print.
BAND_COLOURS = ("#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a", "#37474f")
SERIES_COLOURS = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#37474f", "#c62828")
LEVEL_GREYS = ("#f5f5f5", "#e0e0e0", "#bdbdbd", "#9e9e9e", "#757575", "#616161", "#424242", "#212121", "#000000")


def _patterns(prefix: str, colours: Sequence[str]) -> str:
    """One <pattern> per colour: plain, hatched, dotted, cross-hatched ... in turn."""
    marks = (
        "",
        '<path d="M0,6 L6,0" stroke="#000" stroke-width="1" stroke-opacity=".55"/>',
        '<circle cx="3" cy="3" r="1.1" fill="#000" fill-opacity=".55"/>',
        '<path d="M0,0 L6,6 M0,6 L6,0" stroke="#000" stroke-width=".8" stroke-opacity=".55"/>',
        '<path d="M0,3 L6,3" stroke="#000" stroke-width="1" stroke-opacity=".55"/>',
        '<path d="M3,0 L3,6" stroke="#000" stroke-width="1" stroke-opacity=".55"/>',
    )
    out = []
    for index, colour in enumerate(colours):
        out.append(
            f'<pattern id="{prefix}{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{marks[index % len(marks)]}</pattern>'
        )
    return "".join(out)


def _svg(height: int, title: str, body: str, defs: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label={quoteattr(title)} class="chart" font-family="sans-serif" font-size="14">'
        f"<title>{escape(title)}</title><defs>{defs}</defs>"
        f'<text x="0" y="16" font-weight="bold" font-size="15">{escape(title)}</text>{body}</svg>'
    )


def _clip(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


FIT = 17  # characters of a 12-unit label that fit in LABEL_W
LABEL_ROW = 15  # the extra height of a row whose label stands above its bar
LONGEST_LABEL = 60  # characters of a label above its bar: the chart's whole width


def _geometry(labels: Sequence[str], right: int) -> tuple[int, int, int]:
    """(x of the axis, span of 100 %, extra row height). Labels that fit stand left of their bars;
    when one does not ("HSO Hubungan Sosial"), every label stands whole above its bar instead of
    being cut, and the bars take the whole width."""
    if all(len(label) <= FIT for label in labels):
        return LABEL_W, WIDTH - LABEL_W - right, 0
    return 0, WIDTH - right, LABEL_ROW


def _label(y: float, text: str, x0: int = LABEL_W) -> str:
    """The category label: right-aligned against the axis, or whole above the bar (x0 = 0)."""
    if x0:
        return f'<text x="{x0 - 6}" y="{y + BAR - 3}" text-anchor="end" font-size="12">{escape(_clip(text))}</text>'
    return f'<text class="label" x="0" y="{y - 4}" font-size="12">{escape(_clip(text, LONGEST_LABEL))}</text>'


def _scale(value: float, span: float) -> float:
    return max(0.0, min(100.0, value)) * span / 100


def _axis(top: int, bottom: int, x0: int, span: int) -> str:
    lines = []
    for tick in (0, 20, 40, 60, 80, 100):
        x = x0 + span * tick / 100
        dash = "" if tick == 0 else ' stroke-dasharray="2,3"'
        lines.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#999" stroke-width=".5"{dash}/>'
            f'<text x="{x:.1f}" y="{bottom + 12}" text-anchor="middle" font-size="10" fill="#444">{tick}</text>'
        )
    return "".join(lines)


def bar_chart(bars: Sequence, title: str) -> str:
    """Horizontal bars of percentages (0–100), each with its value and band label as text.

    ``bars`` are objects with label, value (0..100), display, band, band_index and formula
    (reports.Bar); the formula becomes the bar's tooltip.
    """
    x0, span, extra = _geometry([bar.label for bar in bars], VALUE_W)
    bottom = TOP + (ROW + extra) * len(bars)
    body = [_axis(TOP, bottom, x0, span)]
    for index, bar in enumerate(bars):
        y = TOP + index * (ROW + extra) + extra
        width = _scale(bar.value, span)
        fill = f"url(#band{bar.band_index})" if bar.band_index is not None else "#607d8b"
        note = f"{bar.display} · {bar.band}" if bar.band else bar.display
        tip = bar.formula or bar.display
        body.append(
            f'<g class="bar" data-value="{bar.value:.4f}">'
            f"<title>{escape(bar.label)}: {escape(tip)}</title>"
            f"{_label(y, bar.label, x0)}"
            f'<rect x="{x0}" y="{y}" width="{width:.2f}" height="{BAR}" fill="{fill}" stroke="#000" '
            f'stroke-width=".6"/>'
            f'<text class="value" x="{x0 + width + 4:.2f}" y="{y + BAR - 3}"{HALO}>{escape(note)}</text></g>'
        )
    return _svg(bottom + 20, title, "".join(body), _patterns("band", BAND_COLOURS))


def stacked_chart(stacks: Sequence, title: str, legend: Sequence[str]) -> str:
    """100 % stacked bars (e.g. students per developmental level per aspect) with a legend.

    ``stacks`` are objects with label, segments ((level label, count, percent), ...) and marker
    (e.g. the target level, printed after the bar). Segments print their count when wide enough.
    """
    x0, span, extra = _geometry([stack.label for stack in stacks], STACK_RIGHT)
    legend_rows = (len(legend) + 1) // 2  # two per line: "2 Perlindungan Diri" whole
    top = TOP + 10 + legend_rows * 18
    bottom = top + (ROW + extra) * len(stacks)
    body = []
    for index, name in enumerate(legend):
        x = (index % 2) * (WIDTH / 2)
        y = TOP + 8 + (index // 2) * 18
        body.append(
            f'<rect x="{x:.1f}" y="{y - 9}" width="12" height="12" fill="url(#level{index})" stroke="#000" '
            f'stroke-width=".5"/><text x="{x + 16:.1f}" y="{y + 1}" font-size="12">{escape(_clip(name, 26))}</text>'
        )
    body.append(_axis(top, bottom, x0, span))
    for row, stack in enumerate(stacks):
        y = top + row * (ROW + extra) + extra
        x = float(x0)
        parts = [_label(y, stack.label, x0)]
        for index, (label, count, share) in enumerate(stack.segments):
            width = _scale(share, span)
            if width <= 0:
                continue
            parts.append(
                f'<rect class="segment" data-level="{escape(label)}" data-count="{count}" x="{x:.2f}" y="{y}" '
                f'width="{width:.2f}" height="{BAR}" fill="url(#level{index})" stroke="#000" stroke-width=".5">'
                f"<title>{escape(label)}: {count} ({share:.2f} %)</title></rect>"
            )
            if width >= 18:
                dark = index >= len(stack.segments) / 2
                parts.append(
                    f'<text x="{x + width / 2:.2f}" y="{y + BAR - 4}" text-anchor="middle" font-size="10" '
                    f'fill="{"#fff" if dark else "#000"}">{count}</text>'
                )
            x += width
        if stack.marker:
            parts.append(f'<text x="{x0 + span + 6}" y="{y + BAR - 3}" font-size="11">▶ {escape(stack.marker)}</text>')
        body.append(f'<g class="stack">{"".join(parts)}</g>')
    greys = LEVEL_GREYS[-len(legend) :] if len(legend) <= len(LEVEL_GREYS) else LEVEL_GREYS
    return _svg(bottom + 20, title, "".join(body), _patterns("level", greys))


def comparison_chart(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], title: str
) -> str:
    """Grouped horizontal bars: per category one bar per series (rombel, year), each labelled.

    A missing value (no submitted sheets, or an area the other version lacks) is printed as "—"
    instead of a zero-length bar, so it cannot be read as 0 %.
    """
    x0, span, extra = _geometry(categories, 60)
    per = BAR * len(series) + 10 + extra
    legend_rows = (len(series) + 1) // 2
    top = TOP + 10 + legend_rows * 18
    bottom = top + per * len(categories)
    body = []
    for index, (name, _values) in enumerate(series):
        x = (index % 2) * (WIDTH / 2)
        y = TOP + 8 + (index // 2) * 18
        body.append(
            f'<rect x="{x:.1f}" y="{y - 9}" width="12" height="12" fill="url(#series{index})" stroke="#000" '
            f'stroke-width=".5"/><text x="{x + 16:.1f}" y="{y + 1}" font-size="12">{escape(_clip(name, 28))}</text>'
        )
    body.append(_axis(top, bottom, x0, span))
    for row, category in enumerate(categories):
        y0 = top + row * per + extra
        parts = [_label(y0, category, x0)]
        for index, (name, values) in enumerate(series):
            value = values[row]
            y = y0 + index * BAR
            if value is None:
                parts.append(
                    f'<text x="{x0 + 4}" y="{y + BAR - 4}" font-size="11">— ({escape(_clip(name, 20))})</text>'
                )
                continue
            width = _scale(value, span)
            shown = f"{value:.2f}".replace(".", ",")
            parts.append(
                f'<rect class="bar" data-series="{index}" data-value="{value:.4f}" x="{x0}" y="{y + 1}" '
                f'width="{width:.2f}" height="{BAR - 2}" fill="url(#series{index})" stroke="#000" stroke-width=".5">'
                f"<title>{escape(name)}: {shown} %</title></rect>"
                f'<text x="{x0 + width + 4:.2f}" y="{y + BAR - 4}" font-size="12"{HALO}>{shown} %</text>'
            )
        body.append(f'<g class="category">{"".join(parts)}</g>')
    return _svg(bottom + 20, title, "".join(body), _patterns("series", SERIES_COLOURS))
