"""Reading report files: size limit, encoding detection, binary and empty input.

Every failure is a typed `InputError` with a message that names the file and
the reason, so that a batch can record it and go on.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import regex

from gwr.schemas import InputError

#: Default size limit of one report (a long national report is ~100 KB of UTF-8).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class DecodingError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


@dataclass(frozen=True)
class ReportText:
    text: str
    encoding: str  # e.g. "utf-8", "gb18030", "utf-16 (BOM)", "utf-8, html"
    sha256: str  # of the file's bytes

    @property
    def converted(self) -> bool:
        """The text is not the file's bytes read as UTF-8, so it must be kept beside the output."""
        return self.encoding != "utf-8"


def decode(data: bytes, name: str = "<input>", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Text and encoding of a report's bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030."""
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes "
                                 "(raise it with --max-bytes)")
    if not data:
        raise EmptyInputError(f"{name}: the file is empty")
    text, encoding = _decode(data, name)
    if not text.strip():
        raise EmptyInputError(f"{name}: the file holds only white space")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as exc:
                raise DecodingError(f"{name}: starts with a {encoding} byte order mark but does not decode "
                                    f"at byte {exc.start}") from None
    if b"\x00" in data[:4096]:
        raise BinaryInputError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        text = data.decode("utf-8")
        if _looks_like_text(text):
            return text, "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            text = data[:exc.start].decode("utf-8")  # a file cut inside its last character
            if _looks_like_text(text):
                return text, f"utf-8 (truncated: last {len(data) - exc.start} byte(s) dropped)"
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    raise DecodingError(f"{name}: neither UTF-8 nor GB18030 text (undecodable bytes or binary data)")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) <= max(2, len(sample) // 200)


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ReportText:
    """One report file as text: a text file or web page, a Word file (.docx) or a PDF with a text layer.

    `max_bytes` limits a text file, and the text read from a Word file or PDF; the Word
    file or PDF itself (pictures and fonts included) may be ten times as large. A table of
    reports is refused here (`TableInputError`): it is read row by row by a batch.
    """
    import hashlib

    from .readers import kind_of

    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
        kind = kind_of(path, head)
        limit = max_bytes * CONTAINER_FACTOR if kind in ("pdf", "docx") else max_bytes
        if size > limit:
            raise InputTooLargeError(f"{path}: {size:,} bytes is over the limit of {limit:,} bytes "
                                     "(raise it with --max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if kind == "table":
        raise TableInputError(f"{path}: a table of reports (one report a row): read it as a batch, "
                              f"gwr extract {path} -o OUTDIR [--text-column NAME]")
    if kind in ("pdf", "docx"):
        text, encoding = _read_document(kind, data, path, max_bytes)
    else:
        text, encoding = decode(data, str(path), max_bytes)
        if looks_like_html(text):
            from .readers import web_page_text

            text, how = web_page_text(text)
            encoding = f"{encoding}, {how}"
            if not text.strip():
                raise EmptyInputError(f"{path}: an HTML page with no visible text")
    return ReportText(text, encoding, hashlib.sha256(data).hexdigest())


#: How much larger than --max-bytes a Word file or PDF may be (pictures and fonts).
CONTAINER_FACTOR = 10


class TableInputError(InputError):
    """A table of reports given where one report was expected, or a table that cannot be read."""


def _read_document(kind: str, data: bytes, path: Path, max_bytes: int) -> tuple[str, str]:
    if not data:
        raise EmptyInputError(f"{path}: the file is empty")
    if kind == "pdf":
        from .pdf import pdf_to_text

        text, pages = pdf_to_text(data, str(path))
        encoding = f"pdf ({pages} page{'s' if pages != 1 else ''}, text layer)"
    else:
        from .readers import docx_to_text

        text, encoding = docx_to_text(data, str(path)), "docx"
    if not text.strip():
        raise EmptyInputError(f"{path}: a {kind} file with no text")
    if len(text.encode("utf-8")) > max_bytes:
        raise InputTooLargeError(f"{path}: its text of {len(text.encode('utf-8')):,} bytes is over the limit of "
                                 f"{max_bytes:,} bytes (raise it with --max-bytes)")
    return text, encoding


_HTML_DOCUMENT = regex.compile(r"<!DOCTYPE\s+html|<(?:html|head|body)\b[^<>]*>", regex.IGNORECASE)
_HTML_TAG = regex.compile(r"</?(?:p|div|br|hr|h[1-6]|table|tbody|tr|td|th|ul|ol|li|dl|dt|dd|span|a|b|i|em|strong|"
                          r"font|center|section|article|header|footer|nav|main|blockquote|pre|img|meta|title|link|"
                          r"script|style)\b[^<>]*>", regex.IGNORECASE)
#: Tags a page fragment (no <html>, <head>, <body> or doctype) needs to be read as HTML: one <div> in a
#: plain text is not a page.
_HTML_MIN_TAGS = 3
_BLOCK = frozenset("address article aside blockquote body br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
                   "h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split())
_SKIP = frozenset("script style noscript head template svg iframe object".split())


def looks_like_html(text: str) -> bool:
    """A web page: a doctype, <html>, <head> or <body> near the top, or at least three HTML tags there."""
    head = text[:4096]
    if _HTML_DOCUMENT.search(head):
        return True
    return sum(1 for _ in zip(range(_HTML_MIN_TAGS), _HTML_TAG.finditer(head))) >= _HTML_MIN_TAGS


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts and styles dropped, block elements as line breaks,
    entities decoded. Spans then index this text, which is written beside the output."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in _SKIP:
                self.skip += 1
            elif tag in _BLOCK:
                self.parts.append("\n")

        def handle_endtag(self, tag):
            if tag in _SKIP:
                self.skip = max(0, self.skip - 1)
            elif tag in _BLOCK:
                self.parts.append("\n")

        def handle_startendtag(self, tag, attrs):
            if tag in _BLOCK:
                self.parts.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data.replace("\r", "").replace("\n", " "))

    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip(" \t\u00a0") for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line) + "\n"
