"""Periods, per_year and decrease (ANNOTATION.md §4 `period`, §5), and outcomes (§8), on clauses
taken from the real reports in corpus/ (the text is the test id); expected values read off the texts."""

from __future__ import annotations

import pytest

from gwr import extract


def _report(body: str, heading: str = "三、今年重点工作") -> str:
    return f"某市政府工作报告\n一、去年工作回顾\n过去一年，各项工作取得新进展。\n{heading}\n{body}\n"


def _commitments(body: str, year: int, heading: str = "三、今年重点工作"):
    doc = extract(_report(body, heading), year=year, place="某市", level="city")
    return [(c.text, c.period) for c in doc.commitments]


# -- per_year and decrease: clause of a targets paragraph -> (kind, per_year, decrease) -----------------
FLAGS = [
    ("单位地区生产总值能耗下降3.2%", 2024, ("change", False, True)),        # city-yinchuan-2024
    ("单位国内生产总值能耗降低2.5%左右", 2024, ("change", False, True)),    # national-china-2024
    ("煤炭消费比重下降8.1个百分点", 2024, ("change", False, True)),
    ("今年化学需氧量、氨氮排放量要下降2%", 2018, ("change", False, True)),  # national-china-2018
    ("全社会研发经费投入年均增长10%以上", 2026, ("change", True, False)),  # province-henan-2026
    ("服务贸易年均增速5%左右", 2026, ("change", True, False)),            # province-beijing-2026
    ("地区生产总值增长5%左右", 2026, ("change", False, False)),
    ("城镇新增就业8万人以上", 2026, ("level", False, False)),
    ("城镇调查失业率5.5%左右", 2026, ("level", False, False)),
]


@pytest.mark.parametrize("clause,year,expected", FLAGS, ids=[f[0] for f in FLAGS])
def test_per_year_and_decrease(clause, year, expected):
    doc = extract(_report(f"主要预期目标是：{clause}。"), year=year, place="某市", level="city")
    (c,) = doc.commitments
    (q,) = c.quantities
    assert (q.kind, q.per_year, q.decrease) == expected


# -- period: paragraph (under a heading) -> the period of each commitment ----------------------------
PERIODS = [
    ("“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右，到2030年研发投入强度达到3%。", 2026,
     "二、“十五五”时期主要目标", [((2026, 2030)), ((2026, 2030))]),
    ("今年经济社会发展主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长4%左右。", 2026,
     "二、“十五五”时期主要目标和2026年主要预期目标", [(2026, 2026), (2026, 2026)]),
    # province-beijing-2024: the lead-in names the plan and this year; the year's targets are for the year
    ("按照上述要求，对接“十四五”规划，提出今年全市经济社会发展的主要预期目标是：地区生产总值增长5%左右。", 2024,
     "二、2024年工作安排", [(2024, 2024)]),
    ("开展安全生产治本攻坚三年行动。", 2025, "三、重点工作", [(2025, 2027)]),       # zhengzhou-2025
    ("2027年底前建成市民中心。", 2026, "三、重点工作", [(2026, 2027)]),
    ("6月底前建成市民中心。", 2026, "三、重点工作", [(2026, 2026)]),
    ("今后五年，全市常住人口城镇化率达到70%，新增城镇就业50万人。", 2026, "三、重点工作",
     [(2026, 2030), (2026, 2030)]),
    # a plan part's heading gives its span to every clause under it; a sentence naming this year returns
    ("地区生产总值年均增长5%左右，研发投入强度达到3%。今年，新增高新技术企业300家。", 2026,
     "二、“十五五”时期主要目标任务", [(2026, 2030), (2026, 2030), (2026, 2026)]),
    # the clause's own span holds for the rest of its sentence only
    ("到2030年，数字经济核心产业增加值占比达到15%，建成5G基站5万个。新增企业100家。", 2026, "三、重点工作",
     [(2026, 2030), (2026, 2030), (2026, 2026)]),
    # 年均 with no span named: the plan period the report year opens
    ("经济年均增长5%左右。", 2026, "三、重点工作", [(2026, 2030)]),
]


