"""The outline (title, noise, headings with levels, parents and roles) of reports as they are published.

Two kinds of cases: every corpus report's outline as read off its text by hand
(`tests/data/outlines/<id>.tsv`: `level  role  heading`, plus the title and the noise lines),
and small hand-made texts, one per layout that reports use (docs/outline.md).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from gwr import extract
from gwr.corpus.metadata import meta_for
from tests.conftest import DATA, ROOT

CORPUS = ROOT / "corpus"
OUTLINES = DATA / "outlines"


@functools.cache
def _run(report_id: str):
    path = CORPUS / f"{report_id}.txt"
    meta = meta_for(path)
    text = path.read_text(encoding="utf-8")
    return extract(text, year=meta.year, place=meta.place, level=meta.level, province=meta.province,
                   report_id=meta.id), text


def _expected(report_id: str) -> tuple[str | None, list[tuple[str, str]], list[tuple[int, str, str]]]:
    title, noise, sections = None, [], []
    for line in (OUTLINES / f"{report_id}.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == "title":
            title = None if cells[1] == "-" else cells[1]
        elif cells[0] == "noise":
            noise.append((cells[1], cells[2]))
        else:
            sections.append((int(cells[0]), cells[1], cells[2]))
    return title, noise, sections


REPORTS = sorted(p.stem for p in OUTLINES.glob("*.tsv"))


def test_every_corpus_report_has_a_hand_checked_outline():
    assert REPORTS == sorted(p.stem for p in CORPUS.glob("*.txt"))


@pytest.mark.parametrize("report_id", REPORTS)
def test_headings_levels_and_roles_as_read(report_id):
    doc, text = _run(report_id)
    got = [(s.level, s.role, text[s.heading[0]:s.heading[1]]) for s in doc.sections]
    assert got == _expected(report_id)[2]


@pytest.mark.parametrize("report_id", REPORTS)
def test_each_parent_is_the_nearest_heading_one_level_up(report_id):
    doc, _ = _run(report_id)
    last: dict[int, str] = {}
    for s in doc.sections:
        assert s.parent == (last.get(s.level - 1) if s.level > 1 else None), s.title
        last[s.level] = s.id


@pytest.mark.parametrize("report_id", REPORTS)
def test_title_and_noise_as_read(report_id):
    doc, text = _run(report_id)
    title, noise, _ = _expected(report_id)
    got_title = text[doc.report.title[0]:doc.report.title[1]] if doc.report.title else None
    assert (got_title, [(n.kind, text[n.span[0]:n.span[1]]) for n in doc.noise]) == (title, noise)


# -- hand-made texts, one per layout ------------------------------------------------------------

def _outline(text: str, year: int | None = 2026):
    doc = extract(text, year=year)
    return doc, [(s.level, s.role, text[s.heading[0]:s.heading[1]]) for s in doc.sections]


LAYOUTS = {
    "review part headed by a slogan": (
        "一、一年接着一年干，新福建建设持续取得新进展新成效\n"
        "过去一年，全省地区生产总值增长5.2%，同比增长明显。\n"
        "（一）着力推进产业升级，产业转型升级步伐加快\n"
        "规上工业增加值增长6.1%，获评全国先进，圆满完成年度任务。\n"
        "二、2026年工作安排\n（一）扩大内需\n新增城镇就业50万人。\n",
        [(1, "review", "一、一年接着一年干，新福建建设持续取得新进展新成效"),
         (2, "review", "（一）着力推进产业升级，产业转型升级步伐加快"),
         (1, "tasks", "二、2026年工作安排"), (2, "tasks", "（一）扩大内需")]),
    "plan part with no role words stays tasks": (
        "一、坚定不移推进高质量发展\n今年要扩大有效投资，力争固定资产投资增长5%左右。\n",
        [(1, "tasks", "一、坚定不移推进高质量发展")]),
    "own-line 一是 sub-heads": (
        "一、2025年工作回顾\n一是联合港澳承办十五运会和残特奥会。\n圆满完成赛事筹办任务。\n"
        "二是推动产业转型升级步伐加快。\n规上工业增加值增长6.1%。\n",
        [(1, "review", "一、2025年工作回顾"), (2, "review", "一是联合港澳承办十五运会和残特奥会。"),
         (2, "review", "二是推动产业转型升级步伐加快。")]),
    "two series of own-line 一是 sub-heads in one part": (
        "一、2025年和“十四五”工作回顾\n一是办好十五运会。\n圆满完成筹办任务。\n二是稳住经济大盘。\n增长5%。\n"
        "一是经济实力跃升。\n总量突破14万亿元。\n二是创新动能增强。\n研发投入强度3.6%。\n三是民生持续改善。\n收入增长6%。\n",
        [(1, "review", "一、2025年和“十四五”工作回顾"), (2, "review", "一是办好十五运会。"), (2, "review", "二是稳住经济大盘。"),
         (2, "review", "一是经济实力跃升。"), (2, "review", "二是创新动能增强。"), (2, "review", "三是民生持续改善。")]),
    "own-line 这一年 and 这是…的五年 sub-heads are siblings": (
        "一、2025年和“十四五”工作回顾\n这一年，我们感恩奋进、埋头苦干，封关运作如期实现。\n全省生产总值增长5.5%。\n"
        "这一年，我们守正创新、真抓实干，发展质效持续提升。\n城镇新增就业54万人。\n"
        "这是经济实力持续提升的五年。\n全省生产总值跃居全国第8位。\n"
        "这是改革开放不断深化的五年。\n自贸试验区建设取得明显成效。\n",
        [(1, "review", "一、2025年和“十四五”工作回顾"),
         (2, "review", "这一年，我们感恩奋进、埋头苦干，封关运作如期实现。"),
         (2, "review", "这一年，我们守正创新、真抓实干，发展质效持续提升。"),
         (2, "review", "这是经济实力持续提升的五年。"), (2, "review", "这是改革开放不断深化的五年。")]),
    "own-line 五年来 sub-heads": (
        "一、“十四五”时期发展成就\n五年来，我们坚定推进创新驱动，科技实力显著增强。\n研发投入强度提高到3.3%。\n"
        "五年来，我们坚持以人民为中心，民生福祉持续增进。\n居民收入年均增长6%。\n",
        [(1, "review", "一、“十四五”时期发展成就"),
         (2, "review", "五年来，我们坚定推进创新驱动，科技实力显著增强。"),
         (2, "review", "五年来，我们坚持以人民为中心，民生福祉持续增进。")]),
    "own-line —— summary lines stay prose (the Chengdu 2024 gold)": (
        "2023年工作回顾\n2023年是极不平凡的一年。\n——我们砥砺攻坚、接续奋斗，高质量发展成效明显。\n创新动能持续激发。\n"
        "——我们用心用情、民生为先，高品质生活增色添彩。\n市民健康更有保障。\n一年来，主要开展了以下工作。\n"
        "（一）坚持科技引领，现代化产业体系加快构建\n科技创新动力强劲。\n",
        [(1, "review", "2023年工作回顾"), (2, "review", "（一）坚持科技引领，现代化产业体系加快构建")]),
    "numbered parts after own-line sub-heads are their siblings": (
        "一、2025年工作回顾\n一是办好十五运会。\n圆满完成筹办任务。\n二是稳住经济大盘。\n增长5%。\n"
        "（一）着力推动科技创新\n研发投入增长10%。\n",
        [(1, "review", "一、2025年工作回顾"), (2, "review", "一是办好十五运会。"), (2, "review", "二是稳住经济大盘。"),
         (2, "review", "（一）着力推动科技创新")]),
    "run-in —— items stay prose": (
        "一、2025年工作回顾\n——发展质效不断提高，综合实力进一步跃升。全省生产总值增长5%。\n"
        "——创新动能显著增强。研发投入强度提高到3.3%。\n",
        [(1, "review", "一、2025年工作回顾")]),
    "a lone 五年来 lead-in stays prose": (
        "一、2025年工作回顾\n五年来，我们有力应对风险挑战，顺利实现主要目标。\n——发展质效不断提高。全省生产总值增长5%。\n",
        [(1, "review", "一、2025年工作回顾")]),
    "a lead-in announcing a list stays prose": (
        "一、2025年工作回顾\n一年来，主要做了以下工作。\n一是首都功能持续优化。圆满完成服务保障。\n"
        "一年来，我们坚决贯彻全面从严治党要求。\n",
        [(1, "review", "一、2025年工作回顾")]),
    "run-in 一是 lead sentences stay prose": (
        "一、2025年工作回顾\n一是纵深推进大湾区建设，全新定位持续做实。去年是纲要公开发布5周年。\n"
        "二是加快建设现代化产业体系。制造业增加值增长5%。\n",
        [(1, "review", "一、2025年工作回顾")]),
    "an own-line list of 一是 items with no prose between stays prose": (
        "二、2026年工作安排\n重点抓好三件事：\n一是稳增长。\n二是促改革。\n三是惠民生。\n",
        [(1, "tasks", "二、2026年工作安排")]),
    "主要预期目标 on its own line does not hold the task parts after it": (
        "二、2026年工作安排\n主要预期目标\n地区生产总值增长5%左右。\n"
        "（一）扩大内需\n新增就业50万人。\n（二）推动科技创新\n建设创新型省份。\n",
        [(1, "tasks", "二、2026年工作安排"), (2, "targets", "主要预期目标"), (2, "tasks", "（一）扩大内需"),
         (2, "tasks", "（二）推动科技创新")]),
    "主要预期目标 broken from its sentence is prose": (
        "二、2026年工作安排\n今年经济社会发展的\n主要预期目标\n是：地区生产总值增长5%左右。\n",
        [(1, "tasks", "二、2026年工作安排")]),
    "a heading naming the targets and the work plan is tasks": (
        "二、2024年主要预期目标和重点工作\n主要预期目标是：地区生产总值增长6%以上。\n"
        "（一）突出以进促稳，不断做大经济总量。更加注重扩大有效投资。\n",
        [(1, "tasks", "二、2024年主要预期目标和重点工作"), (2, "tasks", "（一）突出以进促稳，不断做大经济总量")]),
    "a plan period's targets part and its items are targets": (
        "二、“十五五”时期主要目标任务\n（一）聚焦建设创新强省\n研发投入强度达到3.5%。\n",
        [(1, "targets", "二、“十五五”时期主要目标任务"), (2, "targets", "（一）聚焦建设创新强省")]),
    "a heading broken over two lines": (
        "三、2026年重点工作\n（二）推动科技创新，\n加快建设创新型省份\n推动科技创新。\n",
        [(1, "tasks", "三、2026年重点工作"), (2, "tasks", "（二）推动科技创新，\n加快建设创新型省份")]),
    "a part name broken before its role words": (
        "一、2025年和“十四五”\n工作回顾\n过去一年，地区生产总值增长5%。\n",
        [(1, "review", "一、2025年和“十四五”\n工作回顾")]),
    "a whole slogan heading followed by 主要预期目标 is two headings": (
        "二、坚定信心\n主要预期目标\n地区生产总值增长5%左右。\n",
        [(1, "tasks", "二、坚定信心"), (2, "targets", "主要预期目标")]),
    "a numbering alone on its line, the title on the next": (
        "一、2025年工作回顾\n（一）\n经济发展进中向好\n全省生产总值增长5%。\n（二）\n三新产业增势强劲。产值增长45%。\n",
        [(1, "review", "一、2025年工作回顾"), (2, "review", "（一）\n经济发展进中向好"),
         (2, "review", "（二）\n三新产业增势强劲")]),
    "an own-line heading keeps its closing 。": (
        "三、2026年重点工作\n（一）加强政府自身建设。\n建设人民满意的政府。\n",
        [(1, "tasks", "三、2026年重点工作"), (2, "tasks", "（一）加强政府自身建设。")]),
    "a run-in heading stops before its 。": (
        "三、2026年重点工作\n（一）加强政府自身建设。建设人民满意的政府。\n",
        [(1, "tasks", "三、2026年重点工作"), (2, "tasks", "（一）加强政府自身建设")]),
    "an annex on one line and its items": (
        "三、2026年重点工作\n（一）扩大内需\n新增就业50万人。\n附件1 2026年省十件民生实事\n"
        "1.提高城乡居民基础养老金。每人每月提高20元。\n2.新增托位1万个。\n",
        [(1, "tasks", "三、2026年重点工作"), (2, "tasks", "（一）扩大内需"),
         (1, "tasks", "附件1 2026年省十件民生实事"), (2, "tasks", "1.提高城乡居民基础养老金"),
         (2, "tasks", "2.新增托位1万个。")]),
    "a bare annex, its title line and a glossary whose entries are no headings": (
        "三、2026年重点工作\n（一）扩大内需\n新增就业50万人。\n附件2\n名词解释\n"
        "1.“2030启航计划”：指面向2030年的行动计划。\n2.“两重”：指国家重大战略实施和重点领域安全能力建设。\n",
        [(1, "tasks", "三、2026年重点工作"), (2, "tasks", "（一）扩大内需"), (1, "other", "附件2"),
         (2, "other", "名词解释")]),
    "a definition written as one (：指) is no heading": (
        "三、2026年重点工作\n推进“两重”建设。\n注：\n1.“两重”：指国家重大战略实施和重点领域安全能力建设。\n",
        [(1, "tasks", "三、2026年重点工作")]),
}


@pytest.mark.parametrize("text,expected", LAYOUTS.values(), ids=list(LAYOUTS))
def test_layout(text, expected):
    assert _outline(text)[1] == expected


def test_commitments_stay_out_of_a_review_part_headed_by_a_slogan():
    text = LAYOUTS["review part headed by a slogan"][0]
    doc, _ = _outline(text)
    assert [c.text for c in doc.commitments] == ["新增城镇就业50万人"]


WEB_PAGE = (
    "您的位置:\n首页\n>\n云南要闻\n2026年云南省政府工作报告\n"
    "（2026年1月27日在云南省第十四届人民代表大会第四次会议上）\n云南省省长 王予波\n"
    "2026-01-31 07:00:44\n来源：云南日报\n发表时间：\n分享:\n【字体：\n大\n中\n小\n】\n"
    "王予波作政府工作报告。 云南日报记者 李森 摄\n各位代表：\n现在，我代表省人民政府向大会报告工作。\n"
    "一、2025年工作回顾\n过去一年，全省地区生产总值增长5.2%。\n"
)


def test_web_page_furniture_is_chrome_and_the_bracketed_dateline_a_masthead():
    doc = extract(WEB_PAGE)
    noise = [(n.kind, WEB_PAGE[n.span[0]:n.span[1]]) for n in doc.noise]
    assert noise == [("chrome", "您的位置:"), ("chrome", "首页"), ("chrome", ">"), ("chrome", "云南要闻"),
                     ("masthead", "（2026年1月27日在云南省第十四届人民代表大会第四次会议上）"),
                     ("byline", "云南省省长 王予波"), ("chrome", "2026-01-31 07:00:44"), ("chrome", "来源：云南日报"),
                     ("chrome", "发表时间："), ("chrome", "分享:"), ("chrome", "【字体："), ("chrome", "大"),
                     ("chrome", "中"), ("chrome", "小"), ("chrome", "】"),
                     ("caption", "王予波作政府工作报告。 云南日报记者 李森 摄")]
    t = doc.report.title
    assert (WEB_PAGE[t[0]:t[1]], doc.report.year, doc.report.place, doc.report.level) == \
        ("2026年云南省政府工作报告", 2026, "云南省", "province")


CHROME_LINES = ["下载", "【字号：", "时间：2026-02-03", "来源：河南日报", "【打印】【关闭】", "打印本页 关闭窗口",
                "信息来源：湖北日报 发布时间：2026-01-28", "2026年01月28日 08:30", "扫一扫在手机打开当前页", "相关报道：",
                "首页 > 政务公开 > 政府工作报告"]


@pytest.mark.parametrize("line", CHROME_LINES)
def test_chrome_line(line):
    text = (f"{line}\n2026年湖北省政府工作报告\n——2026年1月26日在湖北省第十四届人民代表大会第四次会议上\n"
            "各位代表：\n现在，我代表省人民政府报告工作。\n")
    doc = extract(text)
    assert [(n.kind, text[n.span[0]:n.span[1]]) for n in doc.noise] == [
        ("chrome", line), ("masthead", "——2026年1月26日在湖北省第十四届人民代表大会第四次会议上")]
    assert text[doc.report.title[0]:doc.report.title[1]] == "2026年湖北省政府工作报告"


def test_a_caption_starting_with_the_headline_words_is_no_title():
    text = ("政府工作报告。 贵州日报天眼新闻记者 李森 摄\n政府工作报告\n"
            "（2026年1月27日在贵州省第十四届\n人民代表大会第四次会议上）\n各位代表：\n现在，我代表省人民政府报告工作。\n")
    doc = extract(text)
    assert [(n.kind, text[n.span[0]:n.span[1]]) for n in doc.noise] == [
        ("caption", "政府工作报告。 贵州日报天眼新闻记者 李森 摄"), ("masthead", "（2026年1月27日在贵州省第十四届"),
        ("masthead", "人民代表大会第四次会议上）")]
    assert (text[doc.report.title[0]:doc.report.title[1]], doc.report.place, doc.report.province) == \
        ("政府工作报告", "贵州省", "贵州省")


CREDITS = [("王予波作政府工作报告 云南日报记者 李森 摄", "caption"), ("王予波作政府工作报告。 云南日报记者 李森 摄", "caption"),
           ("殷勇同志作政府工作报告。本报记者 戴冰摄", "caption"), ("本版图片由本报记者 李新华 马健 摄", "byline"),
           ("新华社记者 张三 摄", "byline"), ("本报记者 董艳竹 杨丽萍 摘编", "byline")]


@pytest.mark.parametrize("line,kind", CREDITS, ids=[c for c, _ in CREDITS])
def test_a_caption_with_its_credit_is_a_caption_a_credit_alone_a_byline(line, kind):
    text = f"2026年云南省政府工作报告\n{line}\n各位代表：\n现在，我代表省人民政府报告工作。\n"
    assert [(n.kind, text[n.span[0]:n.span[1]]) for n in extract(text).noise] == [(kind, line)]


def test_furniture_words_in_the_body_stay_text():
    text = "一、2025年工作回顾\n大\n过去一年，我们努力。\n分享\n主要预期目标\n地区生产总值增长5%左右。\n"
    doc = extract(text, year=2026)
    assert [(n.kind, text[n.span[0]:n.span[1]]) for n in doc.noise] == [("caption", "大"), ("chrome", "分享")]
    assert [s.title for s in doc.sections] == ["2025年工作回顾", "主要预期目标"]


def test_furniture_after_the_report_is_chrome():
    text = "各位代表：\n一、2025年工作回顾\n过去一年，我们努力。\n【字体：\n大\n中\n小\n】\n"
    assert [n.kind for n in extract(text, year=2026).noise] == ["chrome"] * 5


def test_a_report_with_no_year_has_a_null_year_and_says_so():
    doc = extract("各位代表：\n一、工作回顾\n过去一年，我们努力。\n二、工作安排\n（一）扩大内需\n6月底前新增就业1万人。\n")
    assert doc.report.year is None
    assert doc.report.warnings[0] == "no year given or found in the text (title, dateline, headings): report.year is null"
    assert "deadline '6月底前' left out: no report year to date it by" in doc.report.warnings


def test_outline_expectation_files_name_real_lines():
    """Each expected heading is the start of a line of its report (a guard against typos in the tables)."""
    for report_id in REPORTS:
        text = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
        lines = {ln.strip().lstrip("#").strip() for ln in text.split("\n")}
        for _, _, heading in _expected(report_id)[2]:
            first = heading.split("\n")[0]
            assert any(ln.startswith(first) for ln in lines), (report_id, heading)


def test_outline_tables_are_where_the_docs_say():
    assert Path(OUTLINES).is_dir() and (ROOT / "docs" / "outline.md").is_file()
