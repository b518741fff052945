"""Reading printed PDFs back for the printing tests: text, word boxes, fonts, QR codes."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm


def pdf_bytes(result) -> bytes:
    return result.pdf if result.pdf is not None else Path(result.path).read_bytes()


def page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) per font that pdffonts lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni id gen: emb is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


@dataclass
class Word:
    page: int
    text: str
    x0: float  # points, from the left
    x1: float
    y0: float  # points, from the TOP
    y1: float


def words(path: Path) -> list[Word]:
    """Every word with its box (pdftotext -bbox), y measured from the page top, in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    out = out.replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(out)
    found = []
    for n, page in enumerate(root.iter("page")):
        for w in page.iter("word"):
            found.append(
                Word(n, w.text or "", float(w.get("xMin")), float(w.get("xMax")),
                     float(w.get("yMin")), float(w.get("yMax")))
            )  # fmt: skip
    return found


def chars(data: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page: (text, x, y) of every text show, from pypdf's visitor (y from the bottom, pt)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        shown: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, _font, _size, shown=shown):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                shown.append((text.strip(), x, y))

        page.extract_text(visitor_text=visit)
        pages.append(shown)
    return pages


def qr_codes(data: bytes, dpi: int = 300) -> list[list[str]]:
    """The QR codes zxing-cpp reads on each page rendered at ``dpi``."""
    import pypdfium2 as pdfium
    import zxingcpp

    pdf = pdfium.PdfDocument(data)
    found = []
    for i in range(len(pdf)):
        image = pdf[i].render(scale=dpi / 72).to_pil()
        found.append(
            sorted(b.text for b in zxingcpp.read_barcodes(image) if b.format.name == "QRCode")
        )
    return found


def zbar(png: Path) -> list[str]:
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    return sorted(line for line in out.stdout.splitlines() if line)


MM = mm
