"""The `gwr` command: a thin layer over importable functions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from schemas import Document, GwrError

#: Exit codes: 0 ok, 1 below a --min bar, 2 usage, 3 bad input, 4 schema error.
EXIT_BELOW_BAR, EXIT_USAGE, EXIT_INPUT, EXIT_SCHEMA = 1, 2, 3, 4


def _parse_bars(items: list[str], known: set[str]) -> dict[str, float]:
    bars = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"gwr eval: --min takes NAME=VALUE, got {item!r}")
        if name not in known:
            raise SystemExit(f"gwr eval: --min: unknown figure {name!r}; known: {', '.join(sorted(known))}")
        try:
            bars[name] = float(value)
        except ValueError:
            raise SystemExit(f"gwr eval: --min {name}: {value!r} is not a number") from None
    return bars


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_paths, format_errors, format_table

    scores, warnings = evaluate_paths(args.gold, args.pred)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    figures = scores.figures()
    print(f"{scores.documents} document(s)")
    print(format_table(scores))
    if scores.errors and not args.quiet:
        print(f"\n{len(scores.errors)} error(s):")
        print(format_errors(scores.errors))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bars = _parse_bars(args.min or [], set(figures))
    failed = [f"{name} = {figures[name]:.3f} < {bar}" for name, bar in bars.items() if figures[name] < bar]
    for line in failed:
        print(f"below the bar: {line}", file=sys.stderr)
    return EXIT_BELOW_BAR if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gwr", description="Government work reports -> structured, auditable data.")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = ap.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("eval", help="score predictions against gold (files, or folders matched by report id)")
    ev.add_argument("gold")
    ev.add_argument("pred")
    ev.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    ev.add_argument("--min", action="append", metavar="NAME=VALUE",
                    help="exit 1 when a figure is below VALUE (e.g. targets.f=0.95); repeatable")
    ev.add_argument("-q", "--quiet", action="store_true", help="print the table only, not the errors")
    ev.set_defaults(func=cmd_eval)

    sc = sub.add_parser("schema", help="print the JSON Schema of a gwr document")
    sc.set_defaults(func=cmd_schema)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except GwrError as exc:
        if args.debug:
            raise
        from schemas import SchemaError

        print(f"gwr {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_SCHEMA if isinstance(exc, SchemaError) else EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
