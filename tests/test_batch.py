"""Batch runs over folders: failures recorded, counts that add up, resume, typed tables, compare."""

from __future__ import annotations

import json
import shutil

import datasets
import pytest

from gwr.corpus.batch import load_corpus, run_batch
from gwr.cli.main import main
from gwr.corpus.compare import panel, render
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "zhengzhou-2025.txt"


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "city-zhengzhou-2025.txt")
    (folder / "empty-2025.txt").write_bytes(b"")
    (folder / "binary-2025.txt").write_bytes(bytes(range(256)) * 4)
    text = SEED.read_text(encoding="utf-8")
    (folder / "city-zhengzhou-gbk-2025.txt").write_bytes(text.encode("gbk"))
    return folder


def test_batch_keeps_every_document(mixed_folder, tmp_path):
    out = tmp_path / "out"
    result = run_batch([mixed_folder], out, progress=False)
    assert (result.total, result.written, result.skipped, result.failed) == (4, 2, 0, 2)
    assert result.summary().startswith("4 documents in = 2 written + 0 unchanged (skipped) + 2 failed")
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((f["id"], f["error_type"]) for f in failures) == [
        ("binary-2025", "BinaryInputError"), ("empty-2025", "EmptyInputError")]
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["city-zhengzhou-2025.json",
                                                                 "city-zhengzhou-gbk-2025.json"]
    gbk = json.loads((out / "docs" / "city-zhengzhou-gbk-2025.json").read_text(encoding="utf-8"))
    utf8 = json.loads((out / "docs" / "city-zhengzhou-2025.json").read_text(encoding="utf-8"))
    assert gbk["report"]["encoding"] == "gb18030" and "encoding" in utf8["report"]
    assert gbk["commitments"] == utf8["commitments"]
    # the decoded text is written beside the output, so the spans stay checkable
    text = (out / "texts" / "city-zhengzhou-gbk-2025.txt").read_text(encoding="utf-8")
    c = gbk["commitments"][0]
    assert gbk["report"]["source"].endswith("texts/city-zhengzhou-gbk-2025.txt")
    assert text[c["span"][0]:c["span"][1]] == c["text"] == "地区生产总值增长6%左右"


def test_resume_skips_unchanged_documents(mixed_folder, tmp_path):
    out = tmp_path / "out"
    run_batch([mixed_folder], out, progress=False)
    again = run_batch([mixed_folder], out, progress=False)
    assert (again.written, again.skipped, again.failed) == (0, 2, 2)
    seed = mixed_folder / "city-zhengzhou-2025.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("6%左右", "7%左右", 1), encoding="utf-8")
    third = run_batch([mixed_folder], out, progress=False)
    assert (third.written, third.skipped, third.failed) == (1, 1, 2)
    forced = run_batch([mixed_folder], out, progress=False, force=True)
    assert (forced.written, forced.skipped, forced.failed) == (2, 0, 2)
    doc = json.loads((out / "docs" / "city-zhengzhou-2025.json").read_text(encoding="utf-8"))
    assert doc["commitments"][0]["quantities"][0]["value"] == 7


def test_tables_load_with_typed_columns(mixed_folder, tmp_path):
    out = tmp_path / "out"
    run_batch([mixed_folder], out, progress=False, csv=True)
    q = datasets.load_dataset("parquet", data_files={"train": str(out / "quantities.parquet")})["train"]
    assert q.features["value"].dtype == "float64" and q.features["year"].dtype == "int32"
    assert q.features["deadline_date"].dtype == "date32" and q.features["quantity_start"].dtype == "int32"
    assert set(q.column_names) >= {"report_id", "place", "level", "province", "year", "section_path",
                                   "section_role", "indicator", "action", "object", "strength", "value",
                                   "value_max", "unit", "base_value", "base_value_max", "base_unit",
                                   "comparator", "kind", "role", "deadline_date", "text", "start", "end"}
    assert len(q) == 2 * 108
    first = q[0]
    assert (first["report_id"], first["indicator"], first["value"], first["comparator"], first["section_path"]) \
        == ("city-zhengzhou-2025", "gdp_growth", 6.0, "approx", "主要预期目标")
    c = datasets.load_dataset("parquet", data_files={"train": str(out / "commitments.parquet")})["train"]
    assert len(c) == 2 * 233 and (out / "commitments.csv").is_file()
    deadline = [r for r in c if r["deadline_date"] is not None]
    assert [(r["text"], str(r["deadline_date"])) for r in deadline][0] == \
        ("哈工大郑州研究院二期6月底前交付使用", "2025-06-30")


