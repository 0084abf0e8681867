#!/usr/bin/env python3
"""Batch throughput and memory: synthetic corpora made by repeating the real reports.

    python scripts/benchmark_batch.py [--sizes 30 100 300] [--workers 1 2] [--engine datasets|ray]
                                      [--exclude NAME ...]

For each corpus size and worker count it runs `gwr extract DIR -o OUT --workers N`
in a fresh process and prints documents/s and characters/s, next to the rate
of plain `jieba.lcut` over the same texts measured just before and just after
that run (their mean is the reference, so a change in the machine's load
falls on both), and the memory of the whole process tree of the run (the
command and every worker it starts), sampled every 0.2 s: the peak of the
tree's proportional set size (PSS: shared pages counted once, in shares), the
peak of the summed resident sizes (RSS: shared pages counted in every
process), and the largest single process.
"""

from __future__ import annotations

import argparse
import os
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


def run(folder: Path, workers: int, engine: str) -> tuple[float, TreeMemory]:
    out = Path(tempfile.mkdtemp(prefix="gwr-bench-out-"))
    code = ("import sys, time; from gwr.cli import main; t0 = time.perf_counter(); "
            f"rc = main(['extract', {str(folder)!r}, '-o', {str(out)!r}, '--workers', '{workers}', "
            f"'--engine', {engine!r}, '-q']); print('SECONDS', time.perf_counter() - t0); sys.exit(rc)")
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
    return seconds, memory


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--engine", default="datasets", choices=("datasets", "ray"))
    ap.add_argument("--exclude", nargs="*", default=[], help="leave out reports whose name contains one of these")
    args = ap.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores: above 0 the machine was shared)")
    print(f"{'docs':>6}{'workers':>8}{'seconds':>9}{'docs/s':>8}{'chars/s':>10}{'jieba c/s':>11}"
          f"{'x jieba':>8}{'x 1 worker':>11}{'tree PSS':>10}{'sum RSS':>9}{'largest':>9}{'procs':>6}")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="gwr-bench-in-"))
        try:
            chars = make_corpus(folder, size, args.exclude)
            sample = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:24]]
            single = None
            for workers in args.workers:
                before = jieba_rate(sample)
                seconds, mem = run(folder, workers, args.engine)
                reference = (before + jieba_rate(sample)) / 2
                rate = chars / seconds
                single = rate / reference if workers == 1 else single
                speedup = f"{rate / reference / single:.2f}" if single and workers > 1 else "-"
                print(f"{size:>6}{workers:>8}{seconds:>9.1f}{size / seconds:>8.2f}{rate:>10,.0f}{reference:>11,.0f}"
                      f"{rate / reference:>8.2f}{speedup:>11}{mem.pss:>9.0f}M{mem.rss:>8.0f}M{mem.largest:>8.0f}M"
                      f"{mem.processes:>6}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print("x 1 worker: the rate against the jieba reference, over the same with one worker (the reference "
          "measured beside each run takes the machine's load out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
