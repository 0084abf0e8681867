"""The whole pipeline: the seed scored against its gold, and every corpus report's outline,
main targets and review sections, with expectations read off the reports by hand."""

from __future__ import annotations

import functools
import json

import pytest

from gwr import build_nlp, extract
from gwr.cli.main import main
from gwr.corpus.metadata import meta_for
from gwr.evaluation.harness import evaluate
from gwr.schemas import Document, validate_document
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"


@functools.cache
def run(report_id: str) -> tuple[Document, str]:
    path = CORPUS / f"{report_id}.txt"
    meta = meta_for(path)
    text = path.read_text(encoding="utf-8")
    doc = extract(text, year=meta.year, place=meta.place, level=meta.level, province=meta.province,
                  report_id=meta.id, source=meta.source)
    return doc, text


# -- the seed against its gold: the bars of issue 3 ------------------------------------------
BARS = {"targets.f": 0.95, "qualifiers.f": 0.85, "commitments_lenient.f": 0.90, "deadlines.f": 1.0,
        "headings.f": 1.0, "headings.parent": 1.0, "headings.role": 1.0, "noise.f": 1.0, "title.acc": 1.0,
        "indicator.acc": 0.95}


def test_seed_meets_the_accuracy_bars(seed_gold, seed_text):
    pred, text = run("zhengzhou-2025")
    gold = validate_document(seed_gold, seed_text)
    figures = evaluate(gold, validate_document(json.loads(pred.to_json()), text), text).figures()
    below = {name: round(figures[name], 3) for name, bar in BARS.items() if figures[name] < bar}
    assert below == {}


def test_prediction_validates_against_its_text():
    for report_id in ("zhengzhou-2025", "national-china-2024", "province-guangdong-2023"):
        pred, text = run(report_id)
        validate_document(json.loads(pred.to_json()), text)


def test_layout_break_is_one_clause_whose_span_crosses_it(seed_text):
    pred, _ = run("zhengzhou-2025")
    by_text = {c.text: c for c in pred.commitments}
    c = by_text["开通小型公交、定制公交等专线"]
    assert seed_text[c.span[0]:c.span[1]] == "开通小型公交、定制公\n\n交等专线"
    q = by_text["基本医疗保险参保1000万人以上"].quantities[0]
    assert (q.text, q.base_value, q.base_unit, q.comparator) == ("1000万人以上", 10_000_000, "person", "ge")


def test_captions_and_bylines_are_noise_not_headings(seed_text):
    pred, _ = run("zhengzhou-2025")
    assert [(n.kind, seed_text[n.span[0]:n.span[1]]) for n in pred.noise] == [
        ("masthead", "政府工作报告摘编"), ("masthead", "2025"), ("caption", "中铁联集郑州中心站货运繁忙"),
        ("caption", "开足马力争分夺秒抓生产"), ("byline", "本报记者 董艳竹 杨丽萍 李宇航 实习生 沈馨妍 摘编"),
        ("byline", "本版图片由本报记者 李新华 马健 摄")]


# -- every corpus report: top-level outline with roles (read off the reports) -----------------
OUTLINES = {
    "national-china-2018": [("过去五年工作回顾", "review"), ("2018年经济社会发展总体要求和政策取向", "tasks"),
                            ("对2018年政府工作的建议", "tasks")],
    "national-china-2022": [("2021年工作回顾", "review"), ("2022年经济社会发展总体要求和政策取向", "tasks"),
                            ("2022年政府工作任务", "tasks")],
    "national-china-2024": [("2023年工作回顾", "review"), ("2024年经济社会发展总体要求和政策取向", "tasks"),
                            ("2024年政府工作任务", "tasks")],
    "province-beijing-2026": [("2025年工作回顾", "review"),
                              ("“十四五”时期发展成就和“十五五”时期主要目标任务", "review"),
                              ("2026年重点工作", "tasks")],
    "province-henan-2026": [("“十四五”时期和2025年工作回顾", "review"), ("“十五五”时期主要目标任务", "targets"),
                            ("2026年重点工作安排", "tasks")],
    "province-guangdong-2025": [("2024年工作回顾", "review"), ("2025年工作安排", "tasks"),
                                ("2025年省十件民生实事", "tasks")],
    "county-hailar-2018": [("2017年工作回顾", "review"), ("2018年工作安排", "tasks")],
    "county-hailar-2019": [("2018年工作回顾", "review"), ("2019年工作安排", "tasks"), ("加强政府自身建设", "tasks")],
    "zhengzhou-2025": [("主要预期目标", "targets"), ("2025年十项重点工作", "tasks")],
}


