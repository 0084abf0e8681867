"""Flat tables of a batch run: one row per commitment, per quantity, per outcome quantity, typed.

A batch's workers flatten their own documents and hand the rows back in
Arrow (`ROWS`); documents left unchanged by a resumed run are read back one
at a time. The tables are written in row groups, so memory does not grow
with the size of the corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from gwr.schemas import Commitment, Outcome, Quantity, Report, Section

from .files import remove_file, temporary_file, write_atomic

#: Every column: (name, arrow type, where its meaning is declared). A column that is a model's field takes
#: that field's description (schemas/document.py), so the data dictionary never drifts from the schema.
_Column = tuple[str, pa.DataType, object]


def _field(model, name: str) -> str:
    return model.model_fields[name].description or ""


_REPORT: list[_Column] = [
    ("report_id", pa.string(), _field(Report, "id")), ("place", pa.string(), _field(Report, "place")),
    ("level", pa.string(), _field(Report, "level")), ("province", pa.string(), _field(Report, "province")),
    ("year", pa.int32(), _field(Report, "year"))]
_SECTION: list[_Column] = [
    ("section_id", pa.string(), "Id of the section the item stands in (null: the preamble)."),
    ("section_path", pa.string(), "Titles of the sections from the top part down, joined by ' > '."),
    ("section_role", pa.string(), _field(Section, "role"))]
_PERIOD: list[_Column] = [
    ("period_start", pa.int32(), "First year of `period`: " + _field(Commitment, "period")),
    ("period_end", pa.int32(), "Last year of `period` (equal to period_start for one year).")]
_CONTEXT: list[_Column] = _SECTION + [
    ("commitment_id", pa.string(), _field(Commitment, "id")),
    ("indicator", pa.string(), _field(Commitment, "indicator")), ("action", pa.string(), _field(Commitment, "action")),
    ("object", pa.string(), _field(Commitment, "object")), ("strength", pa.string(), _field(Commitment, "strength")),
    *_PERIOD,
    ("deadline_date", pa.date32(), "Last day of the deadline's named period (6月底前 -> YYYY-06-30), or null."),
    ("deadline_precision", pa.string(), "day | month | quarter | half | year."),
    ("text", pa.string(), _field(Commitment, "text")),
    ("start", pa.int32(), "Start offset of the clause in the report text (code points)."),
    ("end", pa.int32(), "End offset (exclusive) of the clause in the report text.")]
_QUANTITY: list[_Column] = [
    (name, pa.float64() if name in ("value", "value_max", "base_value", "base_value_max") else
     pa.bool_() if name in ("per_year", "decrease") else pa.string(), _field(Quantity, name))
    for name in ("value", "value_max", "unit", "base_value", "base_value_max", "base_unit", "comparator", "kind",
                 "role", "per_year", "decrease")] + [
    ("quantity_text", pa.string(), _field(Quantity, "text")),
    ("quantity_start", pa.int32(), "Start offset of the quantity in the report text."),
    ("quantity_end", pa.int32(), "End offset (exclusive) of the quantity in the report text.")]
_OUTCOME: list[_Column] = _SECTION + [
    ("outcome_id", pa.string(), _field(Outcome, "id")), ("indicator", pa.string(), _field(Outcome, "indicator")),
    ("period_start", pa.int32(), "First year of `period`: " + _field(Outcome, "period")),
    ("period_end", pa.int32(), "Last year of `period`."),
    ("text", pa.string(), _field(Outcome, "text")),
    ("start", pa.int32(), "Start offset of the clause in the report text (code points)."),
    ("end", pa.int32(), "End offset (exclusive) of the clause in the report text.")]
_N_QUANTITIES: _Column = ("n_quantities", pa.int32(), "Number of quantities of the commitment.")

COLUMNS: dict[str, list[_Column]] = {
    "commitments": _REPORT + _CONTEXT + [_N_QUANTITIES],
    "quantities": _REPORT + _CONTEXT + _QUANTITY,
    "outcomes": _REPORT + _OUTCOME + _QUANTITY,
}
SCHEMAS = {name: pa.schema([(n, t) for n, t, _ in cols]) for name, cols in COLUMNS.items()}
COMMITMENTS, QUANTITIES, OUTCOMES = SCHEMAS["commitments"], SCHEMAS["quantities"], SCHEMAS["outcomes"]
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


def _period(item: dict) -> dict:
    period = item.get("period")
    return {"period_start": period[0] if period else None, "period_end": period[1] if period else None}


def _quantity(q: dict) -> dict:
    return {"value": q["value"], "value_max": q["value_max"], "unit": q["unit"], "base_value": q["base_value"],
            "base_value_max": q["base_value_max"], "base_unit": q["base_unit"], "comparator": q["comparator"],
            "kind": q["kind"], "role": q["role"], "per_year": q.get("per_year"), "decrease": q.get("decrease"),
            "quantity_text": q["text"], "quantity_start": q["span"][0], "quantity_end": q["span"][1]}


def flatten(doc: dict) -> tuple[list[dict], list[dict]]:
    """Commitment rows and quantity rows of one document (as written by gwr: JSON, already validated)."""
    tables = flatten_all(doc)
    return tables["commitments"], tables["quantities"]


def flatten_all(doc: dict) -> dict[str, list[dict]]:
    """The rows of every table (commitments, quantities, outcomes) of one document."""
    r = doc["report"]
    report = {"report_id": r["id"], "place": r["place"], "level": r["level"], "province": r.get("province"),
              "year": r["year"]}
    paths = section_paths(doc["sections"])
    commitments, quantities, outcomes = [], [], []

    def where(item: dict) -> dict:
        path, role = paths.get(item["section"], ("", None)) if item["section"] else ("", None)
        return {"section_id": item["section"], "section_path": path, "section_role": role}

    for c in doc["commitments"]:
        deadline = c.get("deadline") or {}
        context = {**report, **where(c),
                   "commitment_id": c["id"], "indicator": c["indicator"], "action": c["action"],
                   "object": c["object"], "strength": c["strength"], **_period(c),
                   "deadline_date": dt.date.fromisoformat(deadline["date"]) if deadline else None,
                   "deadline_precision": deadline.get("precision"),
                   "text": c["text"], "start": c["span"][0], "end": c["span"][1]}
        commitments.append({**context, "n_quantities": len(c["quantities"])})
        quantities.extend({**context, **_quantity(q)} for q in c["quantities"])
    for o in doc.get("outcomes") or []:
        context = {**report, **where(o), "outcome_id": o["id"], "indicator": o["indicator"], **_period(o),
                   "text": o["text"], "start": o["span"][0], "end": o["span"][1]}
        outcomes.extend({**context, **_quantity(q)} for q in o["quantities"])
    return {"commitments": commitments, "quantities": quantities, "outcomes": outcomes}


def read_docs(paths: Iterable[Path]) -> Iterator[dict]:
    for path in paths:
        if path.is_file():
            yield json.loads(path.read_text(encoding="utf-8"))


#: What a batch worker hands back with each document: its rows of every table (so the main process
#: writes the tables without reading the documents again).
ROWS = pa.schema([(name, pa.list_(pa.struct(list(schema)))) for name, schema in SCHEMAS.items()])


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_START) + "]"


def csv_safe(value):
    """One cell by the same convention as `csv_safe_table` (for CSV written row by row)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_safe_table(table: pa.Table) -> pa.Table:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
    apostrophe in the CSV (the OWASP convention); the parquet keeps the text as it is."""
    columns = []
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, _FORMULA), False)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


class _TableWriter:
    """One table (parquet, and csv when asked) written into temporary files beside its own, which
    `commit` renames into place: an earlier run's table stays whole until the new one is."""

    def __init__(self, outdir: Path, name: str, schema: pa.Schema, csv: bool):
        self.schema, self.rows, self.written = schema, [], False
        self.arrow: list[pa.Array] = []
        self.arrow_rows = 0
        self.targets = [outdir / f"{name}.parquet"] + ([outdir / f"{name}.csv"] if csv else [])
        self.temps: list[str] = []
        self.parquet = self.csv = None
        try:
            self.temps = [temporary_file(t) for t in self.targets]
            self.parquet = pq.ParquetWriter(self.temps[0], schema)
            self.csv = pa_csv.CSVWriter(self.temps[1], schema) if csv else None
        except BaseException:
            self.abort()
            raise

    def add(self, rows: list[dict]) -> None:
        self._flush_arrow()
        self.rows += rows
        if len(self.rows) >= ROW_GROUP:
            self.flush()

    def add_arrow(self, rows: pa.Array | pa.ChunkedArray) -> None:
        """Rows already in Arrow (a list column of ROWS), gathered into row groups of ROW_GROUP rows."""
        self._flush_rows()
        flat = pc.list_flatten(rows)
        chunks = [c for c in (flat.chunks if isinstance(flat, pa.ChunkedArray) else [flat]) if len(c)]
        if chunks:  # a copy: a slice would keep the whole batch it came from alive while it waits
            self.arrow.append(pa.concat_arrays(chunks) if len(chunks) > 1 else pa.concat_arrays([chunks[0], chunks[0][:0]]))
            self.arrow_rows += len(self.arrow[-1])
        if self.arrow_rows >= ROW_GROUP:
            self._flush_arrow()

    def flush(self) -> None:
        self._flush_rows()
        self._flush_arrow()

    def _flush_rows(self) -> None:
        if self.rows:
            self._write(pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def _flush_arrow(self) -> None:
        if self.arrow:
            rows = pa.concat_arrays(self.arrow)
            for lo in range(0, len(rows), ROW_GROUP):
                self._write(pa.Table.from_struct_array(rows.slice(lo, ROW_GROUP)).cast(self.schema))
        self.arrow, self.arrow_rows = [], 0

    def _write(self, table: pa.Table) -> None:
        self.written = True
        self.parquet.write_table(table)
        if self.csv:
            self.csv.write_table(csv_safe_table(table))

    def close(self) -> None:
        self.flush()
        if not self.written:  # an empty table still has its columns (and a csv header)
            self._write(pa.Table.from_pylist([], schema=self.schema))
        self.parquet.close()
        if self.csv:
            self.csv.close()

    def commit(self) -> None:
        for tmp, target in zip(self.temps, self.targets):
            os.replace(tmp, target)
        self.temps = []

    def abort(self) -> None:
        """Close quietly and remove the temporary files: the tables in place stay as they were."""
        for writer in (self.parquet, self.csv):
            try:
                if writer is not None:
                    writer.close()
            except Exception:
                pass
        for tmp in self.temps:
            remove_file(tmp)
        self.temps = []


class TableSink:
    """The batch's tables (commitments, quantities, outcomes: parquet, and csv when asked), written as
    rows arrive: from the workers (`add_rows`, `add_arrow`) or from documents on disk (`add_docs`).

    All are written into temporary files and renamed into place when every one is complete
    (leaving the `with` block without an exception): a failure (a full disk, an interrupted
    run) leaves the tables of an earlier run as they were, and no temporary file."""

    def __init__(self, outdir: Path, csv: bool = False):
        self.outdir = Path(outdir)
        self.writers: dict[str, _TableWriter] = {}
        try:
            for name, schema in SCHEMAS.items():
                self.writers[name] = _TableWriter(self.outdir, name, schema, csv)
        except BaseException:
            self.abort()
            raise

    def add_rows(self, rows: dict[str, list[dict]]) -> None:
        for name, table_rows in rows.items():
            self.writers[name].add(table_rows)

    def add_arrow(self, table: pa.Table) -> None:
        """Rows of several documents, as the list columns of ROWS."""
        for name, writer in self.writers.items():
            writer.add_arrow(table.column(name))

    def add_docs(self, doc_paths: Iterable[Path]) -> None:
        for doc in read_docs(doc_paths):
            self.add_rows(flatten_all(doc))

    def close(self) -> None:
        """Complete every table, then put them in place."""
        try:
            for w in self.writers.values():
                w.close()
        except BaseException:
            self.abort()
            raise
        for w in self.writers.values():
            w.commit()

    def abort(self) -> None:
        for w in self.writers.values():
            w.abort()

    def __enter__(self) -> "TableSink":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


#: The first line of the dataset card: a README.md that starts otherwise was not written by gwr.
CARD_START = "---\nconfigs:\n"


def finish_tables(outdir: Path, save_dataset: bool = False) -> None:
    """The dataset card beside the tables, and the tables as a saved Hugging Face dataset when asked
    (saved beside, then put in place of the earlier one)."""
    write_atomic(outdir / "README.md", dataset_card(), "the dataset card")
    if save_dataset:
        import datasets

        final = outdir / "hf_dataset"
        tmp, old = Path(tempfile.mkdtemp(dir=outdir, prefix=".hf_dataset.", suffix=".tmp")), None
        try:
            datasets.DatasetDict({
                name: _dataset(outdir / f"{name}.parquet")
                for name in SCHEMAS}).save_to_disk(str(tmp))
            if final.exists():
                old = final.with_name(f"{tmp.name}.old")
                os.replace(final, old)
            try:
                os.replace(tmp, final)
            except OSError:
                if old is not None:  # the earlier one back in its place
                    os.replace(old, final)
                    old = None
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)


