"""The panel scholars compare: places x years of one indicator's target, from a batch's tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from schemas import GwrError

SYMBOLS = {"eq": "{v}", "ge": "≥ {v}", "gt": "> {v}", "le": "≤ {v}", "lt": "< {v}", "approx": "{v} ≈",
           "range": "{v}–{m}"}
NOT_STATED = "—"


class CompareError(GwrError):
    """The output folder has no tables, or the indicator is unknown there."""


@dataclass(frozen=True)
class Cell:
    value: str  # the normalised target as written, e.g. "6 ≈", "≥ 8", "4.5–5"
    number: float | None  # for plots: the value, or a range's midpoint
    report_id: str
    commitment_id: str
    start: int  # the clause's offsets in the report text
    end: int
    text: str


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


def panel(outdir: str | Path, indicator: str) -> tuple[list[str], list[int], dict[tuple[str, int], Cell]]:
    """Places, years and the cell of each (place, year) that states a target for the indicator.

    A quantified target wins over a qualitative one; among several, the first
    in the report (the main-targets paragraph comes before the task sections).
    """
    quantities, commitments = _tables(Path(outdir))
    cells: dict[tuple[str, int], Cell] = {}
    for q in sorted(quantities, key=lambda r: (r["report_id"], r["start"])):
        if q["indicator"] != indicator or q["role"] != "target":
            continue
        key = (q["place"] or q["report_id"], q["year"])
        if key in cells:
            continue
        number = q["value"] if q["value_max"] is None else (q["value"] + q["value_max"]) / 2
        cells[key] = Cell(format_target(q["value"], q["value_max"], q["comparator"], q["unit"]), number,
                          q["report_id"], q["commitment_id"], q["start"], q["end"], q["text"])
    for c in sorted(commitments, key=lambda r: (r["report_id"], r["start"])):
        key = (c["place"] or c["report_id"], c["year"])
        if c["indicator"] == indicator and c["n_quantities"] == 0 and key not in cells:
            cells[key] = Cell(f"“{c['text']}”", None, c["report_id"], c["commitment_id"], c["start"], c["end"],
                              c["text"])
    if not cells and indicator not in {r["indicator"] for r in commitments}:
        raise CompareError(f"no commitment in {outdir} has indicator {indicator!r} (see --list-indicators)")
    places = sorted({p for p, _ in cells})
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
    header = ["place"] + [str(y) for y in years]
    rows = [[p] + [cells[(p, y)].value if (p, y) in cells else NOT_STATED for y in years] for p in places]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buf.getvalue()
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def write_parquet(places, years, cells, path: Path, indicator: str) -> None:
    import pyarrow as pa

    rows = [{"indicator": indicator, "place": p, "year": y, "target": cells[(p, y)].value,
             "value": cells[(p, y)].number, "report_id": cells[(p, y)].report_id,
             "start": cells[(p, y)].start, "end": cells[(p, y)].end}
            for p in places for y in years if (p, y) in cells]
    schema = pa.schema([("indicator", pa.string()), ("place", pa.string()), ("year", pa.int32()),
                        ("target", pa.string()), ("value", pa.float64()), ("report_id", pa.string()),
                        ("start", pa.int32()), ("end", pa.int32())])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(k in font.name for k in ("CJK", "WenQuanYi", "SimHei", "Hei", "Song", "Ming")):
            return font.name
    return None


def plot(places, years, cells, path: Path, indicator: str) -> None:
    """One line per place across the years (a range plotted at its midpoint).

    Without a CJK font on the machine the legend names places by report id
    (national-china, province-henan) instead of showing empty boxes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for place in places:
        points = [(y, cells[(place, y)]) for y in years
                  if (place, y) in cells and cells[(place, y)].number is not None
                  and not math.isnan(cells[(place, y)].number)]
        if points:
            label = place if font else points[0][1].report_id.rsplit("-", 1)[0]
            ax.plot([y for y, _ in points], [c.number for _, c in points], marker="o", label=label)
    ax.set_title(indicator)
    ax.set_xlabel("year")
    ax.set_xticks(years)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_html(outdir: str | Path, indicator: str, places, years, cells, path: Path) -> None:
    """The panel as a page, with a show page per report in `pages/` beside it; cells link to clauses."""
    from schemas import load_document

    from .html import compare_page, show_page

    pages = path.parent / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    links = {}
    for report_id in sorted({c.report_id for c in cells.values()}):
        doc, text = load_document(Path(outdir) / "docs" / f"{report_id}.json")
        if text is None:
            continue
        (pages / f"{report_id}.html").write_text(show_page(doc, text), encoding="utf-8")
    for key, cell in cells.items():
        if (pages / f"{cell.report_id}.html").is_file():
            links[key] = f"pages/{cell.report_id}.html#{cell.commitment_id}"
    path.write_text(compare_page(indicator, places, years, cells, links), encoding="utf-8")
