"""The SVG chart module: escaped text, gaps for missing values, no inline styles; readable on a
phone (font size math), colour-blind safe (palette, dashes, markers), overlaps said, directions labelled."""

from __future__ import annotations

import re
from datetime import date, timedelta

from careteam.services.checkin_trends import WeekPoint, trend_charts
from careteam.summary.charts import (
    DASHES, FONT_SIZE, MAX_DISPLAY_PX, NARROWEST_CONTAINER_PX, PALETTE, WIDTH, LineChart, Series, nice_ticks, overlaps,
    render_line_chart, render_small_multiples, rendered_font_px, series_styles, text_width,
)


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


# --- readable on a phone, colour-blind safe, nothing hidden, directions labelled ------------------

OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"}


def contrast_on_white(hex_color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_palette_is_okabe_ito_with_three_to_one_contrast_and_no_red_brown_pair():
    assert len(set(PALETTE)) == len(PALETTE) >= 5
    darkened = [c for c in PALETTE if c not in OKABE_ITO]
    assert darkened == ["#A86F00"]  # Okabe–Ito orange #E69F00, darkened for contrast
    for color in PALETTE:
        assert contrast_on_white(color) >= 3, color  # WCAG 1.4.11, graphical objects
    assert "#a4161a" not in PALETTE and "#8a5300" not in PALETTE  # the red and brown people mixed up


def test_every_data_series_has_its_own_dash_and_marker_and_the_legend_shows_them():
    series = [Series(f"S{n}", [n, n + 1, n]) for n in range(5)]
    styles = series_styles(series)
    assert len({(s.color, s.dash, s.marker) for s in styles}) == 5
    assert len({s.dash for s in styles}) == 5 and styles[0].dash == ""  # the first line is solid
    svg = chart(series=series, x_labels=["a", "b", "c"])
    for style in styles[1:]:
        # once for the line, once for its legend sample
        assert svg.count(f'stroke-dasharray="{style.dash}"') == 2, style.dash
    legend_samples = re.findall(r'<line x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" '
                                r'stroke="(#[0-9A-Fa-f]{6})"', svg)
    assert set(PALETTE[:5]) <= set(legend_samples)
    assert all(d in DASHES for d in (s.dash for s in styles))


def test_reference_lines_are_grey_dashed_and_drawn_over_the_data():
    svg = chart(series=[Series("Done", [10, 12, 14]), Series("Quota", [10, 12, 14], dashed=True)],
                x_labels=["a", "b", "c"])
    polylines = re.findall(r"<polyline[^>]*>", svg)
    assert 'stroke-dasharray="5 4"' in polylines[1] and "stroke-dasharray" not in polylines[0]
    assert "Done and Quota overlap at 3 of 3 points (both drawn)." in svg


def test_text_renders_at_eleven_px_or_more_from_a_phone_card_to_a_desktop():
    assert rendered_font_px(FONT_SIZE, WIDTH, NARROWEST_CONTAINER_PX) >= 11
    assert rendered_font_px(FONT_SIZE, WIDTH, 334) >= 12  # a card on a 390 px phone, measured
    assert rendered_font_px(FONT_SIZE, WIDTH, 1200) == FONT_SIZE * MAX_DISPLAY_PX / WIDTH  # never blown up further
    svg = chart(y_label="0–10, higher is worse", heading="Pain")
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
    assert sizes == {FONT_SIZE}  # one size for every text, none smaller
    assert f'viewBox="0 0 {WIDTH} ' in svg and f'width="{WIDTH}"' in svg


def test_x_labels_never_overlap_however_many_weeks():
    labels = [(date(2026, 1, 5) + timedelta(weeks=n)).strftime("%-d %b") for n in range(52)]
    svg = chart(x_labels=labels, series=[Series("Pain", [5] * 52)])
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle"', svg)]
    assert 3 <= len(xs) <= 8 and xs == sorted(xs)
    widest = max(text_width(label) for label in labels)
    assert all(b - a >= widest for a, b in zip(xs, xs[1:]))
    assert f">{labels[-1]}</text>" in svg  # the last week is always labelled


def test_legend_wraps_within_the_chart():
    names = ["Expectancy before the attempt", "Expectancy after the attempt", "Mastery threshold (20)"]
    svg = chart(series=[Series(n, [1, 2, 3]) for n in names], x_labels=["a", "b", "c"])
    for name in names:
        x = float(re.search(rf'<text x="([\d.]+)" y="[\d.]+" fill="[^"]+">{re.escape(name)}</text>', svg).group(1))
        assert x + text_width(name) <= WIDTH


def test_a_line_hidden_under_another_is_named_under_the_chart():
    hidden = chart(series=[Series("Pain average", [6, 6, 5, 5]), Series("Stress", [6, 6, 5, 4])], y_min=0, y_max=10)
    assert "Pain average and Stress overlap at 3 of 4 points (both drawn)." in hidden
    apart = chart(series=[Series("Pain average", [6, 6, 5, 5]), Series("Stress", [2, 2, 1, 1])])
    assert "overlap" not in apart
    one_point = LineChart(title="t", x_labels=["a", "b", "c"], series=[Series("A", [5, 1, 5]), Series("B", [5, 9, 5])])
    assert overlaps(one_point, 0.1) == []  # touching at single points hides no line


def tom_like_weeks() -> list[WeekPoint]:
    """Pain average equal to stress every week (Tom's chart hid one under the other), sleep improving."""
    monday = date(2026, 9, 7)
    return [WeekPoint(monday + timedelta(weeks=n), pain_average=6 - n // 2, pain_worst=8, peg=6.0, sleep_quality=4 + n,
                      sleep_hours=7.0, stress=6 - n // 2, mood=5, flare_days=0, red_flags=())
            for n in range(4)]


def test_pain_stress_and_sleep_are_charted_on_separate_labelled_axes():
    charts = trend_charts(tom_like_weeks())
    by_heading = {c.heading: c for c in charts}
    assert list(by_heading) == ["Pain and interference", "Stress", "Sleep quality and mood"]
    assert by_heading["Pain and interference"].y_label == "0–10, higher is worse"
    assert by_heading["Stress"].y_label == "0–10, higher is worse"
    assert by_heading["Sleep quality and mood"].y_label == "0–10, higher is better"
    for c in charts:
        names = {s.name for s in c.series}
        assert not ({"Pain average", "Pain worst", "PEG", "Stress"} & names and {"Sleep quality", "Mood"} & names)
    svg = str(render_small_multiples(charts, "Weekly check-ins"))
    assert svg.count("<svg") == 3 and "0–10, higher is better" in svg and "0–10, higher is worse" in svg


def test_a_group_without_values_is_left_out_and_the_description_states_the_values():
    weeks = [WeekPoint(date(2026, 9, 7) + timedelta(weeks=n), 5, 7, 5.0, None, None, None, None, 0, ())
             for n in range(3)]
    charts = trend_charts(weeks)
    assert [c.heading for c in charts] == ["Pain and interference"]
    svg = str(render_line_chart(charts[0]))
    assert "Pain average: 5 throughout." in svg and "Pain worst: 7 throughout." in svg


def test_nice_ticks():
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0, 21) == [0, 5, 10, 15, 20]
    assert nice_ticks(0, 27) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(-2, 2) == [-2, -1, 0, 1, 2]


def test_small_multiples_line_up_their_plots():
    short = LineChart(title="a", heading="Stress", y_label="0–10, higher is worse", x_labels=["a"],
                      series=[Series("S", [1])])
    long = LineChart(title="b", heading="Pain and interference", y_label="0–10, higher is worse", x_labels=["a"],
                     series=[Series("P", [1])])
    alone = str(render_line_chart(short))
    assert alone.count("<tspan") == 2 and alone.count("<text x=\"2\"") == 1  # heading · axis on one line
    together = str(render_small_multiples([short, long], "t"))
    tops = re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+" stroke="#d8dee6"', together)
    assert len(set(tops)) == len(tops) // 2  # the same grid lines in both charts