@pytest.mark.parametrize("report_id", sorted(OUTLINES))
def test_top_level_outline_and_roles(report_id):
    pred, _ = run(report_id)
    assert [(s.title, s.role) for s in pred.sections if s.level == 1] == OUTLINES[report_id]


CHILDREN = {  # (parent title, number of children, first child's title) read off the reports
    "national-china-2024": ("2024年政府工作任务", 10, "大力推进现代化产业体系建设，加快发展新质生产力"),
    "county-hailar-2019": ("2018年工作回顾", 6, "三大攻坚战强力突破"),
    "province-beijing-2026": ("2026年重点工作", 10, "深入落实城市总体规划，推动京津冀协同发展走深走实"),
}


@pytest.mark.parametrize("report_id", sorted(CHILDREN))
def test_second_level_sections(report_id):
    pred, _ = run(report_id)
    parent_title, count, first = CHILDREN[report_id]
    parent = next(s for s in pred.sections if s.title == parent_title)
    children = [s for s in pred.sections if s.parent == parent.id]
    assert (len(children), children[0].title, children[0].level, children[0].role) == \
        (count, first, 2, parent.role)


# -- the main-targets paragraph: GDP growth as written in each report -------------------------
GDP_TARGETS = {
    "national-china-2018": ("国内生产总值增长6.5%左右", 6.5, None, "approx"),
    "national-china-2022": ("国内生产总值增长5.5%左右", 5.5, None, "approx"),
    "national-china-2024": ("国内生产总值增长5%左右", 5, None, "approx"),
    "province-beijing-2026": ("地区生产总值增长5%左右", 5, None, "approx"),
    "province-chongqing-2026": ("地区生产总值增长5%以上", 5, None, "ge"),
    "province-guangdong-2023": ("地区生产总值增长5%以上", 5, None, "ge"),
    "province-guangdong-2025": ("地区生产总值增长5%左右", 5, None, "approx"),
    "province-henan-2026": ("经济增长5%左右", 5, None, "approx"),
    "province-zhejiang-2026": ("全省生产总值增长5%—5.5%", 5, 5.5, "range"),
    "county-hailar-2018": ("地区生产总值增长6%左右", 6, None, "approx"),
    "county-hailar-2019": ("地区生产总值增长3.5%左右", 3.5, None, "approx"),
    "zhengzhou-2025": ("地区生产总值增长6%左右", 6, None, "approx"),
    # added with the v2 contract, read off each report's targets paragraph
    "city-chengdu-2024": ("地区生产总值增长6%左右", 6, None, "approx"),
    "city-dongying-2024": ("地区生产总值增长5.5%以上", 5.5, None, "ge"),
    "city-guilin-2024": ("地区生产总值增长5%以上", 5, None, "ge"),
    "city-shenyang-2024": ("地区生产总值增长6%以上", 6, None, "ge"),
    "city-xiamen-2024": ("地区生产总值增长5.5%左右", 5.5, None, "approx"),
    "city-xuzhou-2024": ("地区生产总值增长6%以上", 6, None, "ge"),
    "city-yichang-2024": ("生产总值增长7%", 7, None, "eq"),
    "city-yinchuan-2024": ("全市地区生产总值增长6.5%左右", 6.5, None, "approx"),
    "county-hailar-2012": ("同比增长21%", 21, None, "eq"),  # 地区生产总值达到240亿元，同比增长21%
    "county-hailar-2013": ("地区生产总值增长20%", 20, None, "eq"),
    "county-hailar-2014": ("地区生产总值增长11%", 11, None, "eq"),
    "county-hailar-2015": ("地区生产总值增长8%", 8, None, "eq"),
    "county-hailar-2016": ("地区生产总值增长7.5%", 7.5, None, "eq"),
    "county-hailar-2017": ("地区生产总值增长7.5%", 7.5, None, "eq"),
    "province-beijing-2024": ("地区生产总值增长5%左右", 5, None, "approx"),
    "province-chongqing-2024": ("地区生产总值增长6%左右", 6, None, "approx"),
}


