"""Bad input, encodings, HTML, offset-stable normalisation, pathological text, and properties
that hold for any text (hypothesis)."""

from __future__ import annotations

import codecs
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwr import extract
from gwr.cli.main import main
from gwr.inputs.text import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputTooLargeError,
    read_report,
)
from gwr.schemas import document_errors, validate_document
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "zhengzhou-2025.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
HTML_PAGE = ("<!DOCTYPE html><html><head><title>x</title><script>var a = '增长9%';</script>"
             "<style>p{color:red}</style></head><body><h1>某市2025年政府工作报告</h1>"
             "<p>主要预期目标是：地区生产总值增长6%左右，城镇新增就业8万人以上&amp;其他。</p>"
             "<div>（一）扩大有效投资。<br>实施重点项目500个。</div></body></html>")

BAD_INPUTS = [
    # name, bytes, expected error type (or None) and message part, or the encoding read
    ("empty", b"", EmptyInputError, "the file is empty"),
    ("whitespace only", " \n\t\u3000\n".encode(), EmptyInputError, "the file holds only white space"),
    ("binary", bytes(range(256)) * 8, BinaryInputError, "binary data (NUL bytes), not a text file"),
    ("undecodable", bytes(range(1, 256)) * 8, DecodingError, "neither UTF-8 nor GB18030 text"),
    ("truncated UTF-8", SEED.read_bytes()[:-2], None, "utf-8 (truncated: last 1 byte(s) dropped)"),
    ("GBK", SEED_TEXT.encode("gbk"), None, "gb18030"),
    ("UTF-16 with BOM", SEED_TEXT.encode("utf-16"), None, "utf-16 (BOM)"),
    ("UTF-8 with BOM", codecs.BOM_UTF8 + SEED.read_bytes(), None, "utf-8 (BOM)"),
    ("HTML page", HTML_PAGE.encode(), None, "utf-8, html"),
    ("HTML without text", b"<html><body><script>x()</script></body></html>", EmptyInputError,
     "an HTML page with no visible text"),
]


