"""The rule tables (pipeline/data/*.tsv, schemas/data/*.tsv): validated when they load, and sound as a whole.

A broken row raises TableError naming its file and line. Over all tables: no
duplicates, no word in two roles that contradict each other, and every row
that is matched against report text matches at least one real report
(scripts/table_usage.py prints the counts per row).
"""

from __future__ import annotations

import sys

import pytest

from pipeline import clauses, indicators, pdf, periods
from pipeline.lexicon import lexicon, outline_lexicon
from schemas import TableError, checks, tables

TABLES = sys.modules["schemas.tables"]  # the module (schemas.tables the attribute is the loader)

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
    monkeypatch.setattr(TABLES, "data_file", lambda p, n: path if (p, n) == (package, name) else real(p, n))


LOADERS = {
    "lexicon": lexicon,
    "outline": outline_lexicon,
    "tables": tables,
    "periods": periods.words,
    "outcome_words": indicators.words,
}

# (package, file, its text, the loader that reads it, the error message)
BROKEN = [
    ("pipeline", "non_commitment.tsv", "# kind\tpattern\npurpose\t^让\nframing\t^(?:依托|围绕\n", "lexicon",
     "pipeline/data/non_commitment.tsv:3: column 2 is no regex (missing )): ^(?:依托|围绕"),
    ("pipeline", "explanation_paragraphs.tsv", "# pattern\n\n^上述[目标\n", "lexicon",
     "pipeline/data/explanation_paragraphs.tsv:3: column 1 is no regex (unterminated character set): ^上述[目标"),
    ("pipeline", "heading_styles.tsv", "# name\tpattern\tresets\ncn\t([一二三]+)[、．.\tno\n", "lexicon",
     "pipeline/data/heading_styles.tsv:2: column 2 is no regex (unterminated character set): "
     "([一二三]+)[、．."),
    ("pipeline", "indicator_patterns.tsv", "# id\tpattern\texclude\tkind\tunits\ngdp_growth\t生产总值\t(单位\tchange\tpercent\n",
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
    ("pipeline", "indicator_patterns.tsv", "# id\tpattern\texclude\tkind\tunits\ngdp_growht\t生产总值\t-\tchange\tpercent\n",
     "lexicon", "pipeline/data/indicator_patterns.tsv:2: indicator 'gdp_growht' is not in schemas/data/indicators.tsv"),
    ("pipeline", "indicator_patterns.tsv", "# id\tpattern\texclude\tkind\tunits\ngdp_growth\t生产总值\t-\tchange\tpercent,%\n",
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
    rows = TABLES.read_tsv("verbs.tsv", 1, package="pipeline")
    assert [(row, row.where) for row in rows] == [(["开工建设"], "pipeline/data/verbs.tsv:3"),
                                                 (["建成投用"], "pipeline/data/verbs.tsv:5")]
