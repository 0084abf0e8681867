#!/usr/bin/env python3
"""Time per input size on pathological texts: growth must stay proportional to the length.

    python scripts/benchmark_pathological.py [--sizes 10000 100000 1000000] [--inputs digits]

Inputs: a run of digits inside a targets clause, a run of 、, opening quote
and bracket marks that never close, digits broken by commas, text with no
punctuation at all (Chinese characters), and the seed report repeated. Each
input is extracted by a process of its own, started fresh (`gwr extract FILE`
as a user runs it): a process warmed up on other texts first hides what a
first call costs (plain jieba's join of a long digit run was quadratic there
only). Prints the first extract() call's seconds and microseconds per
character, and the whole process's wall time; a per-character cost that stays
flat as the size grows by 10x means linear time. GWR_SEGMENTER=jieba times
the fallback segmenter.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = (ROOT / "corpus" / "zhengzhou-2025.txt").read_text(encoding="utf-8")

#: Run in the fresh process: build the pipeline (start-up, not timed), then one timed extract().
_CHILD = """
import json, sys, time
from gwr.stages.extraction import build_nlp, extract
build_nlp()
text = open(sys.argv[1], encoding="utf-8", newline="").read()
t0 = time.perf_counter()
doc = extract(text, year=2025)
print(json.dumps({"seconds": time.perf_counter() - t0, "commitments": len(doc.commitments)}))
"""


def inputs(n: int) -> dict[str, str]:
    return {
        "digits": "主要预期目标是：地区生产总值增长" + "7" * n + "%。\n",
        "enumeration": "主要预期目标是：新增" + "、" * n + "企业10家。\n",
        "opening marks": "主要预期目标是：新增" + "“（" * (n // 2) + "企业10家。\n",  # no mark closes
        "digit groups": "主要预期目标是：地区生产总值增长" + "1," * (n // 2) + "%。\n",
        "no punctuation": "主要预期目标是：" + ("建设新型城镇推进乡村振兴" * (n // 12 + 1))[:n] + "\n",
        "seed repeated": (SEED * (n // len(SEED) + 1))[:n],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--inputs", nargs="+", choices=list(inputs(10)), default=list(inputs(10)))
    args = ap.parse_args(argv)
    print(f"{'input':<16}{'chars':>10}{'seconds':>10}{'us/char':>10}{'process':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.inputs:
            for n in args.sizes:
                text = inputs(n)[name]
                path = Path(tmp) / "input.txt"
                path.write_text(text, encoding="utf-8", newline="")
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                      cwd=ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                          p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)})
                wall = time.perf_counter() - t0
                if proc.returncode:
                    print(f"{name:<16}{len(text):>10,}  failed: {proc.stderr.strip().splitlines()[-1]}")
                    continue
                got = json.loads(proc.stdout.strip().splitlines()[-1])
                print(f"{name:<16}{len(text):>10,}{got['seconds']:>10.3f}{got['seconds'] / len(text) * 1e6:>10.2f}"
                      f"{wall:>10.2f}   ({got['commitments']} commitments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