@pytest.mark.parametrize("report_id", sorted(GDP_TARGETS))
def test_gdp_growth_target_found_in_every_report(report_id):
    """Exactly one annual GDP growth target, with period [Y, Y] (a plan's 年均 target is another period)."""
    pred, _ = run(report_id)
    year = pred.report.year
    gdp = [c for c in pred.commitments if c.indicator == "gdp_growth" and c.period == (year, year)
           and any(q.role == "target" for q in c.quantities)]
    text, value, value_max, comparator = GDP_TARGETS[report_id]
    assert len(gdp) == 1, [c.text for c in gdp]
    q = gdp[0].quantities[0]
    assert (gdp[0].text, q.value, q.value_max, q.comparator, q.kind, q.role, q.per_year, q.decrease) == \
        (text, value, value_max, comparator, "change", "target", False, False)


def test_gdp_growth_target_of_every_corpus_report_is_listed():
    assert sorted(GDP_TARGETS) == sorted(p.stem for p in CORPUS.glob("*.txt"))


@pytest.mark.parametrize("report_id", sorted(p.stem for p in CORPUS.glob("*.txt")))
def test_no_commitment_comes_from_a_review_section(report_id):
    pred, _ = run(report_id)
    roles = {s.id: s.role for s in pred.sections}
    review_bodies = [s.body for s in pred.sections if s.role == "review"]
    # a plan period's targets paragraph is a targets paragraph wherever it stands (§4 rule 0): its
    # commitments are for the plan's years, never last year's results
    inside_review = [c.text for c in pred.commitments
                     if any(b[0] <= c.span[0] < b[1] for b in review_bodies) and roles.get(c.section) == "review"
                     and not (c.period[0] == pred.report.year and c.period[1] > pred.report.year)]
    assert inside_review == []
    assert len(pred.commitments) > 50


def test_spacy_doc_spans_are_available():
    nlp = build_nlp()
    doc = nlp((CORPUS / "zhengzhou-2025.txt").read_text(encoding="utf-8"))
    assert len(doc.spans["commitments"]) == 233
    assert [sp.text for sp in doc.spans["deadlines"]] == ["6月底前"]
    assert doc.spans["noise"][0].text == "政府工作报告摘编"


