"""Report files and their metadata (`metadata.tsv`: id, file, place, level, province, year, source;
the columns are described in README.md), else the facts a file name gives: `province-guangdong-2026.txt`
(level, the place's pinyin, year) or `2026年广东省政府工作报告.txt` (year and place in Chinese), the
place's level and province completed from the division table (`pipeline/data/divisions.tsv`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import regex

from gwr.schemas import GwrError
from gwr.schemas.vocabulary import YEAR

from gwr.stages.divisions import Division, from_pinyin, resolve

METADATA_COLUMNS = ("id", "file", "place", "level", "province", "year", "source")
_NAME = regex.compile(rf"^(?:(national|province|city|county)-)?([a-z][a-z0-9_]*?)-({YEAR})$")
_CHINESE_YEAR = regex.compile(rf"(?<![0-9])({YEAR})(?![0-9])年?(?:度)?")
_CHINESE_REST = regex.compile(r"(?:人民)?政府工作报告|全文|[_\-\s（）()【】\[\]·]+")
_NATIONAL_WORDS = regex.compile(r"^(?:china|zhongguo|national|guowuyuan)$|国务院|全国|^中国$")


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
    return guess_from_name(file)


def guess_from_name(file: Path) -> ReportMeta:
    """Level, place, province and year from a file name in pinyin or in Chinese, as far as it tells."""
    stem = file.stem
    m = _NAME.match(stem)
    if m:
        level, slug, year = m.group(1), m.group(2), int(m.group(3))
        if _NATIONAL_WORDS.match(slug) and level in (None, "national"):
            return ReportMeta(stem, file.name, "中国", "national", None, year, str(file), guessed=True)
        d = from_pinyin(slug, level) or from_pinyin(slug)  # city-yiwu: a county-level city called a city
        return _guessed(file, d, level, year)
    if regex.fullmatch(r"[a-z]+", stem):  # beijing.txt
        return _guessed(file, from_pinyin(stem), None, None)
    years = _CHINESE_YEAR.findall(stem)
    rest = _CHINESE_REST.sub("", _CHINESE_YEAR.sub("", stem))
    if years or rest:
        year = int(years[0]) if years else None
        if rest and _NATIONAL_WORDS.search(rest):
            return ReportMeta(stem, file.name, "中国", "national", None, year, str(file), guessed=True)
        d = resolve(rest) if regex.fullmatch(r"\p{Han}{2,30}", rest or "") else None
        return _guessed(file, d, None, year, place=rest if d is not None else None)
    return ReportMeta(stem, file.name, source=str(file), guessed=True)


def _guessed(file: Path, d: Division | None, level: str | None, year: int | None,
             place: str | None = None) -> ReportMeta:
    if d is None:
        return ReportMeta(file.stem, file.name, None, level, None, year, str(file), guessed=True)
    return ReportMeta(file.stem, file.name, place or d.name, level or d.level, d.province, year, str(file),
                      guessed=True)


def guessed_notes(guessed: bool, level: str | None, year: int | None, place: str | None = None,
                  province: str | None = None) -> list[str]:
    """The report warning that says which facts came from the file name, not from metadata."""
    if not guessed:
        return []
    facts = [f"{k}={v}" for k, v in (("place", place), ("level", level), ("province", province), ("year", year))
             if v is not None]
    return [f"no metadata row: {', '.join(facts) if facts else 'nothing'} read from the file name"]
