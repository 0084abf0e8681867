"""The one module that reads the rule vocabularies and compiles them, once.

Vocabularies live in data files: the normalisation tables (numerals, units,
magnitudes, comparators, range marks, deadline periods) in `schemas/data/`,
shared with the schema's validators, and the rule vocabularies (heading
styles, noise, section roles, verbs, strength and manner words, indicator
phrasings, ...) in `pipeline/data/`. Everything is compiled with `regex`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from gwr.schemas import tables
from gwr.schemas.checks import indicator_ids
from gwr.schemas.document import Role
from gwr.schemas.errors import TableError
from gwr.schemas.vocabulary import BASE_UNITS, Row, read_tsv

#: the values a column may hold, per table (column index -> allowed); any other raises TableError with file:line
STRENGTHS = ("firm", "strive")  # the schema's strengths but `default`, which no word sets
KINDS = {
    "change_words.tsv": {1: ("change", "level")},
    "fused_numbers.tsv": {0: ("before", "after", "cn_after", "after_unit")},
    "heading_styles.tsv": {2: ("yes", "no")},
    "indicator_patterns.tsv": {3: ("change", "level", "any")},
    "manner.tsv": {1: ("", "strict")},
    "noise.tsv": {0: ("masthead", "caption", "byline", "chrome"), 2: ("head", "any", "near")},
    "non_commitment.tsv": {0: ("purpose", "framing", "forecast", "judgement", "closing", "time")},
    "role_cues.tsv": {0: Role.__args__, 1: ("strong", "weak")},
    "section_roles.tsv": {0: Role.__args__},
    "strength.tsv": {1: STRENGTHS},
    "subheads.tsv": {0: ("opener", "leadin")},
}


def _data(name: str, columns: int, optional: int = 0) -> list[Row]:
    return read_tsv(name, columns, package="gwr", optional=optional, choices=KINDS.get(name))


def _compile(row: Row, column: int, flags: int = 0, prefix: str = "") -> regex.Pattern:
    """One row's pattern; a bad regex raises TableError naming the file and line."""
    return row.pattern(column, flags, prefix)


def _union(rows: list[Row], column: int) -> regex.Pattern:
    """The alternation of the rows' patterns, each checked on its own first (so an error names its line)."""
    for row in rows:
        _compile(row, column)
    if not rows:
        return regex.compile(r"(?!)")  # no row: matches nothing
    try:
        return regex.compile("|".join(f"(?:{row[column]})" for row in rows))
    except regex.error as exc:
        raise TableError(f"{rows[0].file}: the rows' patterns do not compile together: {exc}") from None


_OPEN_START = regex.compile(r"\^?(?:\[|\.|\\p)")  # a pattern that can start with (nearly) any character
#: how such a pattern starts: a character class (or any character) repeated, `^[^，；。]{2,30}`
_OPEN_LEAD = regex.compile(r"\^(?:\[(?:\\.|[^\]\\])*\]|\\p\{\w+\}|\.)(?:\{\d*,?\d*\}|[*+])\??")
#: ... and what must follow that run: a word, or one of literal words (optional characters before it skipped)
_OPEN_WORDS = regex.compile(r"(?:\p{Han}\?)*(?:\(\?:(\p{Han}+(?:\|\p{Han}+)*)\)|(\p{Han}+))(?![?*{|])")


def _outside_classes(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth) of a pattern's characters outside character classes and escapes."""
    depth, klass, escaped = 0, -1, False  # klass: where the character class being read opened
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif klass >= 0:  # a ] right after [ or [^ is a character of the class
            if ch == "]" and i > klass + 1 and not (i == klass + 2 and pattern[klass + 1] == "^"):
                klass = -1
        elif ch == "[":
            klass = i
        else:
            depth -= ch == ")"
            yield i, ch, depth
            depth += ch == "("


def required_words(pattern: str) -> tuple[str, ...] | None:
    """Words one of which every match of an open-start row holds, read off how it is written:
    `^[^，；。]{2,30}进入…` -> (进入,), `^[^，；。“”]{1,16}(?:要靠|在于)` -> (要靠, 在于); None when it is
    written some other way (then the row is always tried), a top-level alternative included."""
    if any(ch == "|" and depth == 0 for _, ch, depth in _outside_classes(pattern)):
        return None
    lead = _OPEN_LEAD.match(pattern)
    words = _OPEN_WORDS.match(pattern, lead.end()) if lead else None
    if words is None:
        return None
    return tuple(words.group(1).split("|")) if words.group(1) else (words.group(2),)


