"""Batch workers: they flatten their documents' tables themselves and freeze the pipeline they built."""

from __future__ import annotations

import gc
import shutil

import pyarrow.parquet as pq

from gwr.corpus.batch import run_batch
from gwr.corpus.tables import SCHEMAS, write_tables
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"


def test_workers_flatten_the_tables_and_freeze_the_pipeline(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("zhengzhou-2025.txt", "county-hailar-2019.txt", "national-china-2024.txt"):
        shutil.copy(CORPUS / name, folder / name)
    out = tmp_path / "out"
    run_batch([folder], out, workers=2, progress=False)
    assert gc.get_freeze_count() > 0  # the main process built the pipeline and froze it before forking
    # resumed with one document changed: its rows from the worker, the others' from their JSON
    seed = folder / "zhengzhou-2025.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("6%左右", "7%左右", 1), encoding="utf-8")
    result = run_batch([folder], out, workers=1, progress=False)
    assert (result.written, result.skipped) == (1, 2)
    ref = tmp_path / "ref"
    ref.mkdir()
    write_tables(ref, sorted((out / "docs").glob("*.json")))
    for name in SCHEMAS:
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(ref / f"{name}.parquet")), name
    assert 7.0 in pq.read_table(out / "quantities.parquet").column("value").to_pylist()


def test_each_batch_of_reports_is_one_record_batch_of_the_results(tmp_path, monkeypatch):
    """A record batch of the results file per batch of reports (16 by default), not per 4 reports or
    per 16 rows whatever the batch: datasets reads the file back in the main process, where each record
    batch leaves its metadata (`batch._map`)."""
    folder = _small_reports(tmp_path / "in", 20)
    sizes = _record_batches(monkeypatch, lambda b: b.num_rows)
    default = run_batch([folder], tmp_path / "out", progress=False)
    wide = run_batch([folder], tmp_path / "wide", progress=False, batch_size=20)
    assert (default.written, wide.written) == (20, 20)
    assert sizes == [[16, 4], [20]]
    values = pq.read_table(tmp_path / "wide" / "quantities.parquet").column("value").to_pylist()
    assert values == [float(i % 5 + 4) for i in range(20)]


def test_workers_claim_the_reports_one_at_a_time_so_a_slow_report_holds_up_only_its_worker(tmp_path, monkeypatch):
    """Dataset.map(num_proc=2) would deal each worker five of these ten reports, and the one given the
    slow first report would do its other four after it, alone. The workers claim the reports instead
    (`batch._Claims`): the other does the nine while the first sleeps, in calls of `batch_size`; each
    worker's results file is in corpus order, and a call that finds nothing left writes no record batch."""
    import os
    import time

    from gwr.corpus import batch

    log = tmp_path / "who.log"
    main_pid = os.getpid()

    def slow_first(doc_id):
        if os.getpid() != main_pid:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {doc_id}\n")
            if doc_id == "city-zhengzhou-2025-00":
                time.sleep(3)

    monkeypatch.setattr(batch, "document_hook", slow_first)
    folder = _small_reports(tmp_path / "in", 10)
    files = _record_batches(monkeypatch, lambda b: b.column("id").to_pylist())
    result = run_batch([folder], tmp_path / "out", workers=2, progress=False, batch_size=4)
    assert (result.written, result.failed) == (10, 0)
    by_worker: dict[str, list[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, doc_id = line.split()
        by_worker.setdefault(pid, []).append(doc_id[-2:])
    assert sorted(by_worker.values()) == [["00"], ["01", "02", "03", "04", "05", "06", "07", "08", "09"]]
    names = [[[doc_id[-2:] for doc_id in b] for b in f] for f in files]
    assert sorted(names) == [[["00"]], [["01", "02", "03", "04"], ["05", "06", "07", "08"], ["09"]]]
    values = pq.read_table(tmp_path / "out" / "quantities.parquet").column("value").to_pylist()
    assert values == [float(i % 5 + 4) for i in range(10)]


def _record_batches(monkeypatch, what) -> list[list]:
    """Filled, when a batch merges its results, with `what(record batch)` for each record batch of each
    results file (a list a file)."""
    import pyarrow as pa

    from gwr.corpus import batch

    files: list[list] = []
    merge = batch._in_corpus_order

    def read(paths, ids, *args):
        for f in paths:
            with pa.OSFile(f) as fh:
                files.append([what(b) for b in pa.ipc.open_stream(fh)])
        return merge(paths, ids, *args)

    monkeypatch.setattr(batch, "_in_corpus_order", read)
    return files


def _small_reports(folder, n: int):
    """`n` one-target reports, `city-zhengzhou-2025-00.txt` …, the target of report i being i % 5 + 4 %."""
    folder.mkdir()
    for i in range(n):
        (folder / f"city-zhengzhou-2025-{i:02d}.txt").write_text(
            f"2025年政府工作报告\n一、主要目标\n地区生产总值增长{i % 5 + 4}%左右。\n", encoding="utf-8")
    return folder