@pytest.mark.parametrize("body,year,heading,expected", PERIODS, ids=[p[0] for p in PERIODS])
def test_period(body, year, heading, expected):
    assert [period for _, period in _commitments(body, year, heading)] == expected


def test_annual_and_plan_gdp_targets_are_both_kept_each_with_its_period():
    body = ("“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右。\n"
            "今年经济社会发展主要预期目标是：地区生产总值增长4.5%—5%。")
    doc = extract(_report(body, "二、“十五五”时期主要目标和2026年主要预期目标"), year=2026, place="某省",
                  level="province")
    gdp = [(c.period, c.quantities[0].value, c.quantities[0].value_max, c.quantities[0].per_year)
           for c in doc.commitments if c.indicator == "gdp_growth"]
    assert gdp == [((2026, 2030), 5, None, True), ((2026, 2026), 4.5, 5, False)]


# -- outcomes: a review paragraph -> (text, indicator, period, value, comparator, per_year, decrease) -----
OUTCOMES = [
    # county-hailar-2012: the second clause inherits the subject of the first
    ("2011年，地区生产总值完成198.5亿元，同比增长22.3%。", 2012,
     [("地区生产总值完成198.5亿元", "gdp_level", (2011, 2011), 198.5, "eq", False, False),
      ("同比增长22.3%", "gdp_growth", (2011, 2011), 22.3, "eq", False, False)]),
    # city-shenyang-2024: an estimate is an outcome
    ("预计全年地区生产总值比上年增长6%左右。", 2024,
     [("预计全年地区生产总值比上年增长6%左右", "gdp_growth", (2023, 2023), 6, "approx", False, False)]),
    # a 、-enumeration whose second item inherits the subject
    ("全省地区生产总值5.3万亿元、增长5.5%。", 2026,
     [("全省地区生产总值5.3万亿元", "gdp_level", (2025, 2025), 5.3, "eq", False, False),
      ("增长5.5%", "gdp_growth", (2025, 2025), 5.5, "eq", False, False)]),
    # a plan period's review: the yearly average covers the period, the level reached its last year
    ("“十四五”时期，地区生产总值年均增长5.6%，经济总量突破5万亿元。", 2026,
     [("地区生产总值年均增长5.6%", "gdp_growth", (2021, 2025), 5.6, "eq", True, False),
      ("经济总量突破5万亿元", "gdp_level", (2025, 2025), 5, "gt", False, False)]),
    # a paragraph about a past span whose sentence names last year: the yearly average covers the span,
    # the level and a plain change are last year's
    ("五年来，我们稳中求进。2025年地区生产总值达到1.2万亿元、年均增长6%。", 2026,
     [("2025年地区生产总值达到1.2万亿元", "gdp_level", (2025, 2025), 1.2, "eq", False, False),
      ("年均增长6%", "gdp_growth", (2021, 2025), 6, "eq", True, False)]),
    ("五年来，我们稳中求进。2025年地区生产总值增长5.4%。", 2026,
     [("2025年地区生产总值增长5.4%", "gdp_growth", (2025, 2025), 5.4, "eq", False, False)]),
    # a fall of a level indicator is its change (ANNOTATION.md §8)
    ("细颗粒物平均浓度下降7.4%。", 2024,
     [("细颗粒物平均浓度下降7.4%", "pm25", (2023, 2023), 7.4, "eq", False, True)]),
    # comparisons with other places and ranks are not outcomes
    ("地区生产总值增长5.8%、高于全国0.6个百分点。", 2024,
     [("地区生产总值增长5.8%", "gdp_growth", (2023, 2023), 5.8, "eq", False, False)]),
    # a clause with no number names the subject that the bare predicate after it inherits; of two, the later
    ("全市经济稳中向好，规模以上工业增加值，同比增长6.1%。", 2024,
     [("同比增长6.1%", "industrial_va_growth", (2023, 2023), 6.1, "eq", False, False)]),
    ("地区生产总值稳步提升，规模以上工业增加值较快增长，同比增长6.1%。", 2024,
     [("同比增长6.1%", "industrial_va_growth", (2023, 2023), 6.1, "eq", False, False)]),
    # ... but not across a sentence end, nor past a clause with its own Chinese subject
    ("规模以上工业增加值稳步提升。同比增长6.1%。", 2024, []),
    ("规模以上工业增加值稳步提升，各项工作扎实推进6项，同比增长6.1%。", 2024, []),
    # a stock of an id that counts new firms is no outcome; the new firms are
    ("高新技术企业增至3.5万家，新增高新技术企业3200家。", 2024,
     [("新增高新技术企业3200家", "high_tech_firms", (2023, 2023), 3200, "eq", False, False)]),
    # a flow word that ends the subject is the predicate of its own number: the next bare predicate is a stock,
    # while one inside the indicator's name (城镇新增就业) carries over
    ("经营主体净增10万户、突破500万户。", 2024,
     [("经营主体净增10万户", "market_entities_new", (2023, 2023), 10, "eq", False, False)]),
    ("城镇新增就业人数稳步提高，达到12万人。", 2024,
     [("达到12万人", "urban_new_jobs", (2023, 2023), 12, "eq", False, False)]),
    # an indicator named only at the start of a later item (^经济增长: the clause does not start with it), and
    # a clause whose numbers name nothing, after a subject and then with none (outcomes.find_outcomes's skip)
    ("新签约项目120个、经济增长5.2%。", 2024,
     [("经济增长5.2%", "gdp_growth", (2023, 2023), 5.2, "eq", False, False)]),
    ("规模以上工业增加值稳步提升，其中第3季度，同比增长6.1%。", 2024,
     [("同比增长6.1%", "industrial_va_growth", (2023, 2023), 6.1, "eq", False, False)]),
    ("新开工项目300个，同比增长6.1%。", 2024, []),
]


