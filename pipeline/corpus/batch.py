"""Corpus batch runs: a folder of reports -> one document per report, flat tables, failures.

    run_batch(["corpus/"], "out/", workers=2)

The corpus is a `datasets.Dataset` (one row per report: a file, or a row of a table
of reports, with its metadata; see `collect.py` for what is read); the pipeline runs over it with
`Dataset.map(batched=True)`, with several workers over tickets by which they claim the reports (`_map`).
Every input ends as exactly one of: a document written (`docs/<id>.json`), a
document skipped because neither its input, its metadata nor gwr changed since
an earlier run into the same folder (`report.resume_key`), or a failure
(`failures.jsonl`, with the error's type and message). A worker the system kills
(out of memory) takes no other document with it: the documents it and the
others had in progress are retried, each alone in a process of its own, and the
batch goes on with the rest. One run at a time writes into an output folder
(`lock_outdir`); its tables are put in place only when all are complete.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

try:
    import fcntl
except ImportError:  # Windows: no lock
    fcntl = None

import datasets
import pyarrow as pa

from gwr.collector import collection_paused, long_lived
from gwr.inputs.rows import Columns
from gwr.inputs.text import DEFAULT_MAX_BYTES, ReportText, read_report
from gwr.schemas import GwrError, OutputError

from .collect import Inventory, collect, file_sha256, list_files
from .metadata import ReportMeta
from .single import extract_file
from .files import write_atomic
from .tables import CARD_START, ROWS, TableSink, finish_tables, flatten_all


@dataclass
class BatchResult:
    total: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    characters: int = 0
    seconds: float = 0.0
    failures: list[dict] = field(default_factory=list)
    inventory: Inventory = field(default_factory=Inventory)

    def summary(self) -> str:
        rate = f"{self.written / self.seconds:.1f} docs/s, {self.characters / self.seconds:,.0f} chars/s" \
            if self.seconds > 0 and self.written else "no document processed"
        ok = self.total == self.written + self.skipped + self.failed
        reasons: dict[str, int] = {}
        for f in self.failures:
            reasons[f["error_type"]] = reasons.get(f["error_type"], 0) + 1
        why = f" ({', '.join(f'{n} {t}' for t, n in sorted(reasons.items()))})" if reasons else ""
        return (f"{self.total} documents in = {self.written} written + {self.skipped} unchanged (skipped) + "
                f"{self.failed} failed{why}{'' if ok else '  [COUNTS DO NOT ADD UP]'}; "
                f"{self.inventory.summary()}; {rate}")


def list_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Input files named by paths, folders or glob patterns, in a stable order (see `collect`)."""
    return list_files(inputs)[0]


def load_corpus(inputs: Iterable[str | Path], metadata: str | Path | None = None, columns: Columns = Columns(),
                max_bytes: int = DEFAULT_MAX_BYTES) -> datasets.Dataset:
    """A Dataset with one row per report (a file, or a row of a table): path, id, metadata
    (guessed facts flagged), a table row's text, and the failures found while listing."""
    return collect(inputs, metadata, columns, max_bytes)[0]


def _extract_batch(batch: dict[str, list], outdir: str, max_bytes: int, counter=None,
                   journal: str | None = None) -> pa.Table:
    """Map function of one process (and of Ray's actors): extract each report of a batch and write its
    document; never raises for one document (see `_extract_each`)."""
    return _extract_each(((batch, i) for i in range(len(batch["id"]))), outdir, max_bytes, counter, journal)


def _extract_claimed(tickets: dict[str, list], outdir: str, max_bytes: int, counter=None,
                     journal: str | None = None) -> pa.Table:
    """Map function of the workers: a call (one ticket) claims up to `_Claims.per_call` reports of the
    round, one at a time as the one before is done (see `_Claims`), and extracts them."""
    claims = _CLAIMS
    if claims is None:
        raise RuntimeError("batch: a worker was started with no reports to claim (not forked by _map?)")

    def claimed() -> Iterator[tuple[dict[str, list], int]]:
        for _ in range(claims.per_call):
            i = claims.next()
            if i is None:
                return
            yield claims.corpus[i:i + 1], 0

    return _extract_each(claimed(), outdir, max_bytes, counter, journal)


