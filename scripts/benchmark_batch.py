#!/usr/bin/env python3
"""Batch throughput and memory: synthetic corpora made by repeating the real reports.

    python scripts/benchmark_batch.py [--sizes 10 100 1000] [--workers 1 2]

For each corpus size and worker count it runs `gwr extract DIR -o OUT --workers N`
in a fresh process and prints documents/s, characters/s and the peak resident
memory of the run (the parent's and the largest worker's), next to the rate of
plain `jieba.lcut` over the same texts measured in this process.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, size: int) -> int:
    reports = sorted((ROOT / "corpus").glob("*.txt"))
    chars = 0
    for i in range(size):
        src = reports[i % len(reports)]
        text = src.read_text(encoding="utf-8")
        (folder / f"{src.stem}-copy{i:05d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def jieba_rate(folder: Path, limit: int = 24) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:limit]]
    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def run(folder: Path, workers: int) -> tuple[float, int, int]:
    """Seconds, peak RSS of the main process and of the largest child (KiB)."""
    out = Path(tempfile.mkdtemp(prefix="gwr-bench-out-"))
    code = ("import resource, sys, time; from pipeline.cli import main; t0 = time.perf_counter(); "
            f"rc = main(['extract', {str(folder)!r}, '-o', {str(out)!r}, '--workers', '{workers}', '-q']); "
            "print('SECONDS', time.perf_counter() - t0); "
            "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"gwr extract failed:\n{proc.stdout}\n{proc.stderr}")
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if line.startswith(("SECONDS", "RSS")))
    self_rss, child_rss = map(int, lines["RSS"].split())
    return float(lines["SECONDS"]), self_rss, child_rss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    print(f"{'docs':>6}{'workers':>8}{'seconds':>9}{'docs/s':>9}{'chars/s':>11}{'jieba c/s':>11}"
          f"{'ratio/worker':>13}{'peak MiB (main/worker)':>24}")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="gwr-bench-in-"))
        try:
            chars = make_corpus(folder, size)
            reference = jieba_rate(folder)
            for workers in args.workers:
                seconds, self_rss, child_rss = run(folder, workers)
                rate = chars / seconds
                print(f"{size:>6}{workers:>8}{seconds:>9.1f}{size / seconds:>9.2f}{rate:>11,.0f}"
                      f"{reference:>11,.0f}{rate / workers / reference:>13.2f}"
                      f"{self_rss / 1024:>12.0f} / {child_rss / 1024:<9.0f}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