@pytest.mark.parametrize("data,error,message", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_inputs(tmp_path, data, error, message):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    if error is not None:
        with pytest.raises(error) as info:
            read_report(path)
        assert str(info.value) == f"{path}: {message}" or message in str(info.value)
        return
    report = read_report(path)
    assert report.encoding == message
    doc = extract(report.text, year=2025)
    validate_document(json.loads(doc.to_json()), report.text)
    assert doc.commitments and doc.commitments[0].quantities[0].value == 6


def test_huge_file_is_refused_with_its_size(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(SEED.read_bytes() * 3)
    with pytest.raises(InputTooLargeError, match=r"big.txt: 36,570 bytes is over the limit of 20,000 bytes"):
        read_report(path, max_bytes=20_000)


def test_html_keeps_visible_text_only():
    from gwr.inputs.text import html_to_text

    assert html_to_text(HTML_PAGE) == ("某市2025年政府工作报告\n主要预期目标是：地区生产总值增长6%左右，城镇新增就业8万人以上&其他。\n"
                                       "（一）扩大有效投资。\n实施重点项目500个。\n")


def test_not_a_report_gives_an_empty_document_with_a_warning():
    for text in ("", "An English text about nothing in particular.\n", "1\t2\t3\n4\t5\t6\n"):
        doc = extract(text)
        assert (doc.sections, doc.commitments) == ([], [])
        assert doc.report.warnings[0] == "no Chinese text: this does not look like a government work report"


def test_cli_bad_input_is_one_line_with_its_own_exit_code(tmp_path, capsys):
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x00\x01\x02" * 100)
    assert main(["extract", str(path)]) == 3
    err = capsys.readouterr().err
    assert err == f"gwr extract: BinaryInputError: {path}: binary data (NUL bytes), not a text file\n"
    with pytest.raises(BinaryInputError):
        main(["extract", str(path), "--debug"])


def test_html_input_writes_its_text_beside_the_output(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    out = tmp_path / "page.json"
    assert main(["extract", str(page), "-o", str(out), "--year", "2025"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    text = (tmp_path / "page.txt").read_text(encoding="utf-8")
    assert doc["report"]["source"] == str(tmp_path / "page.txt") and doc["report"]["encoding"] == "utf-8, html"
    validate_document(doc, text)
    assert [c["text"] for c in doc["commitments"]] == ["地区生产总值增长6%左右", "城镇新增就业8万人以上&其他",
                                                      "实施重点项目500个"]


# -- normalisation never moves offsets -------------------------------------------------------
def _commitments(text: str) -> list[tuple]:
    doc = extract(text, year=2025)
    validate_document(json.loads(doc.to_json()), text)
    return [(c.text, [(q.value, q.base_unit, q.comparator) for q in c.quantities]) for c in doc.commitments]


def test_windows_line_breaks_give_the_same_commitments():
    assert _commitments(SEED_TEXT.replace("\n", "\r\n")) == _commitments(SEED_TEXT)


def test_wide_and_odd_spaces_are_handled_in_place():
    plain = "某市2025年政府工作报告\n\n主要预期目标是：地区生产总值增长6%左右，新增就业8万人。\n"
    odd = "某市2025年政府工作报告\n\n\u3000\u3000主要预期目标是：地区生产总值增长６％左右，新增就业８万人。\u00a0\n"
    got = _commitments(odd)
    assert [(q[0], q[1]) for _, qs in got for q in qs] == [(6, "percent"), (8, "person")]
    assert [[q for q in qs] for _, qs in got] == [[q for q in qs] for _, qs in _commitments(plain)]


# -- pathological text (sizes kept small here; scripts/benchmark_pathological.py times big ones) --
def test_long_digit_run_is_not_a_quantity():
    text = "主要预期目标是：地区生产总值增长" + "1" * 20000 + "%，新增就业8万人。\n"
    assert _commitments(text) == [("地区生产总值增长" + "1" * 20000 + "%", []), ("新增就业8万人", [(8, "person", "eq")])]


def test_long_enumeration_and_unpunctuated_text():
    text = "主要预期目标是：新增" + "、" * 20000 + "企业10家。\n" + "建设" * 50000 + "\n"
    assert _commitments(text) == [("新增" + "、" * 20000 + "企业10家", [(10, "count", "eq")])]


# -- properties over arbitrary and report-like text -----------------------------------------------
FRAGMENTS = [line for line in SEED_TEXT.split("\n") if line.strip()] + [
    "一、2024年工作回顾", "（一）扩大有效投资。", "1. 突出扩大内需", "# 2025", "第二部分 重点工作",
    "主要预期目标是：", "地区生产总值增长5%—5.5%，", "6月底前建成", "“十四五”", "各1个以上",
    "\u3000", "\r", "、", "，", "。", "50亿元一100亿元", "１２３", "两万人", "<p>", "&amp;"]


def _check(text: str) -> None:
    doc = extract(text)
    data = json.loads(doc.to_json())
    validate_document(data, text)  # spans, texts, base_value = value x magnitude, enums
    headings = sorted(s.heading for s in doc.sections)
    assert all(a[1] <= b[0] for a, b in zip(headings, headings[1:])), "headings overlap"
    by_parent: dict = {}
    for s in doc.sections:
        by_parent.setdefault(s.parent, []).append(s.body)
    for bodies in by_parent.values():
        bodies.sort()
        assert all(a[1] <= b[0] for a, b in zip(bodies, bodies[1:])), "sibling sections overlap"
    sections = {s.id: s for s in doc.sections}
    for c in doc.commitments:
        s = sections.get(c.section)
        inside_body = s is not None and s.body[0] <= c.span[0] and c.span[1] <= s.body[1]
        line_start = text.rfind("\n", 0, c.span[0]) + 1
        in_targets = "预期目标" in text[max(0, line_start - 2000):c.span[0]]
        assert inside_body or in_targets, c.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text(text):
    _check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.lists(st.sampled_from(["\n", "\n\n", "", " "]),
                                                                   min_size=30, max_size=30))
def test_report_like_text(parts, seps):
    _check("".join(p + s for p, s in zip(parts, seps)))


def test_a_paragraph_never_joins_across_a_noise_line():
    """Found by hypothesis: a line left open before a masthead line was joined to the prose after it,
    so a clause's span took in the masthead."""
    text = "（一）扩大有效投资。# 2025\n政府工作报告摘编\n做好今年政府工作，实施重点项目500个。\n"
    doc = extract(text, year=2025)
    validate_document(json.loads(doc.to_json()), text)
    assert [c.text for c in doc.commitments] == ["做好今年政府工作", "实施重点项目500个"]


def test_a_clause_span_never_starts_with_a_carriage_return():
    """Found by hypothesis: a stray \\r at the start of a line stayed in the first clause's span."""
    text = "政府工作报告摘编\n（一）扩大有效投资。\n\r抓好已谋划3320个项目建设，固定资产投资完成5300亿元。\n"
    doc = extract(text, year=2025)
    validate_document(json.loads(doc.to_json()), text)
    assert [(c.text, c.span) for c in doc.commitments] == [("抓好已谋划3320个项目建设", (21, 35)),
                                                           ("固定资产投资完成5300亿元", (36, 50))]


# -- line endings read byte-exact; lone CR is a line break; one-line reports named as such ---------------
def test_crlf_reports_show_eval_and_compare(tmp_path, capsys):
    """The reader translated \\r\\n to \\n, so show, eval and compare --html refused every CRLF report with
    "349 schema error(s)" (text_sha256 and every span off)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "city-zhengzhou-2025.txt").write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    doc = out / "docs" / "city-zhengzhou-2025.json"
    assert main(["show", str(doc), "-o", str(tmp_path / "show.html")]) == 0
    assert main(["eval", str(doc), str(doc), "-q", "--html", str(tmp_path / "eval.html")]) == 0
    assert "1 document(s)" in capsys.readouterr().out
    assert main(["compare", str(out), "--indicator", "gdp_growth", "--html", str(tmp_path / "cmp.html")]) == 0
    assert [p.name for p in (tmp_path / "cmp_pages").iterdir()] == ["city-zhengzhou-2025.html"]
    capsys.readouterr()
    assert main(["show", str(doc), "-o", str(tmp_path / "show.html")]) == 0


def _outline(text: str) -> list[tuple]:
    doc = extract(text, year=2025)
    validate_document(json.loads(doc.to_json()), text)
    return ([(s.title, s.heading, s.body, s.role) for s in doc.sections],
            [(c.text, c.span) for c in doc.commitments])


def test_carriage_returns_alone_break_lines():
    """A CR-only file (old Mac, some exports) gave 0 sections and 0 commitments: a lone \\r is a line break,
    one character like \\n, so every span is where it is in the LF text."""
    assert _outline(SEED_TEXT.replace("\n", "\r")) == _outline(SEED_TEXT)
    mixed = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(SEED_TEXT.split("\n")))
    sections, commitments = _outline(mixed)
    assert ([s[0] for s in sections], [c[0] for c in commitments]) == (
        [s[0] for s in _outline(SEED_TEXT)[0]], [c[0] for c in _outline(SEED_TEXT)[1]])


def test_a_report_on_one_line_says_so():
    one_line = SEED_TEXT.replace("\n", "")
    doc = extract(one_line, year=2025)
    assert doc.sections == []
    assert (f"the text is one line of {len(one_line):,} characters: headings are read at the start of lines, so "
            "none was found (were its line breaks lost?)") in doc.report.warnings


def test_a_text_with_one_tag_is_no_web_page(tmp_path):
    """A plain text with <div> near the top was read as HTML and lost its line breaks."""
    path = tmp_path / "report.txt"
    text = "某市2025年政府工作报告\n<div>\n主要预期目标是：地区生产总值增长6%左右。\n（一）扩大有效投资。\n实施重点项目500个。\n"
    path.write_text(text, encoding="utf-8")
    report = read_report(path)
    assert (report.text, report.encoding) == (text, "utf-8")
    fragment = tmp_path / "fragment.txt"  # a page without <html>, with its paragraphs
    fragment.write_text("<h1>某市政府工作报告</h1><p>主要预期目标是：增长6%左右。</p><p>实施重点项目500个。</p>", encoding="utf-8")
    assert read_report(fragment).encoding.startswith("utf-8, html")


# -- properties of every output, over text with every kind of line ending ------------------------------
#: Examples per property; GWR_FUZZ_EXAMPLES=10000 for a long run by hand.
FUZZ_EXAMPLES = int(os.environ.get("GWR_FUZZ_EXAMPLES", "300"))
LINE_ENDS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r", "\n\r", "", " ", "\u3000"]
REPORT_CHARS = list("一二三四五六七八九十、（）()。，；：！？“”《》%％亿万元个年月日底前综合主要预期目标增长左右以上建成推进"
                    "实施项目新增就业城镇地区生产总值1234567890.—-# \t\u3000\u00a0\r\n")


def _properties(text: str) -> None:
    """What holds for every output: the document checks against its text (schemas.document_errors), every
    span is trimmed (no white space, \r included, at either end), a commitment is not empty, lies in its
    section's body and holds its deadline, a heading does not start with white space."""
    doc = extract(text)
    assert document_errors(doc, text) == []

    def trimmed(span, what):
        if span[1] > span[0]:
            assert not text[span[0]].isspace() and not text[span[1] - 1].isspace(), (what, text[span[0]:span[1]])

    sections = {s.id: s for s in doc.sections}
    for s in doc.sections:
        assert s.heading[1] > s.heading[0] and not text[s.heading[0]].isspace(), s
        trimmed(s.heading, "heading")
        trimmed(s.body, "body")
    for n in doc.noise:
        trimmed(n.span, "noise")
    for c in doc.commitments:
        assert c.text.strip() and c.span[1] > c.span[0], c
        trimmed(c.span, "commitment")
        if c.section is not None:
            body = sections[c.section].body
            assert body[0] <= c.span[0] and c.span[1] <= body[1], (c.text, c.span, body)
        if c.deadline is not None:
            assert c.span[0] <= c.deadline.span[0] and c.deadline.span[1] <= c.span[1], (c.text, c.deadline)
            trimmed(c.deadline.span, "deadline")
        for q in c.quantities:  # a distributed quantity (A、B、C各1个) lies in the last item only
            trimmed(q.span, "quantity")
    for o in doc.outcomes or []:
        assert o.text.strip()
        trimmed(o.span, "outcome")


def test_the_minimal_case_hypothesis_found():
    """A clause across a line break and a lone \r recorded '个\\r十': its text, not the text at its span."""
    text = "二、综\n。个\n\r十"
    _properties(text)
    doc = extract(text)
    assert [(c.text, c.span) for c in doc.commitments] == [("个十", (5, 9))]


def test_a_lone_surrogate_is_refused_with_where_it_is():
    from gwr.inputs.text import InputError

    with pytest.raises(InputError, match=r"^the text holds a lone surrogate \(U\+D800\) at offset 3: not Unicode text$"):
        extract("一、二\ud800")


_FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.text(alphabet=st.sampled_from(REPORT_CHARS) | st.characters(exclude_categories=("Cs",)), max_size=200))
def test_properties_of_report_characters(text):
    _properties(text)


@_FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.lists(st.sampled_from(LINE_ENDS), min_size=30,
                                                                   max_size=30))
def test_properties_of_report_lines_with_any_line_ends(parts, ends):
    _properties("".join(p + e for p, e in zip(parts, ends)))


@_FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=20), st.sampled_from(["\n", "\r\n", "\r"]))
def test_one_line_end_gives_the_outline_of_another(parts, end):
    """The same lines with \n, \r\n or \r: the same sections and commitments (offsets aside)."""
    def outline(text):
        doc = extract(text)
        return [(s.title, s.role, s.level) for s in doc.sections], [c.text for c in doc.commitments]

    assert outline(end.join(parts) + end) == outline("\n".join(parts) + "\n")