def test_corpus_reads_metadata_or_guesses_from_the_file_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "city-wuhan-2024.txt").write_text("武汉市政府工作报告\n", encoding="utf-8")
    (folder / "beijing.txt").write_text("北京市政府工作报告\n", encoding="utf-8")
    (folder / "metadata.tsv").write_text("id\tfile\tplace\tlevel\tprovince\tyear\tsource\n"
                                         "bj-2026\tbeijing.txt\t北京市\tprovince\t北京市\t2026\tweb\n",
                                         encoding="utf-8")
    ds = load_corpus([folder])
    rows = {r["id"]: r for r in ds}
    assert (rows["bj-2026"]["place"], rows["bj-2026"]["year"], rows["bj-2026"]["guessed"]) == ("北京市", 2026, False)
    assert (rows["city-wuhan-2024"]["level"], rows["city-wuhan-2024"]["year"],
            rows["city-wuhan-2024"]["guessed"]) == ("city", 2024, True)
    out = tmp_path / "out"
    run_batch([folder], out, progress=False)
    wuhan = json.loads((out / "docs" / "city-wuhan-2024.json").read_text(encoding="utf-8"))["report"]
    assert (wuhan["place"], wuhan["level"], wuhan["year"]) == ("武汉市", "city", 2024)
    assert (wuhan["province"], wuhan["warnings"]) == ("湖北省", [
        "no metadata row: place=武汉市, level=city, province=湖北省, year=2024 read from the file name",
        "no sections and no main-targets paragraph found: is this a government work report?"])
    beijing = json.loads((out / "docs" / "bj-2026.json").read_text(encoding="utf-8"))["report"]
    assert (beijing["place"], beijing["year"]) == ("北京市", 2026)
    assert beijing["warnings"] == ["no sections and no main-targets paragraph found: is this a government work report?"]


SYNTHETIC = {
    "city-a-2024.txt": "甲市2024年政府工作报告\n\n主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业8万人以上。\n",
    "city-a-2025.txt": "甲市2025年政府工作报告\n\n主要预期目标是：地区生产总值增长5%以上，进出口稳中提质。\n",
    "city-b-2025.txt": "乙市2025年政府工作报告\n\n主要预期目标是：地区生产总值增长4.5%—5%，居民收入增长与经济增长同步。\n",
}


