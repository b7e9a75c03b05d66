"""Server-side SVG charts, used by the dashboard, the plan pages and the PDF alike.

Only presentation attributes are used (no style attributes or <style> blocks): the pages'
Content-Security-Policy forbids inline styles, and WeasyPrint renders attributes faithfully.
All text is escaped. Charts carry a <title> and <desc> for screen readers, and a legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

FONT = "DejaVu Sans, Verdana, sans-serif"
INK, MUTED, GRID = "#1b2430", "#556170", "#d8dee6"
PALETTE = ["#0b6e6e", "#a4161a", "#1a56db", "#8a5300", "#6b3fa0", "#2f7d32"]


@dataclass
class Series:
    """A named line. `values` holds one value per x position; None leaves a gap."""

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
    y_label: str = ""
    width: int = 640
    height: int = 240
    description: str = ""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_line_chart(chart: LineChart) -> Markup:
    left, right, bottom = 36, 12, 48
    top = 24 if chart.y_label else 12  # room for the axis label above the plot
    plot_w = chart.width - left - right
    plot_h = chart.height - top - bottom
    n = max(len(chart.x_labels), 1)
    span = (chart.y_max - chart.y_min) or 1

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        v = min(max(v, chart.y_min), chart.y_max)
        return top + plot_h - (v - chart.y_min) / span * plot_h

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" role="img" class="chart" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{escape(chart.title)}</title>",
        f"<desc>{escape(chart.description or chart.title)}</desc>",
    ]
    for tick in chart.y_ticks:
        ty = y(tick)
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{MUTED}">{_num(tick)}</text>')
    if chart.y_label:
        parts.append(f'<text x="{left - 30}" y="12" fill="{MUTED}" font-size="10">{escape(chart.y_label)}</text>')
    step = max(1, -(-n // 8))  # at most about eight x labels, and always the last one
    for i, label in enumerate(chart.x_labels):
        if i == n - 1 or (i % step == 0 and n - 1 - i >= step):
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    for index, series in enumerate(chart.series):
        color = series.color or PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 4"' if series.dashed else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, value in enumerate(series.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(value):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="2"'
                    f' stroke-linejoin="round"{dash}/>'
                )
            if series.show_points or len(points) == 1:
                for point in points:
                    px, py = point.split(",")
                    parts.append(f'<circle cx="{px}" cy="{py}" r="2.6" fill="{color}"/>')
    # Legend under the plot, one entry per series.
    lx, ly = left, chart.height - 10
    for index, series in enumerate(chart.series):
        color = series.color or PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 4"' if series.dashed else ""
        parts.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 18}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{lx + 22}" y="{ly}" fill="{INK}">{escape(series.name)}</text>')
        lx += 30 + 7 * len(series.name)
    parts.append("</svg>")
    return Markup("".join(parts))
