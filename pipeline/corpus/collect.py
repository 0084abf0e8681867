"""What a batch reads: every file of the folders, patterns and files it is given, each accounted for.

    corpus, inventory = collect(["corpus/documents/", "reports.csv"])

Every file under a folder is an input, whatever its type: it is read (a report, or a table
of reports whose every row is an input), or it fails with its reason (unsupported type,
empty, a scan, undecodable), recorded in the batch's failures. Only these are set aside,
and counted as such in the batch's summary: hidden files and folders (`.git`, `.DS_Store`),
Word's lock files (`~$…`), README/LICENSE files, `metadata.tsv` (read for the facts of the
files beside it), file indexes (a TSV or CSV with a `file` column and no column of report
texts, such as corpus/SOURCES.tsv) and the batch's own output folder. A file named on the
command line is never set aside.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import datasets
import regex

from gwr.schemas import GwrError

from .metadata import meta_for, read_metadata
from gwr.inputs.text import DEFAULT_MAX_BYTES, InputError
from gwr.inputs.readers import kind_of
from gwr.inputs.rows import Columns, column_names, norm_column, is_hf_dataset, read_rows

_SAFE_ID = regex.compile(r"[^\w.\-]+")
_DOC_FILE = regex.compile(r"^(?:readme|license|licence|copying|notice|changelog|changes|authors)(?:[._\-].*)?$",
                          regex.IGNORECASE)
COLUMNS = ("path", "id", "place", "level", "province", "year", "source", "guessed",
           "text", "encoding", "input_sha256", "notes", "error_type", "error")
FEATURES = datasets.Features({
    "path": datasets.Value("string"), "id": datasets.Value("string"), "place": datasets.Value("string"),
    "level": datasets.Value("string"), "province": datasets.Value("string"), "year": datasets.Value("int32"),
    "source": datasets.Value("string"), "guessed": datasets.Value("bool"),
    # a row of a table carries its text (None for a file, read by the worker)
    "text": datasets.Value("string"), "encoding": datasets.Value("string"),
    "input_sha256": datasets.Value("string"), "notes": datasets.Sequence(datasets.Value("string")),
    # an input that failed before extraction (unsupported type, unreadable table, empty row)
    "error_type": datasets.Value("string"), "error": datasets.Value("string"),
})


@dataclass
class Inventory:
    """What the inputs held: files read, tables among them and their rows, files set aside."""

    files: int = 0
    tables: int = 0
    rows: int = 0
    set_aside: list[str] = field(default_factory=list)

    def summary(self) -> str:
        tables = f" ({self.tables} table{'s' if self.tables != 1 else ''} of {self.rows} rows)" if self.tables else ""
        aside = ""
        if self.set_aside:
            names = ", ".join(self.set_aside[:4]) + (", …" if len(self.set_aside) > 4 else "")
            aside = f", {len(self.set_aside)} set aside ({names})"
        return f"{self.files} file{'s' if self.files != 1 else ''} read{tables}{aside}"


def list_files(inputs: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> tuple[list[Path], list[Path]]:
    """Input files (and saved datasets) named by paths, folders or glob patterns, in a stable
    order; and the files of those folders that were set aside."""
    excluded = [Path(e).resolve() for e in exclude]
    files: list[Path] = []
    aside: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir() and not is_hf_dataset(p):
            _walk(p, files, aside, excluded)
        elif p.exists():
            files.append(p)
        else:
            matches = sorted(Path().glob(str(item))) if not p.is_absolute() else sorted(p.parent.glob(p.name))
            if not matches:
                raise GwrError(f"{item}: no such file, folder or pattern")
            files += [f for f in matches if f.is_file() or is_hf_dataset(f)]
    return files, aside


def _walk(folder: Path, files: list[Path], aside: list[Path], excluded: list[Path]) -> None:
    for entry in sorted(folder.iterdir()):
        if entry.resolve() in excluded:
            aside.append(entry)
        elif entry.name.startswith((".", "~$")):
            aside.append(entry)
        elif entry.is_dir():
            if is_hf_dataset(entry):
                files.append(entry)
            else:
                _walk(entry, files, aside, excluded)
        elif _DOC_FILE.match(entry.name) or entry.name == "metadata.tsv" or _is_file_index(entry):
            aside.append(entry)
        else:
            files.append(entry)  # whatever it is: read, or a failure that says why


def _is_file_index(path: Path) -> bool:
    """A TSV or CSV that lists files (a `file` column) and holds no report texts."""
    if path.suffix.lower() not in (".tsv", ".csv"):
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    names = {norm_column(c) for c in first.replace("\r", "").split("\t" if path.suffix.lower() == ".tsv" else ",")}
    return "file" in names and not names & set(column_names()["text"])


def collect(inputs: Iterable[str | Path], metadata: str | Path | None = None, columns: Columns = Columns(),
            max_bytes: int = DEFAULT_MAX_BYTES, exclude: Iterable[str | Path] = ()) -> tuple[datasets.Dataset,
                                                                                           Inventory]:
    """A Dataset with one row per input document (a report file, or a row of a table), and an inventory."""
    files, aside = list_files(inputs, exclude)
    table = read_metadata(Path(metadata)) if metadata else None
    inventory = Inventory(files=len(files), set_aside=[str(p) for p in aside])
    rows: dict[str, list[Any]] = {k: [] for k in COLUMNS}
    seen: dict[str, int] = {}

    def add(**values) -> None:
        values["id"] = _unique(_SAFE_ID.sub("_", values["id"]), seen)
        for key in COLUMNS:
            rows[key].append(values.get(key, [] if key == "notes" else None))

    for f in files:
        try:
            kind = "table" if is_hf_dataset(f) else kind_of(f, _head(f))
        except (InputError, OSError) as exc:
            add(path=str(f), id=f.stem, source=str(f), guessed=False, error_type=type(exc).__name__,
                error=str(exc) if isinstance(exc, InputError) else f"{f}: cannot read: {exc.strerror}")
            continue
        if kind != "table":
            meta = table.get(f.name) if table is not None and f.name in table else meta_for(f)
            add(path=str(f), id=meta.id, place=meta.place, level=meta.level, province=meta.province,
                year=meta.year, source=str(f), guessed=meta.guessed)
            continue
        inventory.tables += 1
        try:
            table_rows, fmt = read_rows(f, columns, max_bytes)
        except (InputError, OSError) as exc:
            add(path=str(f), id=f.stem, source=str(f), guessed=False, error_type=type(exc).__name__,
                error=str(exc) if isinstance(exc, InputError) else f"{f}: cannot read: {exc}")
            continue
        inventory.rows += len(table_rows)
        for r in table_rows:
            add(path=str(f), id=r.id, place=r.place, level=r.level, province=r.province, year=r.year,
                source=f"{f} {r.where}", guessed=False, text=r.text, encoding=f"{r.where} of {f.name}, {fmt}",
                input_sha256=r.sha256(), notes=r.notes, error_type=r.error_type, error=r.error)
    return datasets.Dataset.from_dict(rows, features=FEATURES), inventory


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8192)


def _unique(doc_id: str, seen: dict[str, int]) -> str:
    n = seen.get(doc_id, 0)
    seen[doc_id] = n + 1
    return doc_id if n == 0 else f"{doc_id}-{n + 1}"


def file_sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
