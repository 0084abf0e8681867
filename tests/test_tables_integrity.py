"""The rule tables (pipeline/data/*.tsv, schemas/data/*.tsv): validated when they load, and sound as a whole.

A broken row raises TableError naming its file and line. Over all tables: no
duplicates, no word in two roles that contradict each other, and every row
that is matched against report text matches at least one real report
(scripts/table_usage.py prints the counts per row).
"""

from __future__ import annotations

import pytest
import table_usage  # scripts/ (tests/conftest.py puts it on the path)

import gwr.schemas.vocabulary as TABLES
from gwr.inputs import pdf
from gwr.schemas import TableError, checks, tables
from gwr.stages import clauses, indicators, periods
from gwr.stages.lexicon import lexicon, outline_lexicon
from tests.conftest import ROOT

#: the source folder of a package's data files -> the package that ships them
PACKAGE = {"pipeline": "gwr", "schemas": "gwr.schemas"}

_CACHES = (lexicon, outline_lexicon, tables, checks.indicator_ids, periods.words, indicators.words,
           clauses._plan_cue, pdf._page_number)


@pytest.fixture
def fresh_tables():
    """Every table loader reads its files again, in the test and after it."""
    for cache in _CACHES:
        cache.cache_clear()
    yield
    for cache in _CACHES:
        cache.cache_clear()


