"""PDF with a text layer -> the report's text, one paragraph a line.

Read with pypdfium2 (Google's PDFium, the PDF engine of Chromium; BSD-3/Apache-2.0
wheels with no other dependency): on city-xiamen-2024.pdf it gives the characters of
the text twin exactly, where pypdf and pdfminer.six give 1,366 radicals for ordinary
characters (⼈⺠ for 人民), and it is 4-17x faster (see README, "Input formats").

A PDF breaks every paragraph into lines. The lines are put back together from their
geometry, page by page:

- page furniture is dropped: page numbers (`pipeline/data/page_furniture.tsv`) and
  running headers and footers (a line at the top or bottom of a page that repeats on
  at least half of the pages, digits aside);
- a line is joined to the one before it when that one was wrapped: the first word of
  the line would not have fitted in what was left of the line before, and the line
  starts at the left margin (a paragraph's first line is indented, a heading centred)
  and not below a wider gap than lines have (space between paragraphs). In a PDF whose paragraphs are not indented, a heading number after a sentence end
  (`。` then `（二）`) starts a new line even so.

A PDF without a text layer (a scan) is a `ScannedPdfError`: it needs OCR first.
"""

from __future__ import annotations

import functools
import statistics
import unicodedata
from dataclasses import dataclass

import regex

from gwr.schemas.vocabulary import read_tsv

from .text import InputError

#: Closing punctuation may not start a line, opening punctuation may not end one, so
#: they travel with the character next to them when a line is wrapped.
_OPENING = "“‘（(《〈【「『〔[{"
_CLOSING = "，。、；：！？）)》〉】」』〕]}”’%％‰…·,.;:!?"
_QUOTES = "“”‘’\"'"
_WORD = regex.compile(r"[A-Za-z0-9０-９.,%‰+\-/]+")
_SENTENCE_END = "。！？；：!?;:"
_RADICALS = regex.compile(r"[\u2e80-\u2fdf]")
#: Below this many characters per page on average, the text layer is not the report.
_MIN_CHARS_PER_PAGE = 20


class PdfError(InputError):
    """A PDF that cannot be opened (damaged, or not a PDF)."""


class EncryptedPdfError(PdfError):
    pass


class ScannedPdfError(PdfError):
    """A PDF without a text layer: page images, which need OCR."""


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    height: float
    head: float  # width of the line's first unbreakable piece (a character or a number, with its punctuation)


@functools.cache
def _radicals() -> dict[str, str]:
    return {radical: char for radical, char, _ in read_tsv("radicals.tsv", 3, package="gwr")}


@functools.cache
def _page_number() -> regex.Pattern:
    rows = read_tsv("page_furniture.tsv", 2, package="gwr", patterns=(0,))
    return regex.compile("|".join(f"(?:{pattern})" for pattern, _ in rows))


def _map_radical(m: regex.Match) -> str:
    c = m.group()
    return _radicals().get(c) or unicodedata.normalize("NFKC", c)


def pdf_to_text(data: bytes, name: str = "<input>") -> tuple[str, int]:
    """The report text of a PDF's bytes and its number of pages."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError(f"{name}: the PDF is encrypted (password protected)") from None
        raise PdfError(f"{name}: not a readable PDF ({exc})") from None
    try:
        pages = [_page_lines(document[i], i) for i in range(len(document))]
    except pdfium.PdfiumError as exc:
        raise PdfError(f"{name}: a damaged PDF ({exc})") from None
    finally:
        document.close()
    chars = sum(len(line.text.strip()) for page in pages for line in page)
    if chars < _MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise ScannedPdfError(f"{name}: a PDF of {len(pages)} page(s) without a text layer ({chars} characters): "
                              "a scan, which needs OCR (e.g. ocrmypdf) first")
    lines = _join(_drop_furniture(pages))
    text = "\n".join(lines) + "\n"
    return _RADICALS.sub(_map_radical, text), len(pages)


def _page_lines(page, page_no: int) -> list[_Line]:
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range(0, n) if n else ""
        if len(text) != n:  # characters outside the BMP: read them one by one
            text = "".join(textpage.get_text_range(i, 1) or " " for i in range(n))
        lines, current = [], []
        for i, ch in enumerate(text):
            if ch in "\r\n":
                if current:
                    lines.append(current)
                current = []
            elif ch != "\x00":  # PDFium reads a hyphen that ends a line as U+FFFE
                current.append(("-" if ch == "\ufffe" else ch, textpage.get_charbox(i, loose=True)))
        if current:
            lines.append(current)
        return [line for chars in lines if (line := _line(page_no, chars)) is not None]
    finally:
        textpage.close()
        page.close()


def _line(page_no: int, chars: list) -> _Line | None:
    text = "".join(c for c, _ in chars).strip()
    inked = [(c, box) for c, box in chars if not c.isspace() and box[2] > box[0]]
    if not text or not inked:
        return None
    x0 = min(box[0] for _, box in inked)
    top, bottom = max(box[3] for _, box in inked), min(box[1] for _, box in inked)
    return _Line(page_no, text, x0, max(box[2] for _, box in inked), top, bottom, top - bottom, _head(inked) - x0)


def _head(inked: list) -> float:
    """Right edge of the first piece of a line that a line break cannot split: a character or a
    number with the punctuation that clings to it, and on through quotation marks, which a line
    may not be broken next to (理“1+2+N”试点 breaks before 理)."""
    text = "".join(c for c, _ in inked)
    i = 0
    while True:
        while i < len(text) and text[i] in _OPENING:
            i += 1
        m = _WORD.match(text, i)
        i = m.end() if m else i + 1
        while i < len(text) and text[i] in _CLOSING:
            i += 1
        if i >= len(text) or not (text[i] in _QUOTES or text[i - 1] in _QUOTES):
            return inked[min(i, len(inked)) - 1][1][2]


def _key(line: _Line) -> str:
    return regex.sub(r"[0-9０-９]+", "#", regex.sub(r"\s+", "", line.text))


def _drop_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Pages without their page numbers, running headers and footers."""
    page_number = _page_number()
    edges = [{i for i in (0, 1, len(p) - 2, len(p) - 1) if 0 <= i < len(p)} for p in pages]
    seen: dict[tuple[bool, str], list[_Line]] = {}
    for page, idx in zip(pages, edges):
        for i in idx:
            seen.setdefault((i >= len(page) - 2, _key(page[i])), []).append(page[i])
    repeated = {k: lines for k, lines in seen.items() if len(lines) >= max(2, len(pages) / 2)}
    out = []
    for page, idx in zip(pages, edges):
        drop = set()
        for i in idx:
            line = page[i]
            same = repeated.get((i >= len(page) - 2, _key(line)))
            if same and line.height <= 1.15 * statistics.median(x.height for x in same):
                drop.add(i)  # (the report's own title, set larger, stays where it repeats as a header)
            elif page_number.fullmatch(regex.sub(r"\s+", "", line.text)):
                drop.add(i)
        out.append([line for i, line in enumerate(page) if i not in drop])
    return out