@pytest.mark.parametrize("body,year,expected", OUTCOMES, ids=[o[0] for o in OUTCOMES])
def test_outcomes_of_review_sentences(body, year, expected):
    text = f"某市政府工作报告\n一、过去工作回顾\n{body}\n二、今年重点工作\n新增企业10家。\n"
    doc = extract(text, year=year, place="某市", level="city")
    got = [(o.text, o.indicator, o.period, o.quantities[0].value, o.quantities[0].comparator,
            o.quantities[0].per_year, o.quantities[0].decrease) for o in doc.outcomes]
    assert got == expected
    assert all(o.section == "s1" and len(o.quantities) == 1 for o in doc.outcomes)


def test_no_outcomes_from_the_work_plan():
    text = "某市政府工作报告\n一、今年重点工作\n地区生产总值增长5%左右。\n"
    assert extract(text, year=2026, place="某市", level="city").outcomes == []


@pytest.mark.parametrize("clause,year", [
    ("推动一批重大项目进入国家、省“十五五”规划", 2025),                      # zhengzhou-2025
    ("单位生产总值二氧化碳排放降低目标与国家“十五五”考核目标统筹衔接", 2026),  # province-henan-2026
], ids=lambda v: str(v))
def test_a_plan_named_inside_the_object_sets_no_period(clause, year):
    assert _commitments(f"{clause}。", year) == [(clause, (year, year))]


def test_an_annual_mean_in_a_metric_name_is_not_per_year():
    """province-beijing-2026: 细颗粒物年均浓度 is the metric (annual mean concentration), a 2026 target."""
    doc = extract(_report("今年主要预期目标是：细颗粒物年均浓度控制在29微克/立方米左右。"), year=2026, place="某市",
                  level="city")
    (c,) = doc.commitments
    assert (c.period, c.indicator, c.quantities[0].per_year, c.quantities[0].comparator) == \
        ((2026, 2026), "pm25", False, "approx")


