"""The document schema: round trips, located errors, normalisation tables."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from pydantic import ValidationError
from gwr.evaluation.gold import LabelError, compile_labels

from gwr.schemas import (
    Deadline,
    Document,
    NormalisationError,
    Quantity,
    SchemaError,
    load_document,
    parse_number,
    resolve_deadline,
    resolve_unit,
    validate_document,
)
from tests.conftest import DATA, ROOT


# -- round trips and generated artefacts -------------------------------------------------
def test_seed_gold_round_trips(seed_gold, seed_text):
    doc = validate_document(seed_gold, seed_text)
    assert json.loads(doc.to_json()) == seed_gold


def test_seed_gold_is_compiled_from_its_labels(seed_gold):
    labels = (ROOT / "gold" / "zhengzhou-2025.labels").read_text(encoding="utf-8")
    assert compile_labels(labels, ROOT) == seed_gold


def test_example_labels_compile_to_the_spec_example(example2_gold):
    labels = (DATA / "v2" / "example-2026.labels").read_text(encoding="utf-8")
    assert compile_labels(labels, ROOT) == example2_gold


def test_v2_example_round_trips(example2_gold, example2_text):
    doc = validate_document(example2_gold, example2_text)
    assert doc.schema_version == "2"
    assert json.loads(doc.to_json()) == example2_gold
    assert [(o.text, o.indicator, o.period) for o in doc.outcomes] == [
        ("全市地区生产总值2860亿元", "gdp_level", (2025, 2025)), ("增长5.2%", "gdp_growth", (2025, 2025)),
        ("新增城镇就业8.1万人", "urban_new_jobs", (2025, 2025)),
        ("地区生产总值年均增长5.6%", "gdp_growth", (2021, 2025)),
        ("新增高新技术企业1200家", "high_tech_firms", (2021, 2025))]
    assert [q.per_year for o in doc.outcomes for q in o.quantities] == [False, False, False, True, False]


def test_v1_file_loads_with_v2_fields_unknown(example_gold, example_text):
    doc = validate_document(example_gold, example_text)
    assert doc.schema_version == "1" and doc.outcomes is None
    assert {c.period for c in doc.commitments} == {None}
    assert {(q.per_year, q.decrease) for c in doc.commitments for q in c.quantities} == {(None, None)}
    assert json.loads(doc.to_json()) == example_gold  # unknown fields are not written back


V2_BROKEN = [
    (lambda d: d["commitments"][0].pop("period"), "commitments[0].period: missing (version 2 gives every "
                                                  "commitment a period)"),
    (lambda d: d["commitments"][0].update(period=[2030, 2026]), "commitments[0].period: period [2030, 2026] ends "
                                                                "before it starts"),
    (lambda d: d["commitments"][0].update(period=["2030", "2026"]), "commitments[0].period: period [2030, 2026] "
                                                                    "ends before it starts"),  # checked once parsed
    (lambda d: d["commitments"][0]["quantities"][0].pop("per_year"),
     "commitments[0].quantities[0].per_year: missing (version 2 requires it)"),
    (lambda d: d["commitments"][0]["quantities"][0].update(role="result"),
     "commitments[0].quantities[0].role: 'result' belongs to outcomes; a commitment's quantity is a target or a "
     "qualifier"),
    (lambda d: d["outcomes"][0]["quantities"][0].update(role="target"),
     "outcomes[0].quantities[0].role: 'target', but an outcome's quantities are 'result'"),
    (lambda d: d["outcomes"][0].update(indicator="gdp"), "outcomes[0].indicator: unknown indicator 'gdp'"),
    (lambda d: d["outcomes"][0].update(indicator=None), "outcomes[0].indicator: Input should be a valid string"),
    (lambda d: d["outcomes"][1].update(id="o1"), "outcomes[1].id: duplicate id 'o1'"),
    (lambda d: d["outcomes"][0]["quantities"][0].update(decrease=True),
     "outcomes[0].quantities[0].decrease: true on a 'level' quantity; a fall is a change"),
    (lambda d: d["outcomes"][0].update(text="地区生产总值"), "outcomes[0].text: '地区生产总值' is not the text at "
                                                              "[72, 86]: '全市地区生产总值2860亿元'"),
    (lambda d: d.update(schema_version="1"), "outcomes: a version-1 document has no outcomes (schema_version "
                                             "must be \"2\")"),
    (lambda d: d["noise"][0].update(kind="banner"), "noise[0].kind: Input should be 'masthead', 'caption', "
                                                    "'byline' or 'chrome', got 'banner'"),
]


@pytest.mark.parametrize("edit,message", V2_BROKEN, ids=[m.split(":")[0] + ("" if i != 1 else "-order") for i, (_, m) in enumerate(V2_BROKEN)])
def test_broken_v2_document_is_refused_with_a_located_message(example2_gold, example2_text, edit, message):
    data = copy.deepcopy(example2_gold)
    edit(data)
    with pytest.raises(SchemaError) as info:
        validate_document(data, example2_text)
    assert message in info.value.errors


def test_load_document_finds_its_source(tmp_path, seed_gold):
    doc, text = load_document(ROOT / "gold" / "zhengzhou-2025.json")
    assert doc.report.id == "zhengzhou-2025"
    assert text is not None and text[doc.report.title[0]:doc.report.title[1]] == "奋力谱写 中国式现代化郑州篇章"


# -- every kind of broken gold fails with its own located message ---------------------------
def _broken(example_gold, edit):
    data = copy.deepcopy(example_gold)
    edit(data)
    return data


BROKEN = [
    ("span out of range",
     lambda d: d["commitments"][3].update(span=[178, 999]),
     "commitments[3].span: [178, 999] lies outside the text (length 252)"),
    ("wrong sha",
     lambda d: d["report"].update(text_sha256="0" * 64),
     "report.text_sha256: 0000000000000000000000000000000000000000000000000000000000000000 does not match "
     "the source text (6e23ea1cedd0aa3cb1742d694988502f0e8038e94cc0a2d4bf25ed8056c66f74)"),
    ("text mismatch",
     lambda d: d["commitments"][0]["quantities"][0].update(text="5%"),
     "commitments[0].quantities[0].text: '5%' is not the text at [121, 125]: '5%左右'"),
    ("bad enum",
     lambda d: d["commitments"][1]["quantities"][0].update(comparator="at_least"),
     "commitments[1].quantities[0].comparator: Input should be 'eq', 'ge', 'gt', 'approx', 'le', 'lt' or "
     "'range', got 'at_least'"),
    ("unknown base unit",
     lambda d: d["commitments"][2]["quantities"][0].update(base_unit="万个"),
     "commitments[2].quantities[0].base_unit: unknown unit '万个'"),
    ("base_value inconsistent",
     lambda d: d["commitments"][2]["quantities"][0].update(base_value=8000),
     "commitments[2].quantities[0].base_value: 8000 is not value 8 × 10000 ('万人')"),
    ("base_unit against the unit table",
     lambda d: d["commitments"][4]["quantities"][0].update(base_unit="USD"),
     "commitments[4].quantities[0].base_unit: 'USD' but unit '亿元' is 'CNY'"),
    ("unknown field",
     lambda d: d["commitments"][5].update(confidence=0.9),
     "commitments[5].confidence: unknown field"),
    ("unknown section",
     lambda d: d["commitments"][6].update(section="s9"),
     "commitments[6].section: no section 's9'"),
    ("unknown indicator",
     lambda d: d["commitments"][0].update(indicator="gdp"),
     "commitments[0].indicator: unknown indicator 'gdp'"),
    ("reversed span",
     lambda d: d["sections"][1].update(heading=[101, 88]),
     "sections[1].heading: span [101, 88] is not [start, end) with 0 <= start <= end"),
    ("range without value_max",
     lambda d: d["commitments"][3]["quantities"][0].update(comparator="range"),
     "commitments[3].quantities[0].comparator: 'range' with value_max None: a range has value_max, nothing else does"),
]


@pytest.mark.parametrize("edit,message", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_gold_is_refused_with_a_located_message(example_gold, example_text, edit, message):
    with pytest.raises(SchemaError) as info:
        validate_document(_broken(example_gold, edit), example_text)
    assert info.value.errors == [message]


def test_all_errors_are_reported_at_once(example_gold, example_text):
    data = _broken(example_gold, lambda d: (d["report"].update(text_sha256="1" * 64),
                                            d["noise"][0].update(span=[14, 300])))
    with pytest.raises(SchemaError) as info:
        validate_document(data, example_text)
    assert [e.split(":")[0] for e in info.value.errors] == ["report.text_sha256", "noise[0].span"]


def test_layout_break_white_space_may_be_dropped_from_text():
    text = "开通小型公交、定制公\n\n交等专线。"
    data = {"schema_version": "1", "report": {"id": "x", "place": "某市", "level": "city", "year": 2025, "source": "x",
                       "text_sha256": __import__("hashlib").sha256(text.encode()).hexdigest()},
            "commitments": [{"id": "c1", "section": None, "span": [0, 16], "text": "开通小型公交、定制公交等专线",
                             "action": "开通", "object": "专线", "indicator": None, "strength": "default"}]}
    assert validate_document(data, text).commitments[0].span == (0, 16)
    data["commitments"][0]["text"] = "开通小型公交、定制公交等专"
    with pytest.raises(SchemaError):
        validate_document(data, text)


def test_label_compiler_reports_a_missing_quote_with_its_line():
    labels = ("report | id=example-2026 | place=某市 | level=city | province=某省 | year=2026 | "
              "source=tests/data/example-2026.txt\n"
              "commitment | - | 地区生产总值增长9%左右 | action=增长 | object=x | indicator=- | strength=default\n")
    with pytest.raises(LabelError, match=r"line 2: commitment '地区生产总值增长9%左右' not found after offset 0"):
        compile_labels(labels, ROOT)


# -- normalisation tables ------------------------------------------------------------------
NUMBERS = [("1.8", 1.8), ("３", 3), ("１２.５", 12.5), ("两", 2), ("一万二千", 12000), ("十五", 15),
           ("二十", 20), ("一百零五", 105), ("二〇二五", 2025), ("三千", 3000), ("一亿二千万", 120000000),
           ("一点五", 1.5), ("3,200", 3200)]


@pytest.mark.parametrize("text,value", NUMBERS, ids=[n[0] for n in NUMBERS])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "1..2", "五x"])
def test_parse_number_refuses(text):
    with pytest.raises(NormalisationError):
        parse_number(text)


UNITS = [("万吨", "t", 1e4), ("亿斤", "t", 5e4), ("公斤", "t", 0.001), ("兆瓦", "kW", 1e3), ("吉瓦", "kW", 1e6),
         ("万千瓦", "kW", 1e4), ("千瓦", "kW", 1), ("亿千瓦时", "kWh", 1e8), ("千米", "km", 1), ("公里", "km", 1),
         ("万平方米", "m2", 1e4), ("个百分点", "pp", 1), ("亿人次", "person_time", 1e8), ("万户", "household", 1e4),
         ("亿美元", "USD", 1e8), ("万吨标准煤", "tce", 1e4), ("微克/立方米", "ug_m3", 1), ("万亿元", "CNY", 1e12),
         ("％", "percent", 1), ("万标准箱", "other", 1e4)]


@pytest.mark.parametrize("unit,base,factor", UNITS, ids=[u[0] for u in UNITS])
def test_unit_table(unit, base, factor):
    resolved, known = resolve_unit(unit)
    assert (resolved.base_unit, resolved.factor, known) == (base, factor, base != "other")


QUANTITY_PARTS = [
    # number, number_max, unit, comparator words -> value, value_max, base_value, base_value_max, base_unit, comparator
    (("1.8", None, "亿人次", ["突破"]), (1.8, None, 180000000, None, "person_time", "gt")),
    (("6", None, "%", ["左右"]), (6, None, 6, None, "percent", "approx")),
    (("50", "100", "亿元", []), (50, 100, 5e9, 1e10, "CNY", "range")),
    (("两", None, "万人", ["以上"]), (2, None, 20000, None, "person", "ge")),
    (("5.5", None, "%", ["控制在", "以内"]), (5.5, None, 5.5, None, "percent", "le")),
    (("145", None, "万吨", ["以上"]), (145, None, 1450000, None, "t", "ge")),
    (("7000", None, "家", ["超"]), (7000, None, 7000, None, "count", "gt")),
    (("0.5", None, "个百分点", []), (0.5, None, 0.5, None, "pp", "eq")),
]


@pytest.mark.parametrize("parts,expected", QUANTITY_PARTS, ids=["".join(p[0][:1] + (p[0][2],)) + "".join(p[0][3])
                                                                for p in QUANTITY_PARTS])
def test_quantity_normalises_matched_parts(parts, expected):
    number, number_max, unit, words = parts
    q = Quantity.model_validate({"span": [0, 1], "text": "x", "number": number, "number_max": number_max,
                                 "unit": unit, "comparator_words": words, "kind": "level", "role": "target"})
    assert (q.value, q.value_max, q.base_value, q.base_value_max, q.base_unit, q.comparator) == expected


def test_quantity_refuses_an_unknown_comparator_word():
    with pytest.raises(ValidationError, match=r"unknown comparator word\(s\) \['大概'\]"):
        Quantity.model_validate({"span": [0, 1], "text": "x", "number": "5", "unit": "%",
                                 "comparator_words": ["大概"], "kind": "level", "role": "target"})


DEADLINES = [("6月底前", 2025, "2025-06-30", "month"), ("年底前", 2025, "2025-12-31", "year"),
             ("年内", 2026, "2026-12-31", "year"), ("上半年", 2025, "2025-06-30", "half"),
             ("三季度末", 2025, "2025-09-30", "quarter"), ("2027年前", 2025, "2027-12-31", "year"),
             ("到2027年", 2025, "2027-12-31", "year"), ("2月底前", 2024, "2024-02-29", "month"),
             ("9月15日前", 2025, "2025-09-15", "day"), ("2026年6月底前", 2025, "2026-06-30", "month"),
             ("第一季度", 2025, "2025-03-31", "quarter"), ("十月底前", 2025, "2025-10-31", "month")]


@pytest.mark.parametrize("text,year,date,precision", DEADLINES, ids=[d[0] for d in DEADLINES])
def test_deadline_resolution(text, year, date, precision):
    assert resolve_deadline(text, year) == (dt.date.fromisoformat(date), precision)
    built = Deadline.model_validate({"span": [0, len(text)], "text": text, "report_year": year})
    assert (built.date.isoformat(), built.precision) == (date, precision)


def test_deadline_without_a_period_is_refused():
    with pytest.raises(NormalisationError, match="no period named in deadline '尽快'"):
        resolve_deadline("尽快", 2025)


def test_json_schema_names_every_part():
    schema = Document.model_json_schema()
    assert set(schema["$defs"]) >= {"Report", "Noise", "Section", "Commitment", "Quantity", "Deadline"}
    assert schema["$defs"]["Quantity"]["additionalProperties"] is False


def test_docs_copy_of_the_guideline_is_current():
    shared = ROOT.parent / "shared" / "spec" / "ANNOTATION.md"
    if not shared.is_file():
        pytest.skip("no ../shared beside this clone: nothing to compare the copy with")
    assert (ROOT / "docs" / "ANNOTATION.md").read_bytes() == shared.read_bytes()


def test_indicator_ids_keep_every_id_of_the_spec():
    shared = ROOT.parent / "shared" / "spec" / "indicators.tsv"
    ours = (ROOT / "schemas" / "data" / "indicators.tsv").read_text(encoding="utf-8").splitlines()
    if shared.is_file():
        theirs = [line.split("\t")[0] for line in shared.read_text(encoding="utf-8").splitlines()]
        assert set(theirs) <= {line.split("\t")[0] for line in ours}
    assert "gdp_growth" in {line.split("\t")[0] for line in ours}


def test_cli_schema_prints_the_json_schema(capsys):
    from gwr.cli.main import main

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == Document.model_json_schema()


def test_deadline_without_any_year_is_a_normalisation_error():
    with pytest.raises(NormalisationError, match=r"deadline '6月底前' names no year and the report year is unknown"):
        resolve_deadline("6月底前", None)
    assert resolve_deadline("2027年底前", None) == (__import__("datetime").date(2027, 12, 31), "year")
