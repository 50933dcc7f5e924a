"""PDF letters and reports to text in reading order, without running headers, footers and page numbers.

pypdf's layout mode places text by its position on the page (so a footer drawn first does not come
first) and keeps the gap between paragraphs as a blank line, which the paragraph step needs. It
was measured against pdfminer.six and pdfplumber on an invented 12-page letter (README, "Web pages,
feeds and letters"): the same reading order, 5 and 10 times faster, pure Python, BSD licence.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import PdfReadError

PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
# Lines this close to a page's top or bottom are candidates for running headers and footers.
EDGE_LINES = 3
# A candidate line is furniture when (digits aside) it recurs at the edge of this share of pages.
REPEAT_SHARE = 0.5


def _page_lines(text: str) -> list[str]:
    """Layout-mode text to lines: common indentation removed, runs of blank lines made one."""
    lines = [line.rstrip() for line in text.splitlines()]
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    out: list[str] = []
    for line in lines:
        line = re.sub(r" {3,}", "   ", line[indent:])
        if line.strip() or (out and out[-1].strip()):
            out.append(line.strip() and line)
    while out and not out[-1].strip():
        out.pop()
    return out


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def _edges(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def remove_running_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drops lines at a page's top or bottom that recur on most pages (digits aside: "Page 3 of 9")
    and bare page numbers there."""
    counts = Counter(s for lines in pages for s in {_shape(lines[i]) for i in _edges(lines)})
    need = max(2, round(len(pages) * REPEAT_SHARE))
    repeated = {s for s, n in counts.items() if n >= need} if len(pages) > 1 else set()
    out = []
    for lines in pages:
        edge = set(_edges(lines))
        kept = [line for i, line in enumerate(lines)
                if not (i in edge and (_shape(line) in repeated or PAGE_NUMBER.match(line.strip())))]
        out.append(kept)
    return out


def _paragraphs(pages: list[list[str]]) -> str:
    """Lines to paragraphs: blank lines separate them; a paragraph broken by a page break is joined
    again when the page ended mid-sentence."""
    paras: list[str] = []
    current: list[str] = []
    for page_no, lines in enumerate(pages):
        if page_no and current and re.search(r"[.!?:;]['\"”’)]*$", current[-1].strip()):
            paras.append(" ".join(current))
            current = []
        for line in lines:
            if line.strip():
                current.append(line.strip())
            elif current:
                paras.append(" ".join(current))
                current = []
    if current:
        paras.append(" ".join(current))
    return "\n\n".join(re.sub(r"\s+", " ", p) for p in paras)


def extract_pdf(data: bytes) -> tuple[str | None, str | None]:
    """(text, reject_reason). Encrypted PDFs and PDFs with no text layer (scans) are refused with the reason."""
    if not data:
        return None, "empty file (0 bytes)"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure here means we cannot read it
                return None, "PDF is encrypted with a password"
        pages = [_page_lines(page.extract_text(extraction_mode="layout") or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        return None, f"PDF could not be read: {type(err).__name__}: {err}"
    text = _paragraphs(remove_running_furniture(pages))
    if not text.strip():
        return None, "PDF has no text layer (a scanned image?): nothing to extract"
    return text, None