# -- a digit run costs time linear in its length (plain jieba's join of one-character steps was quadratic) -----
def test_plain_jieba_cuts_a_long_digit_run_in_linear_time():
    """jieba's __cut_DAG gathers one-character steps with `buf += ch`, quadratic once the run outgrows what
    realloc extends in place: 1M digits took 15-20 s in a fresh process (1.0 s with rjieba). The fallback
    segmenter gathers them in a list; its words stay jieba's."""
    import subprocess
    import sys

    from gwr.stages import segmenter as seg

    plain = seg.load_segmenter("jieba")
    for text in ("地区生产总值增长" + "7" * 20_000 + "%，新增就业8万人", SEED_TEXT, "AT&T和C++ 10.5% \r\n中国 补链强链"):
        assert plain.cut(text) == list(plain.tokenizer.cut(text))
    code = ("import time; from gwr.stages import segmenter as seg; p = seg.load_segmenter('jieba'); "
            "t = time.perf_counter(); words = p.cut('增长' + '7' * 1_000_000); "
            "print(time.perf_counter() - t, words[1] == '7' * 1_000_000, len(words))")
    seconds, whole, n = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                       cwd=ROOT).stdout.split()
    assert (whole, n) == ("True", "2") and float(seconds) < 5, seconds  # quadratic: 15 s and more


@_FUZZ
@given(st.text(alphabet=st.sampled_from(REPORT_CHARS + list("aZ+#&_补链强链㐀\uf900")), max_size=60))
def test_the_plain_jieba_segmenter_gives_jiebas_own_words(text):
    from gwr.stages import segmenter as seg

    plain = seg.load_segmenter("jieba")
    assert plain.cut(text) == [w for w in plain.tokenizer.cut(text) if w]
