"""A balanced handover PDF: no near-empty last page.

However the print CSS is tuned, some length of record overflows its last page by a few lines, and
the physician turns a page for "8. Notes: none". So a document is laid out once as usual; when its
last page is filled less than MIN_LAST_PAGE_FILL, it is laid out again with tighter spacing
(COMPACT_CSS) and that layout is kept if it needs fewer pages; failing that, with roomier spacing
(ROOMY_CSS), kept if its last page is fuller with the same number of pages. Runs in the render
process, on WeasyPrint's layout (no PDF is written in between).
"""

from __future__ import annotations

MIN_LAST_PAGE_FILL = 0.3

# User stylesheets: they override the document's own only with !important.
# Tighter: a smaller body text and smaller gaps; charts and tables unchanged.
COMPACT_CSS = """
html { font-size: 8.5pt !important; line-height: 1.3 !important; }
h2 { margin: 3mm 0 1.2mm !important; }
h3 { margin: 2mm 0 .8mm !important; }
.s-list li { margin-bottom: .3mm !important; }
.s-note { margin-bottom: 1.4mm !important; }
"""

# Roomier: more air between sections and blocks, so more of the content flows onto the last page.
ROOMY_CSS = """
h2 { margin-top: 6.5mm !important; }
h3 { margin-top: 4mm !important; }
.s-block, .s-note { margin-bottom: 3.5mm !important; }
.ct-chart-cell { margin-bottom: 4mm !important; }
"""


def _bottom(box) -> float:
    """The lowest edge of the in-flow content under `box` (margin boxes are not descendants of the root)."""
    lowest = box.position_y + box.margin_height() if hasattr(box, "margin_height") else 0.0
    for child in getattr(box, "children", ()):
        lowest = max(lowest, _bottom(child))
    return lowest


def last_page_fill(document) -> float:
    """How far down the last page's body the content reaches: 0 empty, 1 full."""
    from weasyprint.formatting_structure import boxes

    page_box = document.pages[-1]._page_box
    root = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    top, height = page_box.content_box_y(), page_box.height
    lowest = max((_bottom(child) for child in root), default=top)
    # the root box spans the whole body area: measure its descendants, not the root itself
    lowest = max((_bottom(grandchild) for child in root for grandchild in getattr(child, "children", ())),
                 default=lowest)
    return max(0.0, min(1.0, (lowest - top) / height)) if height else 1.0


def balanced(render) -> object:
    """`render(extra_css)` lays out the document with an extra stylesheet (or none); returns the
    layout to keep."""
    document = render(None)
    if len(document.pages) < 2 or last_page_fill(document) >= MIN_LAST_PAGE_FILL:
        return document
    compact = render(COMPACT_CSS)
    if len(compact.pages) < len(document.pages):
        return compact
    roomy = render(ROOMY_CSS)
    if len(roomy.pages) == len(document.pages) and last_page_fill(roomy) > last_page_fill(document):
        return roomy
    return document
