"""Server-side SVG charts, used by the dashboard, the plan pages, the summary page and the PDF alike.

Readable on a phone: a chart is drawn for a narrow box (WIDTH units wide, text FONT_SIZE units)
and the pages never show it wider than MAX_DISPLAY_PX, so text renders at 11 px or more from a
320 px container up (see `rendered_font_px`). Measures that go different ways (pain: higher is
worse; sleep: higher is better) get charts of their own, side by side (`render_small_multiples`),
each with its axis and direction labelled.

Colour-blind safe: the Okabe–Ito palette (orange darkened to keep 3:1 contrast on white), and
every series also has its own dash pattern and marker shape, shown in the legend. Where two lines
run on top of each other the chart says so under the legend, and the later line is drawn thinner
and dashed over the earlier one so both stay visible.

Only presentation attributes are used (no style attributes or <style> blocks): the pages'
Content-Security-Policy forbids inline styles, and WeasyPrint renders attributes faithfully.
All text is escaped. Charts carry a <title> and a <desc> that states each series' values in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from html import escape

from markupsafe import Markup

FONT = "DejaVu Sans, Verdana, sans-serif"
INK, MUTED, GRID = "#1b2430", "#556170", "#d8dee6"
REFERENCE = "#6b7785"  # quota, baseline, target, threshold: reference lines, not data
REFERENCE_DASH = "5 4"

# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, reddish purple,
# black, and orange darkened from #E69F00 (2.3:1 on white) to #A86F00 (4.2:1).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#A86F00"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 2", "12 4"]
MARKERS = ["circle", "square", "triangle", "diamond", "circle", "square"]

WIDTH = 360  # viewBox units; also the chart's natural width in CSS px
FONT_SIZE = 13  # every text in a chart has this size (no smaller print)
MAX_DISPLAY_PX = 440  # the pages' CSS (static/css/charts.css) never shows a chart wider than this
NARROWEST_CONTAINER_PX = 320  # a card on a 390 px phone is 334 px wide
CHAR_WIDTH = 0.62  # DejaVu Sans, average advance per em, rounded up: for layout estimates
LINE = FONT_SIZE + 5
OVERLAP_UNITS = 4.5  # lines closer than this (3.25 + 2.25 wide, 7-unit markers) hide one another


def rendered_font_px(font_size: float, viewbox_width: float, container_px: float,
                     max_display_px: float = MAX_DISPLAY_PX) -> float:
    """The font size in CSS px of SVG text when the chart is shown `min(container, max)` wide."""
    return font_size * min(container_px, max_display_px) / viewbox_width


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return len(text) * font_size * CHAR_WIDTH


@dataclass(frozen=True)
class Style:
    color: str
    dash: str
    marker: str
    width: float


@dataclass
class Series:
    """A named line. `values` holds one value per x position; None leaves a gap.
    `dashed` marks a reference line (quota, baseline, target): grey and dashed unless `color` says otherwise."""

    name: str
    values: list[float | None]
    color: str | None = None
    dashed: bool = False
    show_points: bool = True


@dataclass
class LineChart:
    title: str
    x_labels: list[str]
    series: list[Series]
    y_min: float = 0
    y_max: float = 10
    y_ticks: list[float] = field(default_factory=lambda: [0, 2, 4, 6, 8, 10])
    y_label: str = ""  # the axis: scale and direction, e.g. "0–10, higher is worse"
    width: int = WIDTH
    height: int = 110  # of the plot area; the chart grows for its heading, labels, legend and notes
    description: str = ""
    heading: str = ""  # shown above the plot; the title is for screen readers
    point_word: str = "points"  # "weeks": used in the overlap note and the description
    head_on_two_lines: bool = False  # heading and axis label on lines of their own even when they would fit on one


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values from `low` to `high` (at most `most` of them): 0, 5, 10, 15, 20 for 0–21."""
    span = (high - low) or 1
    for step in (base * 10 ** power for power in range(-2, 6) for base in (1, 2, 2.5, 5)):
        if math.floor(span / step + 1e-9) + 1 <= most:
            first = math.ceil(low / step) * step
            return [round(first + k * step, 6) for k in range(math.floor((high - first) / step + 1e-9) + 1)]
    return [low, high]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def series_styles(series: list[Series]) -> list[Style]:
    """Data series take the palette, dash patterns and markers in turn; reference lines are grey
    and dashed. The first data line is the thickest, so a later line drawn on it leaves an edge."""
    styles, k = [], 0
    for s in series:
        if s.dashed:
            styles.append(Style(s.color or REFERENCE, REFERENCE_DASH, "", 1.75))
            continue
        styles.append(Style(s.color or PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)],
                            MARKERS[k % len(MARKERS)], 3.25 if k == 0 else 2.25))
        k += 1
    return styles


