#!/usr/bin/env python3
"""Count, per row of the rule tables, how many reports and sentences of the real reports it matches.

    python scripts/table_usage.py [TABLE …] [--unused] [--max-reports N]

Each table's rows are matched where the pipeline matches them: a word table's
words anywhere in the text, `non_commitment.tsv` at clause starts,
`explanation_paragraphs.tsv` at paragraph starts, `indicator_patterns.tsv`
inside clauses, `fused_numbers.tsv` around the numerals the quantity pattern
finds, `comparator_guards.tsv` after a quantity's comparator word, …. The
reports are corpus/*.txt and the shared corpus (../shared/corpus/reports/),
each text once. `--unused` prints only the rows that match nothing;
`--max-reports N` only those matched in at most N reports.
tests/test_tables_integrity.py asserts on the same counts.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gwr.stages.clauses import CLAUSE, trim  # noqa: E402
from gwr.stages.lexicon import lexicon  # noqa: E402
from gwr.schemas.vocabulary import Row, read_tsv  # noqa: E402

CORPORA = (ROOT / "corpus", ROOT.parent / "shared" / "corpus" / "reports")
_SENTENCE = regex.compile(r"[^。！？!?\n]+")


@dataclass(frozen=True)
class Report:
    id: str
    text: str
    sentence_starts: tuple[int, ...]
    clauses: tuple[tuple[int, int], ...]  # (lo, hi) of every clause, as the clauses stage cuts them
    lines: tuple[tuple[int, str], ...]  # (offset, line) of every non-empty line (a paragraph)

    def sentence(self, at: int) -> int:
        return bisect.bisect_right(self.sentence_starts, at) - 1


@functools.cache
def reports() -> tuple[Report, ...]:
    """Every real report once (the shared corpus repeats most of corpus/)."""
    seen, out = set(), []
    for folder in CORPORA:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            clauses = tuple(trim(text, m.start(), m.end()) for m in CLAUSE.finditer(text))
            lines, at = [], 0
            for line in text.split("\n"):
                if line.strip():
                    lines.append((at, line))
                at += len(line) + 1
            out.append(Report(path.stem, text, tuple(m.start() for m in _SENTENCE.finditer(text)),
                              tuple(c for c in clauses if c[0] < c[1]), tuple(lines)))
    return tuple(out)


@dataclass(frozen=True)
class Usage:
    table: str
    line: int
    row: str  # what is matched: the word or pattern (and a sub-key: 内+容)
    reports: frozenset[str]
    sentences: int
    part: bool = False  # a count of part of a row (one word of an exclusion), for information


def _hits(report: Report, positions) -> set[int]:
    return {report.sentence(p) for p in positions}


def _count(table: str, row: Row, label: str, find, part: bool = False) -> Usage:
    """`find(report)` yields the offsets where the row matches in that report."""
    found, sentences = set(), 0
    for r in reports():
        hits = _hits(r, find(r))
        if hits:
            found.add(r.id)
            sentences += len(hits)
    return Usage(table, row.line, label, frozenset(found), sentences, part)


def _words(table: str, column: int = 0, columns: int = 1, optional: int = 0, keep=lambda row: True):
    def find_word(word):
        return lambda r: (m.start() for m in regex.finditer(regex.escape(word), r.text))
    return [_count(table, row, row[column], find_word(row[column]))
            for row in read_tsv(table, columns, package="gwr", optional=optional) if keep(row)]


def _search(table: str, column: int, columns: int, optional: int = 0, keep=lambda row: True, flags=0):
    out = []
    for row in read_tsv(table, columns, package="gwr", optional=optional):
        if keep(row):
            pattern = regex.compile(row[column], flags)
            out.append(_count(table, row, row[column], lambda r, p=pattern: (m.start() for m in p.finditer(r.text))))
    return out


def _at_clause_start(table: str, column: int, columns: int, keep=lambda row: True):
    out = []
    for row in read_tsv(table, columns, package="gwr"):
        if keep(row):
            pattern = regex.compile(row[column])
            out.append(_count(table, row, row[column], lambda r, p=pattern: (
                lo for lo, hi in r.clauses if p.match(r.text[lo:hi]))))
    return out


def _at_line_start(table: str, column: int, columns: int, keep=lambda row: True, prefix: str = ""):
    out = []
    for row in read_tsv(table, columns, package="gwr"):
        if keep(row):
            pattern = regex.compile(prefix + row[column])
            out.append(_count(table, row, row[column], lambda r, p=pattern: (
                at for at, line in r.lines if p.match(line.strip()))))
    return out


def _in_lines(table: str, column: int, columns: int, keep=lambda row: True, optional: int = 0):
    out = []
    for row in read_tsv(table, columns, package="gwr", optional=optional):
        if keep(row):
            pattern = regex.compile(row[column])
            out.append(_count(table, row, row[column], lambda r, p=pattern: (
                at for at, line in r.lines if p.search(line.strip()))))
    return out


def _non_commitment():
    rows = [r for r in _at_clause_start("non_commitment.tsv", 1, 2, keep=lambda row: row[0] != "closing")]
    closing = _search("non_commitment.tsv", 1, 2, keep=lambda row: row[0] == "closing")
    return sorted(rows + closing, key=lambda u: u.line)


def _indicator_patterns():
    out = []
    for row in read_tsv("indicator_patterns.tsv", 5, package="gwr"):
        pattern = regex.compile(row[1])
        out.append(_count("indicator_patterns.tsv", row, row[1], lambda r, p=pattern: (
            lo for lo, hi in r.clauses if p.search(r.text[lo:hi]))))
        if row[2] != "-":  # the exclusion counts where it overrules the pattern
            exclude = regex.compile(row[2])
            for word in _literal_alternatives(row[2]) or [row[2]]:
                one = regex.compile(regex.escape(word)) if word != row[2] else exclude
                out.append(_count("indicator_patterns.tsv", row, f"{row[0]} exclude {word}", lambda r, p=pattern, x=one: (
                    lo for lo, hi in r.clauses if p.search(r.text[lo:hi]) and x.search(r.text[lo:hi])),
                    part=True))
    return out


def _numbers(report: Report):
    """(number start, number end, unit end, chinese) of every quantity-pattern match with a unit."""
    out = []
    for m in lexicon().quantity_re.finditer(report.text):
        if m.group("unit1") or m.group("unit2"):
            num = m.group("num")
            out.append((m.start("num"), m.end("num"), m.end() - len(m.group("after") or ""),
                        not regex.match(r"[0-9０-９]", num)))
    return out


@functools.cache
def _all_numbers() -> dict[str, list]:
    return {r.id: _numbers(r) for r in reports()}


def _fused_numbers():
    out = []
    for row in read_tsv("fused_numbers.tsv", 2, package="gwr"):
        kind, pattern = row[0], regex.compile(row[1])

        def find(r, kind=kind, p=pattern):
            t = r.text
            for lo, hi, unit_end, chinese in _all_numbers()[r.id]:
                if kind == "before" and p.search(t[max(0, lo - 2):lo]):
                    yield lo
                elif kind == "after" and p.match(t[hi:hi + 8]):
                    yield lo
                elif kind == "cn_after" and chinese and p.match(t[hi:hi + 8]):
                    yield lo
                elif kind == "after_unit" and p.match(t[unit_end - 1:unit_end + 4]):
                    yield lo
        out.append(_count("fused_numbers.tsv", row, f"{kind} {row[1]}", find))
    return out


def _comparator_guards():
    """A quantity the comparator word follows (the segmenter decides whether it is the comparator)."""
    out = []
    for row in read_tsv("comparator_guards.tsv", 1, package="gwr"):
        def find(r, word=row[0]):
            for m in lexicon().quantity_re.finditer(r.text):
                if (m.group("unit1") or m.group("unit2")) and m.group("after") == word:
                    yield m.start()
        out.append(_count("comparator_guards.tsv", row, row[0], find))
    return out


_LITERAL_GROUP = regex.compile(r"\(\?:([^()\\\[\]?*+{}.^$]+)\)")


def _literal_alternatives(pattern: str) -> list[str]:
    """The words of a pattern that is one group of literal alternatives, (?:A|B|C), else []."""
    m = _LITERAL_GROUP.fullmatch(pattern)
    if m:
        return m.group(1).split("|")
    if not regex.search(r"[()\\\[\]?*+{}.^$]", pattern):
        return pattern.split("|")
    return []


def _outcome_words():
    text_kinds = ("bare", "comparison", "total_word", "part")
    out = _search("outcome_words.tsv", 1, 2, optional=1, keep=lambda row: row[0] in text_kinds)
    out += _search("outcome_words.tsv", 2, 2, optional=1, keep=lambda row: row[0] == "flow")
    return sorted(out, key=lambda u: u.line)


#: table -> how its rows are counted. Tables not here are not matched against report text:
#: see NOT_TEXT.
COUNTERS = {
    "change_words.tsv": lambda: _words("change_words.tsv", columns=2),
    "comparator_guards.tsv": _comparator_guards,
    "decrease_words.tsv": lambda: _words("decrease_words.tsv"),
    "degree_adverbs.tsv": lambda: _words("degree_adverbs.tsv"),
    "explanation_paragraphs.tsv": lambda: _at_line_start("explanation_paragraphs.tsv", 0, 1),
    "fused_numbers.tsv": _fused_numbers,
    "glossary_titles.tsv": lambda: _in_lines("glossary_titles.tsv", 0, 1),
    "heading_styles.tsv": lambda: _at_line_start("heading_styles.tsv", 1, 3, prefix="^"),
    "indicator_patterns.tsv": _indicator_patterns,
    "manner.tsv": lambda: _words("manner.tsv", optional=1),
    "noise.tsv": lambda: _in_lines("noise.tsv", 1, 3),
    "nominal_suffixes.tsv": lambda: _words("nominal_suffixes.tsv"),
    "non_commitment.tsv": _non_commitment,
    "non_verbs.tsv": lambda: _words("non_verbs.tsv"),
    "nouns.tsv": lambda: _words("nouns.tsv"),
    "outcome_words.tsv": _outcome_words,
    "period_words.tsv": lambda: _search("period_words.tsv", 1, 2),
    "plan_targets_cues.tsv": lambda: _search("plan_targets_cues.tsv", 0, 1),
    "quantity_verbs.tsv": lambda: _words("quantity_verbs.tsv"),
    "role_cues.tsv": lambda: _search("role_cues.tsv", 2, 3, flags=regex.M),
    "section_roles.tsv": lambda: _in_lines("section_roles.tsv", 1, 2),
    "strength.tsv": lambda: _words("strength.tsv", columns=2),
    "subheads.tsv": lambda: (_at_line_start("subheads.tsv", 2, 3, keep=lambda row: row[0] == "opener")
                             + _in_lines("subheads.tsv", 2, 3, keep=lambda row: row[0] == "leadin")),
    "targets_cues.tsv": lambda: _search("targets_cues.tsv", 0, 1),
    "verbs.tsv": lambda: _words("verbs.tsv"),
}

#: tables whose rows are not matched against a report's text, and why
NOT_TEXT = {
    "divisions.tsv": "the gazetteer of administrative divisions: a complete closed set, not rules",
    "level_names.tsv": "values of a level column in tables of reports, not report text",
    "page_furniture.tsv": "PDF page numbers and print headers, removed before the text exists",
    "pinyin_overrides.tsv": "romanisation of place names for ids",
    "plan_periods.tsv": "the five-year plans: a complete closed set",
    "radicals.tsv": "PDF glyphs (Kangxi radicals) mapped to characters, before the text exists",
    "report_columns.tsv": "column names of tables of reports, not report text",
}


@functools.cache
def usage(table: str) -> tuple[Usage, ...]:
    return tuple(COUNTERS[table]())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tables", nargs="*", help=f"tables (default: all {len(COUNTERS)})")
    ap.add_argument("--unused", action="store_true", help="only rows that match nothing")
    ap.add_argument("--max-reports", type=int, default=None, help="only rows matched in at most N reports")
    args = ap.parse_args(argv)
    limit = 0 if args.unused else args.max_reports
    print(f"{len(reports())} reports")
    for table in args.tables or sorted(COUNTERS):
        for u in usage(table):
            if limit is not None and len(u.reports) > limit:
                continue
            if u.part:
                u = Usage(u.table, u.line, "  (part) " + u.row, u.reports, u.sentences, True)
            shown = ",".join(sorted(u.reports)) if 0 < len(u.reports) <= 3 else ""
            print(f"{table}:{u.line}\t{len(u.reports):3d} reports\t{u.sentences:5d} sentences\t{u.row[:70]}\t{shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
