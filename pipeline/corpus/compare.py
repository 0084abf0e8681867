"""The panel scholars compare: places x years of one indicator's target, from a batch's tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from gwr.schemas import GwrError

SYMBOLS = {"eq": "{v}", "ge": "≥ {v}", "gt": "> {v}", "le": "≤ {v}", "lt": "< {v}", "approx": "{v} ≈",
           "range": "{v}–{m}"}
NOT_STATED = "—"


class CompareError(GwrError):
    """The output folder has no tables, or the indicator is unknown there."""


@dataclass(frozen=True)
class Cell:
    value: str  # the normalised target as written, e.g. "6 ≈", "≥ 8", "4.5–5"
    number: float | None  # the value (a range's lower end; `high` is its upper end)
    report_id: str
    commitment_id: str
    start: int  # the clause's offsets in the report text
    end: int
    text: str
    high: float | None = None
    comparator: str | None = None
    strength: str | None = None
    unit: str | None = None
    period: tuple[int, int] | None = None
    province: str | None = None
    level: str | None = None


def _number(v: float) -> str:
    return f"{v:g}"


def format_target(value: float, value_max: float | None, comparator: str, unit: str) -> str:
    shown = SYMBOLS[comparator].format(v=_number(value), m=_number(value_max) if value_max is not None else "")
    suffix = "" if unit in ("%", "％") else unit
    return f"{shown}{suffix}" if not suffix or comparator != "approx" else f"{_number(value)}{suffix} ≈"


def _tables(outdir: Path):
    q_path, c_path = outdir / "quantities.parquet", outdir / "commitments.parquet"
    if not q_path.is_file() or not c_path.is_file():
        raise CompareError(f"{outdir}: no quantities.parquet / commitments.parquet (run gwr extract DIR -o {outdir})")
    return pq.read_table(q_path).to_pylist(), pq.read_table(c_path).to_pylist()


def _wanted(row: dict, period: str) -> bool:
    """`annual`: the report year's own targets, [Y, Y]; `plan`: targets of a longer period (“十五五”)."""
    start, end = row.get("period_start"), row.get("period_end")
    if start is None or end is None:  # a version-1 document: no period known, taken as annual
        return period == "annual"
    if period == "annual":
        return start == end == row["year"]
    return end > start


def panel(outdir: str | Path, indicator: str, period: str = "annual"
          ) -> tuple[list[str], list[int], dict[tuple[str, int], Cell]]:
    """Places, years and the cell of each (place, year) that states a target for the indicator.

    Annual targets (period [Y, Y]) by default, plan-period targets with `period="plan"`. A
    quantified target wins over a qualitative one; among several, the first in the report (the
    main-targets paragraph comes before the task sections). Places are named (the report id
    only where the place is unknown) and ordered by level, then province in GB/T 2260 order.
    """
    from .panel import LEVEL_ORDER, province_order

    quantities, commitments = _tables(Path(outdir))
    cells: dict[tuple[str, int], Cell] = {}
    for q in sorted(quantities, key=lambda r: (r["report_id"], r["start"])):
        if q["indicator"] != indicator or q["role"] != "target" or q["year"] is None or not _wanted(q, period):
            continue  # a report of unknown year has no column
        key = (q["place"] or q["report_id"], q["year"])
        if key in cells:
            continue
        cells[key] = Cell(format_target(q["value"], q["value_max"], q["comparator"], q["unit"]), q["value"],
                          q["report_id"], q["commitment_id"], q["start"], q["end"], q["text"],
                          high=q["value_max"], comparator=q["comparator"], strength=q["strength"], unit=q["unit"],
                          period=(q.get("period_start"), q.get("period_end")), province=q["province"],
                          level=q["level"])
    for c in sorted(commitments, key=lambda r: (r["report_id"], r["start"])):
        key = (c["place"] or c["report_id"], c["year"])
        if (c["indicator"] == indicator and c["n_quantities"] == 0 and key not in cells and c["year"] is not None
                and _wanted(c, period)):
            cells[key] = Cell(f"“{c['text']}”", None, c["report_id"], c["commitment_id"], c["start"], c["end"],
                              c["text"], strength=c["strength"], period=(c.get("period_start"), c.get("period_end")),
                              province=c["province"], level=c["level"])
    if not cells and indicator not in {r["indicator"] for r in commitments}:
        raise CompareError(f"no commitment in {outdir} has indicator {indicator!r} (see --list-indicators)")
    info = {p: (cell.level, cell.province) for (p, _), cell in cells.items()}
    places = sorted(info, key=lambda p: (LEVEL_ORDER.get(info[p][0], 9), province_order(info[p][1] or p), p))
    years = sorted({y for _, y in cells})
    return places, years, cells