def overlaps(chart: LineChart, tolerance: float) -> list[tuple[str, str, int, int]]:
    """Pairs of series drawn on top of each other: (first, second, points where their values are
    within `tolerance` of each other, points where both have a value), when they coincide along at
    least one segment."""
    found = []
    for i, a in enumerate(chart.series):
        for b in chart.series[i + 1:]:
            both = [(x, y) for x, y in zip(a.values, b.values)]
            close = [x is not None and y is not None and abs(x - y) <= tolerance for x, y in both]
            shared = sum(1 for x, y in both if x is not None and y is not None)
            if any(close[k] and close[k + 1] for k in range(len(close) - 1)):
                found.append((a.name, b.name, sum(close), shared))
    return found


def _overlap_notes(chart: LineChart, plot_h: float) -> list[str]:
    tolerance = OVERLAP_UNITS * (chart.y_max - chart.y_min) / plot_h
    return [f"{a} and {b} overlap at {n} of {m} {chart.point_word} (both drawn)."
            for a, b, n, m in overlaps(chart, tolerance)]


def _series_words(chart: LineChart) -> str:
    """Each series in words, for the <desc>: the text alternative to the drawing."""
    parts = []
    for s in chart.series:
        points = [(label, v) for label, v in zip(chart.x_labels, s.values) if v is not None]
        if not points:
            parts.append(f"{s.name}: no values.")
        elif len({v for _, v in points}) == 1:
            parts.append(f"{s.name}: {_num(points[0][1])} throughout.")
        else:
            low, high = min(v for _, v in points), max(v for _, v in points)
            parts.append(f"{s.name}: {_num(points[0][1])} on {points[0][0]}, {_num(points[-1][1])} on "
                         f"{points[-1][0]}, between {_num(low)} and {_num(high)}, {len(points)} {chart.point_word}.")
    return " ".join(parts)


