"""Speed work that must not change a thing: the compiled segmenter gives plain jieba's words, and
each dictionary is loaded once."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwr.stages import segmenter as seg
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"
REPORTS = sorted(p.stem for p in CORPUS.glob("*.txt"))

needs_rjieba = pytest.mark.skipif(importlib.util.find_spec("rjieba") is None, reason="rjieba is not installed")


@pytest.fixture(scope="module")
def both():
    return seg.load_segmenter("jieba"), seg.load_segmenter("rjieba")


@needs_rjieba
@pytest.mark.parametrize("report_id", REPORTS)
def test_rjieba_gives_jiebas_words_on_every_report(both, report_id):
    plain, compiled = both
    text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
    assert compiled.cut(text) == plain.cut(text)


#: Where jieba-rs and jieba part ways, one case each (jieba's words, read off plain jieba).
DEPARTURES = [
    ("Micro-LED产业", "hyphen inside a run of letters"),
    ("“十四五”规划2021-2025年", "hyphen between numbers"),
    ("5G-A网络和a_b.c", "marks jieba's HMM splits on"),
    ("版本10.5.3发布", "two dots"),
    ("生增增增社", "a repeated character: two HMM paths of equal probability"),
    ("补链强链延链", "a slogan of repeated characters"),
    ("㐀丽\uf900\U00020000鿖中国", "ideographs jieba does not count as Chinese"),
    ("\r\n 中国 \u3000发展\t\t", "white space"),
    ("AT&T和C++和B超", "dictionary words with marks"),
]


@needs_rjieba
@pytest.mark.parametrize("text,why", DEPARTURES, ids=[w for _, w in DEPARTURES])
def test_rjieba_follows_jieba_where_jieba_rs_departs(both, text, why):
    plain, compiled = both
    assert compiled.cut(text) == plain.cut(text)


_ALPHABET = list("中国发展改革经济社会生产总值增长左右亿元万吨的和在补链强一城策") + list("aZ09+#&._%-") + [
    " ", "\r\n", "\n", "，", "—", "㐀", "\u9fd6", "\uf900", "\U00020000", "〇", "\u3000", "１"]


@needs_rjieba
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join))
def test_rjieba_gives_jiebas_words_on_any_text(text):
    assert seg.load_segmenter("rjieba").cut(text) == seg.load_segmenter("jieba").cut(text)


def test_verb_tags_are_jieba_posseg_tags():
    import jieba.posseg

    assert seg.verb_tags() == {w: t for w, t in jieba.posseg.dt.word_tag_tab.items() if t.startswith("v")}


def test_the_dictionary_cache_holds_what_the_file_says(tmp_path, monkeypatch):
    monkeypatch.setenv("GWR_CACHE_DIR", str(tmp_path))
    fresh = seg._read_dictionary(seg.dictionary_path())
    seg._dictionary.cache_clear()
    try:
        assert seg._dictionary() == fresh and len(list(tmp_path.glob("jieba-dict-*.json"))) == 1  # written
        seg._dictionary.cache_clear()
        assert seg._dictionary() == fresh  # read back
        assert fresh[1]["B超"] == [3, 3] and fresh[2] == sum(int(line.split()[1]) for line in seg.dictionary_path()
                                                              .read_text(encoding="utf-8").splitlines())
    finally:
        seg._dictionary.cache_clear()


def test_the_dictionary_cache_is_one_file_per_installation_and_trusted_only_under_its_key(tmp_path, monkeypatch):
    """A changed user dictionary (or a reinstalled jieba) replaces the cache file instead of adding one,
    and a file read under another key is not believed."""
    monkeypatch.setenv("GWR_CACHE_DIR", str(tmp_path))
    fresh = seg._read_dictionary(seg.dictionary_path())
    seg._dictionary.cache_clear()
    try:
        seg._dictionary()
        (cache,) = tmp_path.glob("jieba-dict-*.json")
        first_key = json.loads(cache.read_text(encoding="utf-8"))["key"]
        user_dict = seg.jieba_user_dict()
        monkeypatch.setattr(seg, "jieba_user_dict", lambda: user_dict + "\n")  # another key, the same facts
        seg._dictionary.cache_clear()
        assert seg._dictionary() == fresh
        assert list(tmp_path.glob("jieba-dict-*.json")) == [cache]
        stored = json.loads(cache.read_text(encoding="utf-8"))
        assert stored["key"] != first_key
        stored["verb_tags"] = {"假的": "v"}  # a file the key no longer matches is read again from jieba's
        cache.write_text(json.dumps({**stored, "key": first_key}, ensure_ascii=False), encoding="utf-8")
        seg._dictionary.cache_clear()
        assert seg._dictionary() == fresh
    finally:
        seg._dictionary.cache_clear()


def test_auto_falls_back_to_plain_jieba(monkeypatch):
    real = seg.importlib.util.find_spec
    monkeypatch.delenv("GWR_SEGMENTER", raising=False)
    monkeypatch.setattr(seg.importlib.util, "find_spec", lambda name, *a: None if name == "rjieba" else real(name, *a))
    assert seg.resolve("auto") == "jieba"
    monkeypatch.setenv("GWR_SEGMENTER", "rjieba")
    assert seg.resolve("auto") == "rjieba"
    with pytest.raises(seg.SegmenterError, match="unknown segmenter 'pkuseg'"):
        seg.resolve("pkuseg")


@needs_rjieba
def test_both_pipelines_give_the_same_tokens_and_document(seed_text):
    from gwr.stages.extraction import build_nlp

    jieba_nlp, rjieba_nlp = build_nlp("jieba"), build_nlp("rjieba")
    assert jieba_nlp.tokenizer.jieba_seg.name == "jieba" and rjieba_nlp.tokenizer.jieba_seg.name == "rjieba"
    assert [(t.text, t.whitespace_) for t in rjieba_nlp.make_doc(seed_text)] == \
        [(t.text, t.whitespace_) for t in jieba_nlp.make_doc(seed_text)]


@needs_rjieba
def test_each_dictionary_is_loaded_once(tmp_path):
    """No global jieba.dt, no rjieba default instance: jieba's dictionary is read by gwr alone; and
    one file's extraction imports neither the tables' pyarrow nor datasets (start-up time)."""
    code = (
        "import sys, json\n"
        "from gwr.cli import main\n"
        f"main(['extract', {str(CORPUS / 'zhengzhou-2025.txt')!r}, '-o', {str(tmp_path / 'x.json')!r}])\n"
        "batch = sorted(m for m in ('pyarrow', 'datasets') if m in sys.modules)\n"
        "import jieba\n"
        "print(json.dumps({'jieba_dt': jieba.dt.initialized, 'rjieba_default': 'rjieba' in sys.modules,"
        " 'posseg': 'jieba.posseg' in sys.modules, 'batch': batch}))\n"
        "import rjieba\n"  # the package still imports after gwr loaded its compiled module
        "print(rjieba.cut('地区生产总值增长6%左右'))\n")
    env = {**os.environ, "GWR_SEGMENTER": "rjieba"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          check=True)
    state, words = proc.stdout.strip().splitlines()[-2:]
    assert json.loads(state) == {"jieba_dt": False, "rjieba_default": False, "posseg": False, "batch": []}
    assert words == "['地区', '生产总值', '增长', '6%', '左右']"


# -- extract() segments only the stretches the stages ask tokens of -----------------------------
@pytest.mark.parametrize("report_id", REPORTS)
def test_tokens_segmented_on_demand_are_the_whole_texts(report_id):
    import random

    from gwr.stages.extraction import build_nlp
    from gwr.stages.tokenizer import DocTokens, SegmentOnDemand

    nlp = build_nlp()
    text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
    whole, lazy = DocTokens(nlp.make_doc(text)), SegmentOnDemand(nlp.tokenizer.jieba_seg, text)
    rnd = random.Random(report_id)
    for lo, hi in [(0, len(text))] + [sorted(rnd.sample(range(len(text) + 1), 2)) for _ in range(200)]:
        assert lazy.between(lo, hi) == whole.between(lo, hi), (lo, hi)


@pytest.mark.parametrize("report_id", ["zhengzhou-2025", "county-hailar-2012", "city-xiamen-2024"])
def test_plain_jieba_segmented_on_demand_gives_the_whole_texts_tokens_too(report_id):
    """The fallback segmenter on stretches widened to their end blocks: the whole text's tokens."""
    import random

    from gwr.stages.extraction import build_nlp
    from gwr.stages.tokenizer import DocTokens, SegmentOnDemand

    nlp = build_nlp("jieba")
    text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
    whole, lazy = DocTokens(nlp.make_doc(text)), SegmentOnDemand(nlp.tokenizer.jieba_seg, text)
    rnd = random.Random(report_id)
    for lo, hi in [(0, len(text))] + [sorted(rnd.sample(range(len(text) + 1), 2)) for _ in range(40)]:
        assert lazy.tokens(lo, hi, 7) == [(a + 7, b + 7, text[a:b]) for a, b in whole.between(lo, hi)], (lo, hi)