def test_plan_targets_paragraph_inside_a_review_part_is_found():
    """province-beijing-2026: the plan's indicators stand in the part headed by the last plan's achievements
    and the next plan's goals; the cue and the heading's plan make them 2026-2030 targets."""
    text = ("某市政府工作报告\n二、“十四五”时期发展成就和“十五五”时期主要目标任务\n“十四五”时期，地区生产总值年均增长5.2%。\n"
            "围绕上述目标，《纲要草案》设置了29项主要指标，包括：地区生产总值年均增速4.5%-5%，全社会研发投入占比6%以上。\n"
            "三、2026年重点工作\n今年经济社会发展主要预期目标是：地区生产总值增长5%左右。\n")
    doc = extract(text, year=2026, place="某市", level="city")
    assert [(c.text, c.period, c.indicator) for c in doc.commitments] == [
        ("地区生产总值年均增速4.5%-5%", (2026, 2030), "gdp_growth"), ("全社会研发投入占比6%以上", (2026, 2030), "rd_intensity"),
        ("地区生产总值增长5%左右", (2026, 2026), "gdp_growth")]
    assert [(o.text, o.period) for o in doc.outcomes] == [("地区生产总值年均增长5.2%", (2021, 2025))]


# -- indicators for the whole place, on clauses from the real reports (text -> commitments, indicators) -----
INDICATOR_CASES = [
    # province-beijing-2026: a part of the place is no whole-place indicator
    ("城市副中心和平原新城地区生产总值年均增长5%以上", 2026, [("城市副中心和平原新城地区生产总值年均增长5%以上", None)]),
    # city-shenyang-2024: a stock of an id that counts new firms
    ("高新技术企业突破5900家", 2024, [("高新技术企业突破5900家", None)]),
    ("新增高新技术企业300家", 2024, [("新增高新技术企业300家", "high_tech_firms")]),
    # city-chengdu-2024: projects are not housing units; digital trade is a part of trade
    ("实施城中村改造项目70个", 2024, [("实施城中村改造项目70个", None)]),
    ("力争数字贸易进出口增长6%", 2024, [("力争数字贸易进出口增长6%", None)]),
    # province-henan-2026: 经济年均增长 is GDP growth
    ("经济年均增长5%左右", 2026, [("经济年均增长5%左右", "gdp_growth")]),
    # city-chengdu-2024: 分别 spreads the numbers over one list: one commitment
    ("其中第一、第二、第三产业增加值分别增长2%、5.5%和6.5%", 2024,
     [("其中第一、第二、第三产业增加值分别增长2%、5.5%和6.5%", "sector_va_growth")]),
    # province-henan-2026: a dash bullet is no part of the clause
    ("——坚持创新驱动发展", 2026, [("坚持创新驱动发展", None)]),
]


@pytest.mark.parametrize("clause,year,expected", INDICATOR_CASES, ids=[c[0] for c in INDICATOR_CASES])
def test_indicators_for_the_whole_place(clause, year, expected):
    doc = extract(_report(f"主要预期目标是：{clause}。"), year=year, place="某市", level="city")
    assert [(c.text, c.indicator) for c in doc.commitments] == expected


def test_a_rate_unit_is_one_unit():
    """province-chongqing-2026 全员劳动生产率达到25万元/人: 万元/人 is not in the unit table, base unit other,
    its magnitude still read (base value 30 × 10⁴)."""
    doc = extract(_report("主要预期目标是：全员劳动生产率达到30万元/人左右。"), year=2026, place="某市", level="city")
    (q,) = doc.commitments[0].quantities
    assert (q.text, q.value, q.unit, q.base_unit, q.base_value, q.comparator) == \
        ("30万元/人左右", 30, "万元/人", "other", 300000, "approx")


