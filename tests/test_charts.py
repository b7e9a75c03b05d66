"""The SVG chart module: escaped text, gaps for missing values, no inline styles."""

from __future__ import annotations

from careteam.summary.charts import LineChart, Series, render_line_chart


def chart(**overrides) -> str:
    spec = dict(
        title="Pain <b>trend</b>",
        x_labels=["W1", "W2", "W3", "W4"],
        series=[Series("Pain <script>", [5, None, 4, 3]), Series("Sleep", [6, 6, 7, 7], dashed=True)],
    )
    spec.update(overrides)
    return str(render_line_chart(LineChart(**spec)))


def test_chart_is_accessible_svg_with_escaped_text():
    svg = chart()
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Pain &lt;b&gt;trend&lt;/b&gt;</title>" in svg
    assert "<script>" not in svg and "Pain &lt;script&gt;" in svg


def test_missing_values_break_the_line():
    svg = chart(series=[Series("Pain", [5, None, 4, 3])])
    assert svg.count("<polyline") == 1  # W3-W4; W1 stands alone as a point
    assert svg.count("<circle") == 3


def test_values_outside_the_axis_are_clamped():
    svg = chart(series=[Series("Pain", [50, -5])], x_labels=["a", "b"])
    ys = [float(part.split('"')[1]) for part in svg.split("cy=")[1:]]
    assert min(ys) >= 12 and max(ys) <= 240 - 48


def test_no_style_attributes():
    assert "style=" not in chart() and "<style" not in chart()
