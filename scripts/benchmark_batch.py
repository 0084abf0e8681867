#!/usr/bin/env python3
"""Batch throughput and memory: synthetic corpora made by repeating the real reports.

    python scripts/benchmark_batch.py [--sizes 30 100 300] [--workers 1 2] [--repeat 3]
                                      [--engine datasets|ray] [--exclude NAME ...]

For each corpus size it runs `gwr extract DIR -o OUT --workers N` in a fresh
process for each worker count, `--repeat` times, the worker counts taking
turns (1, 2, 1, 2, …) so that a change in the machine's speed falls on all of
them. Each run is set against the rate of plain `jieba.lcut` over the same
texts measured just before and just after it (their mean is the reference);
after each run with N > 1 workers, `extract()` over the sample in N forked
processes at once against one process says what N processes give on this
machine at that moment, with no batch machinery (`machine`; on a shared
2-core machine it moves between 1.3 and 2).
Per size and worker count it prints the medians over the repeats, with the
min–max: seconds of the whole command (imports, building the pipeline,
listing the inputs, the tables), the characters per second of the whole
command and of gwr's extraction loop alone (the rate its summary line
prints), the speed-up over one worker of each (the ratio of the medians, each
run against its reference), and the memory of the whole process tree (the
command and every worker it starts), sampled every 0.2 s: the peak of the
tree's proportional set size (PSS: shared pages counted once, in shares), the
peak of the summed resident sizes (RSS), and the largest single process.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, size: int, exclude: list[str]) -> int:
    reports = [p for p in sorted((ROOT / "corpus").glob("*.txt")) if not any(x in p.name for x in exclude)]
    chars = 0
    for i in range(size):
        src = reports[i % len(reports)]
        text = src.read_text(encoding="utf-8")
        (folder / f"{src.stem}-copy{i:05d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def jieba_rate(texts: list[str]) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def _extract_all(texts: list[str]) -> float:
    from gwr import extract

    t0 = time.perf_counter()
    for t in texts:
        extract(t)
    return time.perf_counter() - t0


def ceiling(texts: list[str], workers: int) -> float:
    """What `workers` processes give on this machine now, for gwr's work with nothing else in the way:
    `extract()` over the texts in one process, then in `workers` forked processes at once (each all the
    texts); the throughput of the second over the first."""
    import multiprocessing

    _extract_all(texts[:1])  # the pipeline built before the fork, as a batch does
    alone = _extract_all(texts)
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_extract_all, [texts] * workers)
    return workers * alone / (time.perf_counter() - t0)


class TreeMemory(threading.Thread):
    """Peaks of a process tree's memory (MiB): PSS of the tree, summed RSS, largest single RSS."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        import psutil

        self.root, self.every, self.done = psutil.Process(pid), every, threading.Event()
        self.pss = self.rss = self.largest = 0.0
        self.processes = 1

    def run(self) -> None:
        import psutil

        while not self.done.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            pss = rss = largest = 0.0
            for p in tree:
                try:
                    info = p.memory_full_info()
                except psutil.Error:
                    continue
                pss += getattr(info, "pss", info.rss)
                rss += info.rss
                largest = max(largest, info.rss)
            self.pss, self.rss = max(self.pss, pss / 2**20), max(self.rss, rss / 2**20)
            self.largest = max(self.largest, largest / 2**20)
            self.processes = max(self.processes, len(tree))
            self.done.wait(self.every)

    def stop(self) -> None:
        self.done.set()
        self.join()


