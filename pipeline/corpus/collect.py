"""What a batch reads: every file of the folders, patterns and files it is given, each accounted for.

    corpus, inventory = collect(["corpus/documents/", "reports.csv"])

Every file under a folder is an input, whatever its type: it is read (a report, or a table
of reports whose every row is an input), or it fails with its reason (unsupported type,
empty, a scan, undecodable), recorded in the batch's failures. Only these are set aside,
and counted as such in the batch's summary: hidden files and folders (`.git`, `.DS_Store`),
Word's lock files (`~$…`), README/LICENSE files, `metadata.tsv` (read for the facts of the
files beside it), file indexes (a TSV or CSV with a `file` column and no column of report
texts, such as corpus/SOURCES.tsv) and the batch's own output folder. A file named on the
command line is never set aside, unless it lies in the output folder; a file named twice is
one input.

Every input gets an id unique by construction (`unique_ids`): its file stem or metadata id,
with a suffix from its path when another input would share it, shortened when too long
for a file name.
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
    order; and the files that were set aside."""
    found, aside = _list(inputs, exclude)
    return [f for f, _ in found], aside


def _list(inputs: Iterable[str | Path], exclude: Iterable[str | Path] = ()
          ) -> tuple[list[tuple[Path, str]], list[Path]]:
    """(file, key) of every input, each file once, and the files set aside. The key names the file the
    same way wherever the command runs: its path from its folder as given (`in/sub1/a.txt` for
    `in/` or `/data/in`), or the path given for a named file. Anything under an excluded folder
    (the batch's own output) is set aside, also when named or matched by a pattern."""
    excluded = [Path(e).resolve() for e in exclude]
    found: list[tuple[Path, str]] = []
    aside: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir() and not is_hf_dataset(p):
            if _inside(p, excluded):
                aside.append(p)
            else:
                _walk(p, p.resolve().name or str(p), found, aside, excluded)
            continue
        if p.exists():
            matches = [p]
        else:
            matches = sorted(Path().glob(str(item))) if not p.is_absolute() else sorted(p.parent.glob(p.name))
            if not matches:
                raise GwrError(f"{item}: no such file, folder or pattern")
            matches = [f for f in matches if f.is_file() or is_hf_dataset(f)]
        for f in matches:
            (aside.append(f) if _inside(f, excluded) else found.append((f, f.as_posix())))
    seen: set[Path] = set()
    unique = []
    for f, key in found:  # a file named twice (or named and inside a folder given) is one input
        real = f.resolve()
        if real not in seen:
            seen.add(real)
            unique.append((f, key))
    return unique, aside


def _inside(path: Path, excluded: list[Path]) -> bool:
    real = path.resolve()
    return any(real == e or e in real.parents for e in excluded)


def _walk(folder: Path, key: str, found: list[tuple[Path, str]], aside: list[Path], excluded: list[Path]) -> None:
    for entry in sorted(folder.iterdir()):
        name = f"{key}/{entry.name}"
        if entry.resolve() in excluded:
            aside.append(entry)
        elif entry.name.startswith((".", "~$")):
            aside.append(entry)
        elif entry.is_dir():
            if is_hf_dataset(entry):
                found.append((entry, name))
            else:
                _walk(entry, name, found, aside, excluded)
        elif _DOC_FILE.match(entry.name) or entry.name == "metadata.tsv" or _is_file_index(entry):
            aside.append(entry)
        else:
            found.append((entry, name))  # whatever it is: read, or a failure that says why


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
    """A Dataset with one row per input document (a report file, or a row of a table), and an inventory.

    Ids are unique (see `unique_ids`)."""
    found, aside = _list(inputs, exclude)
    table = read_metadata(Path(metadata)) if metadata else None
    inventory = Inventory(files=len(found), set_aside=[str(p) for p in aside])
    rows: dict[str, list[Any]] = {k: [] for k in COLUMNS}
    keys: list[str] = []

    def add(key: str, **values) -> None:
        keys.append(key)
        for k in COLUMNS:
            rows[k].append(values.get(k, [] if k == "notes" else None))

    for f, key in found:
        try:
            kind = "table" if is_hf_dataset(f) else kind_of(f, _head(f))
        except (InputError, OSError) as exc:
            add(key, path=str(f), id=f.stem, source=str(f), guessed=False, error_type=type(exc).__name__,
                error=str(exc) if isinstance(exc, InputError) else f"{f}: cannot read: {exc.strerror}")
            continue
        if kind != "table":
            meta = table.get(f.name) if table is not None and f.name in table else meta_for(f)
            add(key, path=str(f), id=meta.id, place=meta.place, level=meta.level, province=meta.province,
                year=meta.year, source=str(f), guessed=meta.guessed)
            continue
        inventory.tables += 1
        try:
            table_rows, fmt = read_rows(f, columns, max_bytes)
        except (InputError, OSError) as exc:
            add(key, path=str(f), id=f.stem, source=str(f), guessed=False, error_type=type(exc).__name__,
                error=str(exc) if isinstance(exc, InputError) else f"{f}: cannot read: {exc}")
            continue
        inventory.rows += len(table_rows)
        for r in table_rows:
            add(f"{key} {r.where}", path=str(f), id=r.id, place=r.place, level=r.level, province=r.province,
                year=r.year, source=f"{f} {r.where}", guessed=False, text=r.text,
                encoding=f"{r.where} of {f.name}, {fmt}", input_sha256=r.sha256(), notes=r.notes,
                error_type=r.error_type, error=r.error)
    ids, notes = unique_ids(rows["id"], keys)
    rows["id"] = ids
    rows["notes"] = [list(n) + extra for n, extra in zip(rows["notes"], notes)]
    return datasets.Dataset.from_dict(rows, features=FEATURES), inventory


