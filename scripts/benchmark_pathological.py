#!/usr/bin/env python3
"""Time per input size on pathological texts: growth must stay proportional to the length.

    python scripts/benchmark_pathological.py [--sizes 10000 100000 1000000]

Inputs: a run of digits inside a targets clause, a run of 、, text with no
punctuation at all (Chinese characters), and the seed report repeated. Prints
seconds and microseconds per character for each size; a per-character cost
that stays flat as the size grows by 10x means linear time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = (ROOT / "corpus" / "zhengzhou-2025.txt").read_text(encoding="utf-8")


def inputs(n: int) -> dict[str, str]:
    return {
        "digits": "主要预期目标是：地区生产总值增长" + "7" * n + "%。\n",
        "enumeration": "主要预期目标是：新增" + "、" * n + "企业10家。\n",
        "no punctuation": "主要预期目标是：" + ("建设新型城镇推进乡村振兴" * (n // 12 + 1))[:n] + "\n",
        "seed repeated": (SEED * (n // len(SEED) + 1))[:n],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = ap.parse_args(argv)
    from gwr import extract

    extract(SEED)
    print(f"{'input':<16}{'chars':>10}{'seconds':>10}{'us/char':>10}")
    for name in inputs(10):
        for n in args.sizes:
            text = inputs(n)[name]
            t0 = time.perf_counter()
            doc = extract(text, year=2025)
            seconds = time.perf_counter() - t0
            print(f"{name:<16}{len(text):>10,}{seconds:>10.3f}{seconds / len(text) * 1e6:>10.2f}"
                  f"   ({len(doc.commitments)} commitments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
