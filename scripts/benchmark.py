#!/usr/bin/env python3
"""Throughput of the extraction pipeline next to plain `jieba.lcut`, on the same texts, in one run.

    python scripts/benchmark.py [--repeat 5] [FILES...]

Default texts: every report in corpus/. Both sides are warmed up first (jieba's
dictionary and the spaCy pipeline load once), then each text is processed
`--repeat` times; the best of the repeats is reported, so that the figures are
steady on a busy machine. Prints characters per second for each file and in
total, and the pipeline's share of jieba's rate (the aim is at least 0.5).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_time(fn, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    files = args.files or sorted((ROOT / "corpus").glob("*.txt"))

    import jieba

    from pipeline import extract

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [(f.name, f.read_text(encoding="utf-8")) for f in files]
    extract(texts[0][1])  # load spaCy, the lexicons and the segmenter once
    jieba.lcut(texts[0][1])

    print(f"{'file':<32}{'chars':>8}{'jieba c/s':>12}{'gwr c/s':>12}{'ratio':>8}")
    total_chars = total_jieba = total_gwr = 0.0
    for name, text in texts:
        t_jieba = best_time(jieba.lcut, text, args.repeat)
        t_gwr = best_time(extract, text, args.repeat)
        total_chars += len(text)
        total_jieba += t_jieba
        total_gwr += t_gwr
        print(f"{name:<32}{len(text):>8}{len(text) / t_jieba:>12,.0f}{len(text) / t_gwr:>12,.0f}"
              f"{t_jieba / t_gwr:>8.2f}")
    print(f"{'total':<32}{int(total_chars):>8}{total_chars / total_jieba:>12,.0f}"
          f"{total_chars / total_gwr:>12,.0f}{total_jieba / total_gwr:>8.2f}")
    print(f"\npipeline rate = {total_jieba / total_gwr:.2f} x jieba.lcut (aim: >= 0.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