#: The longest id (UTF-8 bytes): `docs/<id>.json.<pid>.tmp` must fit in a file name of 255 bytes.
MAX_ID_BYTES = 200
_KEEP_BYTES = 180
_MARK = "~"  # never in a cleaned id (_SAFE_ID), so a suffixed id collides with no other


def unique_ids(ids: list[str], keys: list[str]) -> tuple[list[str], list[list[str]]]:
    """Ids safe as file names and unique by construction, the same on every run; and the note of
    each id that was changed.

    An id is cleaned to letters, digits, `.`, `-` and `_`. Inputs that would share one (in
    any letter case: a.txt and A.txt are one file on macOS) all get `~` and 8 hex digits of the
    sha256 of their key (their path, see `_list`), so that no input takes an id from another and
    a rerun finds the same ids whatever was added beside them. An id over MAX_ID_BYTES bytes
    keeps its first bytes and gets `~` and the hash of the whole id."""
    clean = [_SAFE_ID.sub("_", i).strip(".") or "_" for i in ids]
    groups: dict[str, list[int]] = {}
    for k, i in enumerate(clean):
        groups.setdefault(i.casefold(), []).append(k)
    out, notes = list(clean), [[] for _ in ids]
    for members in groups.values():
        if len(members) > 1:
            shown = ", ".join(keys[k] for k in members[:4]) + (", …" if len(members) > 4 else "")
            for k in members:
                out[k] = clean[k] + _MARK + _hash(keys[k])
                notes[k].append(f"id {clean[k]!r} is shared by {len(members)} inputs ({shown}): "
                                f"this one is {out[k]!r}")
    for k, i in enumerate(out):
        size = len(i.encode("utf-8"))
        if size > MAX_ID_BYTES:
            out[k] = i.encode("utf-8")[:_KEEP_BYTES].decode("utf-8", errors="ignore") + _MARK + _hash(i)
            notes[k].append(f"id shortened to {out[k]!r}: {i!r} is {size} bytes, over the limit of {MAX_ID_BYTES}")
    seen: dict[str, int] = {}
    for k, i in enumerate(out):
        if i.casefold() in seen:  # two keys whose hashes share 8 hex digits: never seen, but never silent
            raise GwrError(f"inputs {keys[seen[i.casefold()]]} and {keys[k]} both get the id {i!r}: "
                           "give one of them an id in metadata.tsv")
        seen[i.casefold()] = k
    return out, notes


_DOC_ID = regex.compile(r"[\w\-~][\w.\-~]*")


def doc_file(outdir: str | Path, report_id: str) -> Path | None:
    """`outdir/docs/<id>.json` for an id a batch gives (see `unique_ids`), else None: an id read from a
    table is never taken for a path (`/etc/x`, `../../x`)."""
    if not isinstance(report_id, str) or not _DOC_ID.fullmatch(report_id) or \
            len(report_id.encode("utf-8")) > MAX_ID_BYTES + len(_MARK) + 8:
        return None
    docs = Path(outdir) / "docs"
    path = docs / f"{report_id}.json"
    return path if path.resolve().parent == docs.resolve() else None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8192)


def file_sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
