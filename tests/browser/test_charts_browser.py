"""Charts on a 390 px phone: every text in every chart renders at 11 px or more, measured in
Chromium (getBoundingClientRect and the text's screen transform), and no chart is wider than
the screen. The pages are those of both demo patients that show charts."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import screenshot, sign_in

MIN_TEXT_PX = 11

MEASURE = """() => Array.from(document.querySelectorAll('svg.chart')).map(svg => {
  const box = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
    const m = t.getScreenCTM();
    return {text: t.textContent, height: t.getBoundingClientRect().height,
            px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)};
  });
  return {title: (svg.querySelector('title') || {}).textContent, left: box.left, right: box.right, texts};
})"""

DETAIL_LINKS = {"goals": r"/goals/\d+$", "interventions": r"/interventions/\d+$", "activity": r"/activity/\d+$",
                "exposure": r"/exposure/items/\d+$"}


def chart_pages(page, base_url: str, patient_id: int) -> list[str]:
    record = f"/patients/{patient_id}"
    pages = [record, f"{record}/summary", f"{record}/measures", f"{record}/exposure"]
    for section, pattern in DETAIL_LINKS.items():
        page.goto(f"{base_url}{record}/{section}")
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        pages += sorted({link for link in links if re.search(pattern, link)})[:1]
    return pages


@pytest.mark.parametrize("clinician,patient", [("dr.okafor@example.org", "maria.lopez@example.org"),
                                               ("dr.berg@example.org", "tom.becker@example.org")])
def test_chart_text_is_at_least_11_px_on_a_390_px_phone(live_server, phone_page, clinician, patient):
    sign_in(phone_page, live_server.url, clinician)
    patient_id = live_server.patient_id(patient)
    measured = 0
    for path in chart_pages(phone_page, live_server.url, patient_id):
        phone_page.goto(live_server.url + path)
        charts = phone_page.evaluate(MEASURE)
        for chart in charts:
            assert chart["left"] >= 0 and chart["right"] <= 390, (path, chart["title"])
            for text in chart["texts"]:
                assert text["px"] >= MIN_TEXT_PX and text["height"] >= MIN_TEXT_PX, (path, chart["title"], text)
                measured += 1
        if charts:
            screenshot(phone_page, f"charts-phone{path}")
    assert measured > 100  # charts were found: trends, measures, plans, exposure