def run(folder: Path, workers: int, engine: str) -> tuple[float, float, TreeMemory]:
    """(seconds of the whole command, seconds of its extraction loop, memory) of one run."""
    out = Path(tempfile.mkdtemp(prefix="gwr-bench-out-"))
    code = ("import sys, time; from gwr.cli import main; t0 = time.perf_counter(); "
            f"rc = main(['extract', {str(folder)!r}, '-o', {str(out)!r}, '--workers', '{workers}', "
            f"'--engine', {engine!r}]); print('SECONDS', time.perf_counter() - t0); sys.exit(rc)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    memory = TreeMemory(proc.pid)
    memory.start()
    stdout, stderr = proc.communicate()
    memory.stop()
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"gwr extract failed:\n{stdout}\n{stderr}")
    seconds = next(float(line.split()[1]) for line in stdout.splitlines() if line.startswith("SECONDS"))
    found = re.search(r"([0-9.]+) docs/s", stdout)  # the summary: documents over the loop's seconds
    if found is None:
        raise SystemExit(f"no rate in gwr's summary:\n{stdout}")
    docs = int(re.search(r"= ([0-9]+) written", stdout).group(1))
    return seconds, docs / float(found.group(1)), memory


def spread(values: list[float], fmt: str) -> str:
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}–{max(values):{fmt}}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300], help="corpus sizes (reports)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (1 first: the base)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each size and worker count")
    ap.add_argument("--engine", default="datasets", choices=("datasets", "ray"), help="gwr's --engine")
    ap.add_argument("--exclude", nargs="*", default=[], help="leave out reports whose name contains one of these")
    args = ap.parse_args(argv)
    if args.workers[0] != 1:
        ap.error("--workers: the first count must be 1 (the base of the speed-up)")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores: above 0 the machine was shared); medians over "
          f"{args.repeat} runs [min–max]")
    print(f"{'docs':>5} {'workers':>7}  {'seconds (command)':<20} {'chars/s command':<26} {'chars/s loop':<26} "
          f"{'x 1 worker':>10} {'(loop)':>6} {'tree PSS':>9} {'sum RSS':>8} {'largest':>8} {'procs':>5}  machine")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="gwr-bench-in-"))
        try:
            chars = make_corpus(folder, size, args.exclude)
            sample = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:24]]
            runs: dict[int, list[tuple[float, float, float, TreeMemory]]] = {w: [] for w in args.workers}
            ceilings: dict[int, list[float]] = {w: [] for w in args.workers[1:]}
            for _ in range(args.repeat):
                for workers in args.workers:
                    before = jieba_rate(sample)
                    seconds, loop, mem = run(folder, workers, args.engine)
                    runs[workers].append((seconds, loop, (before + jieba_rate(sample)) / 2, mem))
                    if workers > 1:
                        ceilings[workers].append(ceiling(sample, workers))
            base = base_loop = None
            for workers in args.workers:
                rs = runs[workers]
                against = statistics.median(chars / s / ref for s, _, ref, _ in rs)  # x jieba, whole command
                against_loop = statistics.median(chars / lp / ref for _, lp, ref, _ in rs)
                if workers == 1:
                    base, base_loop = against, against_loop
                speedup = f"{against / base:.2f}" if workers > 1 else "-"
                speedup_loop = f"{against_loop / base_loop:.2f}" if workers > 1 else "-"
                machine = spread(ceilings[workers], ".2f") if workers > 1 else "-"
                print(f"{size:>5} {workers:>7}  {spread([s for s, _, _, _ in rs], '.1f'):<20} "
                      f"{spread([chars / s for s, _, _, _ in rs], ',.0f'):<26} "
                      f"{spread([chars / lp for _, lp, _, _ in rs], ',.0f'):<26} {speedup:>10} {speedup_loop:>6} "
                      f"{max(m.pss for *_, m in rs):>8.0f}M {max(m.rss for *_, m in rs):>7.0f}M "
                      f"{max(m.largest for *_, m in rs):>7.0f}M {max(m.processes for *_, m in rs):>5}  {machine}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print("x 1 worker: the median rate against the jieba reference measured beside each run, over the same "
          "with one worker (whole command; loop: gwr's extraction loop alone); memory: the peak over the runs;\n"
          "machine: extract() over the sample in N forked processes at once against one, measured after each "
          "N-worker run (what N processes give on this machine then, with no batch machinery)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
