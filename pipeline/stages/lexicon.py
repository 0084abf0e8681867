"""The one module that reads the rule vocabularies and compiles them, once.

Vocabularies live in data files: the normalisation tables (numerals, units,
magnitudes, comparators, range marks, deadline periods) in `schemas/data/`,
shared with the schema's validators, and the rule vocabularies (heading
styles, noise, section roles, verbs, strength and manner words, indicator
phrasings, ...) in `pipeline/data/`. Everything is compiled with `regex`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from gwr.schemas import tables
from gwr.schemas.vocabulary import read_tsv

#: Guard against pathological backtracking; patterns are written not to need it.
TIMEOUT = 2.0


def _data(name: str, columns: int, optional: int = 0) -> list[list[str]]:
    return read_tsv(name, columns, package="gwr", optional=optional)


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
    non_commitment: regex.Pattern
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
    fused_before: regex.Pattern
    fused_after: regex.Pattern
    fused_cn_after: regex.Pattern
    fused_after_unit: regex.Pattern
    comparator_guard: dict[str, str]
    deadline_re: regex.Pattern
    indicators: tuple["IndicatorRule", ...]
    indicator_any: regex.Pattern


@dataclass(frozen=True)
class IndicatorRule:
    id: str
    pattern: regex.Pattern
    exclude: regex.Pattern | None
    kind: str  # change | level | any
    units: frozenset[str]  # base units allowed, empty = any


def _quantity_pattern() -> regex.Pattern:
    """Number (+ range) + magnitude/unit + comparator words, from the schema's tables."""
    t = tables()
    digits = "".join(regex.escape(c) for c, (_, k) in t.numerals.items() if k == "digit" and c.isascii())
    wide = "".join(regex.escape(c) for c, (_, k) in t.numerals.items() if k == "digit" and not c.isascii()
                   and "\uff10" <= c <= "\uff19")
    cn = "".join(regex.escape(c) for c, (_, k) in t.numerals.items()
                 if k in ("digit", "small", "big") and not c.isascii() and not ("\uff10" <= c <= "\uff19"))
    cn_head = "".join(regex.escape(c) for c, (v, k) in t.numerals.items()
                      if (k == "digit" or (k == "small" and v == 10)) and not c.isascii()
                      and not ("\uff10" <= c <= "\uff19"))
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
    for row in _data("indicator_patterns.tsv", 5):
        ind_id, pattern, exclude, kind, units = row
        rules.append(IndicatorRule(
            ind_id, regex.compile(pattern), regex.compile(exclude) if exclude != "-" else None, kind,
            frozenset(u for u in units.split(",") if u and u != "*")))
    return tuple(rules)


@functools.cache
def lexicon() -> Lexicon:
    styles = tuple(HeadingStyle(name, regex.compile("^" + pattern), resets == "yes")
                   for name, pattern, resets in _data("heading_styles.tsv", 3))
    change_rows = _data("change_words.tsv", 2)
    comparators = tables().comparators
    indicators = _indicators()
    return Lexicon(
        heading_styles=styles,
        section_roles=tuple((role, regex.compile(p)) for role, p in _data("section_roles.tsv", 2)),
        noise=tuple((kind, regex.compile(p), where) for kind, p, where in _data("noise.tsv", 3)),
        non_commitment=regex.compile("|".join(f"(?:{p})" for k, p in _data("non_commitment.tsv", 2)
                                              if k not in ("closing", "purpose"))),
        time_phrase=regex.compile("|".join(f"(?:{p})" for k, p in _data("non_commitment.tsv", 2) if k == "time")),
        purpose=regex.compile("|".join(f"(?:{p})" for k, p in _data("non_commitment.tsv", 2) if k == "purpose")),
        non_commitment_closing=regex.compile("|".join(f"(?:{p})" for k, p in _data("non_commitment.tsv", 2)
                                                      if k == "closing")),
        explanation=regex.compile("|".join(f"(?:{p[0]})" for p in _data("explanation_paragraphs.tsv", 1))),
        targets_cue=regex.compile("|".join(f"(?:{p[0]})" for p in _data("targets_cues.tsv", 1))),
        strength={w: s for w, s in _data("strength.tsv", 2)},
        strength_re=regex.compile(_alternation(w for w, _ in _data("strength.tsv", 2))),
        manner=frozenset(r[0] for r in _data("manner.tsv", 1)),
        strict_manner=frozenset(r[0] for r in _data("manner.tsv", 1, optional=1) if r[1] == "strict"),
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
        fused_before=regex.compile("|".join(f"(?:{p})" for k, p in _data("fused_numbers.tsv", 2) if k == "before")),
        fused_after=regex.compile("|".join(f"(?:{p})" for k, p in _data("fused_numbers.tsv", 2) if k == "after")),
        fused_cn_after=regex.compile("|".join(f"(?:{p})" for k, p in _data("fused_numbers.tsv", 2)
                                              if k == "cn_after")),
        fused_after_unit=regex.compile("|".join(f"(?:{p})" for k, p in _data("fused_numbers.tsv", 2)
                                                if k == "after_unit")),
        comparator_guard={w: chars for w, chars in _data("comparator_guards.tsv", 2)},
        deadline_re=_deadline_pattern(),
        indicators=indicators,
        indicator_any=regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in indicators)),
    )


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
        openers=tuple((style, regex.compile(p)) for kind, style, p in subheads if kind == "opener"),
        leadin=regex.compile("|".join(f"(?:{p})" for kind, _, p in subheads if kind == "leadin")),
        role_cues=tuple((role, weight, regex.compile(p, regex.M)) for role, weight, p in _data("role_cues.tsv", 3)),
        glossary=regex.compile("|".join(f"(?:{p[0]})" for p in _data("glossary_titles.tsv", 1))),
    )