GOLDS = sorted(p.stem for p in (ROOT / "gold").glob("*.json"))


@pytest.mark.parametrize("report_id", GOLDS)
def test_extract_gives_the_same_document_segmenting_only_what_the_stages_need(report_id, monkeypatch):
    import gwr.stages.extraction as extraction
    from gwr.corpus.metadata import meta_for

    path = CORPUS / f"{report_id}.txt"
    text, meta = path.read_text(encoding="utf-8"), meta_for(path)

    real = extraction.analyse

    def run(segment: str) -> str:
        monkeypatch.setattr(extraction, "analyse", lambda t, year=None, spans=False: real(t, year, spans, segment))
        return extraction.extract(text, year=meta.year, place=meta.place, level=meta.level,
                                  province=meta.province, report_id=meta.id, source=str(path)).to_json()

    assert run("needed") == run("all")


# -- shortcuts inside extract() that must not change a thing --------------------------------------
@needs_rjieba
def test_runs_of_one_character_steps_are_remembered_without_changing_a_word(both, monkeypatch):
    """The words of a run of one-character steps are kept by run; a full store is emptied. A cold store,
    a warm one and one emptied every few runs give plain jieba's words on every report."""
    plain, _ = both
    compiled = seg.RJiebaSegmenter()
    monkeypatch.setattr(seg, "_RUNS", 7)
    for report_id in REPORTS:
        text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
        assert compiled.cut(text) == plain.cut(text) == compiled.cut(text), report_id
        assert len(compiled.runs) <= 7


