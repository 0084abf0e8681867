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


def cmd_extract(args: argparse.Namespace) -> int:
    from .corpus import meta_for
    from .extraction import extract

    path = Path(args.input)
    if not path.is_file():
        print(f"gwr extract: {path}: no such file", file=sys.stderr)
        return EXIT_INPUT
    meta = meta_for(path)
    text = path.read_text(encoding="utf-8")
    doc = extract(text, year=args.year or meta.year, place=args.place or meta.place,
                  level=args.level or meta.level, province=args.province or meta.province,
                  report_id=args.id or meta.id, source=meta.source if not meta.guessed else str(path))
    if args.output is None:
        print(doc.to_json())
        return 0
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc.to_json() + "\n", encoding="utf-8")
    print(summary(doc, out))
    return 0


def summary(doc: Document, out: Path) -> str:
    roles: dict[str, int] = {}
    for s in doc.sections:
        roles[s.role] = roles.get(s.role, 0) + 1
    n_q = sum(len(c.quantities) for c in doc.commitments)
    n_d = sum(c.deadline is not None for c in doc.commitments)
    n_i = sum(c.indicator is not None for c in doc.commitments)
    role_text = ", ".join(f"{n} {r}" for r, n in sorted(roles.items()))
    return (f"{doc.report.id} ({doc.report.place or '?'}, {doc.report.year}): {len(doc.sections)} sections "
            f"({role_text}), {len(doc.noise)} noise, {len(doc.commitments)} commitments, {n_q} quantities, "
            f"{n_d} deadlines, {n_i} with an indicator -> {out}")


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

    ex = sub.add_parser("extract", help="extract one report into the ANNOTATION.md document")
    ex.add_argument("input", help="a report text file")
    ex.add_argument("-o", "--output", help="write the JSON here and print a summary (default: JSON to stdout)")
    ex.add_argument("--year", type=int, help="the year the report plans for (default: metadata, then the text)")
    ex.add_argument("--place")
    ex.add_argument("--level", choices=["national", "province", "city", "county"])
    ex.add_argument("--province")
    ex.add_argument("--id", help="report id (default: metadata, then the file name)")
    ex.set_defaults(func=cmd_extract)

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