def test_compare_builds_the_panel(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in SYNTHETIC.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    places, years, cells = panel(out, "gdp_growth")
    assert render(places, years, cells, "md") == (  # places in code-point order: 乙 U+4E59 before 甲 U+7532
        "| place | 2024 | 2025 |\n|---|---|---|\n| 乙市 | — | 4.5–5 |\n| 甲市 | 5.5 ≈ | ≥ 5 |\n")
    capsys.readouterr()
    assert main(["compare", str(out), "--indicator", "urban_new_jobs", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "place,y2024\n甲市,≥ 8万人\n"  # y2024: a valid name in Stata and R
    assert main(["compare", str(out), "--list-indicators"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].split() == ["gdp_growth", "3", "2", "3"]
    png = tmp_path / "gdp.png"
    assert main(["compare", str(out), "--indicator", "gdp_growth", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tidy = tmp_path / "gdp.csv"
    assert main(["compare", str(out), "--indicator", "gdp_growth", "--format", "tidy", "-o", str(tidy)]) == 0
    rows = list(__import__("csv").DictReader(tidy.open(encoding="utf-8")))
    assert [(r["place"], r["year"], r["target"], r["low"], r["high"], r["comparator"]) for r in rows] == [
        ("乙市", "2025", "4.5–5", "4.5", "5.0", "range"), ("甲市", "2024", "5.5 ≈", "5.5", "", "approx"),
        ("甲市", "2025", "≥ 5", "5.0", "", "ge")]  # a range keeps both ends, never a midpoint


def test_two_workers_give_the_same_documents(mixed_folder, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch([mixed_folder], one, progress=False)
    result = run_batch([mixed_folder], two, workers=2, progress=False)
    assert (result.written, result.failed) == (2, 2)
    for name in ("city-zhengzhou-2025.json", "city-zhengzhou-gbk-2025.json"):
        a, b = (json.loads((d / "docs" / name).read_text(encoding="utf-8")) for d in (one, two))
        a["report"].pop("source"), b["report"].pop("source")  # each run writes its own texts/ folder
        assert a == b


def test_cli_batch_exit_code_and_summary(mixed_folder, tmp_path, capsys):
    assert main(["extract", str(mixed_folder), "-o", str(tmp_path / "out"), "-q"]) == 5
    captured = capsys.readouterr()
    assert "4 documents in = 2 written + 0 unchanged (skipped) + 2 failed" in captured.out
    assert "EmptyInputError: " in captured.err and "empty-2025.txt: the file is empty" in captured.err


def test_every_table_column_is_described_in_the_data_dictionary():
    """The dataset card documents every column, with the schema's own wording where it is a model field."""
    from gwr.corpus.tables import COLUMNS, SCHEMAS, dataset_card

    card = dataset_card()
    for name, schema in SCHEMAS.items():
        assert f"## {name}.parquet" in card
        assert [n for n, _, d in COLUMNS[name] if not d] == []
        assert all(f"| `{col}` |" in card for col in schema.names)
    assert "| `per_year` | bool | true when the value is a yearly average" in card
    assert {"period_start", "period_end", "per_year", "decrease"} <= set(SCHEMAS["quantities"].names)
    assert SCHEMAS["outcomes"].names[:5] == ["report_id", "place", "level", "province", "year"]
    from gwr.corpus.panel import COLUMNS as PANEL_COLUMNS

    assert "## The research panel" in card and all(f"| `{n}` | {t} | " in card for n, t, _ in PANEL_COLUMNS)


def test_outcomes_table_rows_from_a_v2_document(example2_gold):
    from gwr.corpus.tables import flatten_all

    rows = flatten_all(example2_gold)["outcomes"]
    assert [(r["indicator"], r["period_start"], r["period_end"], r["value"], r["per_year"], r["role"])
            for r in rows] == [("gdp_level", 2025, 2025, 2860, False, "result"),
                               ("gdp_growth", 2025, 2025, 5.2, False, "result"),
                               ("urban_new_jobs", 2025, 2025, 8.1, False, "result"),
                               ("gdp_growth", 2021, 2025, 5.6, True, "result"),
                               ("high_tech_firms", 2021, 2025, 1200, False, "result")]


def test_csv_tables_escape_cells_that_look_like_formulas():
    """A place =HYPERLINK(…), a province @SUM(A1), a clause +1+1 go into the CSV with a leading apostrophe
    (the parquet keeps them as written); negative numbers are numbers, not text, and stay as they are."""
    import pyarrow as pa

    from gwr.corpus.tables import csv_safe_table

    table = pa.table({"place": ["=HYPERLINK(\"x\")", "郑州市", None], "province": ["@SUM(A1)", "-1", "河南省"],
                      "value": [-1.5, 2.0, 3.0]})
    safe = csv_safe_table(table).to_pydict()
    assert safe == {"place": ["'=HYPERLINK(\"x\")", "郑州市", None], "province": ["'@SUM(A1)", "'-1", "河南省"],
                    "value": [-1.5, 2.0, 3.0]}


def test_batch_pauses_the_collector_over_each_whole_document(mixed_folder, tmp_path, monkeypatch):
    """Off while a document is extracted, written and flattened into rows (its JSON parsed back
    included), on again between documents: no collection walks a document the worker still holds."""
    import gc

    from gwr.corpus import batch

    seen = []
    flatten = batch.flatten_all
    monkeypatch.setattr(batch, "flatten_all", lambda doc: (seen.append(("flatten", gc.isenabled())),
                                                           flatten(doc))[1])
    monkeypatch.setattr(batch, "document_hook", lambda doc_id: seen.append((doc_id, gc.isenabled())))
    was = gc.isenabled()
    gc.enable()
    try:
        result = run_batch([mixed_folder], tmp_path / "out", progress=False)
        after = gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
    assert (result.written, result.failed, after) == (2, 2, True)
    assert seen == [("binary-2025", True), ("city-zhengzhou-2025", True), ("flatten", False),
                    ("city-zhengzhou-gbk-2025", True), ("flatten", False), ("empty-2025", True)]


def test_rows_that_arrow_refuses_fail_their_document_alone(mixed_folder, tmp_path, monkeypatch):
    """Each document's rows become Arrow as soon as they are read (one document's rows at a time in
    Python): rows Arrow cannot take fail that document, recorded with Arrow's error and its JSON
    removed, and the other documents of its batch are written with their rows."""
    import pyarrow.parquet as pq

    from gwr.corpus import batch

    flatten = batch.flatten_all

    def flawed(doc):
        rows = flatten(doc)
        if doc["report"]["encoding"] == "gb18030":
            rows["commitments"][0]["strength"] = ["not", "a", "string"]
        return rows

    monkeypatch.setattr(batch, "flatten_all", flawed)
    out = tmp_path / "out"
    result = run_batch([mixed_folder], out, progress=False, batch_size=4)
    assert (result.written, result.failed) == (1, 3)
    failure = next(f for f in result.failures if f["id"] == "city-zhengzhou-gbk-2025")
    assert (failure["error_type"], failure["error"]) == ("ArrowTypeError", "Expected bytes, got a 'list' object")
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["city-zhengzhou-2025.json"]
    written = pq.read_table(out / "commitments.parquet").column("report_id").to_pylist()
    assert set(written) == {"city-zhengzhou-2025"} and len(written) > 100


def test_a_batch_tells_the_progress_counter_once_its_documents_and_their_characters(mixed_folder, tmp_path):
    """Once a batch (each call is a round trip to the manager process): every document, failed or
    written, and the characters of those written."""
    from gwr.corpus.batch import DEFAULT_MAX_BYTES, _extract_batch

    (tmp_path / "out" / "docs").mkdir(parents=True)
    counter = _Counter()
    table = _extract_batch(load_corpus([mixed_folder])[:], str(tmp_path / "out"), DEFAULT_MAX_BYTES, counter)
    seed = len(SEED.read_text(encoding="utf-8"))
    assert counter.calls == [(4, 2 * seed)]
    assert sorted(zip(table.column("id").to_pylist(), table.column("status").to_pylist(),
                      table.column("chars").to_pylist())) == [
        ("binary-2025", "failed", 0), ("city-zhengzhou-2025", "written", seed),
        ("city-zhengzhou-gbk-2025", "written", seed), ("empty-2025", "failed", 0)]
    assert table.column("commitments").num_chunks == 1  # one record batch of the results file


def test_a_workers_call_claims_the_next_reports_and_tells_the_counter_of_those_alone(mixed_folder, tmp_path,
                                                                                     monkeypatch):
    """With workers, each call of the map claims up to `batch_size` reports, the next in corpus order
    (`batch._Claims`); a call that finds none left gives an empty table and no round trip to the counter.
    Outside a map (no claims made), a call is an error, not an empty result."""
    from gwr.corpus import batch

    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    with pytest.raises(RuntimeError) as raised:
        batch._extract_claimed({"ticket": [0]}, str(out), batch.DEFAULT_MAX_BYTES)
    assert str(raised.value) == "batch: a worker was started with no reports to claim (not forked by _map?)"
    corpus = load_corpus([mixed_folder])
    ids = list(corpus["id"])
    seed = len(SEED.read_text(encoding="utf-8"))
    chars = {doc_id: seed if doc_id.startswith("city-zhengzhou") else 0 for doc_id in ids}
    monkeypatch.setattr(batch, "_CLAIMS", batch._Claims(corpus, 3))
    counter = _Counter()
    calls = [batch._extract_claimed({"ticket": [k]}, str(out), batch.DEFAULT_MAX_BYTES, counter) for k in range(3)]
    assert [t.column("id").to_pylist() for t in calls] == [ids[:3], ids[3:], []]
    assert counter.calls == [(3, sum(chars[i] for i in ids[:3])), (1, chars[ids[3]])]
    assert calls[2].schema == batch.RESULTS and calls[2].to_batches() == []


class _Counter:
    """The progress counter's calls, as a batch makes them."""

    def __init__(self):
        self.calls = []

    def add(self, docs, chars):
        self.calls.append((docs, chars))