def _read_instead(monkeypatch, tmp_path, package: str, name: str, text: str) -> None:
    """`package`/data/`name` reads `text` instead of the shipped file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    real = TABLES.data_file
    monkeypatch.setattr(TABLES, "data_file", lambda p, n: path if (p, n) == (PACKAGE[package], name) else real(p, n))


LOADERS = {
    "lexicon": lexicon,
    "outline": outline_lexicon,
    "tables": tables,
    "periods": periods.words,
    "outcome_words": indicators.words,
}

IND = "# id\tpattern\texclude\tkind\tunits\n"

# (package, file, its text, the loader that reads it, the error message)
BROKEN = [
    ("pipeline", "non_commitment.tsv", "# kind\tpattern\npurpose\t^让\nframing\t^(?:依托|围绕\n", "lexicon",
     "pipeline/data/non_commitment.tsv:3: column 2 is no regex (missing )): ^(?:依托|围绕"),
    ("pipeline", "explanation_paragraphs.tsv", "# pattern\n\n^上述[目标\n", "lexicon",
     "pipeline/data/explanation_paragraphs.tsv:3: column 1 is no regex (unterminated character set): ^上述[目标"),
    ("pipeline", "heading_styles.tsv", "# name\tpattern\tresets\ncn\t([一二三]+)[、．.\tno\n", "lexicon",
     "pipeline/data/heading_styles.tsv:2: column 2 is no regex (unterminated character set): "
     "([一二三]+)[、．."),
    ("pipeline", "indicator_patterns.tsv", IND + "gdp_growth\t生产总值\t(单位\tchange\tpercent\n",
     "lexicon", "pipeline/data/indicator_patterns.tsv:2: column 3 is no regex (missing )): (单位"),
    ("pipeline", "role_cues.tsv", "# role\tweight\tpattern\nreview\tstrong\t*取得\n", "outline",
     "pipeline/data/role_cues.tsv:2: column 3 is no regex (nothing to repeat): *取得"),
    ("pipeline", "period_words.tsv", "# kind\tpattern\nahead\t(?:今后|未来)(?P<n[一二三]年\n", "periods",
     "pipeline/data/period_words.tsv:2: column 2 is no regex (bad character in group name): (?:今后|未来)(?P<n[一二三]年"),
    ("pipeline", "strength.tsv", "# word\tstrength\n确保\tfirm\n力争\tstrong\n", "lexicon",
     "pipeline/data/strength.tsv:3: column 2 is 'strong', not one of firm, strive"),
    ("pipeline", "section_roles.tsv", "# role\tpattern\nplans\t预期目标\n", "lexicon",
     "pipeline/data/section_roles.tsv:2: column 1 is 'plans', not one of review, targets, tasks, other"),
    ("pipeline", "role_cues.tsv", "# role\tweight\tpattern\nreview\tmedium\t获评\n", "outline",
     "pipeline/data/role_cues.tsv:2: column 2 is 'medium', not one of strong, weak"),
    ("pipeline", "change_words.tsv", "# word\tkind\n增长\tgrowth\n", "lexicon",
     "pipeline/data/change_words.tsv:2: column 2 is 'growth', not one of change, level"),
    ("pipeline", "outcome_words.tsv", "# kind\tvalue\nbare\t同比\nnaked\t比上年\n", "outcome_words",
     "pipeline/data/outcome_words.tsv:3: column 1 is 'naked', not one of bare, comparison, flow, change_ok, total, "
     "total_word, none, part"),
    ("schemas", "comparators.tsv", "# word\tcomparator\tposition\n以上\tgte\tafter\n", "tables",
     "schemas/data/comparators.tsv:2: column 2 is 'gte', not one of eq, ge, gt, approx, le, lt, range"),
    ("schemas", "comparators.tsv", "# word\tcomparator\tposition\n以上\tge\tbehind\n", "tables",
     "schemas/data/comparators.tsv:2: column 3 is 'behind', not one of before, after, frame"),
    ("schemas", "units.tsv", "# unit\tbase\tfactor\n万元\tRMB\t10000\n", "tables",
     "schemas/data/units.tsv:2: column 2 is 'RMB', not one of " + ", ".join(TABLES.BASE_UNITS)),
    ("schemas", "magnitudes.tsv", "# word\tfactor\n万\tten thousand\n", "tables",
     "schemas/data/magnitudes.tsv:2: column 2 is 'ten thousand', not a number"),
    ("pipeline", "change_words.tsv", "# word\tkind\n增长\tchange\tsee §5\n", "lexicon",
     "pipeline/data/change_words.tsv:2: expected 2 columns, got 3"),
    ("pipeline", "verbs.tsv", "# verb\n开工建设\n建成投用\t\n", "lexicon",
     "pipeline/data/verbs.tsv:3: expected 1 column, got 2"),
    ("pipeline", "manner.tsv", "# word\tstrict\n加快\n优化\tstrict\tyes\n", "lexicon",
     "pipeline/data/manner.tsv:3: expected 1 to 2 columns, got 3"),
    ("pipeline", "manner.tsv", "# word\tstrict\n优化\tstrictly\n", "lexicon",
     "pipeline/data/manner.tsv:2: column 2 is 'strictly', not one of , strict"),
    ("pipeline", "indicator_patterns.tsv", IND + "gdp_growht\t生产总值\t-\tchange\tpercent\n",
     "lexicon", "pipeline/data/indicator_patterns.tsv:2: indicator 'gdp_growht' is not in schemas/data/indicators.tsv"),
    ("pipeline", "indicator_patterns.tsv", IND + "gdp_growth\t生产总值\t-\tchange\tpercent,%\n",
     "lexicon", "pipeline/data/indicator_patterns.tsv:2: unknown base unit(s) %"),
    ("pipeline", "comparator_guards.tsv", "# word\n内\n超\n", "lexicon",
     "pipeline/data/comparator_guards.tsv:3: '超' is no comparator written after the number "
     "(schemas/data/comparators.tsv)"),
]


@pytest.mark.parametrize("package,name,text,loader,message", BROKEN,
                         ids=[f"{name}: {message.split(': ', 1)[1]}" for _, name, _, _, message in BROKEN])
def test_a_broken_row_names_its_file_and_line(fresh_tables, monkeypatch, tmp_path, package, name, text, loader,
                                              message):
    _read_instead(monkeypatch, tmp_path, package, name, text)
    with pytest.raises(TableError) as caught:
        LOADERS[loader]()
    assert str(caught.value) == message


def test_rows_keep_their_line(fresh_tables, monkeypatch, tmp_path):
    _read_instead(monkeypatch, tmp_path, "pipeline", "verbs.tsv", "# verb\n\n开工建设\n# more\n建成投用\n")
    rows = TABLES.read_tsv("verbs.tsv", 1, package="gwr")
    assert [(row, row.where) for row in rows] == [(["开工建设"], "pipeline/data/verbs.tsv:3"),
                                                 (["建成投用"], "pipeline/data/verbs.tsv:5")]


# -- over all tables -------------------------------------------------------------------------------

DATA = {package: sorted(p.name for p in (ROOT / package / "data").glob("*.tsv")) for package in ("pipeline", "schemas")}
ALL_TABLES = [(package, name) for package, names in DATA.items() for name in names]

#: tables whose first column is a kind (several rows share it): a duplicate is a repeated whole row
KIND_FIRST = {"fused_numbers.tsv", "noise.tsv", "non_commitment.tsv", "outcome_words.tsv", "period_words.tsv",
              "report_columns.tsv", "role_cues.tsv", "subheads.tsv", "section_roles.tsv"}


def _rows(package: str, name: str) -> list:
    return TABLES.read_tsv(name, 1, package=PACKAGE[package], optional=10)


def _alternations(pattern: str) -> list[list[str]]:
    """The alternatives of every alternation in a pattern (top level and inside each group), as written."""
    out, stack, i = [], [[""]], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            stack[-1][-1] += pattern[i:i + 2]
            i += 2
            continue
        if c == "[":  # a character class is one unit
            end = i + 1 + (pattern[i + 1:i + 2] == "]")
            end = pattern.index("]", end) + 1
            stack[-1][-1] += pattern[i:end]
            i = end
            continue
        if c == "(":
            stack.append([""])
        elif c == ")":
            out.append(stack.pop())
            stack[-1][-1] += "(…)"
        elif c == "|":
            stack[-1].append("")
        else:
            stack[-1][-1] += c
        i += 1
    out.append(stack.pop())
    return [alts for alts in out if len(alts) > 1]


@pytest.mark.parametrize("package,name", ALL_TABLES, ids=[f"{p}/{n}" for p, n in ALL_TABLES])
def test_no_duplicate_rows(package, name):
    rows = _rows(package, name)
    keys = [tuple(c for c in row if c) if name in KIND_FIRST else row[0] for row in rows]
    seen: dict = {}
    twice = [f"{row.where} repeats line {seen[key]}" for row, key in zip(rows, keys)
             if seen.setdefault(key, row.line) != row.line]
    assert twice == []


@pytest.mark.parametrize("package,name", ALL_TABLES, ids=[f"{p}/{n}" for p, n in ALL_TABLES])
def test_no_alternative_twice_in_a_pattern(package, name):
    """化 twice in ^(?:大|…|化|…|化): a pattern's alternation lists each alternative once."""
    twice = []
    for row in _rows(package, name):
        for cell in row:
            for alts in _alternations(cell):
                twice += [f"{row.where}: {alt}" for k, alt in enumerate(alts) if alt and alt in alts[:k]]
    assert twice == []


