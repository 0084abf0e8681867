"""Audit pages: escaping, one element per item, hover fields, and a real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from gwr import extract
from gwr.cli.main import main
from gwr.evaluation.harness import evaluate, format_table
from gwr.views.html import eval_page, show_page
from gwr.schemas import validate_document
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "zhengzhou-2025.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                                           "(.ci/run installs it)")


def _seed_doc():
    text = SEED.read_text(encoding="utf-8")
    return extract(text, year=2025, place="郑州市", level="city", report_id="zhengzhou-2025"), text


def test_report_text_is_escaped():
    text = "某市2025年政府工作报告\n\n主要预期目标是：<script>alert(1)</script>地区生产总值增长6%左右，“A&B”。\n"
    page = show_page(extract(text, year=2025), text)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "“A&amp;B”" in page


def test_one_element_per_item_with_its_fields():
    doc, text = _seed_doc()
    page = show_page(doc, text)
    kinds = re.findall(r'data-kind="(\w+)"', page)
    distinct_q = {tuple(q.span) for c in doc.commitments for q in c.quantities}
    assert (kinds.count("commitment"), kinds.count("quantity"), kinds.count("deadline"), kinds.count("heading"),
            kinds.count("noise")) == (233, len(distinct_q), 1, 12, 6)
    m = re.search(r'<span class="quantity target" id="c1-q0" title="([^"]*)"', page)
    assert m.group(1) == ("value: 6; value_max: —; unit: %; base_value: 6; base_value_max: —; base_unit: percent; "
                          "comparator: approx; kind: change; role: target; per_year: False; decrease: False; indicator: gdp_growth; commitment: c1")


def _browser(url: str, tmp_path, screenshot: bool = False) -> str:
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900"]
    if screenshot:
        args += [f"--screenshot={tmp_path / 'shot.png'}", url]
    else:
        args += ["--virtual-time-budget=3000", "--dump-dom", url]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@needs_browser
def test_show_page_in_a_browser(tmp_path):
    doc, text = _seed_doc()
    page = tmp_path / "page.html"
    page.write_text(show_page(doc, text), encoding="utf-8")
    dom = _browser(f"file://{page}#show-c1", tmp_path)
    assert 'data-ready="1"' in dom and re.search(r'<pre id="errors" hidden="">\s*</pre>', dom)
    assert len(re.findall(r'data-kind="commitment"', dom)) == 233
    details = re.search(r'<div id="details" style="display: block;">(.*?)</div>', dom, re.S).group(1)
    assert ("commitment: c1\nsection: s1\naction: 增长\nobject: 地区生产总值\nindicator: gdp_growth\nstrength: default\n"
            "period: 2025-2025") in details
    _browser(f"file://{page}", tmp_path, screenshot=True)
    png = (tmp_path / "shot.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


@needs_browser
def test_eval_page_marks_missed_and_wrong_items(tmp_path):
    doc, text = _seed_doc()
    gold = validate_document(json.loads((ROOT / "gold" / "zhengzhou-2025.json").read_text(encoding="utf-8")), text)
    pred_data = json.loads(doc.to_json())
    del pred_data["commitments"][12]                                  # 固定资产投资完成5300亿元: missed
    pred_data["commitments"][0]["quantities"][0]["comparator"] = "eq"  # 6%左右: wrong comparator
    pred = validate_document(pred_data, text)
    scores = evaluate(gold, pred, text)
    page = tmp_path / "eval.html"
    page.write_text(eval_page(gold, pred, text, scores, format_table(scores)), encoding="utf-8")
    dom = _browser(f"file://{page}", tmp_path)
    assert 'data-ready="1"' in dom
    gold_side = dom[dom.index('class="text gold"'):dom.index('class="text pred"')]
    assert re.findall(r'class="commitment( targets)? missed"[^>]*data-start="(\d+)"', gold_side) == \
        [(" targets", str(gold.commitments[12].span[0]))]
    # a target with a wrong comparator is a missed gold target (and an extra predicted one)
    missed = re.search(r'<span class="quantity target missed" id="c1-q0" title="([^"]*)"', gold_side)
    assert "gold 6 percent approx change vs pred 6 percent eq change" in missed.group(1)
    pred_side = dom[dom.index('class="text pred"'):]
    assert re.search(r'<span class="quantity target extra" id="c1-q0"', pred_side)
    assert "commitments_lenient" in dom


@needs_browser
def test_compare_page_links_cells_to_clauses(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("zhengzhou-2025.txt", "national-china-2024.txt", "metadata.tsv"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    page = tmp_path / "panel.html"
    assert main(["compare", str(out), "--indicator", "gdp_growth", "--html", str(page)]) == 0
    dom = _browser(f"file://{page}", tmp_path)
    links = re.findall(r'<a href="(panel_pages/[^"]+)" title="([^"]*)">([^<]*)</a>', dom)
    national = json.loads((out / "docs" / "national-china-2024.json").read_text(encoding="utf-8"))
    gdp = next(c["id"] for c in national["commitments"] if c["text"] == "国内生产总值增长5%左右")
    assert sorted(links) == [(f"panel_pages/national-china-2024.html#{gdp}", "国内生产总值增长5%左右", "5 ≈"),
                             ("panel_pages/zhengzhou-2025.html#c1", "地区生产总值增长6%左右", "6 ≈")]
    target = (tmp_path / "panel_pages" / "national-china-2024.html").read_text(encoding="utf-8")
    assert re.search(rf'<span class="commitment targets" id="{gdp}" title="[^"]*indicator: gdp_growth', target)


def test_show_cli_needs_the_source_text(tmp_path, capsys):
    doc, _ = _seed_doc()
    data = json.loads(doc.to_json())
    data["report"]["source"] = "nowhere/report.txt"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["show", str(path), "-o", str(tmp_path / "x.html")]) == 3
    assert "its source text 'nowhere/report.txt' was not found" in capsys.readouterr().err
