"""The `gwr` command: a thin layer over importable functions."""

from __future__ import annotations

import argparse
import glob
import importlib
import json
import sys
from pathlib import Path

from gwr import __version__
from gwr.collector import long_lived
from gwr.inputs.text import DEFAULT_MAX_BYTES
from gwr.schemas import Document, GwrError, OutputError

#: Exit codes: 0 ok, 1 below a --min bar, 2 usage, 3 bad input, 4 schema error, 5 a batch with failures,
#: 6 an output that cannot be written (no space, read-only, held by another run, or over an input).
EXIT_BELOW_BAR, EXIT_USAGE, EXIT_INPUT, EXIT_SCHEMA, EXIT_PARTIAL, EXIT_OUTPUT = 1, 2, 3, 4, 5, 6


def _parse_bars(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, float]:
    """`--min NAME=VALUE` items, checked before anything is scored (a usage error exits 2)."""
    from gwr.evaluation.harness import figure_names

    known, bars = figure_names(), {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--min takes NAME=VALUE, got {item!r}")
        if name not in known:
            parser.error(f"--min: unknown figure {name!r}; known: {', '.join(sorted(known))}")
        try:
            bars[name] = float(value)
        except ValueError:
            parser.error(f"--min {name}: {value!r} is not a number")
    return bars


def cmd_eval(args: argparse.Namespace) -> int:
    from gwr.evaluation.harness import evaluate_paths, format_errors, format_table

    bars = _parse_bars(args.parser, args.min or [])
    if args.html and not (Path(args.gold).is_file() and Path(args.pred).is_file()):
        args.parser.error("--html takes one gold file and one prediction file")
    scores, warnings = evaluate_paths(args.gold, args.pred)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    figures = scores.figures()
    print(f"{scores.documents} document(s)")
    print(format_table(scores))
    if scores.errors and not args.quiet:
        print(f"\n{len(scores.errors)} error(s):")
        print(format_errors(scores.errors))
    if args.html:
        _eval_html(args, scores)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    failed = [f"{name} = {figures[name]:.3f} < {bar}" for name, bar in bars.items() if figures[name] < bar]
    for line in failed:
        print(f"below the bar: {line}", file=sys.stderr)
    return EXIT_BELOW_BAR if failed else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from gwr.inputs.rows import Columns

    inputs = args.input
    missing = [i for i in inputs if not glob.has_magic(i) and not Path(i).exists()]
    if missing:  # before anything is written: no empty OUTDIR is left behind
        from gwr.inputs.text import InputError

        raise InputError(f"no such file or folder: {', '.join(missing)}")
    if len(inputs) == 1 and Path(inputs[0]).is_file() and not args.batch and not _is_table(Path(inputs[0])):
        return _extract_one(args, Path(inputs[0]))
    run_batch = _imported("gwr.corpus.batch").run_batch

    if args.quiet:  # every bar: datasets' own (building and saving the tables) as well as gwr's
        import datasets

        datasets.disable_progress_bars()

    if not args.output:
        args.parser.error("a folder, a pattern, several files or a table of reports need -o OUTDIR")
    columns = Columns(text=args.text_column, id=args.id_column, place=args.place_column,
                      province=args.province_column, level=args.level_column, year=args.year_column)
    result = run_batch(inputs, args.output, workers=args.workers, metadata=args.metadata, csv=args.csv,
                       max_bytes=args.max_bytes, progress=not args.quiet, save_dataset=args.save_dataset,
                       force=args.force, columns=columns, engine=args.engine, address=args.address)
    for failure in result.failures:
        print(f"failed: {failure['path']}: {failure['error_type']}: {failure['error']}", file=sys.stderr)
    print(result.summary())
    return EXIT_PARTIAL if result.failed else 0


def _imported(name: str):
    """The module, imported with the collector paused and what it made frozen (`gwr.collector.long_lived`):
    datasets, pandas and spaCy make some 300,000 objects that live as long as the command, and walking
    them while they were made took 8-10 % of its start. A module imported already is given as it is."""
    if name not in sys.modules:
        with long_lived():
            importlib.import_module(name)
    return sys.modules[name]


def _is_table(path: Path) -> bool:
    """A table of reports (one a row), which is read as a batch."""
    from gwr.inputs.text import InputError
    from gwr.inputs.readers import kind_of

    try:
        with path.open("rb") as fh:
            return kind_of(path, fh.read(8192)) == "table"
    except (InputError, OSError):
        return False  # read_report says what is wrong with it


def _extract_one(args: argparse.Namespace, path: Path) -> int:
    from gwr.inputs.text import read_report

    report = read_report(path, args.max_bytes)
    _imported("gwr.stages.extraction")  # spaCy and the stages
    from gwr.corpus.single import extract_file
    doc = extract_file(path, report=report, year=args.year, place=args.place, level=args.level,
                       province=args.province, report_id=args.id)
    if args.output is None:
        print(doc.to_json())
        return 0
    from gwr.corpus.files import write_atomic

    out = Path(args.output)
    if _same_file(out, path):
        raise OutputError(f"{out}: -o names the input itself: choose another output file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if report.converted:  # spans index the decoded text: keep it beside the output
            text_path = text_beside(out, path)
            write_atomic(text_path, report.text, "the decoded text")
            doc.report.source = str(text_path)
        write_atomic(out, doc.to_json() + "\n", "the document")
    except OSError as exc:
        raise OutputError(f"{exc.filename or out}: {exc.strerror}") from None
    print(summary(doc, out))
    return 0


def text_beside(out: Path, source: Path) -> Path:
    """Where the decoded text of `source` goes beside the output `out`: OUT.txt, unless that is the
    output or the input itself (a GBK report.txt extracted to report.json), then OUT.text.txt
    (OUT.text-2.txt …)."""
    candidates = [out.with_suffix(".txt"), out.with_name(f"{out.stem}.text.txt")]
    n = 2
    while True:
        for c in candidates:
            if not _same_file(c, out) and not _same_file(c, source):
                return c
        candidates = [out.with_name(f"{out.stem}.text-{n}.txt")]
        n += 1


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and a.samefile(b)  # a hard link, or a path through a symlink
    except OSError:
        return False


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


def cmd_compare(args: argparse.Namespace) -> int:
    from gwr.corpus.compare import coverage, panel, plot, render, write_parquet

    if args.list_indicators:
        print(f"{'indicator':<28}{'reports':>8}{'places':>8}{'commitments':>13}")
        for ind, reports, places, n in coverage(args.outdir):
            print(f"{ind:<28}{reports:>8}{places:>8}{n:>13}")
        return 0
    if not args.indicator:
        args.parser.error("give --indicator ID (or --list-indicators)")
    places, years, cells = panel(args.outdir, args.indicator, args.period)
    if args.format in ("parquet", "tidy"):
        out = Path(args.output or f"{args.indicator}.{'parquet' if args.format == 'parquet' else 'csv'}")
        write_parquet(places, years, cells, out, args.indicator)
        print(f"{len(cells)} cells ({len(places)} places x {len(years)} years) -> {out}")
    else:
        table = render(places, years, cells, args.format)
        if args.output:
            Path(args.output).write_text(table, encoding="utf-8")
        else:
            print(table, end="")
    if args.plot:
        plot(places, years, cells, Path(args.plot), args.indicator)
    if args.html:
        from gwr.corpus.compare import write_html

        for warning in write_html(args.outdir, args.indicator, places, years, cells, Path(args.html)):
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from gwr.schemas import load_document

    from gwr.views.html import show_page

    doc, text = load_document(args.doc)
    if text is None:
        print(f"gwr show: {args.doc}: its source text {doc.report.source!r} was not found", file=sys.stderr)
        return EXIT_INPUT
    out = Path(args.output)
    out.write_text(show_page(doc, text), encoding="utf-8")
    print(f"{doc.report.id}: {len(doc.commitments)} commitments highlighted -> {out}")
    return 0


def _eval_html(args: argparse.Namespace, scores) -> None:
    from gwr.schemas import load_document

    from gwr.evaluation.harness import format_table
    from gwr.views.html import eval_page

    gold, text = load_document(args.gold)
    pred, _ = load_document(args.pred, text=text)
    Path(args.html).write_text(eval_page(gold, pred, text, scores, format_table(scores)), encoding="utf-8")


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gwr", description="Government work reports -> structured, auditable data.")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    ap.add_argument("--version", action="version", version=f"gwr {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    sub = ap.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("eval", parents=[common],
                        help="score predictions against gold (files, or folders matched by report id)")
    ev.add_argument("gold", help="a gold document (JSON), or a folder of them")
    ev.add_argument("pred", help="the prediction for that gold, or a folder whose documents are matched to the "
                                 "golds by report id (a batch's OUTDIR/docs)")
    ev.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    ev.add_argument("--min", action="append", metavar="NAME=VALUE",
                    help="exit 1 when a figure is below VALUE (e.g. targets.f=0.95); repeatable")
    ev.add_argument("-q", "--quiet", action="store_true", help="print the table only, not the errors")
    ev.add_argument("--html", metavar="PAGE.html", help="also write gold and prediction side by side, every "
                                                          "difference marked (two files only)")
    ev.set_defaults(parser=ev, func=cmd_eval)

    ex = sub.add_parser("extract", parents=[common],
                        help="extract reports: one file, or a folder/pattern/files in a batch")
    ex.add_argument("input", nargs="+", help="a report file; or folders, glob patterns or several files")
    ex.add_argument("-o", "--output", help="one file: write the JSON here and print a summary (default: JSON to "
                                           "stdout); a batch: the output folder")
    ex.add_argument("--workers", type=int, default=1, help="batch: worker processes (Dataset.map num_proc; "
                                                          "with --engine ray and no --address, local Ray CPUs)")
    ex.add_argument("--engine", choices=("datasets", "ray"), default="datasets",
                    help="batch: run on this machine with Dataset.map, or on Ray Data (pip install 'gwr[ray]')")
    ex.add_argument("--address", help="batch, --engine ray: the Ray cluster to join (auto, or ray://HEAD:10001); "
                                      "default: a local Ray started for the run")
    ex.add_argument("--metadata", help="batch: a metadata.tsv (default: the one beside each file, then the "
                                       "file name)")
    ex.add_argument("--csv", action="store_true", help="batch: write the tables as CSV too")
    ex.add_argument("--save-dataset", action="store_true",
                    help="batch: also save the tables as a Hugging Face DatasetDict (hf_dataset/)")
    ex.add_argument("--batch", action="store_true", help="treat a single file as a batch (needs -o OUTDIR)")
    ex.add_argument("--force", action="store_true",
                    help="batch: redo every document, also those whose input is unchanged (after upgrading gwr)")
    ex.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                    help="size limit of one report: a text file, the text of a Word file, PDF or table row (a Word "
                         "file or PDF itself may be ten times as large)")
    tables = ex.add_argument_group(
        "tables of reports", "CSV, TSV, JSON Lines, JSON, Parquet, Excel or a saved Hugging Face dataset with one "
        "report a row: every row is a document; columns are found by name (pipeline/data/report_columns.tsv) "
        "unless named here")
    for fld, default in (("text", "text, full_text, content, 正文, 全文 …"), ("id", "id, report_id; else FILE-ROW"),
                         ("place", "place, city, 地区 …; else the place in a title column"),
                         ("province", "province, 省份 …"), ("level", "level, 级别 …"), ("year", "year, 年份 …")):
        tables.add_argument(f"--{fld}-column", metavar="NAME",
                            help=f"the column of the {'report text' if fld == 'text' else fld} (default: {default})")
    ex.add_argument("-q", "--quiet", action="store_true", help="batch: no progress bars (gwr's, datasets', Ray's)")
    ex.add_argument("--year", type=int, help="the year the report plans for (default: metadata, then the text)")
    ex.add_argument("--place", help="the place as named, e.g. 郑州市 (default: metadata, then the file name, "
                                    "then the title)")
    ex.add_argument("--level", choices=["national", "province", "city", "county"],
                    help="the place's level (default: metadata, then the place name)")
    ex.add_argument("--province", help="the province the place lies in (default: metadata, then the division "
                                       "table)")
    ex.add_argument("--id", help="report id (default: metadata, then the file name)")
    ex.set_defaults(parser=ex, func=cmd_extract)

    cp = sub.add_parser("compare", parents=[common],
                        help="places x years panel of one indicator from a batch's output folder")
    cp.add_argument("outdir", help="a batch's output folder (gwr extract DIR -o OUTDIR)")
    cp.add_argument("--indicator", help="an indicator id, e.g. gdp_growth")
    cp.add_argument("--format", choices=["md", "csv", "tidy", "parquet"], default="md",
                    help="md or csv: places × years as written (csv columns y2024 …); tidy (CSV) or parquet: one "
                         "row per place and year with numeric low, high and comparator")
    cp.add_argument("--period", choices=["annual", "plan"], default="annual",
                    help="annual targets (period [Y, Y], the default) or plan-period targets (“十五五” …)")
    cp.add_argument("-o", "--output", help="write the table here (default: stdout; parquet: INDICATOR.parquet)")
    cp.add_argument("--plot", metavar="FILE.png", help="also plot the indicator across places and years")
    cp.add_argument("--list-indicators", action="store_true", help="indicators found, with their coverage")
    cp.add_argument("--html", metavar="PAGE.html", help="also write the table as a page whose cells link to "
                                                          "their clauses (report pages in PAGE_pages/ beside it)")
    cp.set_defaults(parser=cp, func=cmd_compare)

    sh = sub.add_parser("show", parents=[common], help="a page of one document's text with every item highlighted")
    sh.add_argument("doc", help="a gwr document (JSON); its report.source text must be readable")
    sh.add_argument("-o", "--output", required=True, metavar="PAGE.html", help="the page to write")
    sh.set_defaults(parser=sh, func=cmd_show)

    sc = sub.add_parser("schema", parents=[common], help="print the JSON Schema of a gwr document")
    sc.set_defaults(parser=sc, func=cmd_schema)

    pn = sub.add_parser("panel", parents=[common],
                        help="the research panel: one row per indicator target or outcome; attainment; escalation")
    pn.add_argument("outdir", nargs="?", help="a batch's output folder (gwr extract DIR -o OUTDIR)")
    pn.add_argument("-o", "--output", metavar="FILE", help="write .parquet, .csv or .dta (Stata, with variable "
                                                           "labels); default: a table on stdout")
    pn.add_argument("--excel", action="store_true", help="CSV as UTF-8 with a BOM, for Excel")
    pn.add_argument("--attainment", action="store_true",
                    help="each target joined with its stated result: gap and met / missed / unclear")
    pn.add_argument("--escalation", action="store_true",
                    help="one year's national, provincial and city targets side by side (needs --year, --indicator)")
    pn.add_argument("--year", type=int, help="the report year for --escalation")
    pn.add_argument("--indicator", help="an indicator id (gdp_growth …) for --escalation, or to keep one in the panel")
    pn.add_argument("--describe", action="store_true", help="print the data dictionary (and conventions) and exit")
    pn.add_argument("--html", metavar="PAGE.html", help="also write the panel as a page whose values link to their "
                                                        "clauses (report pages in PAGE_pages/ beside it)")
    pn.set_defaults(parser=pn, func=cmd_panel)
    return ap


def cmd_panel(args: argparse.Namespace) -> int:
    from gwr.corpus import panel

    columns = (panel.ATTAINMENT_COLUMNS if args.attainment else panel.ESCALATION_COLUMNS if args.escalation
               else panel.COLUMNS)
    if args.describe:
        print(panel.describe(columns))
        if args.attainment:
            print("\n" + panel.conventions())
        return 0
    if not args.outdir:
        args.parser.error("give the batch's output folder (or --describe)")
    if args.escalation and (args.year is None or not args.indicator):
        args.parser.error("--escalation needs --year and --indicator")
    rows = panel.panel_rows(args.outdir)
    if args.indicator and not args.escalation:
        rows = [r for r in rows if r["indicator"] == args.indicator]
    if args.html and not (args.attainment or args.escalation):
        warnings: list[str] = []
        page = panel.write_html(args.outdir, rows, args.html, args.indicator or "panel", warnings)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"{len(rows)} rows -> {page}")
    if args.attainment:
        rows = panel.attainment(rows)
    elif args.escalation:
        rows = panel.escalation(rows, args.year, args.indicator)
    if args.output:
        out = panel.write(rows, columns, args.output, excel=args.excel)
        print(f"{len(rows)} rows -> {out}")
        return 0
    names = [n for n, _, _ in columns]
    print("\t".join(names))
    for r in rows:
        print("\t".join("" if r[n] is None else f"{r[n]:g}" if isinstance(r[n], float) else str(r[n])
                        for n in names))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except GwrError as exc:
        if args.debug:
            raise
        from gwr.schemas import OutputError, SchemaError

        print(f"gwr {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return (EXIT_SCHEMA if isinstance(exc, SchemaError) else EXIT_OUTPUT if isinstance(exc, OutputError)
                else EXIT_INPUT)


if __name__ == "__main__":
    sys.exit(main())
