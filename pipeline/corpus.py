"""Report files and their metadata (`metadata.tsv`: id, file, place, level, province, year, source)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import regex

from schemas import GwrError

METADATA_COLUMNS = ("id", "file", "place", "level", "province", "year", "source")
_NAME = regex.compile(r"^(?:(national|province|city|county)-)?([a-z][a-z0-9_]*?)-((?:19|20)[0-9]{2})$")


class MetadataError(GwrError):
    """A metadata file is missing columns or holds a bad row."""


@dataclass(frozen=True)
class ReportMeta:
    id: str
    file: str
    place: str | None = None
    level: str | None = None
    province: str | None = None
    year: int | None = None
    source: str = ""
    guessed: bool = False  # facts read from the file name, not from a metadata row


def read_metadata(path: Path) -> dict[str, ReportMeta]:
    """Rows of a metadata.tsv keyed by file name."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = [c for c in METADATA_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise MetadataError(f"{path}: missing column(s) {', '.join(missing)}")
        out = {}
        for lineno, row in enumerate(reader, 2):
            try:
                year = int(row["year"]) if row["year"] else None
            except ValueError:
                raise MetadataError(f"{path}:{lineno}: year {row['year']!r} is not a number") from None
            out[row["file"]] = ReportMeta(row["id"], row["file"], row["place"] or None, row["level"] or None,
                                          row["province"] or None, year, row["source"] or "")
    return out


def meta_for(file: Path) -> ReportMeta:
    """Metadata of a report file: its row in metadata.tsv beside it, else guessed from its name."""
    table = file.parent / "metadata.tsv"
    if table.is_file():
        rows = read_metadata(table)
        if file.name in rows:
            return rows[file.name]
    m = _NAME.match(file.stem)
    if m:
        return ReportMeta(file.stem, file.name, None, m.group(1), None, int(m.group(3)), str(file), guessed=True)
    return ReportMeta(file.stem, file.name, source=str(file), guessed=True)


def guessed_notes(guessed: bool, level: str | None, year: int | None) -> list[str]:
    """The report warning that says which facts came from the file name, not from metadata."""
    if not guessed:
        return []
    facts = [f"{k}={v}" for k, v in (("level", level), ("year", year)) if v is not None]
    return [f"no metadata row: {', '.join(facts) if facts else 'nothing'} read from the file name"]