NOT_COMMITMENTS = [  # province-chongqing-2026, the lead of its 十五五 part: facts, judgements, attitude, framing
    "重庆将迎来直辖30周年、西部大开发战略实施30周年等重要历史节点",
    "现代化新重庆建设进入积厚成势、整体跃升的关键阶段",
    "我们要坚定信心、乘势而上",
    "锚定2030年确保基本实现社会主义现代化取得决定性进展目标",
]


@pytest.mark.parametrize("clause", NOT_COMMITMENTS)
def test_statements_that_pledge_nothing(clause):
    assert _commitments(f"{clause}，新增企业100家。", 2026) == [("新增企业100家", (2026, 2026))]


def test_an_attitude_with_its_own_predicate_is_a_commitment():
    """province-henan-2026: 坚定信心推动高质量发展高效能治理 pledges to push development."""
    assert _commitments("坚定信心推动高质量发展高效能治理。", 2026) == [("坚定信心推动高质量发展高效能治理", (2026, 2026))]


@pytest.mark.parametrize("body,expected", [
    # a level or rate reached (到/至) is no fall by the number (national reports' reviews)
    ("居民消费价格涨幅回落到2.6%。", ("cpi_change", 2.6, "change", False)),
    ("常住人口城镇化率提高到52.6%。", ("urbanization_rate", 52.6, "level", False)),
    ("细颗粒物平均浓度下降到30微克/立方米。", ("pm25", 30, "level", False)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_level_reached_is_not_a_fall(body, expected):
    text = f"某市政府工作报告\n一、过去工作回顾\n{body}\n二、今年重点工作\n新增企业10家。\n"
    (o,) = extract(text, year=2013, place="某市", level="city").outcomes
    q = o.quantities[0]
    assert (o.indicator, q.value, q.kind, q.decrease) == expected


ACTIONS = [  # clause (from the golds' reports) -> action, read by the guideline
    ("力争全市技术合同成交额突破600亿元", "突破"),        # city-shenyang-2024: a comparator verb ends the clause
    ("力争空气质量优良天数300天以上", ""),               # city-chengdu-2024: elided, the strength word is none
    ("坚决当好全省发展的“压舱石”和“主引擎”", "当好"),     # city-chengdu-2024
    ("争创国家级文旅消费示范城市", "争创"),               # zhengzhou-2025: no verb of its own follows
    ("滚动推进100项关键核心技术攻关", "推进"),            # city-shenyang-2024: a manner word
    ("组织实施重大科技专项", "组织实施"),                 # city-shenyang-2024: a compound verb
    ("有效防范化解各类风险", "防范化解"),                 # province-henan-2026
    ("社会治理水平明显提高", "提高"),                     # province-chongqing-2026: after a degree adverb
    ("人民群众获得感幸福感安全感认同感进一步增强", "增强"),  # province-zhejiang-2026
]


@pytest.mark.parametrize("clause,action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_action(clause, action):
    doc = extract(_report(f"{clause}。"), year=2024, place="某市", level="city")
    assert [(c.text, c.action) for c in doc.commitments] == [(clause, action)]


def test_every_period_word_and_plan_name_holds_the_characters_may_name_looks_for():
    """periods.may_name (年 or 五 in the text) turns a clause away before any pattern runs: each row of
    period_words.tsv can only match text with 年, each plan name has 五, and the report year is written
    with 年; a row without them would be skipped silently."""
    import regex

    from gwr.schemas.vocabulary import read_tsv
    from gwr.stages import periods

    assert all("五" in name for name in periods.words().plans)
    rows = read_tsv("period_words.tsv", 2, package="gwr")
    for kind, pattern in rows:
        if kind.startswith("peryear"):
            continue  # not read by mentions()
        branches = [b for b in regex.split(r"\|(?![^()]*\))", pattern)]
        assert all("年" in b for b in branches), (kind, pattern)
    assert periods.may_name("2026年") and periods.may_name("“十五五”") and not periods.may_name("今天")
    assert periods.mentions("加快建设", 2026) == [] and periods.mentions("今年", 2026) == [(0, "this", (2026, 2026))]