class AnyRow:
    """Whether some row's pattern matches at the start of a text (`.match`), as their alternation does.

    The rows that start with a character class (^[^，；。]{2,30}进入…) are kept apart: in one
    alternation with them, the regex engine tries every row at every clause; without them, it turns
    most clauses away by their first character. Each of them is tried only on a text that holds one of
    its `required_words` (a substring test, far cheaper than the run of character classes); the few
    written so that no such words can be read off are one more alternation, always tried. Which row
    matched is not kept: callers ask whether one does.
    """

    __slots__ = ("parts", "guarded")

    def __init__(self, parts: tuple[regex.Pattern, ...],
                 guarded: tuple[tuple[tuple[str, ...], regex.Pattern], ...] = ()):
        self.parts = parts
        self.guarded = guarded

    def match(self, text: str) -> regex.Match | None:
        for part in self.parts:
            m = part.match(text)
            if m is not None:
                return m
        for words, pattern in self.guarded:
            for word in words:
                if word in text:
                    m = pattern.match(text)
                    if m is not None:
                        return m
                    break
        return None


def _any_row(rows: list[Row], column: int) -> AnyRow:
    open_start = [r for r in rows if _OPEN_START.match(r[column])]
    guarded = [(required_words(r[column]), r) for r in open_start]
    unguarded = [r for words, r in guarded if words is None]
    groups = [g for g in ([r for r in rows if r not in open_start], unguarded) if g]
    return AnyRow(tuple(_union(g, column) for g in groups) or (_union([], column),),
                  tuple((words, _compile(r, column)) for words, r in guarded if words is not None))


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 万亿 wins over 万)."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class HeadingStyle:
    name: str
    pattern: regex.Pattern
    resets: bool


@dataclass(frozen=True)
class Lexicon:
    heading_styles: tuple[HeadingStyle, ...]
    section_roles: tuple[tuple[str, regex.Pattern], ...]
    noise: tuple[tuple[str, regex.Pattern, str], ...]
    non_commitment: AnyRow
    non_commitment_closing: regex.Pattern
    time_phrase: regex.Pattern
    purpose: regex.Pattern
    explanation: regex.Pattern
    targets_cue: regex.Pattern
    strength: dict[str, str]
    strength_re: regex.Pattern
    manner: frozenset[str]
    strict_manner: frozenset[str]
    verbs: frozenset[str]
    non_verbs: frozenset[str]
    quantity_verbs: frozenset[str]
    nominal_suffixes: frozenset[str]
    comparator_verbs: frozenset[str]
    change_re: regex.Pattern
    change_kind: dict[str, str]
    decrease_words: frozenset[str]
    change_adjacent_re: regex.Pattern
    distant_comparator_re: regex.Pattern
    quantity_re: regex.Pattern
    number_start: regex.Pattern  # a character a number of quantity_re can start with: no quantity without one
    fused_before: regex.Pattern
    fused_after: regex.Pattern
    fused_cn_after: regex.Pattern
    fused_after_unit: regex.Pattern
    comparator_guard: frozenset[str]  # after-number comparators that may begin a longer word (内容)
    deadline_re: regex.Pattern
    indicators: tuple["IndicatorRule", ...]
    indicator_any: regex.Pattern
    #: matches every stretch some part of which `indicator_any` matches (None when it cannot be built)
    indicator_anywhere: regex.Pattern | None


@dataclass(frozen=True)
class IndicatorRule:
    id: str
    pattern: regex.Pattern
    exclude: regex.Pattern | None
    kind: str  # change | level | any
    units: frozenset[str]  # base units allowed, empty = any