def test_every_number_of_a_quantity_starts_with_a_character_the_prefilter_knows():
    """find_quantities skips a clause with no character a number starts with (`number_start`): every
    number `quantity_re` finds in the reports, and every numeral of the schema's table, starts with one."""
    from gwr.schemas import tables
    from gwr.stages.lexicon import lexicon

    lex = lexicon()
    numbers = [m.group("num") for p in CORPUS.glob("*.txt")
               for m in lex.quantity_re.finditer(p.read_text(encoding="utf-8"))]
    assert len(numbers) > 5000
    assert [n for n in numbers if not lex.number_start.match(n)] == []
    heads = [c for c, (v, kind) in tables().numerals.items() if kind == "digit" or (kind == "small" and v == 10)]
    assert [c for c in heads if not lex.number_start.match(c)] == []
    assert lex.number_start.search("推进重点项目建设，提升城市品质") is None  # a clause with no numeral


@pytest.mark.parametrize("enabled", [True, False])
def test_extract_pauses_garbage_collection_and_restores_it_as_it_was(enabled):
    from gwr import extract
    from gwr.collector import collection_paused

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError, match="inside"):
            with collection_paused():
                raise RuntimeError("inside")
        assert gc.isenabled() is enabled
        with pytest.raises(TypeError, match="takes the report as str, not bytes"):
            extract(b"\xe6\x8a\xa5\xe5\x91\x8a")
        assert extract("2025年政府工作报告\n一、主要目标\n地区生产总值增长6%左右。\n").commitments[0].action == "增长"
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


@contextlib.contextmanager
def collections_started():
    """The generations of the collections that start inside, with the collector on; the collector and
    its callbacks as they were afterwards."""
    started: list[int] = []

    def seen(phase, info):
        if phase == "start":
            started.append(info["generation"])

    was = gc.isenabled()
    gc.enable()
    gc.callbacks.append(seen)
    try:
        yield started
    finally:
        gc.callbacks.remove(seen)
        gc.enable() if was else gc.disable()


def test_extract_runs_no_collection_inside_itself():
    """Leaving the pause allocates nothing: the collection that the returned document's objects call
    for comes at the caller's next allocation, not inside extract() (where it walked the document)."""
    from gwr import extract

    text = (CORPUS / "zhengzhou-2025.txt").read_text(encoding="utf-8")
    extract(text)
    with collections_started() as started:
        gc.collect()  # the count at zero: nothing before the pause can set a collection off
        del started[:]
        document = extract(text)
        during = len(started)  # an int: no allocation the collector counts
        after = list(started)  # a new list (not one from the free list): the next allocation, which collects
    assert (during, after) == (0, [0])
    assert len(document.commitments) > 100


