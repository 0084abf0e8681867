"""Tables of reports, one report a row: CSV, TSV, JSON Lines, JSON, Parquet, Excel, saved HF datasets.

    rows, what = read_rows(Path("reports.csv"), Columns(text="full_text"))

Research collections ship reports as tables (columns such as province, year, title,
full_text). Every row becomes its own document: its text, an id, and its place,
province, level and year read from columns found by name (`pipeline/data/report_columns.tsv`)
or named by the caller. A row that cannot be a document (no text, text over the size
limit, a JSON line that is not an object) keeps its place as a `TableRow` with an
`error`, so that every row is accounted for; a table that cannot be read at all (no
text column, undecodable) is one `TableInputError`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import regex

from gwr.schemas.vocabulary import YEAR, read_tsv

from .text import EmptyInputError, InputError, InputTooLargeError, TableInputError, decode

FIELDS = ("text", "id", "place", "province", "level", "year")
#: Excel keeps at most this many characters in a cell: a text of exactly this length was cut.
EXCEL_CELL_LIMIT = 32767
_YEAR = regex.compile(rf"(?<![0-9])({YEAR})(?![0-9])")
_TITLE_PLACE = regex.compile(r"(?:[0-9]{4}年)?(\p{Han}{1,12}?(?:省|自治区|市|区|县|州|旗|盟))(?:[0-9]{4}年)?(?:人民)?政府工作报告")


@dataclass(frozen=True)
class Columns:
    """Columns named by the caller (`--text-column` …); None: found by name."""

    text: str | None = None
    id: str | None = None
    place: str | None = None
    province: str | None = None
    level: str | None = None
    year: str | None = None


@dataclass
class TableRow:
    where: str  # "row 3" (the third row under the header), "train row 3", "sheet 表1 row 3"
    id: str
    text: str | None = None
    place: str | None = None
    province: str | None = None
    level: str | None = None
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    error_type: str | None = None
    error: str | None = None

    def sha256(self) -> str:
        """Of everything the document is made from, so that a changed row or changed metadata is redone."""
        data = json.dumps([self.text, self.place, self.province, self.level, self.year, self.id], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@functools.cache
def column_names() -> dict[str, tuple[str, ...]]:
    """Field -> the column names that stand for it (`report_columns.tsv`), normalised."""
    names: dict[str, list[str]] = {}
    for fld, name in read_tsv("report_columns.tsv", 2, package="gwr"):
        names.setdefault(fld, []).append(norm_column(name))
    return {k: tuple(v) for k, v in names.items()}


@functools.cache
def _levels() -> dict[str, str]:
    return {value.lower(): level for value, level in read_tsv("level_names.tsv", 2, package="gwr")}


def norm_column(name: str) -> str:
    """A column name as compared: case, surrounding spaces and `_`/`-`/space differences aside."""
    return regex.sub(r"[\s_\-]+", "_", str(name).strip().lower())


def is_hf_dataset(path: Path) -> bool:
    """A folder written by `Dataset.save_to_disk` or `DatasetDict.save_to_disk`."""
    return path.is_dir() and ((path / "dataset_dict.json").is_file()
                              or ((path / "dataset_info.json").is_file() and (path / "state.json").is_file()))


def read_rows(path: Path, columns: Columns = Columns(), max_bytes: int = 20 * 1024 * 1024,
              id_prefix: str | None = None) -> tuple[list[TableRow], str]:
    """The rows of a table of reports, and the table's format (`csv (utf-8)`, `parquet`, …)."""
    fmt, header, records = _records(path)
    found = _resolve(path, header, columns)
    prefix = id_prefix or path.stem
    rows = [_row(where, record, found, f"{prefix}-{where.replace(' row ', '-').replace('row ', '')}", max_bytes, fmt)
            for where, record in records]
    if not rows:
        raise EmptyInputError(f"{path}: a table of reports with no rows")
    return rows, fmt