def _quantity_pattern(heads_only: bool = False) -> regex.Pattern:
    """Number (+ range) + magnitude/unit + comparator words, from the schema's tables; with `heads_only`,
    the characters its numbers start with (every match holds one).

    Linear time, with no regex time limit: the words before the number are literal alternatives, and
    everything after the number is optional, so a match that reaches a number never backtracks into it."""
    t = tables()
    digits = "".join(regex.escape(c) for c, (_, k) in t.numerals.items() if k == "digit" and c.isascii())
    wide = "".join(regex.escape(c) for c, (_, k) in t.numerals.items() if k == "digit" and not c.isascii()
                   and "\uff10" <= c <= "\uff19")
    cn = "".join(regex.escape(c) for c, (_, k) in t.numerals.items()
                 if k in ("digit", "small", "big") and not c.isascii() and not ("\uff10" <= c <= "\uff19"))
    cn_head = "".join(regex.escape(c) for c, (v, k) in t.numerals.items()
                      if (k == "digit" or (k == "small" and v == 10)) and not c.isascii()
                      and not ("\uff10" <= c <= "\uff19"))
    if heads_only:
        return regex.compile(f"[{digits}{wide}{cn_head}]")
    arabic = rf"[{digits}{wide}](?:[{digits}{wide},](?=[{digits}{wide}])|[{digits}{wide}])*(?:[.．][{digits}{wide}]+)?"
    chinese = rf"[{cn_head}][{cn}]*(?:点[{cn}]+)?"  # 十五, 两万; a bare 万 or 亿 is no number
    number = rf"(?:{arabic}|{chinese})"
    marks = _alternation(t.range_marks)
    units = list(t.units)
    mags = list(t.magnitudes)
    unit = rf"(?:(?:{_alternation(mags)})?(?:{_alternation(units)})|(?:{_alternation(mags)}))"
    # a rate's unit is one unit (25万元/人, 0.6人/百亿元): not in the unit table, so its base unit is `other`
    unit = rf"(?:{unit}(?:/(?:{_alternation(mags)})?(?:{_alternation(units)}))?)"
    before = [w for w, (_, pos) in t.comparators.items() if pos == "before"]
    frame = [w for w, (_, pos) in t.comparators.items() if pos == "frame"]
    after = [w for w, (_, pos) in t.comparators.items() if pos == "after"]
    infix = ("余", "多")
    return regex.compile(
        rf"(?P<frame>{_alternation(frame)})?"
        rf"(?P<before>{_alternation(before)})?"
        rf"(?P<num>{number})(?P<infix>{_alternation(infix)})?(?P<unit1>{unit})?"
        rf"(?:(?P<mark>{marks}|(?<=[0-9%％元人个家亿万])一(?=[0-9]))(?P<num2>{number})(?P<unit2>{unit})?)?"
        rf"(?P<after>{_alternation(after)})?",
        regex.V1,
    )


def _deadline_pattern() -> regex.Pattern:
    t = tables()
    month_words = [w for w, (_, m) in t.periods.items() if m == "N"]
    other_words = [w for w, (_, m) in t.periods.items() if m != "N"]
    year = r"(?:[0-9]{4}|[〇零一二三四五六七八九]{4})年"
    month = rf"(?:[0-9]{{1,2}}|十[一二]?|[一二三四五六七八九])(?:{_alternation(month_words)})"
    day = r"(?:[0-9]{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
    end = r"(?:前|之前|以前)"
    return regex.compile(
        rf"(?:到|至)?(?:{year})?(?:{month}(?:{day})?(?:底|末)?{end}?|(?:{_alternation(other_words)})(?:底|末)?{end}?)"
        rf"|(?:到|至){year}(?:底|末)?{end}?"
        rf"|{year}(?:底|末)?{end}",
        regex.V1,
    )


def _indicators() -> tuple[IndicatorRule, ...]:
    rules = []
    known = indicator_ids()
    for row in _data("indicator_patterns.tsv", 5):
        ind_id, _, exclude, kind, units = row
        if ind_id not in known:
            raise row.error(f"indicator {ind_id!r} is not in schemas/data/indicators.tsv")
        allowed = frozenset(u for u in units.split(",") if u and u != "*")
        if allowed - set(BASE_UNITS):
            raise row.error(f"unknown base unit(s) {', '.join(sorted(allowed - set(BASE_UNITS)))}")
        rules.append(IndicatorRule(
            ind_id, _compile(row, 1), _compile(row, 2) if exclude != "-" else None, kind, allowed))
    return tuple(rules)


def _comparator_guards() -> frozenset[str]:
    comparators = tables().comparators
    rows = _data("comparator_guards.tsv", 1)
    for row in rows:
        if comparators.get(row[0], ("", ""))[1] != "after":
            raise row.error(f"{row[0]!r} is no comparator written after the number (schemas/data/comparators.tsv)")
    return frozenset(row[0] for row in rows)


