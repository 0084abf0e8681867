"""Reading report files: size limit, encoding detection, binary and empty input.

Every failure is a typed `InputError` with a message that names the file and
the reason, so that a batch can record it and go on.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import regex

from schemas import GwrError

#: Default size limit of one report (a long national report is ~100 KB of UTF-8).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class InputError(GwrError):
    """A report file cannot be read as text."""


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
    encoding: str
    sha256: str  # of the file's bytes


def decode(data: bytes, name: str = "<input>", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Text and encoding of a report's bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030."""
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes "
                                 "(raise it with --max-bytes)")
    if not data.strip():
        raise EmptyInputError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as exc:
                raise DecodingError(f"{name}: starts with a {encoding} byte order mark but does not decode "
                                    f"at byte {exc.start}") from None
    if b"\x00" in data[:4096]:
        raise BinaryInputError(f"{name}: binary data (NUL bytes), not a text file")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise DecodingError(f"{name}: neither UTF-8 nor GB18030 text (undecodable bytes or binary data)")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) <= max(2, len(sample) // 200)


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ReportText:
    import hashlib

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(f"{path}: {size:,} bytes is over the limit of {max_bytes:,} bytes "
                                     "(raise it with --max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    text, encoding = decode(data, str(path), max_bytes)
    return ReportText(text, encoding, hashlib.sha256(data).hexdigest())
