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