def _words(table: str, columns: int = 1, optional: int = 0, package: str = "pipeline") -> set[str]:
    return {row[0] for row in TABLES.read_tsv(table, columns, package=PACKAGE[package], optional=optional)}


ROLES = {
    "verbs.tsv": lambda: _words("verbs.tsv"),
    "manner.tsv": lambda: _words("manner.tsv", optional=1),
    "strength.tsv": lambda: _words("strength.tsv", 2),
    "non_verbs.tsv": lambda: _words("non_verbs.tsv"),
    "nouns.tsv": lambda: _words("nouns.tsv"),
    "quantity_verbs.tsv": lambda: _words("quantity_verbs.tsv"),
    "nominal_suffixes.tsv": lambda: _words("nominal_suffixes.tsv"),
    "change_words.tsv": lambda: _words("change_words.tsv", 2),
    "comparators.tsv": lambda: _words("comparators.tsv", 3, package="schemas"),
}

# (role, role): why a word in both contradicts itself
CONTRADICTIONS = {
    ("verbs.tsv", "manner.tsv"): "a verb is the action; a manner word is skipped when a verb follows it",
    ("verbs.tsv", "strength.tsv"): "a verb is the action; a strength word is skipped when a verb follows it",
    ("verbs.tsv", "non_verbs.tsv"): "a verb is an action; a non-verb never is",
    ("verbs.tsv", "nouns.tsv"): "jieba's user dictionary tags a verb v and a noun n",
    ("verbs.tsv", "nominal_suffixes.tsv"): "a nominal suffix turns the verb before it into a noun",
    ("quantity_verbs.tsv", "non_verbs.tsv"): "a quantity's predicate is the action; a non-verb never is",
    ("manner.tsv", "strength.tsv"): "a manner word sets no strength",
    ("change_words.tsv", "comparators.tsv"): "a change word says what a number is; a comparator how it bounds",
}