def _wrap(text: str, width: float) -> list[str]:
    per_line = max(10, int(width / (FONT_SIZE * CHAR_WIDTH)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _fit(text: str, width: float) -> str:
    per_line = max(4, int(width / (FONT_SIZE * CHAR_WIDTH)))
    return text if len(text) <= per_line else text[: per_line - 1].rstrip() + "…"


def _head_lines(chart: LineChart) -> list[list[tuple[str, str, str]]]:
    """The heading (bold) and the axis label (muted) on one line when they fit, else on two."""
    bold = ' font-weight="bold"'
    usable = chart.width - 4
    heading = [(_fit(chart.heading, usable), INK, bold)] if chart.heading else []
    axis = [(_fit(chart.y_label, usable), MUTED, "")] if chart.y_label else []
    fits = text_width(f"{chart.heading} · {chart.y_label}") * 1.05 <= usable
    if heading and axis and fits and not chart.head_on_two_lines:
        return [[(chart.heading, INK, bold), (f" · {chart.y_label}", MUTED, "")]]
    return [line for line in ([heading] if heading else []) + ([axis] if axis else [])]


def _marker(shape: str, cx: float, cy: float, style: Style) -> str:
    hollow = f'fill="#ffffff" stroke="{style.color}" stroke-width="1.75"'
    if shape == "square":
        return f'<rect x="{cx - 3.5:.1f}" y="{cy - 3.5:.1f}" width="7" height="7" {hollow}/>'
    if shape == "triangle":
        return (f'<path d="M{cx:.1f} {cy - 4.5:.1f}L{cx + 4.2:.1f} {cy + 3:.1f}L{cx - 4.2:.1f} {cy + 3:.1f}Z" '
                f'fill="{style.color}"/>')
    if shape == "diamond":
        return (f'<path d="M{cx:.1f} {cy - 4.5:.1f}L{cx + 4.5:.1f} {cy:.1f}L{cx:.1f} {cy + 4.5:.1f}'
                f'L{cx - 4.5:.1f} {cy:.1f}Z" {hollow}/>')
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{style.color}"/>'


def _legend_rows(chart: LineChart, styles: list[Style], usable: float) -> list[list[tuple[Series, Style, float]]]:
    rows: list[list[tuple[Series, Style, float]]] = [[]]
    used = 0.0
    for s, style in zip(chart.series, styles):
        item = 30 + text_width(s.name) + 14
        if rows[-1] and used + item > usable:
            rows.append([])
            used = 0.0
        rows[-1].append((s, style, item))
        used += item
    return rows if rows[0] else []


def _x_label_indices(labels: list[str], plot_w: float) -> list[int]:
    """As many x labels as fit without touching, evenly spaced, always the last one."""
    n = len(labels)
    if not n:
        return []
    slot = max(text_width(label) for label in labels) + 10
    fits = max(1, int(plot_w // slot))
    step = max(1, math.ceil(n / fits))
    shown = [i for i in range(0, n, step)]
    if shown[-1] != n - 1:
        if (n - 1 - shown[-1]) * plot_w / n < slot:
            shown.pop()
        shown.append(n - 1)
    return shown


def render_line_chart(chart: LineChart) -> Markup:
    fs = FONT_SIZE
    width = chart.width
    styles = series_styles(chart.series)
    left = 8 + max((text_width(_num(t)) for t in chart.y_ticks), default=0)
    right = 12
    head_lines = _head_lines(chart)
    top = 6 + LINE * len(head_lines) + FONT_SIZE * 0.7  # room for the top tick label
    plot_w, plot_h = width - left - right, float(chart.height)
    legend = _legend_rows(chart, styles, width - 8) if len(chart.series) > 1 else []
    notes = [line for note in _overlap_notes(chart, plot_h) for line in _wrap(note, width - 8)]
    x_axis = top + plot_h
    height = x_axis + LINE + 6 + LINE * len(legend) + LINE * len(notes) + 4
    n = max(len(chart.x_labels), 1)
    span = (chart.y_max - chart.y_min) or 1

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        v = min(max(v, chart.y_min), chart.y_max)
        return top + plot_h - (v - chart.y_min) / span * plot_h

    description = " ".join(part for part in (chart.description, _series_words(chart),
                                             " ".join(_overlap_notes(chart, plot_h))) if part)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" class="chart ct-chart" '
        f'font-family="{FONT}" font-size="{fs}">',
        f"<title>{escape(chart.title)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]
    line_y = 6
    for head_line in head_lines:
        line_y += LINE
        spans = "".join(f'<tspan fill="{color}"{weight}>{escape(text)}</tspan>' for text, color, weight in head_line)
        parts.append(f'<text x="2" y="{line_y - 4}">{spans}</text>')
    for tick in chart.y_ticks:
        ty = y(tick)
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(f'<text x="{left - 5:.1f}" y="{ty + fs * 0.35:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{_num(tick)}</text>')
    for i in _x_label_indices(chart.x_labels, plot_w):
        label = chart.x_labels[i]
        half = text_width(label) / 2
        lx = min(max(x(i), half + 1), width - half - 1)
        parts.append(f'<text x="{lx:.1f}" y="{x_axis + fs + 4:.1f}" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(label)}</text>')
    # Data lines, then reference lines (thin, dashed: a line under them shows), then every marker.
    for s, style in sorted(zip(chart.series, styles), key=lambda pair: pair[0].dashed):
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        for points in _segments(s.values):
            if len(points) > 1:
                coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
                parts.append(f'<polyline points="{coords}" fill="none" stroke="{style.color}" '
                             f'stroke-width="{style.width}" stroke-linejoin="round"{dash}/>')
    for s, style in zip(chart.series, styles):
        for points in _segments(s.values):
            if s.show_points and style.marker or len(points) == 1:
                parts.extend(_marker(style.marker or "circle", x(i), y(v), style) for i, v in points)
    ly = x_axis + LINE + 6
    for row in legend:
        ly += LINE
        lx = 2.0
        for s, style, item in row:
            dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
            parts.append(f'<line x1="{lx:.1f}" y1="{ly - fs * 0.35:.1f}" x2="{lx + 26:.1f}" y2="{ly - fs * 0.35:.1f}" '
                         f'stroke="{style.color}" stroke-width="{style.width}"{dash}/>')
            if style.marker and s.show_points:
                parts.append(_marker(style.marker, lx + 13, ly - fs * 0.35, style))
            parts.append(f'<text x="{lx + 30:.1f}" y="{ly:.1f}" fill="{INK}">{escape(s.name)}</text>')
            lx += item
    for note in notes:
        ly += LINE
        parts.append(f'<text x="2" y="{ly:.1f}" fill="{INK}" font-style="italic">{escape(note)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _segments(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive values; None breaks a line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def render_small_multiples(charts: list[LineChart], label: str) -> Markup:
    """Several charts side by side where there is room, one under the other on a phone; their plots
    line up (every heading on two lines if one needs them)."""
    if len({len(_head_lines(c)) for c in charts}) > 1:
        charts = [replace(c, head_on_two_lines=True) for c in charts]
    inner = "".join(f'<div class="ct-chart-cell">{render_line_chart(c)}</div>' for c in charts)
    return Markup(f'<div class="ct-charts" role="group" aria-label="{escape(label)}">{inner}</div>')