def coverage(outdir: str | Path) -> list[tuple[str, int, int, int]]:
    """(indicator, reports, places, commitments) for every indicator found."""
    _, commitments = _tables(Path(outdir))
    stats: dict[str, tuple[set, set, int]] = {}
    for c in commitments:
        if c["indicator"]:
            reports, places, n = stats.get(c["indicator"], (set(), set(), 0))
            reports.add(c["report_id"])
            places.add(c["place"])
            stats[c["indicator"]] = (reports, places, n + 1)
    return sorted(((k, len(r), len(p), n) for k, (r, p, n) in stats.items()), key=lambda row: (-row[1], row[0]))


def render(places: list[str], years: list[int], cells: dict[tuple[str, int], Cell], fmt: str) -> str:
    """The wide table: markdown (years as column titles) or CSV (columns `y2024`, valid names in Stata and R)."""
    header = ["place"] + [(f"y{y}" if fmt == "csv" else str(y)) for y in years]
    rows = [[p] + [cells[(p, y)].value if (p, y) in cells else NOT_STATED for y in years] for p in places]
    if fmt == "csv":
        import csv
        import io

        from .tables import csv_safe

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[csv_safe(v) for v in row] for row in rows])
        return buf.getvalue()
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


TIDY_COLUMNS = [("indicator", "string"), ("place", "string"), ("province", "string"), ("level", "string"),
                ("year", "int32"), ("period_start", "int32"), ("period_end", "int32"), ("target", "string"),
                ("low", "float64"), ("high", "float64"), ("comparator", "string"), ("strength", "string"),
                ("unit", "string"), ("text", "string"), ("report_id", "string"), ("commitment_id", "string"),
                ("start", "int32"), ("end", "int32")]


def tidy_rows(places, years, cells, indicator: str) -> list[dict]:
    """One row per place and year: the target as written and its numbers (`low`, `high` for a range,
    `comparator`), never a midpoint."""
    out = []
    for p in places:
        for y in years:
            c = cells.get((p, y))
            if c is None:
                continue
            out.append({"indicator": indicator, "place": p, "province": c.province, "level": c.level, "year": y,
                        "period_start": c.period[0] if c.period else None,
                        "period_end": c.period[1] if c.period else None, "target": c.value, "low": c.number,
                        "high": c.high, "comparator": c.comparator, "strength": c.strength, "unit": c.unit,
                        "text": c.text, "report_id": c.report_id, "commitment_id": c.commitment_id,
                        "start": c.start, "end": c.end})
    return out


def write_parquet(places, years, cells, path: Path, indicator: str) -> None:
    """The tidy table as parquet (`.csv` for a path ending so)."""
    import pyarrow as pa

    schema = pa.schema([(n, getattr(pa, t)()) for n, t in TIDY_COLUMNS])
    table = pa.Table.from_pylist(tidy_rows(places, years, cells, indicator), schema=schema)
    if Path(path).suffix.lower() == ".csv":
        from .tables import csv_safe_table

        csv_safe_table(table).to_pandas().to_csv(path, index=False)
    else:
        pq.write_table(table, path)


def _cjk_font() -> str | None:
    """A font that has Chinese glyphs (Noto Sans CJK first), or None."""
    from matplotlib import font_manager

    names = [f.name for f in font_manager.fontManager.ttflist]
    for wanted in ("Noto Sans CJK SC", "Noto Sans CJK", "Noto Serif CJK", "Source Han Sans", "WenQuanYi",
                   "SimHei", "Microsoft YaHei", "PingFang", "Heiti", "Songti"):
        for name in names:
            if name.startswith(wanted):
                return name
    return None


_MARKERS = {"ge": ">", "gt": ">", "le": "<", "lt": "<", "approx": "D", "eq": "o", "range": "|"}