@functools.cache
def lexicon() -> Lexicon:
    styles = tuple(HeadingStyle(row[0], _compile(row, 1, prefix="^"), row[2] == "yes")
                   for row in _data("heading_styles.tsv", 3))
    change_rows = _data("change_words.tsv", 2)
    comparators = tables().comparators
    indicators = _indicators()
    non_commitment = _data("non_commitment.tsv", 2)
    fused = _data("fused_numbers.tsv", 2)
    strength = _data("strength.tsv", 2)
    manner = _data("manner.tsv", 1, optional=1)
    return Lexicon(
        heading_styles=styles,
        section_roles=tuple((row[0], _compile(row, 1)) for row in _data("section_roles.tsv", 2)),
        noise=tuple((row[0], _compile(row, 1), row[2]) for row in _data("noise.tsv", 3)),
        non_commitment=_any_row([r for r in non_commitment if r[0] not in ("closing", "purpose")], 1),
        time_phrase=_union([r for r in non_commitment if r[0] == "time"], 1),
        purpose=_union([r for r in non_commitment if r[0] == "purpose"], 1),
        non_commitment_closing=_union([r for r in non_commitment if r[0] == "closing"], 1),
        explanation=_union(_data("explanation_paragraphs.tsv", 1), 0),
        targets_cue=_union(_data("targets_cues.tsv", 1), 0),
        strength={w: s for w, s in strength},
        strength_re=regex.compile(_alternation(w for w, _ in strength)),
        manner=frozenset(r[0] for r in manner),
        strict_manner=frozenset(r[0] for r in manner if r[1] == "strict"),
        verbs=frozenset(r[0] for r in _data("verbs.tsv", 1)),
        non_verbs=frozenset(r[0] for r in _data("non_verbs.tsv", 1)),
        quantity_verbs=frozenset(r[0] for r in _data("quantity_verbs.tsv", 1)),
        nominal_suffixes=frozenset(r[0] for r in _data("nominal_suffixes.tsv", 1)),
        comparator_verbs=frozenset(w for w, (_, pos) in comparators.items() if pos == "before" and len(w) > 0),
        change_re=regex.compile(_alternation(w for w, _ in change_rows)),
        change_kind={w: k for w, k in change_rows},
        decrease_words=frozenset(r[0] for r in _data("decrease_words.tsv", 1)),
        change_adjacent_re=regex.compile(rf"({_alternation(w for w, _ in change_rows)})(?:分别|再|约|共|累计)?$"),
        distant_comparator_re=regex.compile(
            rf"({_alternation(w for w, (_, pos) in comparators.items() if pos == 'before')})"
            rf"(?:{_alternation(w for w, _ in change_rows)})(?:分别|再)?$"),
        quantity_re=_quantity_pattern(),
        number_start=_quantity_pattern(heads_only=True),
        fused_before=_union([r for r in fused if r[0] == "before"], 1),
        fused_after=_union([r for r in fused if r[0] == "after"], 1),
        fused_cn_after=_union([r for r in fused if r[0] == "cn_after"], 1),
        fused_after_unit=_union([r for r in fused if r[0] == "after_unit"], 1),
        comparator_guard=_comparator_guards(),
        deadline_re=_deadline_pattern(),
        indicators=indicators,
        indicator_any=regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in indicators)),
        indicator_anywhere=_anywhere([r.pattern.pattern for r in indicators]),
    )


#: what makes a match depend on the characters around it, other than a start anchor `^`
_CONTEXT = ("(?=", "(?!", "(?<", "(?(", "$", "\\b", "\\B", "\\A", "\\Z", "\\G", "(?r)", "(?V1)")


def _anywhere(patterns: list[str]) -> regex.Pattern | None:
    """The alternation of `patterns` with their start anchors (`^` outside a character class) dropped:
    whatever a pattern matches inside some part of a text, this matches in the whole text (a test
    that no part can match, asked once instead of once per part). None when a pattern can look
    around what it matches (lookarounds, `$`, `\\b`, conditionals): then no such test holds."""
    out = []
    for pattern in patterns:
        if any(mark in pattern for mark in _CONTEXT):
            return None
        anchors = {i for i, ch, _ in _outside_classes(pattern) if ch == "^"}
        out.append(f"(?:{''.join(ch for i, ch in enumerate(pattern) if i not in anchors)})")
    return regex.compile("|".join(out)) if out else regex.compile(r"(?!)")


def jieba_user_dict() -> str:
    """The jieba user dictionary built from the verb and noun lexicons (word, frequency, tag)."""
    nouns = sorted(r[0] for r in _data("nouns.tsv", 1))
    return "".join(f"{w} 2000 v\n" for w in sorted(lexicon().verbs)) + "".join(f"{w} 3000 n\n" for w in nouns)


@dataclass(frozen=True)
class OutlineLexicon:
    """The outline's own vocabularies: own-line sub-head openers, role cues, glossary titles."""

    openers: tuple[tuple[str, regex.Pattern], ...]  # (style, pattern on an own-line sentence)
    leadin: regex.Pattern
    role_cues: tuple[tuple[str, str, regex.Pattern], ...]  # (role, strong|weak, pattern)
    glossary: regex.Pattern


@functools.cache
def outline_lexicon() -> OutlineLexicon:
    subheads = _data("subheads.tsv", 3)
    return OutlineLexicon(
        openers=tuple((row[1], _compile(row, 2)) for row in subheads if row[0] == "opener"),
        leadin=_union([row for row in subheads if row[0] == "leadin"], 2),
        role_cues=tuple((row[0], row[1], _compile(row, 2, regex.M)) for row in _data("role_cues.tsv", 3)),
        glossary=_union(_data("glossary_titles.tsv", 1), 0),
    )