def _resolve(path: Path, header: list[str], columns: Columns) -> dict[str, str]:
    """Field -> column of the table, for the fields it has."""
    by_norm: dict[str, str] = {}
    for name in header:
        by_norm.setdefault(norm_column(name), name)
    found = {}
    for fld in (*FIELDS, "title"):
        asked = getattr(columns, fld, None)
        if asked is not None:
            if asked not in header and norm_column(asked) not in by_norm:
                raise TableInputError(f"{path}: no column {asked!r} (--{fld}-column); the columns are "
                                      f"{', '.join(map(repr, header))}")
            found[fld] = asked if asked in header else by_norm[norm_column(asked)]
            continue
        for name in column_names().get(fld, ()):
            if name in by_norm:
                found[fld] = by_norm[name]
                break
    if "text" not in found:
        known = ", ".join(column_names()["text"][:6])
        raise TableInputError(f"{path}: no column of report texts (looked for {known}, …) among "
                              f"{', '.join(map(repr, header)) or 'no columns'}: name it with --text-column")
    return found


def _row(where: str, record: dict, found: dict[str, str], default_id: str, max_bytes: int, fmt: str) -> TableRow:
    row = TableRow(where=where, id=(_cell(record.get(found["id"])) if "id" in found else None) or default_id)
    if _ERROR in record:
        return _failed(row, record[_ERROR])
    text = record.get(found["text"])
    column = found["text"]
    if isinstance(text, bytes):
        try:
            text, _ = decode(text, f"{where}, column {column!r}", max_bytes)
        except InputError as exc:
            return _failed(row, exc)
    if text is None or (isinstance(text, float) and math.isnan(text)) or (isinstance(text, str) and not text.strip()):
        return _failed(row, EmptyInputError(f"{where}: no text in column {column!r}"))
    if not isinstance(text, str):
        return _failed(row, TableInputError(f"{where}: column {column!r} holds a {type(text).__name__}, not text"))
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        return _failed(row, InputTooLargeError(f"{where}: its text of {size:,} bytes is over the limit of "
                                               f"{max_bytes:,} bytes (raise it with --max-bytes)"))
    row.text = text
    if fmt.startswith("xlsx") and len(text) == EXCEL_CELL_LIMIT:
        row.notes.append(f"{where}: the text is {EXCEL_CELL_LIMIT:,} characters long, Excel's limit for a cell: "
                         "it is probably cut short")
    row.place = _cell(record.get(found["place"])) if "place" in found else None
    row.province = _cell(record.get(found["province"])) if "province" in found else None
    if "level" in found:
        row.level = _level(record.get(found["level"]), found["level"], row)
    if "year" in found:
        row.year = _year(record.get(found["year"]), found["year"], row)
    if not row.place and "title" in found:
        title = _cell(record.get(found["title"])) or ""
        m = _TITLE_PLACE.search(title.replace(" ", ""))
        if m:
            row.place = m.group(1)
            row.notes.append(f"place {row.place} read from the {found['title']!r} column")
    return row


def _failed(row: TableRow, exc: Exception) -> TableRow:
    row.error_type, row.error = type(exc).__name__, str(exc)
    return row