def test_what_a_start_makes_is_made_with_no_collection_and_frozen_after(tmp_path, monkeypatch):
    """`_imported` (the command line's heavy imports): no collection while the module is imported,
    its objects frozen out of later collections, the collector back as it was, even when the import
    fails; a module imported already is given as it is, nothing frozen again."""
    from gwr.cli.main import _imported

    (tmp_path / "gwr_heavy_start.py").write_text("ROWS = [[i] for i in range(200_000)]\n", encoding="utf-8")
    (tmp_path / "gwr_broken_start.py").write_text("ROWS = [[i] for i in range(50_000)]\n1 / 0\n",
                                                    encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with collections_started() as started:
            frozen = gc.get_freeze_count()
            module = _imported("gwr_heavy_start")
            collections, now_enabled, now_frozen = len(started), gc.isenabled(), gc.get_freeze_count()
            tracked = {id(o) for o in gc.get_objects()}
            rows_frozen = not any(id(row) in tracked for row in module.ROWS[::10_000])
            assert _imported("gwr_heavy_start") is module
            again = gc.get_freeze_count()
            gc.disable()
            with pytest.raises(ZeroDivisionError):
                _imported("gwr_broken_start")
            broken_left_enabled = gc.isenabled()
    finally:
        gc.unfreeze()  # the test process's objects back under the collector
        sys.modules.pop("gwr_heavy_start", None)
    assert (collections, now_enabled, rows_frozen) == (0, True, True)
    assert now_frozen - frozen >= 200_000 and again == now_frozen
    assert broken_left_enabled is False and "gwr_broken_start" not in sys.modules


def test_the_command_freezes_spacy_and_the_stages_it_imported():
    """`gwr extract FILE` and `gwr extract DIR` import spaCy, the stages and datasets paused and frozen:
    their classes are in no generation the collector walks when the command has run."""
    code = (
        "import gc, json, sys, tempfile\n"
        "from gwr.cli import main\n"
        "out = tempfile.mkdtemp()\n"
        f"main(['extract', {str(CORPUS / 'zhengzhou-2025.txt')!r}, '-o', out + '/x.json'])\n"
        "import spacy.language, gwr.stages.extraction as ex\n"
        "one = [spacy.language.Language, ex.Stage]\n"
        "tracked = {id(o) for o in gc.get_objects()}\n"
        "first = [id(c) in tracked for c in one]\n"
        f"main(['extract', {str(CORPUS)!r}, '-o', out + '/batch', '--quiet'])\n"
        "import datasets\n"
        "tracked = {id(o) for o in gc.get_objects()}\n"
        "print(json.dumps({'file': first, 'batch': [id(datasets.Dataset) in tracked],"
        " 'enabled': gc.isenabled()}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    state = json.loads(proc.stdout.strip().splitlines()[-1])
    assert state == {"file": [False, False], "batch": [False], "enabled": True}


_UNIT_ALPHABET = ["“", "”", "‘", "’", "「", "」", "『", "』", "（", "）", "(", ")", "【", "】", "《", "》",
                  "，", "、", "。", "：", "\n", "增", "长", "5", "%"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_UNIT_ALPHABET), max_size=40).map("".join))
def test_clause_and_item_patterns_match_as_the_plain_alternation_does(text):
    """units_until tries the quoted units at an opening mark only: the same matches as the textbook
    (?:QUOTED_UNIT|[^stops])+, which tries them at every character (unclosed, nested, broken by a line)."""
    import regex

    from gwr.stages.clauses import _OPENING, CLAUSE, QUOTED_UNIT
    from gwr.stages.commitments import _ITEM

    assert {alt[0] for alt in QUOTED_UNIT.split("|")} == set(_OPENING.replace("(", "\\"))  # \( opens one
    for pattern, stops in ((CLAUSE, "，,。；;！？!?：:"), (_ITEM, "、")):
        plain = regex.compile(rf"(?:{QUOTED_UNIT}|[^{regex.escape(stops)}])+")
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_clause_keeps_a_quoted_comma_and_an_unclosed_mark_is_a_plain_character():
    from gwr.stages.clauses import CLAUSE

    text = "打造“近者悦，远者来”的环境，（注：另计）办好实事，“未闭合的引号，下一句"
    assert [m.group() for m in CLAUSE.finditer(text)] == [
        "打造“近者悦，远者来”的环境", "（注：另计）办好实事", "“未闭合的引号", "下一句"]


