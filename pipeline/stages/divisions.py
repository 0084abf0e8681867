"""China's administrative divisions (`data/divisions.tsv`, built from a maintained source by
scripts/build_divisions.py): the level and province of a place named in a report or a file name.

    resolve("内蒙古呼伦贝尔市海拉尔区")  # Division(name='海拉尔区', level='county', province='内蒙古自治区', ...)
    resolve("郑州市").province         # '河南省'
    from_pinyin("guangdong", "province").name  # '广东省'

A name shared by several divisions (鼓楼区) resolves only when the text before it names the
province or city (福州市鼓楼区); otherwise the answer is None, never a guess.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gwr.schemas.vocabulary import read_tsv


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    province: str
    city: str  # the prefecture above a county, "" when none
    short: str
    pinyin: str


@functools.cache
def _table() -> tuple[tuple[Division, ...], dict[str, tuple[Division, ...]]]:
    rows = tuple(Division(*r) for r in read_tsv("divisions.tsv", 7, package="gwr"))
    by_name: dict[str, list[Division]] = {}
    for d in rows:
        for key in {d.name, d.short}:
            by_name.setdefault(key, []).append(d)
    return rows, {k: tuple(v) for k, v in by_name.items()}


def _short_names(name: str) -> set[str]:
    by_name = _table()[1]
    return {d.short for d in by_name.get(name, ())} | {name}


def resolve(place: str) -> Division | None:
    """The division a place name denotes: its longest known ending, checked against what precedes it."""
    place = place.replace(" ", "").replace("\u3000", "")
    by_name = _table()[1]
    for start in range(len(place) - 1):
        candidates = by_name.get(place[start:])
        if not candidates:
            continue
        before = place[:start]
        fitting = [d for d in candidates if not before or _fits(before, d)]
        full = [d for d in fitting if d.name == place[start:]]
        chosen = full or fitting
        if len({d.code for d in chosen}) == 1:
            return chosen[0]
        return None
    return None


def _fits(before: str, d: Division) -> bool:
    """The words before a county or city name name its province or city (内蒙古呼伦贝尔市 + 海拉尔区)."""
    names = [n for n in (d.province, d.city) if n]
    return any(before.endswith(alias) or alias in before
               for n in names for alias in _short_names(n) if len(alias) >= 2)


def from_pinyin(slug: str, level: str | None = None) -> Division | None:
    """The one division whose short name reads `slug` (guangdong, wuhan), at `level` when given."""
    slug = slug.replace("_", "").replace("-", "").lower()
    found = {d.code: d for d in _table()[0] if d.pinyin == slug and (level is None or d.level == level)}
    return next(iter(found.values())) if len(found) == 1 else None


def province_of(place: str) -> str | None:
    d = resolve(place)
    return d.province if d else None