def test_cli_extract_prints_json_or_writes_a_file(tmp_path, capsys):
    seed = str(CORPUS / "zhengzhou-2025.txt")
    assert main(["extract", seed]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["report"]["id"] == "zhengzhou-2025" and len(printed["commitments"]) == 233
    out = tmp_path / "pred.json"
    assert main(["extract", seed, "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith("zhengzhou-2025 (郑州市, 2025): 12 sections (1 targets, 11 tasks), "
                                              "6 noise, 233 commitments")
    assert json.loads(out.read_text(encoding="utf-8")) == printed


@pytest.mark.xfail(strict=True, reason="来郑留郑 is an attributive verb phrase; the rules take 来 for the action")
def test_known_miss_elided_verb_after_attributive_verbs():
    pred, _ = run("zhengzhou-2025")
    assert next(c for c in pred.commitments if c.text == "来郑留郑高校毕业生20万人以上").action == ""


@pytest.mark.parametrize("report_id", ["zhengzhou-2025", "county-hailar-2018", "national-china-2024"])
def test_linear_tokenizer_matches_spacys_own(report_id):
    """gwr.ChineseJieba.v1 only replaces spaCy's quadratic alignment: same tokens, same spaces."""
    import spacy

    nlp = build_nlp()
    reference = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    reference.tokenizer.jieba_seg = nlp.tokenizer.jieba_seg
    text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
    text = " " + text.replace("\n", "\r\n") + "  a  b \u3000 c  "
    ours = [(t.text, t.whitespace_) for t in nlp.make_doc(text)]
    assert ours == [(t.text, t.whitespace_) for t in reference.make_doc(text)]


INDICATOR_CASES = [  # clause in a targets paragraph -> indicator (whole place only)
    ("地区生产总值增长6%左右", "gdp_growth"),
    ("力争海洋生产总值增长6%左右", None),
    ("单位国内生产总值能耗降低2.5%左右", "energy_intensity"),
    ("固定资产投资完成5300亿元", "fai_level"),
    ("全年完成投资2000亿元", None),
    ("居民人均可支配收入增长与经济增长同步", "income_growth"),
    ("进出口稳量提质", "trade_growth"),
    ("跨境电商交易额增长5%以上", None),
    ("城镇新增就业人数、城镇登记失业率等约束性指标完成上级下达的目标", None),
    ("粮食产量1.3万亿斤以上", "grain_output"),
    ("新增光伏发电装机30万千瓦", "renewable_capacity"),
]


@pytest.mark.parametrize("clause,indicator", INDICATOR_CASES, ids=[c for c, _ in INDICATOR_CASES])
def test_indicator_cases(clause, indicator):
    doc = extract(f"2025年政府工作报告\n\n主要预期目标是：{clause}。\n", year=2025)
    assert [c.indicator for c in doc.commitments] == [indicator]


@pytest.mark.parametrize("sentence,indicators", [
    # a bare predicate inherits the clause before it's subject (同比增长21% is GDP growth) ...
    ("地区生产总值达到240亿元，同比增长21%", ["gdp_level", "gdp_growth"]),
    # ... but not the flow word that ends it, the predicate of that clause's own number: 突破500万户 is a stock
    ("经营主体净增10万户，突破500万户", ["market_entities_new", None]),
])
def test_a_bare_predicate_inherits_the_subject_before_it(sentence, indicators):
    doc = extract(f"2025年政府工作报告\n\n主要预期目标是：{sentence}。\n", year=2025)
    assert [c.indicator for c in doc.commitments] == indicators


def test_development_golds_stay_above_the_bars():
    """Reports the rules were not written on (gold/README.md, development golds): a regression guard."""
    scores = None
    for report_id in ("province-henan-2026", "national-china-2024", "county-hailar-2019", "province-zhejiang-2026",
                      "city-chengdu-2024", "city-shenyang-2024", "province-chongqing-2026"):
        pred, text = run(report_id)
        path = ROOT / "gold" / f"{report_id}.json"
        gold = validate_document(json.loads(path.read_text(encoding="utf-8")), text)
        doc_scores = evaluate(gold, validate_document(json.loads(pred.to_json()), text), text)
        if scores is None:
            scores = doc_scores
        else:
            scores += doc_scores
    figures = scores.figures()
    bars = {"commitments_lenient.f": 0.95, "targets.f": 0.95, "headings.f": 1.0, "headings.parent": 1.0,
            "headings.role": 1.0, "noise.f": 1.0, "title.acc": 1.0, "indicator.acc": 0.95,
            # the v2 contract (issue 9's bars): indicator targets, periods, outcomes
            "indicator_targets.f": 0.95, "period.acc": 0.97, "outcomes.f": 0.90, "indicator_outcomes.f": 0.90,
            "targets.per_year": 1.0, "targets.decrease": 1.0,
            "action.acc": 0.93, "strength.acc": 0.99}  # issue 13: measured 0.938 and 1.000 on these seven
    assert {k: round(figures[k], 3) for k, bar in bars.items() if figures[k] < bar} == {}
