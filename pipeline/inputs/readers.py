"""What kind of file a report comes in, and the readers of Word files and web pages.

`kind_of(path, head)` names the format from the file's first bytes (then its suffix):

| kind | read by | text |
|---|---|---|
| `text` | `inputs.decode` | the file's text (UTF-8, UTF-16/32 with BOM, GB18030) |
| `html` | trafilatura | the page's own text: its headline, then the main text, without menus, breadcrumbs, share buttons and footers |
| `docx` | python-docx | one line per non-empty paragraph (and per table row), in document order |
| `pdf` | pypdfium2 (`pdf.py`) | one line per paragraph: wrapped lines joined, page numbers and running headers dropped |
| `table` | `rows.py` | many reports, one a row (CSV, TSV, JSON Lines, JSON, Parquet, Excel, a saved HF dataset) |

Anything else is an `UnsupportedInputError` that says what the file is.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import regex

from .text import InputError

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".json", ".parquet", ".xlsx", ".xlsm")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".shtml")

#: Formats recognised by their first bytes (or suffix) that gwr does not read, with what to do instead.
_UNSUPPORTED_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc, .xls, .wps): save it as .docx or .xlsx"),
    (b"{\\rtf", "an RTF file: save it as .docx"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image: a scan needs OCR first"),
    (b"\xff\xd8\xff", "a JPEG image: a scan needs OCR first"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image: a scan needs OCR first"),
    (b"MM\x00*", "a TIFF image: a scan needs OCR first"),
    (b"Rar!", "a RAR archive: unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
)
_UNSUPPORTED_SUFFIX = {
    ".doc": "a legacy Word file: save it as .docx", ".wps": "a WPS file: save it as .docx",
    ".xls": "a legacy Excel file: save it as .xlsx", ".odt": "an OpenDocument text: save it as .docx",
    ".ods": "an OpenDocument spreadsheet: save it as .xlsx", ".pptx": "a PowerPoint file",
    ".ofd": "an OFD file (China's fixed-layout format): print it to PDF", ".zip": "a zip archive: unpack it first",
    ".epub": "an EPUB book", ".mhtml": "an MHTML web archive: save the page as HTML",
    ".mht": "an MHTML web archive: save the page as HTML", ".caj": "a CNKI CAJ file: save it as PDF",
}


class UnsupportedInputError(InputError):
    """A file of a format that gwr does not read."""


class WordError(InputError):
    """A .docx file that cannot be read."""


def kind_of(path: Path, head: bytes) -> str:
    """`text`, `html` (decided after decoding), `docx`, `pdf` or `table`; raises for anything else."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith(b"PAR1"):
        return "table"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for magic, what in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedInputError(f"{path}: unsupported file type: {what}")
    if suffix in _UNSUPPORTED_SUFFIX:
        raise UnsupportedInputError(f"{path}: unsupported file type: {_UNSUPPORTED_SUFFIX[suffix]}")
    if suffix in TABLE_SUFFIXES:
        return "table"
    if suffix == ".pdf":
        from .pdf import PdfError

        raise PdfError(f"{path}: named .pdf but not a PDF (no %PDF- header; an HTML error page saved as .pdf?)")
    if suffix == ".docx":
        raise WordError(f"{path}: named .docx but not a Word file (not a zip archive)")
    return "text"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsupportedInputError(f"{path}: a damaged zip archive ({exc})") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "table"
    if "ppt/presentation.xml" in names:
        raise UnsupportedInputError(f"{path}: unsupported file type: a PowerPoint file")
    if "content.xml" in names:
        raise UnsupportedInputError(f"{path}: unsupported file type: an OpenDocument file (save it as .docx)")
    raise UnsupportedInputError(f"{path}: unsupported file type: a zip archive (unpack it first)")


def docx_to_text(data: bytes, name: str = "<input>") -> str:
    """A Word file's body: one line per non-empty paragraph, stripped of the spaces that indent it
    (`\\u3000\\u3000`), and one per table row (cells separated by tabs). Headers, footers,
    footnotes and text boxes are left out."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and KeyError failures of its own kinds
        raise WordError(f"{name}: not a readable .docx ({type(exc).__name__}: {exc})") from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:  # a merged cell is repeated: keep it once
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                lines.append("\t".join(cells))
        else:
            lines += block.text.split("\n")  # a line break inside a paragraph (Shift+Enter) is a line too
    return "".join(f"{line}\n" for line in (line.strip() for line in lines) if line)


def web_page_text(html: str) -> tuple[str, str]:
    """The report's own text on a web page, and how it was read (`html`, or `html (whole page)`).

    trafilatura finds the main text (menus, breadcrumbs, share buttons, footers, publication
    stamps left out); the page's headline is put first when the main text does not start with
    it. A page in which trafilatura finds nothing is read whole (`inputs.html_to_text`).
    """
    import trafilatura

    from .text import html_to_text

    visible = html_to_text(html)
    main = trafilatura.extract(html, include_tables=True, include_comments=False, favor_recall=True,
                               include_formatting=False, include_links=False, include_images=False)
    if not main or not main.strip():
        return visible, "html (whole page)"
    lines = [_table_row(line.strip()) for line in main.splitlines()]
    lines = [line for line in lines if line]
    title = trafilatura.extract_metadata(html)
    title = " ".join((title.title or "").split()) if title is not None else ""
    if title and not lines[0].startswith(title) and title in visible.splitlines():
        lines.insert(0, title)
    return "\n".join(lines) + "\n", "html"


def _table_row(line: str) -> str:
    """trafilatura writes a table row as `| a | b |`: cells separated by tabs, as in a Word
    file; the `|---|---|` rule under a header row is dropped."""
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")):
        return line
    cells = [c.strip() for c in line[1:-1].split("|")]
    if all(regex.fullmatch(r":?-+:?", c) for c in cells):
        return ""
    return "\t".join(c for c in cells if c)
