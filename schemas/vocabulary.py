"""Loads the normalisation tables in `schemas/data/` once.

These tables are the single source of numerals, magnitudes, units,
comparators, range marks and deadline periods. The schema's validators use
them to normalise quantities and deadlines; `pipeline.lexicon` compiles its
matching patterns from the very same tables.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import regex

from .errors import TableError

BASE_UNITS = (
    "CNY", "USD", "percent", "pp", "person", "person_time", "household", "count",
    "m", "km", "m2", "mu", "ha", "m3", "t", "tce", "kW", "kWh", "ug_m3",
    "hour", "minute", "day", "year", "times", "other",
)
COMPARATORS = ("eq", "ge", "gt", "approx", "le", "lt", "range")

#: A year as reports, tables and file names write it (1900–2099): the one definition every year
#: pattern of gwr is built from.
YEAR = r"(?:19|20)[0-9]{2}"
#: A year written as a date in the text (2025年), the year captured.
WRITTEN_YEAR = regex.compile(rf"({YEAR})年")


def read_tsv(name: str, columns: int, package: str = "gwr.schemas", optional: int = 0) -> list[list[str]]:
    """Rows of a tab-separated data file, comments (#) and blank lines skipped.

    Each row has `columns` required cells and up to `optional` more, "" when absent.
    """
    text = resources.files(package).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < columns:
            raise TableError(f"{package}/data/{name}:{lineno}: expected {columns} columns, got {len(cells)}")
        cells = cells[:columns + optional] + [""] * (columns + optional - len(cells))
        rows.append([c.strip() for c in cells])
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


@functools.cache
def tables() -> Tables:
    units = {}
    for unit, base, factor in read_tsv("units.tsv", 3):
        if base not in BASE_UNITS:
            raise TableError(f"schemas/data/units.tsv: unit {unit!r} has unknown base unit {base!r}")
        units[unit] = Unit(base, float(factor))
    comparators = {}
    for word, comp, pos in read_tsv("comparators.tsv", 3):
        if comp not in COMPARATORS or pos not in ("before", "after", "frame"):
            raise TableError(f"schemas/data/comparators.tsv: bad row for {word!r}")
        comparators[word] = (comp, pos)
    return Tables(
        units=units,
        magnitudes={w: float(f) for w, f in read_tsv("magnitudes.tsv", 2)},
        numerals={c: (float(v), k) for c, v, k in read_tsv("numerals.tsv", 3)},
        comparators=comparators,
        range_marks=tuple(r[0] for r in read_tsv("range_marks.tsv", 1)),
        periods={w: (p, m) for w, p, m in read_tsv("periods.tsv", 3)},
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