#: words in two contradicting roles where both are right, and why
BOTH_ROLES = {
    ("规范", "verbs.tsv", "manner.tsv"): "the verb 'regulate' before a noun (规范市场秩序 -> 规范; jieba tags it a noun) and "
                                         "'in a regulated way' before a verb (规范发展民办教育 -> 发展)",
    ("争创", "verbs.tsv", "strength.tsv"): "the action itself (争创X示范区 -> 争创, ANNOTATION.md §4) and a strive word; "
                                          "the verbs row also keeps jieba from cutting 争创新… into 争/创新",
    ("高于", "change_words.tsv", "comparators.tsv"): "adjacent to the number the comparator gt (高于5%); before a gap to "
                                                    "an average it makes the gap a level (增速高于全省平均2个百分点)",
    ("低于", "change_words.tsv", "comparators.tsv"): "the same as 高于, for lt",
    ("控制在", "change_words.tsv", "comparators.tsv"): "the frame of a cap: comparator le and a level (控制在3%以内)",
}


@pytest.mark.parametrize("roles", sorted(CONTRADICTIONS), ids=[f"{a} x {b}" for a, b in sorted(CONTRADICTIONS)])
def test_no_word_in_two_roles_that_contradict(roles):
    a, b = roles
    both = ROLES[a]() & ROLES[b]()
    assert sorted(w for w in both if (w, a, b) not in BOTH_ROLES) == []
    assert sorted(w for w, x, y in BOTH_ROLES if (x, y) == roles and w not in both) == []  # no stale allowance


def test_decrease_words_are_change_words_of_kind_change():
    kinds = {row[0]: row[1] for row in TABLES.read_tsv("change_words.tsv", 2, package="gwr")}
    assert sorted(w for w in _words("decrease_words.tsv") if kinds.get(w) != "change") == []


# -- every row matches a real report ---------------------------------------------------------------

#: rows that match no report (corpus/ and the shared corpus) but stand for a documented principle:
#: (table, a piece of the row's text) -> why
UNUSED = {
    ("change_words.tsv", "回落"): "ANNOTATION.md §5 names it among the falls (decrease: 回落)",
    ("decrease_words.tsv", "回落"): "ANNOTATION.md §5 names it among the falls (decrease: 回落)",
    ("heading_styles.tsv", "部分"): "heading numberings are a closed set (ANNOTATION.md §3: 第二部分)",
    ("heading_styles.tsv", "[（(]([0-9]"): "heading numberings are a closed set: (1) beside （一） and 1.",
    ("heading_styles.tsv", "①"): "heading numberings are a closed set: circled numbers",
    ("noise.tsv", "^[0-9]{4}年?$"): "ANNOTATION.md §2: a bare year tag in a newspaper masthead",
    ("noise.tsv", "供图"): "ANNOTATION.md §2: photo captions with their credit (newspaper layouts)",
    ("noise.tsv", "新华社"): "ANNOTATION.md §2: photo captions with their credit (newspaper layouts)",
    ("noise.tsv", "^[（(]\\s*在?"): "ANNOTATION.md §2: the dateline in brackets under a title",
    ("noise.tsv", "您的位置"): "ANNOTATION.md §2 chrome; the corpus texts had it removed (corpus/README.md)",
    ("noise.tsv", "返回首页"): "ANNOTATION.md §2 chrome (breadcrumbs); removed from the corpus texts",
    ("noise.tsv", "浏览次数"): "ANNOTATION.md §2 chrome (来源/时间 stamps); removed from the corpus texts",
    ("noise.tsv", "[-/.年][0-9]{1,2}[-/.月]"): "ANNOTATION.md §2 chrome (2026-01-31 07:00:44); removed from the corpus",
    ("noise.tsv", "字体|字号"): "ANNOTATION.md §2 chrome (font-size buttons); removed from the corpus texts",
    ("noise.tsv", "分享到?"): "ANNOTATION.md §2 chrome (share, print buttons); removed from the corpus texts",
    ("noise.tsv", "默认|加大|还原"): "ANNOTATION.md §2 chrome (font-size buttons); removed from the corpus texts",
    ("outcome_words.tsv", "(?:比|较)(?:全国"): "ANNOTATION.md §8, comparisons with other places: 比全国高N, the other "
                                                "word order of 高于全国N",
    ("subheads.tsv", "^这是"): "docs/outline.md: 这是…的五年。 opens an own-line sub-head",
}