def _cell(value: Any) -> str | None:
    """A metadata cell as text: None for empty cells (and NaN), 3 for 3.0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _year(value: Any, column: str, row: TableRow) -> int | None:
    text = _cell(value)
    if text is None:
        return None
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    row.notes.append(f"{row.where}: {text!r} in column {column!r} is not a year: the year is read from the text")
    return None


def _level(value: Any, column: str, row: TableRow) -> str | None:
    text = _cell(value)
    if text is None:
        return None
    level = _levels().get(text.lower())
    if level is None:
        row.notes.append(f"{row.where}: {text!r} in column {column!r} is not a level "
                         "(national, province, city, county): the level is guessed")
    return level


# -- reading the formats ------------------------------------------------------------------------
Records = Iterator[tuple[str, dict]]


def _records(path: Path) -> tuple[str, list[str], Records]:
    """Format, header and (where, record) pairs of a table file."""
    if is_hf_dataset(path):
        return _hf_dataset(path)
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1") or suffix == ".parquet":
        return _parquet(path)
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return _excel(path)
    text, encoding = decode(path.read_bytes(), str(path), max_bytes=sys.maxsize)
    if suffix in (".jsonl", ".ndjson"):
        return (f"jsonl ({encoding})", *_json_lines(path, text))
    if suffix == ".json":
        return _json(path, text, encoding)
    delimiter = "\t" if suffix in (".tsv", ".tab") else ","
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if delimiter not in first:  # a .csv written with tabs or semicolons (as Excel does in some locales)
        delimiter = next((d for d in ("\t", ";", ",") if d in first), delimiter)
    return (f"{'tsv' if delimiter == chr(9) else 'csv'} ({encoding})", *_delimited(text, delimiter))


def _delimited(text: str, delimiter: str) -> tuple[list[str], Records]:
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # a report is far longer than csv's 128 KiB
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    header = next(reader, [])

    def records() -> Records:
        n = 0
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # a blank line is no row
            n += 1
            yield f"row {n}", dict(zip(header, cells))
    return header, records()


def _json_lines(path: Path, text: str) -> tuple[list[str], Records]:
    parsed: list[tuple[str, Any]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                parsed.append((f"row {len(parsed) + 1}", json.loads(line)))
            except ValueError as exc:
                parsed.append((f"row {len(parsed) + 1}", TableInputError(f"line {lineno}: not JSON ({exc})")))
    return _objects(parsed)


def _json(path: Path, text: str, encoding: str) -> tuple[str, list[str], Records]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        if "Extra data" in str(exc):  # JSON Lines in a .json file
            return (f"jsonl ({encoding})", *_json_lines(path, text))
        raise TableInputError(f"{path}: not JSON ({exc})") from None
    if isinstance(data, dict):  # {"data": [...]}, {"rows": [...]}: the one list of objects in it
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) != 1:
            raise TableInputError(f"{path}: a JSON object, not a list of reports (one object a report)")
        data = lists[0]
    if not isinstance(data, list):
        raise TableInputError(f"{path}: JSON that is not a list of reports (one object a report)")
    return (f"json ({encoding})", *_objects([(f"row {i}", x) for i, x in enumerate(data, 1)]))


def _objects(parsed: list[tuple[str, Any]]) -> tuple[list[str], Records]:
    header: dict[str, None] = {}
    for _, x in parsed:
        if isinstance(x, dict):
            header.update(dict.fromkeys(map(str, x)))

    def records() -> Records:
        for where, x in parsed:
            if isinstance(x, dict):
                yield where, {str(k): v for k, v in x.items()}
            else:
                error = x if isinstance(x, TableInputError) else TableInputError(
                    f"a JSON {type(x).__name__}, not an object with named fields")
                yield where, {_ERROR: error}
    return list(header), records()


#: Key of a record that could not be read (a bad JSON line): its row fails with this error.
_ERROR = "\x00error"


def _parquet(path: Path) -> tuple[str, list[str], Records]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise TableInputError(f"{path}: not a readable Parquet file ({exc})") from None
    header = table.schema_arrow.names

    def records() -> Records:
        n = 0
        for batch in table.iter_batches(batch_size=256):
            for record in batch.to_pylist():
                n += 1
                yield f"row {n}", record
    return "parquet", header, records()


def _excel(path: Path) -> tuple[str, list[str], Records]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableInputError(f"{path}: not a readable Excel workbook ({exc})") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = []
    for cells in rows:
        if any(c is not None and str(c).strip() for c in cells):
            header = [str(c).strip() if c is not None else "" for c in cells]
            break

    def records() -> Records:
        n = 0
        try:
            for cells in rows:
                if not any(c is not None and str(c).strip() for c in cells):
                    continue
                n += 1
                yield f"row {n}", dict(zip(header, cells))
        finally:
            book.close()
    return f"xlsx (sheet {sheet.title!r})", header, records()


def _hf_dataset(path: Path) -> tuple[str, list[str], Records]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError, OSError) as exc:
        raise TableInputError(f"{path}: not a readable saved Hugging Face dataset ({exc})") from None
    splits = dict(loaded) if isinstance(loaded, datasets.DatasetDict) else {None: loaded}
    header = list(dict.fromkeys(c for ds in splits.values() for c in ds.column_names))

    def records() -> Records:
        for split, ds in splits.items():
            for n, record in enumerate(ds, 1):
                yield (f"{split} row {n}" if split else f"row {n}"), record
    return "Hugging Face dataset", header, records()