def _extract_each(documents: Iterable[tuple[dict[str, list], int]], outdir: str, max_bytes: int, counter=None,
                  journal: str | None = None) -> pa.Table:
    """Extract each document (`batch`, `i`: row `i` of a batch of the corpus) and write it; never raises
    for one document.

    Each worker writes its own files (`docs/<id>.json`, and `texts/<id>.txt`
    when the input was not UTF-8), so only the outcome and the tables' rows
    travel back: an Arrow table (RESULTS), a row a document, in one chunk (one
    record batch of the map's results file; see `_map`). Each document's rows
    are turned into Arrow as soon as they are read, so a batch holds its
    documents' rows in Arrow (some 230 KB a report) and one document's at a
    time as Python objects (about 1 MB). With a `journal` folder, the worker
    notes there each document it starts and each outcome, so that the
    documents of a worker the system kills can be named.
    """
    worker_ready()
    out = Path(os.path.abspath(outdir))  # report.source is absolute: the document is read from anywhere
    docs_dir, texts_dir = out / "docs", out / "texts"
    results: list[pa.Table] = []
    chars_done = 0
    for batch, i in documents:
        doc_id = batch["id"][i]
        outcome = {"id": doc_id, "status": "written", "error_type": None, "error": None, "chars": 0}
        if journal is not None:
            _note(journal, {"start": doc_id})
        if document_hook is not None:
            document_hook(doc_id)
        try:
            with collection_paused():  # the document and its rows are dropped inside: no collection walks them
                chars, rows = _one_document(batch, i, docs_dir, texts_dir, max_bytes)
                results.append(_result({**outcome, "chars": chars}, rows))
                del rows
            outcome["chars"] = chars
        except _ListedFailure as exc:
            outcome.update(status="failed", error_type=exc.args[0], error=exc.args[1])
        except (GwrError, ValueError, TypeError, RecursionError, MemoryError, OSError) as exc:
            outcome.update(status="failed", error_type=type(exc).__name__, error=_message(exc))
            try:  # a document of an earlier run must not stand for this failed one
                (docs_dir / f"{doc_id}.json").unlink(missing_ok=True)
            except OSError:
                pass
        if outcome["status"] == "failed":
            results.append(_result(outcome, {}))
        chars_done += outcome["chars"]
        if journal is not None:
            _note(journal, {"done": doc_id, **{k: outcome[k] for k in ("status", "error_type", "error", "chars")}})
    if counter is not None and results:  # once a batch: each call is a round trip to the manager process
        counter.add(len(results), chars_done)
    return pa.concat_tables(results).combine_chunks() if results else RESULTS.empty_table()


def _result(outcome: dict, rows: dict[str, list]) -> pa.Table:
    """One document's result (RESULTS): its outcome and its tables' rows, in Arrow."""
    return pa.Table.from_pydict({**{k: [v] for k, v in outcome.items()},
                                 **{name: [rows.get(name, [])] for name in ROWS.names}}, schema=RESULTS)


def _one_document(batch: dict[str, list], i: int, docs_dir: Path, texts_dir: Path, max_bytes: int
                  ) -> tuple[int, dict]:
    """Read, extract and write the batch's document `i`: its length and its tables' rows. What else it
    makes (the text, the document, its JSON) is freed when it returns."""
    doc_id, path = batch["id"][i], batch["path"][i]
    if batch["error_type"][i]:  # failed while the inputs were listed (unsupported type, bad table row)
        raise _ListedFailure(batch["error_type"][i], batch["error"][i])
    if batch["text"][i] is not None:  # a row of a table: its text came with it
        report = ReportText(batch["text"][i], batch["encoding"][i], batch["input_sha256"][i])
    else:
        report = read_report(path, max_bytes)
    chars = len(report.text)
    source = os.path.abspath(path)
    if report.converted:  # spans index the decoded text: keep it beside the output
        texts_dir.mkdir(exist_ok=True)
        source = str(texts_dir / f"{doc_id}.txt")
        write_atomic(Path(source), report.text, "the decoded text")
    meta = ReportMeta(doc_id, path, batch["place"][i], batch["level"][i], batch["province"][i],
                      batch["year"][i], guessed=batch["guessed"][i])
    doc = extract_file(path, meta=meta, report=report, source=source, notes=batch["notes"][i])
    doc.report.resume_key = resume_key({k: batch[k][i] for k in KEY_FIELDS}, report.sha256)
    text = doc.to_json(indent=None)
    write_atomic(docs_dir / f"{doc_id}.json", text + "\n", "the document")
    rows = flatten_all(json.loads(text))  # the tables' rows, here in the worker
    return chars, rows