def _dataset(path: Path):
    """A table as a Dataset: memory-mapped through datasets' cache, or in memory when it has no rows
    (`Dataset.from_parquet` refuses an empty file: "BatchSize must be greater than 0")."""
    import datasets
    import pyarrow.parquet as pq
    from datasets.table import InMemoryTable

    if pq.read_metadata(path).num_rows == 0:
        return datasets.Dataset(InMemoryTable(pq.read_table(path)))
    return datasets.Dataset.from_parquet(str(path))

def write_tables(outdir: Path, doc_paths: Iterable[Path], csv: bool = False, save_dataset: bool = False) -> None:
    """The tables (and .csv) from documents on disk, plus a dataset card."""
    with TableSink(outdir, csv) as sink:
        sink.add_docs(doc_paths)
    finish_tables(outdir, save_dataset)


def data_dictionary(name: str) -> str:
    """The markdown table of one table's columns: name, type, meaning."""
    rows = "\n".join(f"| `{n}` | {t} | {d.replace('|', '/')} |" for n, t, d in COLUMNS[name])
    return f"| column | type | meaning |\n|---|---|---|\n{rows}"


def dataset_card() -> str:
    configs = "\n".join(f"- config_name: {name}\n  data_files: {name}.parquet" for name in SCHEMAS)
    sections = "\n\n".join(f"## {name}.parquet\n\n{data_dictionary(name)}" for name in SCHEMAS)
    return f"""---
configs:
{configs}
---
# gwr extraction output

Commitments, their quantities, and outcomes (past results of indicators) extracted by `gwr extract`
from government work reports (政府工作报告), one row per commitment, per quantity of a commitment,
and per quantity of an outcome, with the report's metadata. Every row carries the character offsets
of its clause (`start`, `end`) and quantity (`quantity_start`, `quantity_end`) in the report text,
so each value can be checked against its source; the full documents are in `docs/<id>.json`,
failures in `failures.jsonl`.

    import datasets
    ds = datasets.load_dataset("parquet", data_files={{"train": "quantities.parquet"}})

{sections}

## The research panel (`gwr panel OUTDIR -o panel.parquet`)

One row per target quantity of a commitment with an indicator and per quantity of an outcome, built
from the tables above; also written as CSV or Stata `.dta` (with these descriptions as variable labels).

{_panel_dictionary()}
"""


def _panel_dictionary() -> str:
    from .panel import COLUMNS as PANEL_COLUMNS

    rows = "\n".join(f"| `{n}` | {t} | {d.replace('|', '/')} |" for n, t, d in PANEL_COLUMNS)
    return f"| column | type | meaning |\n|---|---|---|\n{rows}"
