"""Periods: the years a commitment is for and an outcome covers (ANNOTATION.md §4 `period`, §8).

`named_period(text, year)` reads what one stretch of text names: a plan
period (“十五五” 2026–2030), 今后五年 ([Y, Y+4]), 三年行动 ([Y, Y+2]), 到2030年
([Y, 2030]), or this year (今年, the report year written). The stages apply the
guideline's inheritance: a clause's own span, else its sentence's, else its
paragraph lead-in's, else its section heading's, else the report year.
The vocabulary is in `data/plan_periods.tsv` and `data/period_words.tsv`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from gwr.schemas import NormalisationError, parse_number
from gwr.schemas.vocabulary import read_tsv

Period = tuple[int, int]
THIS_YEAR = "this"


@dataclass(frozen=True)
class PeriodWords:
    plans: dict[str, Period]
    plan_re: regex.Pattern
    patterns: tuple[tuple[str, regex.Pattern], ...]
    per_year: regex.Pattern
    per_year_multi: regex.Pattern


@functools.cache
def words() -> PeriodWords:
    plans = {name: (int(a), int(b)) for name, a, b in read_tsv("plan_periods.tsv", 3, package="gwr")}
    names = "|".join(sorted(map(regex.escape, plans), key=len, reverse=True))
    # a plan named as a time frame: followed by 时期/期间/末/以来 (“十四五”时期, 十三五以来), or opening the
    # stretch (“十五五”发展的主要目标是：); a plan inside an object (进入“十五五”规划, 完成“十四五”考核目标)
    # names no span of the pledge
    plan = rf"[“\"‘「]?(?<![一二三四五六七八九十])(?P<plan>{names})[”\"’」]?"
    plan_re = regex.compile(rf"{plan}(?=时期|期间|末|以来|前期|中期|后期|开局之年)|^(?:在|到|至|推动|力争)?{plan}")
    rows = read_tsv("period_words.tsv", 2, package="gwr", patterns=(1,), choices={0: (
        "ahead", "action", "until", "past", "this", "last", "peryear", "peryear_multi")})
    patterns = tuple((kind, regex.compile(p)) for kind, p in rows if not kind.startswith("peryear"))
    per_year = regex.compile("|".join(p for kind, p in rows if kind == "peryear"))
    per_year_multi = regex.compile("|".join(p for kind, p in rows if kind == "peryear_multi"))
    return PeriodWords(plans, plan_re, patterns, per_year, per_year_multi)


def _count(text: str) -> int | None:
    try:
        n = int(parse_number(text))
    except NormalisationError:
        return None
    return n if 1 <= n <= 30 else None


def may_name(text: str) -> bool:
    """Whether `text` can name a period at all: every period word has 年, every plan name 五 (most
    clauses have neither, and callers ask this before anything else)."""
    return "年" in text or "五" in text


def mentions(text: str, year: int) -> list[tuple[int, str, Period | None]]:
    """Every period named in `text`, as (position, kind, period), in text order.

    kind is `plan`, `ahead`, `action`, `until`, `past`, `this` or `last`;
    `this` and `last` carry [Y, Y] and [Y-1, Y-1].
    """
    if not may_name(text):
        return []
    w = words()
    found: list[tuple[int, str, Period | None]] = []
    for m in w.plan_re.finditer(text):
        found.append((m.start(), "plan", w.plans[m.group("plan")]))
    for kind, pattern in w.patterns:
        for m in pattern.finditer(text):
            if kind in ("ahead", "action", "past"):
                n = _count(m.group("n"))
                if n is None or (kind == "past" and n == 1):
                    continue
                period = (year, year + n - 1) if kind != "past" else (year - n, year - 1)
            elif kind == "until":
                last = int(m.group("year"))
                if last <= year:  # 2026年底前 in a 2026 report: a deadline inside the year
                    if last == year:
                        found.append((m.start(), "this", (year, year)))
                    continue
                period = (year, last)
            elif kind == "this":
                period = (year, year)
            else:
                period = (year - 1, year - 1)
            found.append((m.start(), kind, period))
    for m in _report_year(year).finditer(text):  # the report year written
        found.append((m.start(), "this", (year, year)))
    return sorted(found)


@functools.lru_cache(maxsize=256)
def _report_year(year: int) -> regex.Pattern:
    return regex.compile(rf"(?<![0-9]){year}年(?![0-9]{{1,2}}月[0-9])")


def ahead(text: str, year: int) -> Period | THIS_YEAR | None:
    """The span a stretch of a plan (targets, tasks) names: a longer span ahead, this year, or None.

    A span that ends before the report year is history (“十四五”时期 in a 2026
    report) and names nothing ahead. A stretch that names this year is for
    this year, whatever else it names (对接“十四五”规划，提出今年…的主要预期目标是：,
    今年是“十五五”开局之年); a plan part's own lead-in names its plan.
    """
    found = mentions(text, year)
    if any(kind == "this" for _, kind, _ in found):
        return THIS_YEAR
    for _, kind, period in found:
        if kind == "last":
            return None
        if period is not None and period[1] > year and kind != "past":
            return period
    return None


def behind(text: str, year: int, found: list | None = None) -> Period | None:
    """The past span a stretch of a review names (“十四五”时期, 过去五年, 五年来), or None for last year."""
    for _, kind, period in (found if found is not None else mentions(text, year)):
        if kind == "last":
            return None
        if kind in ("plan", "past") and period is not None and period[1] < year and period[1] > period[0]:
            return period
    return None


def per_year_word(text: str) -> str | None:
    """年均 / 年平均 / 平均每年 (always a yearly average), or 每年 (one only in a longer period)."""
    m = words().per_year.search(text)
    if m:
        return "always"
    return "multi" if words().per_year_multi.search(text) else None


def plan_around(year: int) -> Period | None:
    """The five-year plan period that the report year lies in (for a 年均 target with no span named)."""
    for first, last in words().plans.values():
        if first <= year <= last:
            return (first, last) if first == year else (year, last) if last > year else None
    return None
