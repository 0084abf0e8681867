"""Quantities stage: numbers with their unit and comparator in each clause (ANNOTATION.md §5).

Matching only finds the parts (number text, unit text, comparator words);
`schemas.Quantity` turns them into values, base values and comparators.
Here are decided what is not a quantity (numbers fused into names, classes,
periods, slogans, quotes, dates), `kind` (change or level) and `role`
(target or qualifier).
"""

from __future__ import annotations

import bisect

import regex
from spacy.language import Language

from gwr.schemas import resolve_unit, tables
from gwr.schemas.vocabulary import YEAR

from .clauses import quoted_ranges
from .lexicon import lexicon
from .model import Analysis, CommitmentMatch, QuantityMatch
from .periods import per_year_word
from .stage import Stage

_ASCII_DIGIT = regex.compile(r"[0-9０-９]")
_NOUN_START = regex.compile(r"[\p{Han}A-Za-z“‘「（(]")  # what a noun a measure describes starts with
_YEAR_NUMBER = regex.compile(rf"^{YEAR}$")
_JOIN = "和、与及"
_MAX_DIGITS = 16
#: Units whose quantity, written before a noun, describes each object (240小时过境免签, 100米内站点).
_ATTRIBUTE_UNITS = frozenset({"hour", "minute", "day", "m", "km", "year"})
_COUNTED = frozenset({"count", "person", "household", "person_time"})
#: Change words that name a rate (增速 = growth rate): a level verb after them still states a change.
_RATE_NOUNS = frozenset({"增速", "增幅", "涨幅", "降幅"})
_TO = frozenset("到至")
_RATE_VERBS = frozenset({"达到", "达", "保持在", "稳定在", "控制在"})  # not 高于: a gap to an average is a level


def _split_magnitude(number: str, unit: str) -> tuple[str, str]:
    """两万 + 人 -> 两 + 万人: a Chinese numeral's trailing 万/亿 belongs to the unit."""
    big = [c for c, (_, kind) in tables().numerals.items() if kind == "big"]
    cut = len(number)
    while cut > 1 and number[cut - 1] in big:
        cut -= 1
    return number[:cut], number[cut:] + unit


def _fused(text: str, m: regex.Match, chinese: bool) -> bool:
    """A numeral that belongs to a name, class, period, slogan or date (5G, 千亿级, 三年行动)."""
    lex = lexicon()
    num_start = m.start("num")
    after = text[m.end("num"):m.end("num") + 8]
    if not m.group("before") and lex.fused_before.search(text[max(0, num_start - 2):num_start]):
        return True
    unit_end = m.end() - len(m.group("after") or "")
    if lex.fused_after_unit.match(text[unit_end - 1:unit_end + 4]):
        return True
    return bool(lex.fused_after.match(after)) or (chinese and bool(lex.fused_cn_after.match(after)))


def find_quantities(text: str, lo: int, hi: int) -> list[QuantityMatch]:
    """Quantities in text[lo:hi], quoted stretches left out."""
    lex = lexicon()
    if not lex.number_start.search(text, lo, hi):  # two clauses in three hold no numeral
        return []
    quotes = quoted_ranges(text, lo, hi)
    found: list[QuantityMatch] = []
    for m in lex.quantity_re.finditer(text, lo, hi):
        unit = m.group("unit1") or m.group("unit2")
        if not unit:
            continue
        num = m.group("num")
        if len(num) > _MAX_DIGITS:  # a digit string this long is a code or debris, not an amount
            continue
        chinese = not _ASCII_DIGIT.match(num)
        if (quotes and any(qs <= m.start("num") < qe for qs, qe in quotes)) or _fused(text, m, chinese):
            continue
        if chinese and len(num) == 1 and num in "一壹":  # 一批, 一张床: an article, not a count
            continue
        if unit.startswith("年") and _YEAR_NUMBER.match(num):  # 2025年 is a date
            continue
        number_max = m.group("num2")
        unit_written = m.group("unit2") or m.group("unit1")
        if chinese:
            num, unit_written = _split_magnitude(num, unit_written)
            if number_max and not _ASCII_DIGIT.match(number_max):
                number_max, _ = _split_magnitude(number_max, "")
        after, end = m.group("after"), m.end()
        if after in lex.comparator_guard and _begins_word(text, m.start("after"), len(after)):
            after, end = None, m.start("after")  # 6项内容: 内 begins the word 内容, it is no comparator
        words = [w for w in (m.group("frame"), m.group("before"), m.group("infix"), after) if w]
        start = m.start("before") if m.group("before") else m.start("num")
        found.append(QuantityMatch(start, end, num, number_max, unit_written, words))
    if len(found) > 1:
        _share_comparators(text, found)
    return found


def _begins_word(text: str, at: int, length: int) -> bool:
    """The segmenter joins the word at text[at:at + length] with what follows (内 + 容 = 内容)."""
    from .segmenter import load_segmenter

    window = text[at:at + 8]
    return len(window) > length and len(load_segmenter().cut(window)[0]) > length