def plot(places, years, cells, path: Path, indicator: str) -> list[str]:
    """A figure for a paper: for one year a cross-section, places sorted by their target as dots (the
    comparator as the marker: ▷ at least, ◁ at most, ◆ about, ● exactly) with ranges as bars; for
    several years one line per place, in distinct colours, the legend beside the plot.

    Places are named in a CJK font when the machine has one (Noto Sans CJK), else by report id.
    Returns the places as plotted (bottom to top for a cross-section, legend order for a series).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    label = {p: p if font else next(c.report_id for (q, _), c in cells.items() if q == p).rsplit("-", 1)[0]
             for p in places}
    numbered = {k: c for k, c in cells.items() if c.number is not None and not math.isnan(c.number)}
    unit = next((c.unit for c in numbered.values() if c.unit), "")
    if len(years) == 1:
        year = years[0]
        shown = sorted((p for p in places if (p, year) in numbered), key=lambda p: numbered[(p, year)].number)
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(shown) + 1.2))
        for i, p in enumerate(shown):
            c = numbered[(p, year)]
            if c.high is not None:
                ax.plot([c.number, c.high], [i, i], color="tab:blue", linewidth=3, solid_capstyle="butt")
            else:
                ax.plot([c.number], [i], linestyle="none", marker=_MARKERS.get(c.comparator or "eq", "o"),
                        color="tab:blue", markersize=7)
        drawn = shown
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels([label[p] for p in shown], fontsize="small")
        ax.set_xlabel(f"{indicator} target, {year}" + (f" ({unit})" if unit else ""))
        ax.grid(axis="x", alpha=0.3)
        handles = [plt.Line2D([], [], linestyle="none", marker=m, color="tab:blue", label=n)
                   for n, m in (("≥ at least", ">"), ("≤ at most", "<"), ("≈ about", "D"), ("= exactly", "o"))]
        handles.append(plt.Line2D([], [], color="tab:blue", linewidth=3, label="range"))
        ax.legend(handles=handles, fontsize="x-small", loc="lower right")
    else:
        fig, ax = plt.subplots(figsize=(9, 4.8))
        colours = plt.get_cmap("tab20" if len(places) > 10 else "tab10")
        drawn = []
        for i, place in enumerate(places):
            points = [(y, numbered[(place, y)]) for y in years if (place, y) in numbered]
            if points:
                ax.plot([y for y, _ in points], [c.number for _, c in points], marker="o", label=label[place],
                        color=colours(i % colours.N))
                drawn.append(place)
        ax.set_xlabel("year")
        ax.set_ylabel(f"{indicator} target" + (f" ({unit})" if unit else ""))
        ax.set_xticks(years)
        ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1),
                  ncol=1 if len(places) <= 16 else 2, frameon=False)
    ax.set_title(indicator)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return drawn


def write_html(outdir: str | Path, indicator: str, places, years, cells, path: Path) -> list[str]:
    """The panel as a page whose cells link to their clauses, with a show page per report in a folder of
    the page's own beside it (`<page>_pages/`), so two pages never overwrite each other's report pages.

    A report's page is named by its id only when that is an id a batch gives (never a path: an id
    from the table is not trusted); the reports that get no page are returned, each with why."""
    from gwr.schemas import load_document
    from gwr.views.html import compare_page, show_page

    from .collect import doc_file

    path = Path(path)
    pages = path.with_name(path.stem + "_pages")
    pages.mkdir(parents=True, exist_ok=True)
    written, warnings = set(), []
    for report_id in sorted({c.report_id for c in cells.values()}):
        doc_path = doc_file(outdir, report_id)
        if doc_path is None:
            warnings.append(f"report {report_id!r}: no page: its id is not a document file name")
            continue
        if not doc_path.is_file():
            warnings.append(f"report {report_id!r}: no page: {doc_path} is missing")
            continue
        doc, text = load_document(doc_path)
        if text is None:
            warnings.append(f"report {report_id!r}: no page: its text {doc.report.source!r} was not found")
            continue
        (pages / f"{report_id}.html").write_text(show_page(doc, text), encoding="utf-8")
        written.add(report_id)
    links = {key: f"{pages.name}/{cell.report_id}.html#{cell.commitment_id}" for key, cell in cells.items()
             if cell.report_id in written}
    path.write_text(compare_page(indicator, places, years, cells, links), encoding="utf-8")
    return warnings
