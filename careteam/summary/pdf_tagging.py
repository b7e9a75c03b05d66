"""Two corrections to WeasyPrint's PDF/UA tagging, installed in the render processes.

1. Running header and footer as artifacts. WeasyPrint 70 marks the text of page margin boxes
   (@top-left, @bottom-right, …) as tagged content with MCIDs that belong to no part of the
   structure tree, so a checker counts them as content and a reader may announce "Confidential,
   Page 2 of 4" in the middle of a sentence (Kozea/WeasyPrint#1836, open). PDF/UA asks for
   pagination artifacts: here each margin box is drawn inside
   `/Artifact <</Type /Pagination /Subtype /Header>> BDC … EMC` (Footer at the bottom) with no
   MCID inside, and is left out of the structure tree.
2. Table header scope. WeasyPrint links data cells to their headers (/Headers) but gives a TH no
   /Scope; here a TH gets /Scope /Column, or /Row for `<th scope="row">`, as in the HTML.

Both wrap WeasyPrint's own functions and change nothing else; tests/test_summary_pdf_tagging.py
reads a rendered PDF back and fails if an upgrade of WeasyPrint stops them from working.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_installed = False

ROW_SCOPES = {"row", "rowgroup"}


def _pagination(at_keyword: str):
    import pydyf

    properties = {"Type": "/Pagination"}
    if at_keyword.startswith("@top"):
        properties["Subtype"] = "/Header"
    elif at_keyword.startswith("@bottom"):
        properties["Subtype"] = "/Footer"
    return pydyf.Dictionary(properties)


def install() -> None:
    """Wrap WeasyPrint's drawing of stacking contexts and its structure-tree builder (once)."""
    global _installed
    with _lock:
        if _installed:
            return
        import pydyf
        from weasyprint import draw
        from weasyprint.formatting_structure import boxes
        from weasyprint.pdf import tags

        draw_stacking_context = draw.draw_stacking_context
        build_box_tree = tags._build_box_tree

        def draw_margin_as_artifact(stream, stacking_context):
            box = stacking_context.box
            if not isinstance(box, boxes.MarginBox) or stream._tags is None:
                return draw_stacking_context(stream, stacking_context)
            pydyf.Stream.begin_marked_content(stream, "Artifact", _pagination(box.at_keyword))
            marked, stream._tags = stream._tags, None  # nothing inside an artifact gets an MCID
            try:
                return draw_stacking_context(stream, stacking_context)
            finally:
                stream._tags = marked
                pydyf.Stream.end_marked_content(stream)

        def build_without_margins(box, parent, pdf, page_number, nums, annotations, page_tags):
            if isinstance(box, boxes.MarginBox):
                return  # drawn as an artifact: no structure element, no marked content to map
            for element in build_box_tree(box, parent, pdf, page_number, nums, annotations, page_tags):
                if element.get("S") == "/TH" and getattr(box, "element", None) is not None:
                    scope = (box.element.attrib.get("scope") or "col").lower()
                    element["A"]["Scope"] = "/Row" if scope in ROW_SCOPES else "/Column"
                yield element

        draw.draw_stacking_context = draw_margin_as_artifact
        tags._build_box_tree = build_without_margins
        _installed = True
