"""The batch on Ray Data: the same per-document function as the datasets engine, on a Ray cluster.

    gwr extract DIR -o OUT --engine ray [--address auto|ray://HEAD:10001] [--workers N]

`pip install 'gwr[ray]'`. Without `--address` a local Ray is started with
`--workers` CPUs (and stopped at the end); with one, gwr joins that cluster
(`auto`: the cluster this machine is a node of, as `ray start` made it;
`ray://host:10001`: through the Ray Client). Every worker runs
`batch._extract_batch` on a few reports at a time, in an actor that built the
pipeline once and froze it (`batch.worker_ready`); it writes `docs/<id>.json`
itself and hands back the outcome and the tables' rows, in Arrow, which the
driver turns into the same tables, failures and counts as the datasets
engine, including a report that kills its worker (`ray_results`). On a
cluster the inputs and OUT must be paths every node sees (a shared file
system), as the workers read and write them directly.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterator

import datasets
import pyarrow as pa

from gwr.schemas import GwrError


class _Extractor:
    """A Ray actor: the pipeline built once, then `_extract_batch` on each batch of rows, noting each
    document in the round's journal (on the shared file system, as the documents are)."""

    def __init__(self, outdir: str, max_bytes: int, journal: str):
        from .batch import worker_ready

        self.outdir, self.max_bytes, self.journal = outdir, max_bytes, journal
        worker_ready()

    def __call__(self, batch: pa.Table) -> pa.Table:
        from .batch import _extract_batch

        return _extract_batch(batch.to_pydict(), self.outdir, self.max_bytes, journal=self.journal)


def ray_results(corpus: datasets.Dataset, outdir: Path, workers: int, batch_size: int, max_bytes: int,
                progress: bool, address: str | None, cache: Path) -> Iterator[pa.Table]:
    """The results of every report of `corpus` (batch.RESULTS), in its order.

    A worker killed by the system (out of memory) fails its task, which Ray does not retry (Ray
    Data's actors retry a task forever by default: a report that kills its worker each time would
    hold the batch for good); the round stops there, and, as with the datasets engine, the
    documents its journal shows finished are read back, each document in progress is extracted
    again alone (on this machine) and recorded as failed if that dies too, and a new round does
    the rest."""
    try:
        import ray
    except ImportError:
        raise GwrError("the ray engine needs Ray: pip install 'gwr[ray]'") from None
    from .batch import RESULTS, RoundDied, in_rounds

    started = not ray.is_initialized()
    if started:
        env = {"env_vars": {k: v for k, v in os.environ.items() if k.startswith("GWR_")}}
        if address:
            ray.init(address=address, runtime_env=env, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=max(workers, 1), include_dashboard=False, runtime_env=env, log_to_driver=False,
                     logging_level=logging.WARNING)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # the tables keep the corpus's order
        ctx.enable_progress_bars = progress
        cpus = int(ray.cluster_resources().get("CPU", 1))

        def one_round(part: datasets.Dataset, round_: int) -> list[str]:
            journal = cache / f"journal-ray-{round_}"
            journal.mkdir(parents=True, exist_ok=True)
            path = cache / f"ray-{round_}.arrow"
            actors = max(1, min(workers if not address and workers > 1 else cpus, len(part)))
            try:
                with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, RESULTS) as writer:
                    for batch in _map(ray, part, outdir, batch_size, max_bytes, actors, journal):
                        writer.write_table(batch)
            except ray.exceptions.RayError as exc:  # a worker died, or its node
                raise RoundDied(journal, exc) from None
            return [str(path)]

        yield from in_rounds(corpus, outdir, max_bytes, cache, one_round)
    finally:
        if started:
            ray.shutdown()


def _map(ray, part: datasets.Dataset, outdir: Path, batch_size: int, max_bytes: int, actors: int,
         journal: Path) -> Iterator[pa.Table]:
    """One round: `_Extractor` over the reports on a pool of `actors` actors, results in order."""
    table = part.with_format("arrow")[:]
    per_block = max(1, min(8 * batch_size, -(-len(table) // (4 * actors))))  # blocks to share out
    rows = ray.data.from_arrow([table.slice(i, per_block) for i in range(0, len(table), per_block)])
    results = rows.map_batches(
        _Extractor, fn_constructor_kwargs={"outdir": str(Path(outdir).resolve()), "max_bytes": max_bytes,
                                           "journal": str(journal.resolve())},
        batch_size=batch_size, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=1, max_task_retries=0)
    yield from results.iter_batches(batch_size=None, batch_format="pyarrow")
