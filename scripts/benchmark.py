#!/usr/bin/env python3
"""Throughput of `extract()` next to plain `jieba.lcut` on the same texts, measured side by side.

    python scripts/benchmark.py [--rounds 7] [--segmenter auto] [--exclude NAME ...] [FILES...]

Default texts: every report in corpus/. Both sides are warmed up first (the
dictionaries and the spaCy pipeline load once), then each round runs both
sides over all the texts. Within a round the two sides take turns text by
text (which goes first alternates), so that each text's two timings are
moments apart and a change in the machine's load falls on both; timing whole
passes side after side let a slow few seconds land on one side only (on one
machine, 7 rounds: ratios 1.10–1.61 that way, 1.10–1.25 this way).
Prints, per side, characters per second as the median over the rounds with
the min–max, and the ratio of the two rates, computed round by round.

`--stages` adds passes of `extract()` alone after the rounds, with each
pipeline component, the building of the validated document and the garbage
collections timed inside it: the share of `extract()`'s time each takes
(median [min–max] over the passes), and the rest (checks, hashing, metadata).
The timers cost about a microsecond per call; the rounds above run without
them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def spread(values: list[float], fmt: str = ",.0f") -> str:
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}–{max(values):{fmt}}]"


@contextlib.contextmanager
def stage_timers(nlp, taken: dict[str, float]):
    """Time each gwr component of `nlp` (its `Stage.fn`), `build_document` and the garbage collections
    into `taken` (seconds by name) while inside; everything is put back on leaving."""
    from gwr.stages import extraction

    def timed(name, fn):
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                taken[name] = taken.get(name, 0.0) + time.perf_counter() - t0
        return run

    started = []

    def collection(phase, info):
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            taken["garbage collection"] = taken.get("garbage collection", 0.0) + time.perf_counter() - started.pop()

    stages = [(name, proc) for name, proc in nlp.pipeline if hasattr(proc, "fn")]
    originals = [proc.fn for _, proc in stages]
    build = extraction.build_document
    for name, proc in stages:
        proc.fn = timed(name.removeprefix("gwr_"), proc.fn)
    extraction.build_document = timed("validated document", build)
    gc.callbacks.append(collection)
    try:
        yield taken
    finally:
        gc.callbacks.remove(collection)
        extraction.build_document = build
        for (_, proc), fn in zip(stages, originals):
            proc.fn = fn


def stage_shares(nlp, extract, texts: list[str], passes: int) -> dict[str, list[float]]:
    """Per pass, the percentage of extract()'s time that each timed part took (see `stage_timers`)."""
    shares: dict[str, list[float]] = {}
    for _ in range(passes):
        taken: dict[str, float] = {}
        with stage_timers(nlp, taken):
            t0 = time.perf_counter()
            for text in texts:
                extract(text)
            total = time.perf_counter() - t0
        taken["rest"] = total - sum(taken.values())
        for name, seconds in taken.items():
            shares.setdefault(name, []).append(100 * seconds / total)
    return shares


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=7, help="rounds of both sides (at least 5)")
    ap.add_argument("--segmenter", default="auto", help="auto | rjieba | jieba (sets $GWR_SEGMENTER)")
    ap.add_argument("--exclude", nargs="*", default=[], help="leave out files whose name contains one of these")
    ap.add_argument("--stages", type=int, nargs="?", const=3, default=0, metavar="PASSES",
                    help="then time the parts of extract() over this many passes (default 3)")
    args = ap.parse_args(argv)
    if args.rounds < 5:
        ap.error("--rounds: at least 5")
    os.environ["GWR_SEGMENTER"] = args.segmenter
    files = [f for f in (args.files or sorted((ROOT / "corpus").glob("*.txt")))
             if not any(x in f.name for x in args.exclude)]

    import jieba

    from gwr import build_nlp, extract

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [f.read_text(encoding="utf-8") for f in files]
    chars = sum(map(len, texts))
    segmenter = build_nlp().tokenizer.jieba_seg.name
    extract(texts[0])  # load spaCy, the lexicons and the segmenter once
    jieba.lcut(texts[0])

    def run(first: int) -> dict[str, float]:
        """One round: each text through both sides back to back, `first` choosing who starts."""
        sides = (("jieba", jieba.lcut), ("gwr", extract))
        taken = {"jieba": 0.0, "gwr": 0.0}
        for k, text in enumerate(texts):
            for side, fn in (sides if (k + first) % 2 == 0 else sides[::-1]):
                t0 = time.perf_counter()
                fn(text)
                taken[side] += time.perf_counter() - t0
        return taken

    load = os.getloadavg()[0]
    seconds: dict[str, list[float]] = {"jieba": [], "gwr": []}
    ratios = []
    for r in range(args.rounds):
        for side, taken in run(r).items():
            seconds[side].append(taken)
        ratios.append(seconds["jieba"][-1] / seconds["gwr"][-1])
        print(f"round {r + 1}: jieba.lcut {chars / seconds['jieba'][-1]:>10,.0f} c/s   "
              f"extract() {chars / seconds['gwr'][-1]:>10,.0f} c/s   ratio {ratios[-1]:.2f}", flush=True)
    print(f"\n{len(files)} reports, {chars:,} characters; segmenter {segmenter}; {args.rounds} rounds; "
          f"load average {load:.1f} -> {os.getloadavg()[0]:.1f} (2 cores: above 0 the machine was shared)")
    print(f"jieba.lcut   {spread([chars / s for s in seconds['jieba']])} chars/s (median [min–max])")
    print(f"extract()    {spread([chars / s for s in seconds['gwr']])} chars/s")
    print(f"extract() = {spread(ratios, '.2f')} x jieba.lcut (median [min–max] of the per-round ratios)")
    if args.stages:
        shares = stage_shares(build_nlp(), extract, texts, args.stages)
        print(f"\nshare of extract()'s time, % (median [min–max] over {args.stages} passes, timers on):")
        for name, values in sorted(shares.items(), key=lambda kv: (kv[0] == "rest", -statistics.median(kv[1]))):
            print(f"  {name:<20} {spread(values, '.1f')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
