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
engine. On a cluster the inputs and OUT must be paths every node sees (a
shared file system), as the workers read and write them directly.
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
    """A Ray actor: the pipeline built once, then `_extract_batch` on each batch of rows."""

    def __init__(self, outdir: str, max_bytes: int):
        from .batch import worker_ready

        self.outdir, self.max_bytes = outdir, max_bytes
        worker_ready()

    def __call__(self, batch: pa.Table) -> pa.Table:
        from .batch import RESULTS, _extract_batch

        out = _extract_batch(batch.to_pydict(), self.outdir, self.max_bytes)
        return pa.Table.from_pydict(out, schema=RESULTS)


def ray_results(corpus: datasets.Dataset, outdir: Path, workers: int, batch_size: int, max_bytes: int,
                progress: bool, address: str | None) -> Iterator[pa.Table]:
    """The results of every report of `corpus` (batch.RESULTS), in its order, as Ray hands them back."""
    try:
        import ray
    except ImportError:
        raise GwrError("the ray engine needs Ray: pip install 'gwr[ray]'") from None
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
        actors = max(1, min(workers if not address and workers > 1 else cpus, len(corpus)))
        table = corpus.with_format("arrow")[:]
        per_block = max(1, min(8 * batch_size, -(-len(table) // (4 * actors))))  # blocks to share out
        rows = ray.data.from_arrow([table.slice(i, per_block) for i in range(0, len(table), per_block)])
        results = rows.map_batches(
            _Extractor, fn_constructor_kwargs={"outdir": str(Path(outdir).resolve()), "max_bytes": max_bytes},
            batch_size=batch_size, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1)
        for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
            yield batch
    finally:
        if started:
            ray.shutdown()