@pytest.mark.parametrize("table", sorted(table_usage.COUNTERS))
def test_every_row_matches_a_report(table):
    usage = [u for u in table_usage.usage(table) if not u.part]
    unused = [u for u in usage if not u.reports]
    allowed = {piece for t, piece in UNUSED if t == table}
    assert [f"{table}:{u.line} {u.row}" for u in unused if not any(piece in u.row for piece in allowed)] == []
    # each allowance names one row, and that row is still unused
    assert sorted(piece for piece in allowed if sum(piece in u.row for u in unused) != 1) == []


SCHEMA_TABLES = {
    "comparators.tsv": "normalisation: the comparator words of ANNOTATION.md §5",
    "indicators.tsv": "the spec's indicator ids, not matched against text",
    "magnitudes.tsv": "normalisation: a complete closed set of magnitude words",
    "numerals.tsv": "normalisation: a complete closed set of numerals",
    "periods.tsv": "normalisation: the deadline periods of ANNOTATION.md §6",
    "range_marks.tsv": "normalisation: a closed set of range marks",
    "units.tsv": "normalisation: units and their base units (ANNOTATION.md §5)",
}


@pytest.mark.parametrize("package,name", ALL_TABLES, ids=[f"{p}/{n}" for p, n in ALL_TABLES])
def test_every_table_is_counted_or_says_why_not(package, name):
    reasons = SCHEMA_TABLES if package == "schemas" else table_usage.NOT_TEXT
    assert (name in table_usage.COUNTERS) != (name in reasons)


def test_the_shared_corpus_is_there():
    """The counts above read both corpora; without the shared one they would be of 28 reports still."""
    assert len(table_usage.reports()) == 28


SEED = "zhengzhou-2025"  # the report the rules were first written on (corpus/README.md)

#: rows only the seed report matches, and the principle they stand for
SEED_ONLY = {
    ("indicator_patterns.tsv", "饮用水"): "the phrasing of a spec indicator (schemas/data/indicators.tsv: "
                                         "drinking_water_compliance)",
    ("noise.tsv", "摘编|摘要"): "ANNOTATION.md §2: a newspaper masthead; the seed is the one newspaper excerpt",
    ("noise.tsv", "本报记者"): "ANNOTATION.md §2: bylines; the seed is the one newspaper excerpt",
    ("noise.tsv", "(?:摄|摘编|整理|报道)$"): "ANNOTATION.md §2: bylines; the seed is the one newspaper excerpt",
}


@pytest.mark.parametrize("table", sorted(table_usage.COUNTERS))
def test_no_row_is_written_for_the_seed_alone(table):
    """A row that only the seed report matches was written for its sentences (e.g. the compound verbs
    培育塑造, 开街运营 of one sentence each), unless it stands for a principle."""
    seed_only = [u for u in table_usage.usage(table) if not u.part and u.reports == {SEED}]
    allowed = {piece for t, piece in SEED_ONLY if t == table}
    assert [f"{table}:{u.line} {u.row}" for u in seed_only if not any(piece in u.row for piece in allowed)] == []
    assert sorted(piece for piece in allowed if sum(piece in u.row for u in seed_only) != 1) == []
