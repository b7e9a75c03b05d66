"""Reading a rendered PDF back as a checker would: which text is a pagination artifact, which
marked content belongs to the structure tree, table header scopes, and how full each page is."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MM = 72 / 25.4


@dataclass(frozen=True)
class Shown:
    """A piece of text drawn on a page, and the marked-content sequences it is drawn in."""

    text: str
    marks: tuple[tuple[str, dict], ...]  # (tag, properties), outermost first

    @property
    def artifact(self) -> dict | None:
        return next((props for tag, props in self.marks if tag == "/Artifact"), None)

    @property
    def mcids(self) -> list[int]:
        return [int(props["/MCID"]) for _, props in self.marks if "/MCID" in props]


def shown_text(data: bytes) -> list[list[Shown]]:
    """Per page, the text drawn, with the marked content around it."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        stack: list[tuple[str, dict]] = []
        shown: list[Shown] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator in (b"BMC", b"BDC"):
                props = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
                stack.append((str(operands[0]), {str(k): v for k, v in dict(props).items()}))
            elif operator == b"EMC":
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, shown=shown):
            if value.strip():
                shown.append(Shown(value.strip(), tuple(stack)))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        pages.append(shown)
    return pages


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def structure(data: bytes) -> tuple[list[DictionaryObject], set[int], list[list[int | None]]]:
    """Every structure element reachable from the root, their object numbers, and per page the
    object number of the element each MCID belongs to (the parent tree)."""
    reader = PdfReader(io.BytesIO(data))
    root = _resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    elements: list[DictionaryObject] = []
    numbers: set[int] = set()
    todo = [root["/K"]]
    while todo:
        kid = todo.pop()
        if isinstance(kid, ArrayObject):
            todo.extend(kid)
            continue
        if isinstance(kid, IndirectObject):
            if kid.idnum in numbers:
                continue
            numbers.add(kid.idnum)
        node = _resolve(kid)
        if isinstance(node, DictionaryObject) and node.get("/Type") == "/StructElem":
            elements.append(node)
            if "/K" in node:
                todo.append(node["/K"])
    nums = _resolve(_resolve(root["/ParentTree"])["/Nums"])
    parents = []
    for index in range(0, len(nums), 2):
        if int(nums[index]) < len(reader.pages):
            refs = _resolve(nums[index + 1])
            parents.append([ref.idnum if isinstance(ref, IndirectObject) else None for ref in refs])
    return elements, numbers, parents


def page_fill(data: bytes, top_mm: float = 18, bottom_mm: float = 16) -> list[float]:
    """Per page, how far down the page body the lowest text reaches (0 empty, 1 full), from
    poppler's pdftotext word boxes; the running header and footer sit in the margins."""
    tool = shutil.which("pdftotext")
    if tool is None:
        import pytest

        pytest.skip("page fill is measured with poppler's pdftotext (apt-get install poppler-utils)")
    out = subprocess.run([tool, "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    fills = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        top, bottom = top_mm * MM, float(height) - bottom_mm * MM
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body) if top < float(y) < bottom]
        fills.append(round((max(lows) - top) / (bottom - top), 2) if lows else 0.0)
    return fills