def test_non_commitment_rows_split_in_two_alternations_drop_the_clauses_their_one_alternation_drops():
    """lexicon.AnyRow: the rows that start with a character class apart, so the rest is turned away by
    the clause's first character; on every clause of the reports it agrees with the rows' one union."""
    import regex

    from gwr.stages.clauses import CLAUSE
    from gwr.stages.lexicon import _data, lexicon

    rows = [r for r in _data("non_commitment.tsv", 2) if r[0] not in ("closing", "purpose")]
    union = regex.compile("|".join(f"(?:{r[1]})" for r in rows))
    split = lexicon().non_commitment
    assert [p.pattern.count("(?:^") for p in split.parts] == [sum(not r[1].startswith("^[") for r in rows)]
    assert [pattern.pattern for _, pattern in split.guarded] == [r[1] for r in rows if r[1].startswith("^[")]
    clauses = [m.group().strip() for p in CORPUS.glob("*.txt") for m in CLAUSE.finditer(p.read_text(encoding="utf-8"))]
    assert len(clauses) > 25000
    dropped = [c for c in clauses if split.match(c)]
    assert dropped == [c for c in clauses if union.match(c)]
    assert len(dropped) > 500
    assert split.match("经济发展进入新阶段") and split.match("依托港口优势") and not split.match("加快建设港口")
    assert split.match("关键在于落实") and split.match("关键是落实") and not split.match("推进在建项目")


def test_required_words_are_read_off_how_an_open_start_row_is_written():
    """The words one of which an open-start row's every match holds; None (always tried) for any other
    way of writing it."""
    from gwr.stages.lexicon import AnyRow, required_words

    assert required_words("^[^，；。]{2,30}进入[^，；。]{0,24}(?:阶段|时期)$") == ("进入",)
    assert required_words("^[^，；。“”]{1,16}(?:要靠|全靠|靠的是)") == ("要靠", "全靠", "靠的是")
    assert required_words("^[^，；。]{0,30}即?将迎来") == ("将迎来",)
    assert required_words(r"^[\p{Han}]{1,4}是[^，；。]*$") == ("是",)
    assert required_words("^[^，；。]*?在(?:持续|加快)") == ("在",)
    assert required_words("^[^，；。]{2,30}进?入") == ("入",) and required_words("^[^，；。]{2,30}进入?") == ("进",)
    for unreadable in ("^[^，；。]{2,30}(?:进入|[0-9]+)", "^.{0,9}(?:要|靠)?", "^[^，；。]{2,30}进入阶段|^其他",
                       "^[^，；。]{2,30}[进入]", "[^，；。]{2,30}进入", "^(?:确保)?依托"):
        assert required_words(unreadable) is None, unreadable
    import regex

    rows = AnyRow((regex.compile("(?!)"),), (((("进入",), regex.compile("^[^，；。]{2,30}进入")),)))
    assert rows.match("经济发展进入新阶段").group() == "经济发展进入" and rows.match("进入新阶段") is None


def test_the_white_space_check_of_segmented_stretches_knows_str_isspaces_characters():
    """SegmentOnDemand.tokens keeps every word of a stretch with no `_SPACE` character: exactly the
    characters for which str.isspace is true, over all of Unicode."""
    import sys

    from gwr.stages.tokenizer import _SPACE

    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() != bool(_SPACE.match(c))] == []
    from gwr.stages.segmenter import load_segmenter
    from gwr.stages.tokenizer import SegmentOnDemand

    import jieba

    text = "推进\u3000城市更新\u00a0行动，建设 5G 基站"
    words, pos = jieba.lcut(text), 0
    expected = []
    for w in words:
        if not w.isspace():
            expected.append((pos, pos + len(w), w))
        pos += len(w)
    assert [w for *_, w in expected] == ["推进", "城市更新", "行动", "，", "建设", "5G", "基站"]
    assert SegmentOnDemand(load_segmenter(), text).tokens(0, len(text)) == expected
    assert SegmentOnDemand(load_segmenter(), text).tokens(11, 13) == [(11, 13, "建设")]  # no space in it


