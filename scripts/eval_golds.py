#!/usr/bin/env python3
"""Extract every report that has a gold file and print the main figures per gold, then micro-averaged.

    python scripts/eval_golds.py [gold/…json …] [--errors]

One row per gold (commitments, targets, indicator targets, period, outcomes,
outline, fields); `--errors` prints every error of every gold below the table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gwr import extract  # noqa: E402
from gwr.evaluation.harness import evaluate, format_errors  # noqa: E402
from gwr.evaluation.scoring import Scores  # noqa: E402
from gwr.schemas import load_document  # noqa: E402

FIGURES = ["commitments_lenient.f", "targets.f", "indicator_targets.f", "period.acc", "outcomes_matched.f",
           "outcomes.f", "indicator_outcomes.f", "headings.f", "headings.role", "noise.f", "action.acc",
           "strength.acc", "indicator.acc"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("golds", nargs="*", type=Path, help="gold files (default: gold/*.json)")
    ap.add_argument("--errors", action="store_true", help="print every error below the table")
    args = ap.parse_args(argv)
    golds = args.golds or sorted((ROOT / "gold").glob("*.json"))
    total = Scores()
    names = [f.rsplit(".", 1)[0][:11] + ("" if f.endswith((".f", ".acc")) else "." + f.rsplit(".", 1)[1][:4])
             for f in FIGURES]
    print(f"{'gold':<26}" + "".join(f"{n:>12}" for n in names))
    for path in golds:
        gold, text = load_document(path)
        r = gold.report
        pred = extract(text, year=r.year, place=r.place, level=r.level, province=r.province, report_id=r.id,
                       source=r.source)
        scores = evaluate(gold, pred, text)
        total += scores
        figures = scores.figures()
        print(f"{r.id:<26}" + "".join(f"{figures[f]:12.3f}" if f in figures else f"{'-':>12}" for f in FIGURES))
    figures = total.figures()
    print(f"{'all (micro)':<26}" + "".join(f"{figures[f]:12.3f}" if f in figures else f"{'-':>12}"
                                            for f in FIGURES))
    if args.errors:
        print(format_errors(total.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
