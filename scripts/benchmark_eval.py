#!/usr/bin/env python3
"""Time `evaluate()` on a document scored against itself, for growing numbers of commitments.

    python scripts/benchmark_eval.py [--sizes 1000 5000 20000]

The scorer matches spans by position (ANNOTATION.md §7.1), so its time should grow about
linearly with the number of commitments; the figures printed show whether it does.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gwr.evaluation.harness import evaluate  # noqa: E402
from gwr.schemas import validate_document  # noqa: E402

CLAUSE = "新增企业{n}家"


def document(n: int) -> tuple[dict, str]:
    parts, commitments, pos = [], [], 0
    for i in range(n):
        clause = CLAUSE.format(n=i % 900 + 10)
        q_start = pos + 4
        commitments.append({
            "id": f"c{i + 1}", "section": None, "span": [pos, pos + len(clause)], "text": clause, "action": "新增",
            "object": "企业", "indicator": None, "strength": "default", "period": [2025, 2025], "deadline": None,
            "quantities": [{"span": [q_start, pos + len(clause)], "text": clause[4:], "value": i % 900 + 10,
                            "value_max": None, "unit": "家", "base_value": i % 900 + 10, "base_value_max": None,
                            "base_unit": "count", "comparator": "eq", "kind": "level", "role": "target",
                            "per_year": False, "decrease": False}]})
        parts.append(clause + "，")
        pos += len(clause) + 1
    text = "".join(parts)
    doc = {"schema_version": "2", "report": {"id": "bench", "place": "某市", "level": "city", "year": 2025,
                                              "source": "bench.txt",
                                              "text_sha256": hashlib.sha256(text.encode()).hexdigest()},
           "commitments": commitments, "outcomes": []}
    return doc, text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    args = ap.parse_args(argv)
    print(f"{'commitments':>12} {'seconds':>9} {'per 1,000':>10}")
    for n in args.sizes:
        data, text = document(n)
        doc = validate_document(data, text)
        t0 = time.perf_counter()
        scores = evaluate(doc, doc, text)
        dt = time.perf_counter() - t0
        assert scores.figures()["commitments_strict.f"] == 1.0
        print(f"{n:>12,} {dt:>9.2f} {dt / n * 1000:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
