"""The Ray Data engine gives what the datasets engine gives: documents, tables, failures and counts."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from gwr.corpus.batch import run_batch
from gwr.cli.main import main
from gwr.corpus.tables import SCHEMAS
from tests.conftest import ROOT

ray = pytest.importorskip("ray")

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of 2 CPUs, started here: the engine joins it rather than starting its own."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    for name in ("zhengzhou-2025.txt", "county-hailar-2019.txt", "national-china-2024.txt"):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "empty-2025.txt").write_bytes(b"")
    (folder / "binary-2025.txt").write_bytes(bytes(range(256)) * 4)
    text = (CORPUS / "zhengzhou-2025.txt").read_text(encoding="utf-8")
    (folder / "city-zhengzhou-gbk-2025.txt").write_bytes(text.encode("gbk"))
    return folder


def _outputs(out):
    docs = {p.name: p.read_text(encoding="utf-8").replace(str(out), "OUT") for p in (out / "docs").iterdir()}
    tables = {name: pq.read_table(out / f"{name}.parquet") for name in SCHEMAS}
    failures = sorted((f["id"], f["error_type"]) for f in map(json.loads, (out / "failures.jsonl").read_text(
        encoding="utf-8").splitlines()))
    return docs, tables, failures


def test_ray_engine_gives_the_datasets_engines_outputs(local_ray, inputs, tmp_path):
    by_datasets, by_ray = tmp_path / "datasets", tmp_path / "ray"
    a = run_batch([inputs], by_datasets, workers=2, progress=False)
    b = run_batch([inputs], by_ray, workers=2, progress=False, engine="ray")
    assert (b.total, b.written, b.skipped, b.failed) == (a.total, a.written, a.skipped, a.failed) == (6, 4, 0, 2)
    docs_a, tables_a, failures_a = _outputs(by_datasets)
    docs_b, tables_b, failures_b = _outputs(by_ray)
    assert docs_b == docs_a
    assert failures_b == failures_a == [("binary-2025", "BinaryInputError"), ("empty-2025", "EmptyInputError")]
    for name in SCHEMAS:
        assert tables_b[name].equals(tables_a[name]), name
    assert ray.is_initialized()  # the engine joined the test's Ray and left it running


def test_ray_engine_resumes_from_the_cli(local_ray, inputs, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "-o", str(out), "-q", "--engine", "ray"]) == 5  # two inputs fail
    assert main(["extract", str(inputs), "-o", str(out), "-q", "--engine", "ray"]) == 5
    assert "6 documents in = 0 written + 4 unchanged (skipped) + 2 failed" in capsys.readouterr().out
    assert len(pq.read_table(out / "commitments.parquet")) > 0
