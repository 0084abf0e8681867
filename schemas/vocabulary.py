"""Loads the normalisation tables in `schemas/data/` once.

These tables are the single source of numerals, magnitudes, units,
comparators, range marks and deadline periods. The schema's validators use
them to normalise quantities and deadlines; `pipeline.lexicon` compiles its
matching patterns from the very same tables.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import regex

import regex

from .errors import TableError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

BASE_UNITS = (
    "CNY", "USD", "percent", "pp", "person", "person_time", "household", "count",
    "m", "km", "m2", "mu", "ha", "m3", "t", "tce", "kW", "kWh", "ug_m3",
    "hour", "minute", "day", "year", "times", "other",
)
COMPARATORS = ("eq", "ge", "gt", "approx", "le", "lt", "range")
POSITIONS = ("before", "after", "frame")  # where a comparator word stands: comparators.tsv
NUMERAL_KINDS = ("digit", "small", "big", "point")
PRECISIONS = ("day", "month", "quarter", "half", "year")  # of a deadline period: periods.tsv

#: A year as reports, tables and file names write it (1900–2099): the one definition every year
#: pattern of gwr is built from.
YEAR = r"(?:19|20)[0-9]{2}"
#: A year written as a date in the text (2025年), the year captured.
WRITTEN_YEAR = regex.compile(rf"({YEAR})年")

class Row(list):
    """The cells of one data-file row, and where it stands (`where`: pipeline/data/verbs.tsv:12)."""

    __slots__ = ("file", "line")

    def __init__(self, cells, file: str, line: int):
        super().__init__(cells)
        self.file = file
        self.line = line

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def error(self, message: str) -> TableError:
        """A TableError that names this row's file and line."""
        return TableError(f"{self.where}: {message}")

    def pattern(self, column: int, flags: int = 0, prefix: str = "") -> regex.Pattern:
        """The cell compiled as a regex (after `prefix`); a bad one raises TableError with file:line."""
        try:
            return regex.compile(prefix + self[column], flags)
        except regex.error as exc:
            raise self.error(f"column {column + 1} is no regex ({exc.msg}): {self[column]}") from None


#: Where each package's data files stand in the source tree (what messages name, for editing).
SOURCE_FOLDERS = {"gwr": "pipeline", "gwr.schemas": "schemas"}


def data_file(package: str, name: str) -> Traversable:
    """The data file `name` of a package (`gwr.schemas` or `gwr`): <package>/data/<name>."""
    return resources.files(package).joinpath("data").joinpath(name)


def read_tsv(name: str, columns: int, package: str = "gwr.schemas", optional: int = 0,
             choices: dict[int, Collection[str]] | None = None, patterns: Collection[int] = ()) -> list[Row]:
    """Rows of a tab-separated data file, comments (#) and blank lines skipped.

    Each row has `columns` required cells and up to `optional` more, "" when absent;
    `choices` maps a column to the values allowed in it, and the columns in `patterns`
    must compile as regexes. A row that breaks any of these raises TableError naming
    the file and line (pipeline/data/strength.tsv:4: ...).
    """
    text = data_file(package, name).read_text(encoding="utf-8")
    file = f"{SOURCE_FOLDERS.get(package, package)}/data/{name}"
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not columns <= len(cells) <= columns + optional:
            expected = f"{columns} to {columns + optional} columns" if optional else \
                f"{columns} column{'s' * (columns > 1)}"
            raise TableError(f"{file}:{lineno}: expected {expected}, got {len(cells)}")
        row = Row([c.strip() for c in cells] + [""] * (columns + optional - len(cells)), file, lineno)
        for column, allowed in (choices or {}).items():
            if row[column] not in allowed:
                raise row.error(f"column {column + 1} is {row[column]!r}, not one of {', '.join(allowed)}")
        for column in patterns:
            row.pattern(column)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Unit:
    base_unit: str
    factor: float


@dataclass(frozen=True)
class Tables:
    units: dict[str, Unit]
    magnitudes: dict[str, float]
    numerals: dict[str, tuple[float, str]]
    comparators: dict[str, tuple[str, str]]
    range_marks: tuple[str, ...]
    periods: dict[str, tuple[str, str]]


def _number(row: Row, column: int) -> float:
    try:
        return float(row[column])
    except ValueError:
        raise row.error(f"column {column + 1} is {row[column]!r}, not a number") from None


@functools.cache
def tables() -> Tables:
    units = {}
    for row in read_tsv("units.tsv", 3, choices={1: BASE_UNITS}):
        unit, base, factor = row
        units[unit] = Unit(base, _number(row, 2))
    comparators = {}
    for word, comp, pos in read_tsv("comparators.tsv", 3, choices={1: COMPARATORS, 2: POSITIONS}):
        comparators[word] = (comp, pos)
    return Tables(
        units=units,
        magnitudes={row[0]: _number(row, 1) for row in read_tsv("magnitudes.tsv", 2)},
        numerals={row[0]: (_number(row, 1), row[2])
                  for row in read_tsv("numerals.tsv", 3, choices={2: NUMERAL_KINDS})},
        comparators=comparators,
        range_marks=tuple(r[0] for r in read_tsv("range_marks.tsv", 1)),
        periods={w: (p, m) for w, p, m in read_tsv("periods.tsv", 3, choices={1: PRECISIONS})},
    )


@functools.lru_cache(maxsize=4096)
def resolve_unit(unit: str) -> tuple[Unit, bool]:
    """Base unit and factor of a unit as written, and whether the unit is known.

    An exact row wins (千瓦 is a unit of its own, not 千 x 瓦); otherwise the
    longest magnitude word in front of a known unit (万吨 -> t x 1e4). A unit
    the table does not know is `other`, still scaled by a magnitude word in
    front of it (万标准箱 -> other x 1e4), and reported as unknown.
    """
    t = tables()
    if unit in t.units:
        return t.units[unit], True
    for mag in sorted(t.magnitudes, key=len, reverse=True):
        if unit.startswith(mag) and len(unit) > len(mag):
            rest = unit[len(mag):]
            if rest in t.units:
                base = t.units[rest]
                return Unit(base.base_unit, base.factor * t.magnitudes[mag]), True
    for mag in sorted(t.magnitudes, key=len, reverse=True):
        if unit.startswith(mag):
            return Unit("other", t.magnitudes[mag]), False
    return Unit("other", 1.0), False
