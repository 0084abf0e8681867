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

from pipeline.batch import run_batch
from pipeline.cli import main
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
