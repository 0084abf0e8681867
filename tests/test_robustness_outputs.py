"""Issue 15: nothing lost, nothing overwritten, nothing that one bad file can stop.

Ids unique by construction, inputs never written to, one file (or one dead worker) never stops
a batch, tables written atomically, resumes keyed on everything that shapes a document, and ids
never used as paths."""

from __future__ import annotations

import hashlib
import json
import shutil

import pyarrow.parquet as pq
import pytest

from gwr.corpus.batch import run_batch
from gwr.cli.main import main
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "zhengzhou-2025.txt"
SMALL = "甲市2025年政府工作报告\n\n主要预期目标是：地区生产总值增长5%以上，城镇新增就业8万人以上。\n"


def _ids_in_parquet(out) -> list[str]:
    return sorted(set(pq.read_table(out / "commitments.parquet").column("report_id").to_pylist()))


def _suffix(key: str) -> str:
    return "~" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


# -- 1. ids unique by construction, the same on every run --------------------------------------------
def test_colliding_ids_get_suffixes_from_their_paths(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub1").mkdir(parents=True)
    (folder / "sub2").mkdir()
    (folder / "a-2.txt").write_text(SMALL, encoding="utf-8")
    (folder / "sub1" / "a.txt").write_text(SMALL, encoding="utf-8")
    (folder / "sub2" / "a.txt").write_text(SMALL.replace("5%", "6%"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([folder], out, progress=False)
    a1, a2 = "a" + _suffix("in/sub1/a.txt"), "a" + _suffix("in/sub2/a.txt")
    assert (result.total, result.written, result.failed) == (3, 3, 0)
    assert sorted(p.stem for p in (out / "docs").glob("*.json")) == sorted(["a-2", a1, a2])
    assert _ids_in_parquet(out) == sorted(["a-2", a1, a2])
    doc = json.loads((out / "docs" / f"{a2}.json").read_text(encoding="utf-8"))
    assert doc["report"]["source"].endswith("in/sub2/a.txt")
    assert doc["commitments"][0]["quantities"][0]["value"] == 6
    assert (f"id 'a' is shared by 2 inputs (in/sub1/a.txt, in/sub2/a.txt): this one is {a2!r}"
            in doc["report"]["warnings"])
    # a rerun finds the same ids (and so skips every document); given the folder by an absolute path too
    again = run_batch([folder.resolve()], out, progress=False)
    assert (again.written, again.skipped) == (0, 3)
    assert _ids_in_parquet(out) == sorted(["a-2", a1, a2])


def test_the_same_file_named_twice_is_one_document(tmp_path):
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    result = run_batch([tmp_path / "a.txt", tmp_path / "a.txt", tmp_path], tmp_path / "out", progress=False)
    assert (result.total, result.written) == (1, 1)
    assert _ids_in_parquet(tmp_path / "out") == ["a"]


def test_rows_of_a_table_with_one_id_twice_get_distinct_ids(tmp_path):
    table = tmp_path / "reports.csv"
    table.write_text("id,text\nx," + SMALL.replace("\n", " ") + "\nx," + SMALL.replace("\n", " ") + "\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([table], out, progress=False)
    assert (result.total, result.written) == (2, 2)
    assert len(_ids_in_parquet(out)) == 2 and all(i.startswith("x~") for i in _ids_in_parquet(out))


# -- 3. one file never stops the batch --------------------------------------------------------------
def test_a_file_name_too_long_for_the_output_gets_a_shortened_id(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    stem = "r" * 251  # legal on ext4 (255 bytes), but <stem>.json.tmp is not
    (folder / f"{stem}.txt").write_text(SMALL, encoding="utf-8")
    (folder / "z-later.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([folder], out, progress=False)
    short = "r" * 180 + _suffix(stem)
    assert (result.total, result.written, result.failed) == (2, 2, 0)
    assert sorted(p.name for p in (out / "docs").iterdir()) == sorted([f"{short}.json", "z-later.json"])
    doc = json.loads((out / "docs" / f"{short}.json").read_text(encoding="utf-8"))
    assert f"id shortened to {short!r}: {stem!r} is 251 bytes, over the limit of 200" in doc["report"]["warnings"]
    assert _ids_in_parquet(out) == sorted([short, "z-later"])


def test_a_document_that_cannot_be_written_is_a_failure_and_the_batch_goes_on(tmp_path):
    """docs/b.json is a folder: writing the document fails, and so does removing it (the clean-up
    raised again and stopped the batch: no tables, no failures.jsonl, later files never ran)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    (out / "docs" / "b.json" / "x").mkdir(parents=True)
    result = run_batch([folder], out, progress=False)
    assert (result.total, result.written, result.failed) == (3, 2, 1)
    failure = json.loads((out / "failures.jsonl").read_text(encoding="utf-8"))
    assert (failure["id"], failure["error_type"]) == ("b", "IsADirectoryError")
    assert failure["error"].endswith("out/docs/b.json: cannot write the document: Is a directory")
    assert _ids_in_parquet(out) == ["a", "c"]
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["a.json", "b.json", "c.json"]  # no *.tmp left


# -- 2. no input is ever written to ------------------------------------------------------------------
def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


PAGE = ("<!DOCTYPE html><html><body><h1>某市2025年政府工作报告</h1>"
        "<p>主要预期目标是：地区生产总值增长6%左右，城镇新增就业8万人以上。</p></body></html>")


@pytest.mark.parametrize("name,data,output,text_name", [
    ("report.txt", SMALL.encode("gbk"), "report.json", "report.text.txt"),  # GBK: the decoded text was report.txt
    ("page.txt", PAGE.encode("utf-8"), "page.json", "page.text.txt"),  # a web page named .txt
    ("report.txt", SMALL.encode("gbk"), "x.txt", "x.text.txt"),  # the JSON went over the decoded text
], ids=["gbk", "html named txt", "output named txt"])
def test_extract_never_writes_over_its_input(tmp_path, capsys, name, data, output, text_name):
    from gwr.schemas import load_document

    folder = tmp_path / "ow"
    folder.mkdir()
    (folder / name).write_bytes(data)
    before = _sha(folder / name)
    assert main(["extract", str(folder / name), "-o", str(folder / output), "--year", "2025"]) == 0
    assert _sha(folder / name) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted({name, output, text_name})
    doc, text = load_document(folder / output)  # the JSON, checked against the text it names
    assert doc.report.source == str(folder / text_name) and text == (folder / text_name).read_text(encoding="utf-8")
    assert [c.text for c in doc.commitments] == ["地区生产总值增长5%以上" if "5%" in text else "地区生产总值增长6%左右",
                                                 "城镇新增就业8万人以上"]


def test_extract_refuses_to_write_its_json_over_its_input(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text(SMALL, encoding="utf-8")
    before = _sha(path)
    assert main(["extract", str(path), "-o", str(path)]) == 6
    assert capsys.readouterr().err == (f"gwr extract: OutputError: {path}: -o names the input itself: "
                                       "choose another output file\n")
    assert _sha(path) == before


def test_a_batch_never_writes_into_its_input_folder(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SMALL, encoding="utf-8")
    (folder / "README.md").write_text("my notes\n", encoding="utf-8")
    for outdir in (folder, tmp_path):  # the input folder, or a folder that holds it
        assert main(["extract", str(folder), "-o", str(outdir), "-q"]) == 6
        assert capsys.readouterr().err == (f"gwr extract: OutputError: {outdir}: the output folder holds the input "
                                           f"{folder}: choose an output folder outside the inputs (or inside one)\n")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "a.txt"]
    mine = tmp_path / "project"
    mine.mkdir()
    (mine / "README.md").write_text("my project\n", encoding="utf-8")
    assert main(["extract", str(folder), "-o", str(mine), "-q"]) == 6
    assert capsys.readouterr().err == (f"gwr extract: OutputError: {mine}: holds a README.md that gwr did not "
                                       "write: choose an empty (or earlier gwr output) folder\n")
    assert (mine / "README.md").read_text(encoding="utf-8") == "my project\n"


def test_outdir_is_never_read_as_input_also_by_a_pattern(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_bytes(SMALL.encode("gbk"))  # converted: out/texts/a.txt is written
    for _ in range(2):
        assert main(["extract", "**/*.txt", "-o", "out", "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "docs").iterdir()) == ["a.json"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [  # one document, its text, no more
        ".gwr-lock", "README.md", "commitments.parquet", "docs", "failures.jsonl", "outcomes.parquet",
        "quantities.parquet", "texts"]
    assert main(["extract", ".", "out/texts/a.txt", "-o", "out", "-q"]) == 6  # named: refused, not ignored
    assert capsys.readouterr().err.endswith("OutputError: out: the output folder holds the input out/texts/a.txt: "
                                            "choose an output folder outside the inputs (or inside one)\n")


# -- 3 (the lock) and 4. tables written whole or not at all, output errors typed -------------------------
def test_a_second_batch_on_the_same_outdir_is_refused(tmp_path, capsys):
    import os

    from gwr.corpus.batch import lock_outdir

    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    with lock_outdir(out):  # as a running batch holds it
        assert main(["extract", str(tmp_path / "a.txt"), "--batch", "-o", str(out), "-q"]) == 6
    assert capsys.readouterr().err == (f"gwr extract: OutputError: {out}: another gwr run (pid {os.getpid()}) is "
                                       "writing here: wait for it to end, or choose another output folder\n")
    assert not (out / "docs").exists()
    assert main(["extract", str(tmp_path / "a.txt"), "--batch", "-o", str(out), "-q"]) == 0  # released


def _all_files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("csv", [False, True], ids=["parquet", "csv"])
def test_disk_full_while_writing_the_tables_keeps_the_earlier_tables(tmp_path, capsys, monkeypatch, csv):
    import errno

    from gwr.corpus import tables

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "-q"] + (["--csv"] if csv else [])) == 0
    before = {name: _sha(out / name) for name in _all_files(out) if not name.startswith("docs/")}
    (folder / "b.txt").write_text(SMALL.replace("5%", "6%"), encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if csv:  # the CSV fails after the parquet's row group went out
        monkeypatch.setattr(tables, "csv_safe_table", full)
    else:
        monkeypatch.setattr(tables._TableWriter, "_write", full)
    assert main(["extract", str(folder), "-o", str(out), "-q"] + (["--csv"] if csv else [])) == 6
    assert capsys.readouterr().err == (f"gwr extract: OutputError: {out}: cannot write the tables: "
                                       "No space left on device\n")
    assert {name: _sha(out / name) for name in before} == before  # the tables of the first run, whole
    assert [n for n in _all_files(out) if n.endswith(".tmp")] == []
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["a.json", "b.json"]  # b's document is kept
    monkeypatch.undo()
    assert main(["extract", str(folder), "-o", str(out), "-q"] + (["--csv"] if csv else [])) == 0
    assert _ids_in_parquet(out) == ["a", "b"]


def test_an_output_folder_that_is_a_file_is_a_typed_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    (tmp_path / "out").write_text("x", encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), "--batch", "-o", str(tmp_path / "out"), "-q"]) == 6
    assert capsys.readouterr().err == (f"gwr extract: OutputError: {tmp_path / 'out'}: cannot create the output "
                                       "folder: File exists\n")


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root writes into a read-only folder: chmod cannot "
                                                            "make one (the ENOSPC test covers the same path)")
def test_a_read_only_outdir_is_a_typed_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert main(["extract", str(tmp_path / "a.txt"), "--batch", "-o", str(out), "-q"]) == 6
        assert capsys.readouterr().err.startswith(f"gwr extract: OutputError: {out}")
    finally:
        out.chmod(0o755)


# -- 5. resume keyed on the input's bytes, its metadata and gwr's version ---------------------------------
def test_resume_redoes_a_document_whose_metadata_or_gwr_changed(tmp_path, monkeypatch):
    from gwr.corpus import batch

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SMALL, encoding="utf-8")
    (folder / "b.txt").write_text(SMALL, encoding="utf-8")
    meta = folder / "metadata.tsv"
    header = "id\tfile\tplace\tlevel\tprovince\tyear\tsource\n"
    meta.write_text(header + "a-2025\ta.txt\t甲市\tcity\t河南省\t2025\tweb\nb-2025\tb.txt\t乙市\tcity\t河南省\t2025\tweb\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch([folder], out, progress=False).written == 2
    meta.write_text(header + "a-2025\ta.txt\t甲市\tcity\t河南省\t2024\tweb\nb-2025\tb.txt\t乙县\tcounty\t河南省\t2025\tweb\n",
                    encoding="utf-8")
    again = run_batch([folder], out, progress=False)
    assert (again.written, again.skipped) == (2, 0)
    reports = {i: json.loads((out / "docs" / f"{i}.json").read_text(encoding="utf-8"))["report"]
               for i in ("a-2025", "b-2025")}
    assert (reports["a-2025"]["year"], reports["b-2025"]["place"], reports["b-2025"]["level"]) == (2024, "乙县",
                                                                                                 "county")
    assert run_batch([folder], out, progress=False).skipped == 2  # nothing changed
    monkeypatch.setattr(batch, "gwr_version", lambda: "99.0")  # a new gwr redoes everything
    assert run_batch([folder], out, progress=False).written == 2


# -- 3. a worker killed by the system ------------------------------------------------------------------
def test_a_worker_killed_by_the_system_fails_its_document_only(tmp_path, monkeypatch):
    """SIGKILL (as the OOM killer sends it) on the worker extracting b: the batch ended with `RuntimeError: One of
    the subprocesses has abruptly died`, naming no document. Now the documents in progress are retried, each
    alone in a new process: b dies again and is a failure that says so; every other document is written."""
    import os
    import signal

    from gwr.corpus import batch

    main_pid = os.getpid()

    def kill_on_b(doc_id: str) -> None:
        if doc_id == "b" and os.getpid() != main_pid:
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(batch, "document_hook", kill_on_b)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        (folder / f"{name}.txt").write_text(SMALL, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run_batch([folder], out, workers=2, progress=False)
    assert (result.total, result.written, result.failed) == (6, 4, 2)
    assert [(f["id"], f["error_type"]) for f in result.failures] == [("b", "WorkerDiedError"),
                                                                     ("empty", "EmptyInputError")]
    assert result.failures[0]["error"] == (f"{folder / 'b.txt'}: the process extracting it was killed (SIGKILL), "
                                           "in the batch and again alone (out of memory?): it is left out")
    assert _ids_in_parquet(out) == ["a", "c", "d", "e"]
    assert [json.loads(line)["id"] for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()] \
        == ["b", "empty"]
    assert [n for n in _all_files(out) if n.endswith(".tmp")] == [] and not (out / ".gwr-cache").exists()
    monkeypatch.setattr(batch, "document_hook", None)
    again = run_batch([folder], out, workers=2, progress=False)  # b is redone (a failure has no document)
    assert (again.written, again.skipped, again.failed) == (1, 4, 1)
    assert _ids_in_parquet(out) == ["a", "b", "c", "d", "e"]


def test_a_lone_document_of_a_batch_with_workers_is_extracted_in_a_process_of_its_own(tmp_path, monkeypatch):
    """Dataset.map runs one document in the main process: killed there, it would end the batch."""
    import os
    import signal

    from gwr.corpus import batch

    main_pid = os.getpid()
    monkeypatch.setattr(batch, "document_hook",
                        lambda doc_id: os.kill(os.getpid(), signal.SIGKILL) if os.getpid() != main_pid else None)
    (tmp_path / "b.txt").write_text(SMALL, encoding="utf-8")
    result = run_batch([tmp_path / "b.txt"], tmp_path / "out", workers=2, progress=False)
    assert [(f["id"], f["error"]) for f in result.failures] == [
        ("b", f"{tmp_path / 'b.txt'}: the process extracting it was killed (SIGKILL) (out of memory?): it is left out")]
    monkeypatch.setattr(batch, "document_hook", None)
    assert run_batch([tmp_path / "b.txt"], tmp_path / "out", workers=2, progress=False).written == 1


# -- 7. ids are never paths; pages are found from any directory -------------------------------------------
def _two_reports(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "city-a-2025.txt").write_text(SMALL, encoding="utf-8")
    (folder / "city-b-2025.txt").write_bytes(SMALL.replace("甲市", "乙市").replace("5%", "6%").encode("gbk"))
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "in", "-o", "out", "-q"]) == 0  # relative paths, as typed at a prompt


def test_compare_html_from_another_directory_writes_every_page(tmp_path, monkeypatch, capsys):
    _two_reports(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["compare", "../out", "--indicator", "gdp_growth", "--html", "cmp.html"]) == 0
    assert sorted(p.name for p in (elsewhere / "cmp_pages").iterdir()) == ["city-a-2025.html", "city-b-2025.html"]
    page = (elsewhere / "cmp.html").read_text(encoding="utf-8")
    assert 'href="cmp_pages/city-a-2025.html#c1"' in page and 'href="cmp_pages/city-b-2025.html#c1"' in page
    assert main(["panel", "../out", "--html", "panel.html"]) == 0
    assert sorted(p.name for p in (elsewhere / "panel_pages").iterdir()) == ["r1.html", "r2.html"]
    assert "warning" not in capsys.readouterr().err


def test_each_compare_page_keeps_its_report_pages_in_a_folder_of_its_own(tmp_path, monkeypatch):
    _two_reports(tmp_path, monkeypatch)
    assert main(["compare", "out", "--indicator", "gdp_growth", "--html", "a.html"]) == 0
    first = (tmp_path / "a_pages" / "city-a-2025.html").read_bytes()
    (tmp_path / "in" / "city-a-2025.txt").write_text(SMALL.replace("5%", "7%"), encoding="utf-8")
    assert main(["extract", "in", "-o", "out", "-q"]) == 0
    assert main(["compare", "out", "--indicator", "gdp_growth", "--html", "b.html"]) == 0
    assert (tmp_path / "a_pages" / "city-a-2025.html").read_bytes() == first  # the earlier run's page is whole
    assert (tmp_path / "b_pages" / "city-a-2025.html").read_bytes() != first
    assert 'href="a_pages/city-a-2025.html#c1"' in (tmp_path / "a.html").read_text(encoding="utf-8")
    assert 'href="b_pages/city-a-2025.html#c1"' in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_compare_html_never_takes_a_report_id_for_a_path(tmp_path, monkeypatch, capsys):
    import pyarrow as pa

    _two_reports(tmp_path, monkeypatch)
    evil = str(tmp_path / "evil")  # an absolute id wrote <id>.html outside pages/
    for name in ("commitments", "quantities"):
        table = pq.read_table(tmp_path / "out" / f"{name}.parquet")
        ids = [evil if i == "city-a-2025" else "../../b" if i == "city-b-2025" else i
               for i in table.column("report_id").to_pylist()]
        table = table.set_column(table.schema.get_field_index("report_id"), "report_id", pa.array(ids))
        pq.write_table(table, tmp_path / "out" / f"{name}.parquet")
    capsys.readouterr()
    assert main(["compare", "out", "--indicator", "gdp_growth", "--html", "site/cmp.html"]) == 0
    assert capsys.readouterr().err == (f"warning: report {'../../b'!r}: no page: its id is not a document file name\n"
                                       f"warning: report {evil!r}: no page: its id is not a document file name\n")
    assert _all_files(tmp_path / "site") == ["cmp.html"]
    assert not any(p.name.startswith("evil") for p in tmp_path.rglob("*"))