def _share_comparators(text: str, found: list[QuantityMatch]) -> None:
    """分别增长7%和8%左右: a comparator written after joined numbers covers each of them."""
    for i in range(len(found) - 2, -1, -1):
        q, nxt = found[i], found[i + 1]
        if not q.comparator_words and nxt.lo == q.hi + 1 and text[q.hi] in _JOIN:
            after = [w for w in nxt.comparator_words if tables().comparators[w][1] == "after"]
            q.comparator_words = after


def classify(text: str, c: CommitmentMatch) -> None:
    """Set kind and role of each quantity of a clause (quantities in text order)."""
    if not c.quantities:
        return
    lex = lexicon()
    words = [(m.end(), m.group(0)) for m in lex.change_re.finditer(text, c.lo, c.hi)]
    ends = [e for e, _ in words]
    for i, q in enumerate(c.quantities):
        base = resolve_unit(q.unit)[0].base_unit
        k = bisect.bisect_right(ends, q.lo)
        q.kind, word = _kind(text, c.lo, q, base, words[k - 1][1] if k else None)
        if k and word == words[k - 1][1] and text[words[k - 1][0]:words[k - 1][0] + 1] in _TO:
            # 城镇化率提高到65%: the level reached, not a change by it; 涨幅回落到2.6%: a rate reached (still
            # the indicator's change), and in neither case a fall by the number
            verb_start = words[k - 1][0] - len(word)
            rate = any(text[max(c.lo, verb_start - len(n)):verb_start] == n for n in _RATE_NOUNS)
            q.kind, word = ("change" if rate else "level"), None
        q.decrease = q.kind == "change" and word in lex.decrease_words
        joined = i and q.lo == c.quantities[i - 1].hi + 1 and text[q.lo - 1] in _JOIN
        if joined:
            q.kind = c.quantities[i - 1].kind  # 分别再提高30元和5元: both are changes
            q.decrease = c.quantities[i - 1].decrease
        # 年均增长5%: a yearly-average word between the quantity before (or the clause start) and this one
        q.per_year = c.quantities[i - 1].per_year if joined else \
            per_year_word(text[c.quantities[i - 1].hi if i else c.lo:q.hi])  # 年均超过70万人: 超过 is in the span
        q.role = "qualifier" if _is_qualifier(text, c, i, base) else "target"
        if not q.comparator_words:
            q.comparator_words = _distant_comparator(text, c.lo, q)


def _kind(text: str, lo: int, q: QuantityMatch, base: str, last_word: str | None) -> tuple[str, str | None]:
    """change: the quantity is a change of the indicator (增长8%, 提高0.5个百分点, 再提高20元).

    For a percentage the last change or level word before it in the clause
    decides (地区生产总值增长6%, 占比达到50%); for other units only a change
    word right before the number does (提高20元 change, 新增1000家 level).
    """
    lex = lexicon()
    if base in ("percent", "pp", "times"):
        if last_word in _RATE_VERBS:
            # 增速达到11.1%, 增幅保持在5%: a growth-rate noun right before the level verb is the change
            before = text[max(lo, q.lo - 12):q.lo]
            at = before.rfind(last_word)
            named = lex.change_adjacent_re.search(before[:at]) if at > 0 else None
            if named and lex.change_kind.get(named.group(1)) == "change" and named.group(1) in _RATE_NOUNS:
                return "change", named.group(1)
        if last_word is not None:
            return lex.change_kind[last_word], last_word
        return ("change" if base == "pp" else "level"), None
    m = lex.change_adjacent_re.search(text[max(lo, q.lo - 8):q.lo])
    if m and lex.change_kind.get(m.group(1)) == "change":
        return "change", m.group(1)
    return "level", None


def _distant_comparator(text: str, lo: int, q: QuantityMatch) -> list[str]:
    """至少降低30%: a comparator word before the quantity's verb still sets the comparator."""
    m = lexicon().distant_comparator_re.search(text[max(lo, q.lo - 8):q.lo])
    return [m.group(1)] if m else []


def _is_qualifier(text: str, c: CommitmentMatch, i: int, base: str) -> bool:
    """A measure written before the noun it describes (1000万元以上品牌商家, 100米内站点)."""
    q = c.quantities[i]
    if q.hi >= c.hi or base in _COUNTED or q.unit in tables().magnitudes:  # 30万以上参保孕产妇: a count
        return False
    nxt = text[q.hi]
    if not _NOUN_START.match(nxt) or nxt in _JOIN or nxt in "各":
        return False
    threshold = any(tables().comparators[w][0] in ("ge", "gt", "le", "lt") for w in q.comparator_words
                    if tables().comparators[w][1] == "after") or q.number_max is not None
    later = i + 1 < len(c.quantities)
    if base == "percent":  # 60%以上的机构达标: a share of the objects is the target itself
        return later
    return threshold or later or base in _ATTRIBUTE_UNITS


def analyse_quantities(a: Analysis, doc=None) -> None:
    for c in a.commitments:
        c.quantities = find_quantities(c.para.text, c.lo, c.hi)
        classify(c.para.text, c)


@Language.factory("gwr_quantities")
def make_quantities(nlp: Language, name: str) -> Stage:
    return Stage(analyse_quantities)