# -- scripts/benchmark.py --stages: timers inside extract() that change nothing -----------------
def _benchmark_script():
    spec = importlib.util.spec_from_file_location("gwr_benchmark_script", ROOT / "scripts" / "benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stage_timers_time_every_component_and_put_everything_back(seed_text):
    from gwr import build_nlp, extract
    from gwr.stages import extraction

    bench = _benchmark_script()
    nlp = build_nlp()
    before = [proc.fn for _, proc in nlp.pipeline]
    build, callbacks = extraction.build_document, list(gc.callbacks)
    plain = extract(seed_text).to_json()
    taken: dict[str, float] = {}
    with bench.stage_timers(nlp, taken):
        timed = extract(seed_text).to_json()
    assert timed == plain
    components = {name.removeprefix("gwr_") for name in extraction.STAGES} - {"spans"}  # not run by extract()
    assert components | {"validated document"} <= set(taken) <= components | {"validated document",
                                                                                "garbage collection"}
    assert all(seconds > 0 for seconds in taken.values())
    assert [proc.fn for _, proc in nlp.pipeline] == before
    assert extraction.build_document is build and gc.callbacks == callbacks


def test_stage_shares_add_up_to_the_whole_of_extract(seed_text):
    from gwr import build_nlp, extract

    shares = _benchmark_script().stage_shares(build_nlp(), extract, [seed_text], passes=2)
    assert all(len(values) == 2 for values in shares.values())
    assert "rest" in shares and "commitments" in shares
    for k in range(2):
        assert sum(values[k] for values in shares.values()) == pytest.approx(100.0)


def test_a_stretch_where_no_part_names_an_indicator_is_told_by_one_search():
    """lexicon._anywhere: the indicator rows' alternation with its start anchors dropped matches a clause
    whenever the rows match some part of it (an item after 、, the words before a number), which lets the
    outcomes stage pass over the clauses that name none; it is not built when a row looks around."""
    from gwr.stages.clauses import CLAUSE
    from gwr.stages.lexicon import _anywhere, lexicon

    assert _anywhere(["^(?:全市)?经济增长", "(?:^|地区)生产总值", "[^，]总值", r"\^x", "[]^]y", "[^]^]z"]).pattern == \
        r"(?:(?:全市)?经济增长)|(?:(?:|地区)生产总值)|(?:[^，]总值)|(?:\^x)|(?:[]^]y)|(?:[^]^]z)"
    for looks_around in ("生产总值(?!指数)", "(?<!人均)收入", "增长$", r"\bGDP"):
        assert _anywhere(["经济增长", looks_around]) is None
    lex = lexicon()
    assert lex.indicator_anywhere is not None  # the shipped rows: the outcomes stage may pass clauses over
    parts = 0
    for path in sorted(CORPUS.glob("*.txt"))[:10]:
        text = path.read_text(encoding="utf-8")
        for m in CLAUSE.finditer(text):
            clause = m.group()
            if lex.indicator_anywhere.search(clause):
                continue
            for a in range(len(clause)):  # every stretch of a clause the alternation turns away
                for b in range(a + 1, min(len(clause), a + 40) + 1):
                    parts += 1
                    assert lex.indicator_any.search(clause[a:b]) is None, (clause, a, b)
    assert parts > 100_000


def test_each_lines_numbering_is_read_once_for_both_questions_and_as_each_asks_it():
    """layout._numberings: one match per heading style answers heading_style and bare_numbering, kept per
    line text; on every line of the reports both answers are those of reading the styles for each."""
    import regex

    from gwr.schemas.spans import split_lines
    from gwr.stages import layout
    from gwr.stages.lexicon import lexicon

    han = regex.compile(r"\p{Han}")

    def styled(content):
        for style in lexicon().heading_styles:
            m = style.pattern.match(content)
            if m and (style.resets or han.search(content, m.end())):
                return style, m.group(1), m.end()
        return None

    def bare(content):
        for style in lexicon().heading_styles:
            m = style.pattern.match(content)
            if m and not style.resets and m.end() == len(content) and m.group(1):
                return style, m.group(1), m.end()
        return None

    lines = [ln.content for p in sorted(CORPUS.glob("*.txt")) for ln in split_lines(p.read_text(encoding="utf-8"))]
    lines += ["一、", "（二）", "3.", "一、加快发展", "第一章", ""]
    for content in lines + lines:  # the second time from what was kept
        assert (layout.heading_style(content), layout.bare_numbering(content)) == (styled(content), bare(content))
    assert sum(bare(c) is not None for c in lines) >= 2 and sum(styled(c) is not None for c in lines) > 300