def _margins(pages: list[list[_Line]], em: float) -> list[tuple[float, float]]:
    """Left and right edge of each page's text block.

    The left edge is where the page's lines start (the document's, on a page of a few
    indented or centred lines); the right edge is the width that nine lines in ten of
    the document stay within, from there (lines of Chinese are not justified: digits and
    punctuation leave their right ends ragged, and a few overhang).
    """
    lefts = [_left(p) for p in pages]
    doc_left = statistics.median([l for l in lefts if l is not None] or [0.0])
    lefts = [doc_left if l is None or (len(p) < 10 and l - doc_left > 0.8 * em) else l for p, l in zip(pages, lefts)]
    widths = sorted(x.x1 - left for p, left in zip(pages, lefts) for x in p if len(x.text) >= 10)
    width = widths[int(0.9 * (len(widths) - 1))] if widths else 0.0
    return [(left, left + width) for left in lefts]


def _left(page: list[_Line]) -> float | None:
    """Where the page's lines start: the leftmost start that several lines share (a lone line
    further left, such as a print header, is not the margin)."""
    starts = sorted(x.x0 for x in page if len(x.text) >= 4)
    need = max(2, len(starts) // 10)
    for i, x0 in enumerate(starts):
        if sum(1 for y in starts[i:i + need] if y - x0 <= 1.5) >= need:
            return x0
    return starts[0] if starts else None


def _em(pages: list[list[_Line]]) -> float:
    heights = [x.height for p in pages for x in p if len(x.text) >= 4]
    return statistics.median(heights) if heights else 10.0


def _join(pages: list[list[_Line]]) -> list[str]:
    from gwr.stages.lexicon import lexicon

    styles = lexicon().heading_styles
    em = _em(pages)
    margins = _margins(pages, em)
    marked = _indents_paragraphs(pages, margins, em)
    gaps = [prev.bottom - line.top for page in pages for prev, line in zip(page, page[1:])]
    spaced = statistics.median(gaps) + 0.3 * em if gaps else float("inf")
    wide = sum(g > spaced for g in gaps)
    marked = marked or (wide >= 3 and wide >= 0.05 * len(gaps))  # or by space between them
    lines: list[str] = []
    prev: _Line | None = None
    for page, (left, _right) in zip(pages, margins):
        for line in page:
            if prev is not None and _wrapped(prev, margins[prev.page][1], line, left, em) and not (
                    prev.page == line.page and prev.bottom - line.top > spaced) and (marked or not (
                    prev.text[-1] in _SENTENCE_END and any(s.pattern.match(line.text) for s in styles))):
                lines[-1] += (" " if _latin(prev.text[-1]) and _latin(line.text[0]) else "") + line.text
            else:
                lines.append(line.text)
            prev = line
    return lines


def _indents_paragraphs(pages: list[list[_Line]], margins: list[tuple[float, float]], em: float) -> bool:
    """Whether most lines after a line that ended short start indented: then a line at the
    margin always goes on with the one before, even when it starts like a heading (`(3)`)."""
    starts = indented = 0
    for page, (left, right) in zip(pages, margins):
        for prev, line in zip(page, page[1:]):
            if right - prev.x1 > line.head + 2 * em:
                starts += 1
                indented += 0.8 * em <= line.x0 - left <= 4.5 * em
    return starts >= 3 and indented >= starts / 2


def _wrapped(prev: _Line, right: float, line: _Line, left: float, em: float) -> bool:
    """`line` goes on with `prev`: its first piece did not fit on `prev`, and it is not indented."""
    return right - prev.x1 < line.head + 0.5 * em and line.x0 - left < 0.5 * em


def _latin(c: str) -> bool:
    return c.isascii() and c.isalpha()
