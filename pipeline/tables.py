"""Flat tables of a batch run: one row per commitment, one row per quantity, typed.

Documents are read one at a time and the tables written in row groups, so
memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

_REPORT = [("report_id", pa.string()), ("place", pa.string()), ("level", pa.string()), ("province", pa.string()),
           ("year", pa.int32())]
_CONTEXT = [("section_id", pa.string()), ("section_path", pa.string()), ("section_role", pa.string()),
            ("commitment_id", pa.string()), ("indicator", pa.string()), ("action", pa.string()),
            ("object", pa.string()), ("strength", pa.string()), ("deadline_date", pa.date32()),
            ("deadline_precision", pa.string()), ("text", pa.string()), ("start", pa.int32()), ("end", pa.int32())]
COMMITMENTS = pa.schema(_REPORT + _CONTEXT + [("n_quantities", pa.int32())])
QUANTITIES = pa.schema(_REPORT + _CONTEXT + [
    ("value", pa.float64()), ("value_max", pa.float64()), ("unit", pa.string()), ("base_value", pa.float64()),
    ("base_value_max", pa.float64()), ("base_unit", pa.string()), ("comparator", pa.string()),
    ("kind", pa.string()), ("role", pa.string()), ("quantity_text", pa.string()),
    ("quantity_start", pa.int32()), ("quantity_end", pa.int32())])
ROW_GROUP = 5000


def section_paths(sections: list[dict]) -> dict[str, tuple[str, str]]:
    """Section id -> (path of titles from the top, role)."""
    by_id = {s["id"]: s for s in sections}
    out = {}
    for s in sections:
        titles, cur, guard = [], s, 0
        while cur is not None and guard < 50:
            titles.append(cur["title"])
            cur = by_id.get(cur["parent"]) if cur["parent"] else None
            guard += 1
        out[s["id"]] = (" > ".join(reversed(titles)), s["role"])
    return out


def flatten(doc: dict) -> tuple[list[dict], list[dict]]:
    """Commitment rows and quantity rows of one document (as written by gwr: JSON, already validated)."""
    r = doc["report"]
    report = {"report_id": r["id"], "place": r["place"], "level": r["level"], "province": r.get("province"),
              "year": r["year"]}
    paths = section_paths(doc["sections"])
    commitments, quantities = [], []
    for c in doc["commitments"]:
        path, role = paths.get(c["section"], ("", None)) if c["section"] else ("", None)
        deadline = c.get("deadline") or {}
        context = {**report, "section_id": c["section"], "section_path": path, "section_role": role,
                   "commitment_id": c["id"], "indicator": c["indicator"], "action": c["action"],
                   "object": c["object"], "strength": c["strength"],
                   "deadline_date": dt.date.fromisoformat(deadline["date"]) if deadline else None,
                   "deadline_precision": deadline.get("precision"),
                   "text": c["text"], "start": c["span"][0], "end": c["span"][1]}
        commitments.append({**context, "n_quantities": len(c["quantities"])})
        for q in c["quantities"]:
            quantities.append({**context, "value": q["value"], "value_max": q["value_max"], "unit": q["unit"],
                               "base_value": q["base_value"], "base_value_max": q["base_value_max"],
                               "base_unit": q["base_unit"], "comparator": q["comparator"], "kind": q["kind"],
                               "role": q["role"], "quantity_text": q["text"], "quantity_start": q["span"][0],
                               "quantity_end": q["span"][1]})
    return commitments, quantities


def read_docs(paths: Iterable[Path]) -> Iterator[dict]:
    for path in paths:
        if path.is_file():
            yield json.loads(path.read_text(encoding="utf-8"))


class _TableWriter:
    def __init__(self, outdir: Path, name: str, schema: pa.Schema, csv: bool):
        self.schema, self.rows = schema, []
        self.parquet = pq.ParquetWriter(outdir / f"{name}.parquet", schema)
        self.csv = pa_csv.CSVWriter(outdir / f"{name}.csv", schema) if csv else None

    def add(self, rows: list[dict]) -> None:
        self.rows += rows
        if len(self.rows) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        self.parquet.write_table(table)
        if self.csv:
            self.csv.write_table(table)
        self.rows = []

    def close(self) -> None:
        self.flush()
        self.parquet.close()
        if self.csv:
            self.csv.close()


def write_tables(outdir: Path, doc_paths: Iterable[Path], csv: bool = False, save_dataset: bool = False) -> None:
    """commitments.parquet and quantities.parquet (and .csv) from the documents, plus a dataset card."""
    writers = (_TableWriter(outdir, "commitments", COMMITMENTS, csv),
               _TableWriter(outdir, "quantities", QUANTITIES, csv))
    try:
        for doc in read_docs(doc_paths):
            commitments, quantities = flatten(doc)
            writers[0].add(commitments)
            writers[1].add(quantities)
    finally:
        for w in writers:
            w.close()
    (outdir / "README.md").write_text(dataset_card(), encoding="utf-8")
    if save_dataset:
        import datasets

        datasets.DatasetDict({
            name: datasets.Dataset.from_parquet(str(outdir / f"{name}.parquet"))
            for name in ("commitments", "quantities")}).save_to_disk(str(outdir / "hf_dataset"))


def dataset_card() -> str:
    def columns(schema: pa.Schema) -> str:
        return "\n".join(f"| `{f.name}` | {f.type} |" for f in schema)

    return f"""---
configs:
- config_name: commitments
  data_files: commitments.parquet
- config_name: quantities
  data_files: quantities.parquet
---
# gwr extraction output

Commitments and quantities extracted by `gwr extract` from government work reports
(政府工作报告), one row per commitment and one per quantity, with the report's metadata.
Every row carries the character offsets of its clause (`start`, `end`) and quantity
(`quantity_start`, `quantity_end`) in the report text, so each value can be checked
against its source; the full documents are in `docs/<id>.json`, failures in
`failures.jsonl`.

    import datasets
    ds = datasets.load_dataset("parquet", data_files={{"train": "quantities.parquet"}})

## commitments.parquet

| column | type |
|---|---|
{columns(COMMITMENTS)}

## quantities.parquet

| column | type |
|---|---|
{columns(QUANTITIES)}
"""