def _note(journal: str, record: dict) -> None:
    """One line of this worker's journal, written through at once (the worker may be killed next); one
    file per worker, named by host and process (Ray's workers on several machines share the folder)."""
    with open(os.path.join(journal, f"{socket.gethostname()}-{os.getpid()}.jsonl"), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _read_journal(journal: Path) -> tuple[dict[str, dict], list[str]]:
    """The outcomes noted by the workers, and the documents they started but did not finish."""
    done: dict[str, dict] = {}
    started: list[str] = []
    for f in sorted(journal.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the line a killed worker was writing
            if "start" in record:
                started.append(record["start"])
            elif "done" in record:
                done[record["done"]] = record
    return done, [doc_id for doc_id in dict.fromkeys(started) if doc_id not in done]


class WorkerDiedError(GwrError):
    """The process extracting a document was killed (by the system: out of memory, a signal)."""


#: Called with each document's id before it is extracted, in the process that extracts it (tests use it).
document_hook: Callable[[str], None] | None = None


def worker_ready() -> None:
    """Build the pipeline in this process (once) and freeze what it holds out of garbage collection.

    spaCy's vocabulary, the lexicons and the segmenter live as long as the
    process: they are made with the collector off, and `gc.freeze()` spares
    every later collection from walking them (and, in forked workers, from
    touching their pages); see `gwr.collector.long_lived`.
    """
    global _READY
    if _READY != os.getpid():
        with long_lived():
            from gwr.stages.extraction import build_nlp

            build_nlp()
        _READY = os.getpid()


_READY = 0


class _ListedFailure(Exception):
    """An input recorded as failed when the inputs were listed: (error type, message)."""


def _previous_keys(docs_dir: Path) -> dict[str, str]:
    """The resume key of every document of an earlier run (none: written by an older gwr, redone)."""
    keys = {}
    for f in docs_dir.glob("*.json") if docs_dir.is_dir() else []:
        try:
            report = json.loads(f.read_text(encoding="utf-8"))["report"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a half-written or foreign file: redo that document
        if isinstance(report, dict) and report.get("resume_key"):
            keys[f.stem] = report["resume_key"]
    return keys


#: The facts of a corpus row that shape its document, besides its text.
KEY_FIELDS = ("id", "path", "place", "level", "province", "year", "guessed", "notes", "encoding")


def resume_key(row: dict, input_sha256: str | None) -> str:
    """What a document is made from: the input's bytes, the row's facts (metadata, or what the file
    name gave) and gwr's version; a batch redoes a document whose key changed."""
    facts = {k: row[k] for k in KEY_FIELDS}
    facts["path"] = os.path.abspath(row["path"])
    facts["input_sha256"], facts["gwr"] = input_sha256, gwr_version()
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@functools.cache
def _version() -> str:
    try:
        return importlib.metadata.version("gwr")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def gwr_version() -> str:
    return _version()


def _message(exc: BaseException) -> str:
    """An error's message; an OSError's as `file: reason`, without its `[Errno N]`."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def run_batch(inputs: Iterable[str | Path], outdir: str | Path, workers: int = 1, metadata: str | None = None,
              csv: bool = False, batch_size: int = 16, max_bytes: int = DEFAULT_MAX_BYTES,
              progress: bool = True, save_dataset: bool = False, force: bool = False,
              columns: Columns = Columns(), engine: str = "datasets", address: str | None = None) -> BatchResult:
    """Extract every report into `outdir`; resumable (unless `force`); returns the counts.

    `columns` names the columns of tables of reports (`--text-column` …).
    `engine`: `datasets` (Dataset.map on this machine, `workers` processes) or
    `ray` (Ray Data, on the Ray cluster at `address`, or a local one; see
    `ray_engine.py`): the same documents, tables and failures either way.

    Raises `OutputError` when `outdir` cannot be written (no space, read-only), holds an input,
    or another run is writing into it; the tables of an earlier run then stay as they were."""
    if engine not in ENGINES:
        raise GwrError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    inputs, outdir = list(inputs), Path(outdir)
    _check_outdir(outdir, inputs)
    with lock_outdir(outdir):
        try:
            (outdir / "docs").mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot create the output folder: {exc.strerror}") from None
        try:
            return _run(inputs, outdir, workers, metadata, csv, batch_size, max_bytes, progress, save_dataset,
                        force, columns, engine, address)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot write the tables: {exc.strerror or exc}") from None
        finally:
            _remove_temporary(outdir)


def _run(inputs, outdir: Path, workers, metadata, csv, batch_size, max_bytes, progress, save_dataset, force,
         columns, engine, address) -> BatchResult:
    docs_dir = outdir / "docs"
    corpus, inventory = collect(inputs, metadata, columns, max_bytes, exclude=[outdir])
    result = BatchResult(total=len(corpus), inventory=inventory)
    previous = {} if force else _previous_keys(docs_dir)
    facts = corpus.select_columns([*KEY_FIELDS, "input_sha256", "error_type"])
    todo = [i for i, row in enumerate(facts)
            if row["error_type"] or row["id"] not in previous
            or previous[row["id"]] != resume_key(row, row["input_sha256"] or file_sha256(row["path"]))]
    result.skipped = len(corpus) - len(todo)
    paths = dict(zip(corpus["id"], corpus["path"]))
    start = time.perf_counter()
    cache = outdir / ".gwr-cache"
    with TableSink(outdir, csv) as sink:
        tables = _TablesInOrder(sink, outdir, list(corpus["id"]), todo)
        for batch in _results(engine, corpus.select(todo), outdir, workers, batch_size, max_bytes, progress,
                              cache, address) if todo else ():
            for row in batch.select(["id", "status", "error_type", "error", "chars"]).to_pylist():
                result.characters += row["chars"]
                if row["status"] == "failed":
                    result.failed += 1
                    result.failures.append({"id": row["id"], "path": paths[row["id"]],
                                            "error_type": row["error_type"], "error": row["error"]})
                else:
                    result.written += 1
            tables.add(batch)
        result.seconds = time.perf_counter() - start
        tables.finish()
    shutil.rmtree(cache, ignore_errors=True)
    _write_failures(outdir / "failures.jsonl", result.failures)
    finish_tables(outdir, save_dataset)
    return result


def _check_outdir(outdir: Path, inputs: list) -> None:
    """Refuse an output folder that is (or holds) an input, or that holds a README.md gwr did not write."""
    out = outdir.resolve()
    for item in inputs:
        p = Path(item)
        if p.exists() and (p.resolve() == out or out in p.resolve().parents):
            raise OutputError(f"{outdir}: the output folder holds the input {item}: choose an output folder "
                              "outside the inputs (or inside one)")
    card = outdir / "README.md"
    try:
        with card.open("rb") as fh:
            head = fh.read(len(CARD_START))
    except FileNotFoundError:
        return
    except OSError:
        return  # not readable: writing it fails with its reason
    if head != CARD_START.encode("utf-8"):
        raise OutputError(f"{outdir}: holds a README.md that gwr did not write: choose an empty (or earlier gwr "
                          "output) folder")


@contextlib.contextmanager
def lock_outdir(outdir: Path) -> Iterator[None]:
    """Hold `outdir` for one run: a second run into it (while this one holds it) raises OutputError.

    An advisory lock (flock) on `outdir/.gwr-lock`, which holds the holder's pid; the system
    releases it when the process ends, however it ends."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        fh = open(outdir / ".gwr-lock", "a+", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create the output folder: {exc.strerror}") from None
    with fh:
        if fcntl is not None:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                pid = fh.read().strip() or "?"
                raise OutputError(f"{outdir}: another gwr run (pid {pid}) is writing here: wait for it to end, "
                                  "or choose another output folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_temporary(outdir: Path) -> None:
    """Temporary files left by writers that were killed (only this run writes here: it holds the lock)."""
    for folder in (outdir, outdir / "docs", outdir / "texts"):
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
            try:
                shutil.rmtree(tmp) if tmp.is_dir() else tmp.unlink()
            except OSError:
                pass


ENGINES = ("datasets", "ray")
#: What the per-document function gives back for each input: its outcome, and its tables' rows.
RESULTS = pa.schema([("id", pa.string()), ("status", pa.string()), ("error_type", pa.string()),
                     ("error", pa.string()), ("chars", pa.int64()), *ROWS])


def _results(engine: str, corpus: datasets.Dataset, outdir: Path, workers: int, batch_size: int, max_bytes: int,
             progress: bool, cache: Path, address: str | None) -> Iterator[pa.Table]:
    """The per-document results (RESULTS), in the corpus's order, batch after batch."""
    if engine == "ray":
        from .ray_engine import ray_results

        yield from ray_results(corpus, outdir, workers, batch_size, max_bytes, progress, address, cache)
        return
    worker_ready()  # load once here: forked workers share it

    def one_round(part: datasets.Dataset, round_: int) -> list[str]:
        journal = cache / f"journal-{round_}" if workers > 1 else None
        try:
            mapped = _map(part, outdir, workers, batch_size, max_bytes, progress, cache, f"extract-{round_}.arrow",
                          journal)
        except RuntimeError as exc:
            if journal is None or "abruptly died" not in str(exc):
                raise
            raise RoundDied(journal, exc) from None
        files = [f["filename"] for f in mapped.cache_files]
        del mapped  # the results are read from the map's files, a batch at a time, not memory-mapped
        return files

    # with workers, Dataset.map would run a lone document in this process: a death there ends all
    yield from in_rounds(corpus, outdir, max_bytes, cache, one_round, lone_apart=workers > 1)


class RoundDied(Exception):
    """A round of the batch stopped because a worker died (killed by the system); its journal says how far
    each worker got."""

    def __init__(self, journal: Path, cause: BaseException):
        super().__init__(journal, cause)
        self.journal, self.cause = journal, cause


def in_rounds(corpus: datasets.Dataset, outdir: Path, max_bytes: int, cache: Path,
              one_round: Callable[[datasets.Dataset, int], list[str]], lone_apart: bool = False
              ) -> Iterator[pa.Table]:
    """The results (RESULTS) of every report of `corpus`, in its order, from rounds of an engine.

    `one_round(part, k)` extracts the reports of `part` and gives the files of their results, each in
    corpus order, or raises `RoundDied`; then the reports its journal shows finished are read back,
    each report in progress is extracted again alone in a process of its own (a failure naming it when
    that one dies too), and a new round does the rest. With `lone_apart`, a last single report is
    extracted alone rather than in a round."""
    ids = list(corpus["id"])
    pending, recovered, files, round_ = list(range(len(corpus))), [], [], 0
    while pending:
        if lone_apart and len(pending) == 1:
            recovered.append(_alone(corpus[pending[0]], outdir, max_bytes, cache, again=round_ > 0))
            break
        part = corpus.select(pending) if len(pending) < len(corpus) else corpus
        try:
            files += one_round(part, round_)
        except RoundDied as died:
            settled, pending = _settle_round(died.journal, corpus, pending, outdir, max_bytes, cache, died.cause)
            recovered += settled
            round_ += 1
            continue
        break
    if recovered:
        position = {doc_id: i for i, doc_id in enumerate(ids)}
        recovered.sort(key=lambda r: position[r["id"]])
        path = cache / "recovered.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, RESULTS) as writer:
            writer.write_table(pa.Table.from_pylist(recovered, schema=RESULTS))
        files.append(str(path))
    yield from _in_corpus_order(files, ids)


def _settle_round(journal: Path, corpus: datasets.Dataset, pending: list[int], outdir: Path, max_bytes: int,
                  cache: Path, exc: BaseException) -> tuple[list[dict], list[int]]:
    """The results of the reports a died round's journal names (finished: read back; in progress:
    extracted again alone), and the corpus indices still to do."""
    done, lost = _read_journal(journal)
    if not done and not lost:
        raise GwrError(f"batch: a worker process died with no document in progress ({exc})") from None
    ids = list(corpus["id"])
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    rows = [_recovered(outcome, outdir) for outcome in done.values()]
    rows += [_alone(corpus[position[doc_id]], outdir, max_bytes, cache, again=True) for doc_id in lost]
    settled = set(done) | set(lost)
    return rows, [i for i in pending if ids[i] not in settled]


def _recovered(outcome: dict, outdir: Path) -> dict:
    """The result (RESULTS) of a document a worker finished before the batch's workers were stopped:
    its outcome from the journal, its rows from the document it wrote."""
    row = {k: outcome[k] for k in ("status", "error_type", "error", "chars")}
    rows: dict[str, list] = {}
    if row["status"] == "written":
        doc = outdir / "docs" / f"{outcome['done']}.json"
        try:
            rows = flatten_all(json.loads(doc.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            row.update(status="failed", error_type=type(exc).__name__, error=f"{doc}: cannot be read back: {exc}")
    return {"id": outcome["done"], **row, **{name: rows.get(name, []) for name in ROWS.names}}


def _alone(row: dict, outdir: Path, max_bytes: int, cache: Path, again: bool) -> dict:
    """Extract one document in a process of its own (forked: the pipeline is built); a failure naming
    the document when that process is killed (`again`: as the batch's worker was)."""
    import signal

    journal = cache / f"alone-{hashlib.sha256(row['id'].encode('utf-8')).hexdigest()[:16]}"
    journal.mkdir(parents=True, exist_ok=True)
    batch = {k: [v] for k, v in row.items()}
    process = multiprocessing.get_context("fork").Process(target=_extract_batch,
                                                          args=(batch, str(outdir), max_bytes, None, str(journal)))
    process.start()
    process.join()
    done, _ = _read_journal(journal)
    if process.exitcode == 0 and row["id"] in done:
        return _recovered(done[row["id"]], outdir)
    code = process.exitcode or 0
    how = f"killed ({signal.Signals(-code).name})" if code < 0 else f"ended with exit code {code}"
    error = (f"{row['path']}: the process extracting it was {how}{', in the batch and again alone' if again else ''} "
             "(out of memory?): it is left out")
    return {"id": row["id"], "status": "failed", "error_type": WorkerDiedError.__name__, "error": error,
            "chars": 0, **{name: [] for name in ROWS.names}}


def _in_corpus_order(files: list[str], ids: list[str], chunk: int = 16) -> Iterator[pa.Table]:
    """The rows of the map's result files (one a worker, each in corpus order: see `_Claims`) merged into
    corpus order, `chunk` rows at a time: read from the file whose last row came first; a row that comes
    early waits."""
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    streams = [_rows(f) for f in files]
    last = [-1] * len(streams)
    waiting: dict[int, pa.RecordBatch] = {}
    out: list[pa.RecordBatch] = []
    for p in range(len(ids)):
        while p not in waiting:
            live = [k for k in range(len(streams)) if streams[k] is not None]
            if not live:
                raise GwrError(f"batch: no result for {ids[p]!r}")
            k = min(live, key=last.__getitem__)
            row = next(streams[k], None)
            if row is None:
                streams[k] = None
                continue
            last[k] = position[row.column("id")[0].as_py()]
            waiting[last[k]] = row
        out.append(waiting.pop(p))
        if len(out) == chunk:
            yield pa.Table.from_batches(out)
            out = []
    if out:
        yield pa.Table.from_batches(out)


def _rows(path: str) -> Iterator[pa.RecordBatch]:
    """One result file (Arrow IPC stream, as Dataset.map writes it) row by row, a batch read at a time."""
    with pa.OSFile(path) as f:
        for batch in pa.ipc.open_stream(f):
            for i in range(batch.num_rows):
                yield batch.slice(i, 1)


class _TablesInOrder:
    """The tables in corpus order: the workers' rows of the documents done now, as they come back
    (Arrow), and the rows of documents left unchanged read back from their JSON."""

    def __init__(self, sink: TableSink, outdir: Path, ids: list[str], todo: list[int]):
        self.sink, self.docs, self.ids, self.todo = sink, outdir / "docs", ids, todo
        self.done = 0  # results received (positions in todo)
        self.next = 0  # the next corpus index to write

    def add(self, batch: pa.Table) -> None:
        k, end = self.done, self.done + len(batch)
        while k < end:
            self._unchanged_until(self.todo[k])
            j = k  # a run of consecutive corpus indices: one slice
            while j + 1 < end and self.todo[j + 1] == self.todo[j] + 1:
                j += 1
            self.sink.add_arrow(batch.slice(k - self.done, j - k + 1))
            self.next = self.todo[j] + 1
            k = j + 1
        self.done = end

    def finish(self) -> None:
        self._unchanged_until(len(self.ids))

    def _unchanged_until(self, stop: int) -> None:
        if stop > self.next:
            self.sink.add_docs([self.docs / f"{doc_id}.json" for doc_id in self.ids[self.next:stop]])
        self.next = max(self.next, stop)


def _write_failures(path: Path, failures: list[dict]) -> None:
    write_atomic(path, "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures), "the failures")


def _map(corpus: datasets.Dataset, outdir: Path, workers: int, batch_size: int, max_bytes: int, progress: bool,
         cache: Path, name: str = "extract.arrow", journal: Path | None = None) -> datasets.Dataset:
    """Dataset.map over the corpus, with one progress bar of documents and characters per second.

    The results go to Arrow cache files under `cache` (one a worker;
    memory-mapped, so memory does not grow with the corpus); the workers
    report progress through a counter held by a multiprocessing manager.

    With one worker the map runs here, over the corpus, `batch_size` reports
    a call. With more, Dataset.map would deal each worker a contiguous shard
    of the corpus, and the one dealt the slower reports (or slowed by the
    machine) would work on alone at the end (up to 1.5 s of a 10 s run of 300
    reports). So the workers map over tickets instead, one a call, and each
    call claims the next reports of the corpus (`_Claims`): a worker stops
    when the corpus is done, at most one report after the other.

    Each call's results are one record batch of its file. When the map ends,
    datasets reads every file back in the main process, and each record batch
    of the results' nested schema leaves some 45 KB there that the allocator
    does not give back: batches of 4 reports grew the main process by 10.6 KB
    a report (106 MiB over 10,000), batches of 16 (`run_batch`'s default) by
    3.1 KB. A call that finds the corpus done writes no record batch.
    """
    global _CLAIMS
    cache.mkdir(parents=True, exist_ok=True)
    if journal is not None:
        journal.mkdir(exist_ok=True)
    manager = multiprocessing.Manager()
    counter = _Counter(manager.Lock(), manager.list([0, 0]))  # documents done, characters done
    bar = _ProgressBar(len(corpus), counter) if progress else None
    fn_kwargs = {"outdir": str(outdir), "max_bytes": max_bytes, "counter": counter,
                 "journal": str(journal) if journal is not None else None}
    common = dict(batched=True, load_from_cache_file=False, new_fingerprint=f"gwr-{time.time_ns()}",
                  cache_file_name=str(cache / name), writer_batch_size=batch_size,
                  features=datasets.Features.from_arrow_schema(RESULTS), fn_kwargs=fn_kwargs)
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        if bar:
            bar.start()
        if workers <= 1:
            return corpus.map(_extract_batch, batch_size=batch_size, remove_columns=corpus.column_names, **common)
        _CLAIMS = _Claims(corpus, batch_size)  # the workers fork from here: they share its counter
        calls = -(-len(corpus) // batch_size)  # enough for one worker to do the whole corpus alone
        tickets = datasets.Dataset.from_dict({"ticket": list(range(workers * calls))})
        return tickets.map(_extract_claimed, batch_size=1, num_proc=workers, remove_columns=["ticket"], **common)
    finally:
        _CLAIMS = None
        if bar:
            bar.stop()
        manager.shutdown()
        if was_enabled:
            datasets.enable_progress_bars()


class _Claims:
    """The reports of a round, claimed by the workers one at a time in corpus order: so each worker's
    results are in corpus order, and the workers end together. The count of reports claimed is shared
    memory (made before the workers fork, and inherited: it cannot be pickled to them)."""

    def __init__(self, corpus: datasets.Dataset, per_call: int):
        self.corpus, self.per_call, self.total = corpus, per_call, len(corpus)
        self.taken = multiprocessing.get_context("fork").Value("q", 0)

    def next(self) -> int | None:
        """The index of the next report to extract; None when every report is claimed."""
        with self.taken.get_lock():
            i = self.taken.value
            if i >= self.total:
                return None
            self.taken.value = i + 1
        return i


_CLAIMS: _Claims | None = None


@dataclass
class _Counter:
    """Documents and characters done, shared by the workers (picklable manager proxies)."""

    lock: Any
    values: Any

    def add(self, docs: int, chars: int) -> None:
        with self.lock:
            self.values[0] += docs
            self.values[1] += chars

    def read(self) -> tuple[int, int]:
        return self.values[0], self.values[1]


class _ProgressBar(threading.Thread):
    """A tqdm bar in the main process, fed by a counter the workers share."""

    def __init__(self, total: int, counter):
        super().__init__(daemon=True)
        self.total, self.counter = total, counter
        self.done = threading.Event()

    def run(self) -> None:
        from tqdm import tqdm

        start = time.perf_counter()
        with tqdm(total=self.total, unit="doc", desc="extract", dynamic_ncols=True) as bar:
            while True:
                stop = self.done.wait(0.5)
                docs, chars = self.counter.read()
                elapsed = max(time.perf_counter() - start, 1e-9)
                bar.n = docs
                bar.set_postfix_str(f"{chars / elapsed:,.0f} chars/s", refresh=True)
                if stop:
                    break

    def stop(self) -> None:
        self.done.set()
        self.join()
