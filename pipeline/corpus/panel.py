"""The research panel: place × year × indicator, each target beside what was achieved.

    gwr panel OUTDIR -o panel.parquet            # one row per indicator quantity of a target or outcome
    gwr panel OUTDIR --attainment -o att.csv     # each target joined with its result: met / missed / unclear
    gwr panel OUTDIR --escalation --year 2024 --indicator gdp_growth

Rows come from a batch's tables (`quantities.parquet`, `outcomes.parquet`); every row keeps
the report id, item id and the clause's offsets, so each figure can be checked in its source.

Attainment conventions (written down because the guideline is silent; `describe()` prints them):
- A target of report Y for period [Y, Y] is joined with the outcome of the same place,
  indicator and period; the outcome from the latest report that states it wins (report Y+1's
  review before a later restatement), and its report is named. Plan-period targets are joined
  with plan-period results the same way (same period, same `per_year`).
- Values are compared in the base unit and in the target's direction: for a falling target
  (下降3%以上) the amount the result fell (a rise is negative); a result in another base unit
  than the target's is `unclear`.
- By the target's comparator: `ge`/`eq` met when result ≥ target (a bare target is a floor,
  as the literature codes 确保/以上 and bare plan figures alike); `gt` when result > target;
  `le` when ≤; `lt` when <; `range` met when low ≤ result (a result above the range is
  met, `position` says `above`); `approx` met when the result is at least the target less the
  tolerance: 0.5 for percent and percentage points, else 5 % of the target.
  A result that is itself a bound (超2.2万亿元, gt) counts as its value.
- `gap` = result − target in the target's direction (for a range, result − low; for a fall,
  how much more it fell than the target).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from gwr.schemas import GwrError

from .tables import csv_safe_table

#: The panel's columns: (name, arrow type, meaning). The order is the table's.
COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("place", pa.string(), "The place the report is for (郑州市); the report id where the place is unknown."),
    ("province", pa.string(), "The province the place lies in (a province's own name for a province)."),
    ("level", pa.string(), "national | province | city | county."),
    ("year", pa.int32(), "The report's year (the year its plan is for)."),
    ("period_start", pa.int32(), "First year the figure is for (a target) or covers (an outcome)."),
    ("period_end", pa.int32(), "Last year of the period (equal to period_start for one year)."),
    ("per_year", pa.bool_(), "True when the value is a yearly average over the period (年均)."),
    ("kind", pa.string(), "target (a commitment's target quantity) or outcome (a stated result)."),
    ("indicator", pa.string(), "Indicator id (gdp_growth, cpi_change, urban_new_jobs, …; indicators.tsv)."),
    ("value", pa.float64(), "The number as written (the lower end of a range)."),
    ("value_max", pa.float64(), "The upper end of a range, else empty."),
    ("comparator", pa.string(), "eq | ge | gt | approx | le | lt | range (ANNOTATION.md §5)."),
    ("strength", pa.string(), "firm (确保) | strive (力争) | default; empty for outcomes."),
    ("decrease", pa.bool_(), "True when the figure is a fall (下降3%): its signed value is −value."),
    ("signed_value", pa.float64(), "value, or −value where decrease."),
    ("change", pa.string(), "change (a relative change: 增长6%) or level (an amount, a rate, a count)."),
    ("unit", pa.string(), "The unit as written (%, 亿元, 万人)."),
    ("base_value", pa.float64(), "value × magnitude, in base_unit."),
    ("base_value_max", pa.float64(), "value_max × magnitude, in base_unit."),
    ("base_unit", pa.string(), "percent, pp, CNY, person, count, t, … (ANNOTATION.md §5)."),
    ("text", pa.string(), "The clause the figure stands in."),
    ("span_start", pa.int32(), "Start offset of the clause in the report text (code points)."),
    ("span_end", pa.int32(), "End offset (exclusive) of the clause in the report text."),
    ("report_id", pa.string(), "The report's id (its document is OUTDIR/docs/<report_id>.json)."),
    ("item_id", pa.string(), "The commitment (c…) or outcome (o…) id in that document."),
]
SCHEMA = pa.schema([(n, t) for n, t, _ in COLUMNS])

ATTAINMENT_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("place", pa.string(), "The place."), ("province", pa.string(), "Its province."),
    ("level", pa.string(), "Its level."), ("indicator", pa.string(), "Indicator id."),
    ("period_start", pa.int32(), "First year of the target's period."),
    ("period_end", pa.int32(), "Last year of the target's period."),
    ("per_year", pa.bool_(), "The target is a yearly average (年均)."),
    ("target_value", pa.float64(), "The target as written (a range's lower end)."),
    ("target_value_max", pa.float64(), "A range's upper end."),
    ("comparator", pa.string(), "The target's comparator."),
    ("strength", pa.string(), "The target's strength."),
    ("unit", pa.string(), "The target's unit as written."),
    ("result_value", pa.float64(), "The stated result (empty when no report states it)."),
    ("result_comparator", pa.string(), "The result's comparator (预计…左右 is approx)."),
    ("gap", pa.float64(), "result − target in the target's direction (a fall: how much more it fell); "
                          "for a range, result − low."),
    ("status", pa.string(), "met | missed | unclear (no result, or another base unit)."),
    ("position", pa.string(), "below | within | above the target (the band of a range or approx target)."),
    ("target_report", pa.string(), "Report id of the target."), ("target_item", pa.string(), "Its commitment id."),
    ("target_text", pa.string(), "The target's clause."),
    ("result_report", pa.string(), "Report id of the result."), ("result_item", pa.string(), "Its outcome id."),
    ("result_text", pa.string(), "The result's clause."),
]
ESCALATION_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("level", pa.string(), "national | province | city | county."), ("place", pa.string(), "The place."),
    ("province", pa.string(), "The province it lies in."),
    ("value", pa.float64(), "Its annual target (a range's lower end)."),
    ("value_max", pa.float64(), "A range's upper end."), ("comparator", pa.string(), "The target's comparator."),
    ("strength", pa.string(), "The target's strength."),
    ("above", pa.string(), "The place one level up whose target it is compared with."),
    ("above_value", pa.float64(), "That place's target (lower end)."),
    ("difference", pa.float64(), "value − above_value: more than zero where the lower level adds to the target "
                                 "(层层加码)."),
    ("text", pa.string(), "The target's clause."), ("report_id", pa.string(), "Report id."),
    ("item_id", pa.string(), "Commitment id."),
]
TOLERANCE_PERCENT = 0.5  # approx targets in percent / percentage points
TOLERANCE_RELATIVE = 0.05  # approx targets in other units
LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "county": 3}


class PanelError(GwrError):
    """The output folder has no tables to build a panel from, or an option is wrong."""


def _read(path: Path) -> list[dict]:
    try:
        return pq.read_table(path).to_pylist()
    except (OSError, pa.ArrowException) as exc:
        raise PanelError(f"{path}: cannot read the table: {exc}") from None


def panel_rows(outdir: str | Path) -> list[dict]:
    """One row per target quantity of a commitment with an indicator, and per quantity of an outcome."""
    outdir = Path(outdir)
    q_path, o_path = outdir / "quantities.parquet", outdir / "outcomes.parquet"
    if not q_path.is_file():
        raise PanelError(f"{outdir}: no quantities.parquet (run gwr extract DIR -o {outdir} first)")
    rows = [_row(q, "target") for q in _read(q_path) if q["indicator"] and q["role"] == "target"]
    if o_path.is_file():
        rows += [_row(o, "outcome") for o in _read(o_path)]
    rows.sort(key=lambda r: (LEVEL_ORDER.get(r["level"], 9), r["province"] or "", r["place"], r["year"] or 0,
                             r["indicator"], r["kind"] != "target", r["span_start"]))
    return rows


def _row(q: dict, kind: str) -> dict:
    value = q["value"]
    return {
        "place": q["place"] or q["report_id"], "province": q["province"], "level": q["level"], "year": q["year"],
        "period_start": q["period_start"], "period_end": q["period_end"], "per_year": q["per_year"],
        "kind": kind, "indicator": q["indicator"], "value": value, "value_max": q["value_max"],
        "comparator": q["comparator"], "strength": q.get("strength") if kind == "target" else None,
        "decrease": q["decrease"], "signed_value": -value if q["decrease"] else value, "change": q["kind"],
        "unit": q["unit"], "base_value": q["base_value"], "base_value_max": q["base_value_max"],
        "base_unit": q["base_unit"], "text": q["text"], "span_start": q["start"], "span_end": q["end"],
        "report_id": q["report_id"], "item_id": q.get("commitment_id") or q.get("outcome_id"),
    }


# -- attainment -------------------------------------------------------------------------------
def _signed(v: float | None, decrease: bool) -> float | None:
    return None if v is None else (-v if decrease else v)


def judge(target: dict, result: dict | None) -> tuple[str, str | None, float | None]:
    """(status, position, gap) of a result against a target, by the target's comparator.

    Both are read in the target's direction: for a fall (下降3%以上) the amount it fell, so that
    a fall of 3.5% meets it (`above`: more than the target) and a rise misses it.
    """
    if result is None:
        return "unclear", None, None
    if result["base_unit"] != target["base_unit"]:
        return "unclear", None, None
    way = -1 if target["decrease"] else 1
    r = way * _signed(result["base_value"], bool(result["decrease"]))
    low = target["base_value"]
    high = target["base_value_max"]
    if high is not None and high < low:
        low, high = high, low
    comp = target["comparator"]
    if comp == "approx":
        tol = TOLERANCE_PERCENT if target["base_unit"] in ("percent", "pp") else abs(low) * TOLERANCE_RELATIVE
        band = (low - tol, low + tol)
    elif comp == "range":
        band = (low, high)
    else:
        band = (low, low)
    eps = 1e-9
    position = "below" if r < band[0] - eps else "above" if r > band[1] + eps else "within"
    if comp in ("ge", "eq", "range", "approx"):
        met = r >= band[0] - eps
    elif comp == "gt":
        met = r > low + eps
    elif comp == "le":
        met = r <= low + eps
    else:  # lt
        met = r < low - eps
    return ("met" if met else "missed"), position, round(r - low, 9)


def attainment(rows: Iterable[dict]) -> list[dict]:
    """Each target joined with the result for the same place, indicator, period and per_year."""
    rows = list(rows)
    results: dict[tuple, dict] = {}
    for o in rows:
        if o["kind"] != "outcome":
            continue
        key = (o["place"], o["indicator"], o["period_start"], o["period_end"], bool(o["per_year"]))
        best = results.get(key)
        if best is None or _closer(o, best):
            results[key] = o
    out = []
    for t in rows:
        if t["kind"] != "target" or t["period_start"] is None:
            continue
        key = (t["place"], t["indicator"], t["period_start"], t["period_end"], bool(t["per_year"]))
        r = results.get(key)
        status, position, gap = judge(t, r)
        out.append({
            "place": t["place"], "province": t["province"], "level": t["level"], "indicator": t["indicator"],
            "period_start": t["period_start"], "period_end": t["period_end"], "per_year": t["per_year"],
            "target_value": t["value"], "target_value_max": t["value_max"], "comparator": t["comparator"],
            "strength": t["strength"], "unit": t["unit"],
            "result_value": r["value"] if r else None, "result_comparator": r["comparator"] if r else None,
            "gap": gap, "status": status, "position": position,
            "target_report": t["report_id"], "target_item": t["item_id"], "target_text": t["text"],
            "result_report": r["report_id"] if r else None, "result_item": r["item_id"] if r else None,
            "result_text": r["text"] if r else None,
        })
    return out


def _closer(new: dict, old: dict) -> bool:
    """The result stated soonest after the period ends wins (report Y+1 before a later restatement)."""
    return (new["year"] or 0, new["span_start"]) < (old["year"] or 0, old["span_start"])


# -- escalation -------------------------------------------------------------------------------
def escalation(rows: Iterable[dict], year: int, indicator: str) -> list[dict]:
    """National, provincial and city targets of one year side by side, each place under its province."""
    annual = {}
    for t in rows:
        if (t["kind"] == "target" and t["indicator"] == indicator and t["year"] == year
                and t["period_start"] == year and t["period_end"] == year):
            annual.setdefault((t["level"], t["place"]), t)  # the first (the main-targets paragraph)
    national = next((t for (lv, _), t in annual.items() if lv == "national"), None)
    provinces = {t["place"]: t for (lv, _), t in annual.items() if lv == "province"}
    out = []

    def add(t: dict, above: dict | None) -> None:
        out.append({"level": t["level"], "place": t["place"], "province": t["province"], "value": t["value"],
                    "value_max": t["value_max"], "comparator": t["comparator"], "strength": t["strength"],
                    "above": above["place"] if above else None, "above_value": above["value"] if above else None,
                    "difference": round(t["value"] - above["value"], 9) if above else None,
                    "text": t["text"], "report_id": t["report_id"], "item_id": t["item_id"]})

    if national:
        add(national, None)
    lower = [t for (lv, _), t in annual.items() if lv in ("city", "county")]
    province_names = sorted({*provinces, *(t["province"] for t in lower if t["province"])},
                            key=lambda p: province_order(p))
    for name in province_names:
        p = provinces.get(name)
        if p is not None:
            add(p, national)
        for t in sorted((t for t in lower if t["province"] == name), key=lambda t: (LEVEL_ORDER[t["level"]],
                                                                                  t["place"])):
            add(t, p or national)
    for t in sorted((t for t in lower if not t["province"]), key=lambda t: t["place"]):
        add(t, national)
    return out


def province_order(name: str) -> tuple[int, str]:
    """Provinces in the official order of GB/T 2260 (北京 11, 天津 12, … 新疆 65), unknown names last."""
    for code, prefix in _GB2260:
        if name and name.startswith(prefix):
            return code, name
    return 99, name or ""


_GB2260 = [(11, "北京"), (12, "天津"), (13, "河北"), (14, "山西"), (15, "内蒙古"), (21, "辽宁"), (22, "吉林"),
           (23, "黑龙江"), (31, "上海"), (32, "江苏"), (33, "浙江"), (34, "安徽"), (35, "福建"), (36, "江西"),
           (37, "山东"), (41, "河南"), (42, "湖北"), (43, "湖南"), (44, "广东"), (45, "广西"), (46, "海南"),
           (50, "重庆"), (51, "四川"), (52, "贵州"), (53, "云南"), (54, "西藏"), (61, "陕西"), (62, "甘肃"),
           (63, "青海"), (64, "宁夏"), (65, "新疆"), (71, "台湾"), (81, "香港"), (82, "澳门")]


# -- writing ----------------------------------------------------------------------------------
def write(rows: list[dict], columns: list[tuple[str, pa.DataType, str]], path: str | Path,
          excel: bool = False) -> Path:
    """Parquet, CSV (UTF-8; with a BOM for Excel) or Stata .dta (with variable labels), by suffix;
    written to a temporary file and renamed, so a failed write leaves no half file."""
    import os

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".dta"):
        raise PanelError(f"{path}: write .parquet, .csv or .dta")
    schema = pa.schema([(n, t) for n, t, _ in columns])
    table = pa.Table.from_pylist(rows, schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if suffix == ".parquet":
            pq.write_table(table, tmp)
        elif suffix == ".csv":
            csv_safe_table(table).to_pandas().to_csv(tmp, index=False, encoding="utf-8-sig" if excel else "utf-8")
        else:
            frame = table.to_pandas()
            for name, typ, _ in columns:
                if pa.types.is_boolean(typ):
                    frame[name] = frame[name].map({True: 1, False: 0}).astype("float64")
                elif pa.types.is_string(typ):
                    frame[name] = frame[name].fillna("")
            labels = {n: d[:80] for n, _, d in columns}
            frame.to_stata(tmp, write_index=False, version=118, variable_labels=labels)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def describe(columns: list[tuple[str, pa.DataType, str]] = COLUMNS) -> str:
    """The data dictionary: one line per column, then the attainment conventions."""
    width = max(len(n) for n, _, _ in columns)
    lines = [f"{n:<{width}}  {str(t):<7}  {d}" for n, t, d in columns]
    return "\n".join(lines)


def conventions() -> str:
    doc = __doc__ or ""
    return doc[doc.index("Attainment conventions"):].strip()



def write_html(outdir: str | Path, rows: list[dict], path: str | Path, title: str = "panel",
               warnings: list[str] | None = None) -> Path:
    """The panel as a page whose values link to their clauses; the report pages go to a folder of their
    own beside it (`<page>_pages/`), so two panels never overwrite each other's pages. Report ids are
    never used as paths: each report's page is named by its position in the panel. The reports that
    get no page are added to `warnings`, each with why."""
    warnings = [] if warnings is None else warnings
    from gwr.schemas import load_document

    from gwr.views.html import panel_page, show_page

    from .collect import doc_file

    path = Path(path)
    pages = path.with_name(path.stem + "_pages")
    pages.mkdir(parents=True, exist_ok=True)
    names: dict[str, str | None] = {}
    for report_id in sorted({r["report_id"] for r in rows}):
        doc_path = doc_file(outdir, report_id)
        name = f"r{len(names) + 1}.html"
        names[report_id] = None
        if doc_path is None:
            warnings.append(f"report {report_id!r}: no page: its id is not a document file name")
            continue
        try:
            doc, text = load_document(doc_path)
        except GwrError as exc:
            warnings.append(f"report {report_id!r}: no page: {exc}")
            continue
        if text is None:
            warnings.append(f"report {report_id!r}: no page: its text {doc.report.source!r} was not found")
            continue
        (pages / name).write_text(show_page(doc, text), encoding="utf-8")
        names[report_id] = name
    links = [f"{pages.name}/{names[r['report_id']]}#{r['item_id']}" if names.get(r["report_id"]) else None
             for r in rows]
    columns = [n for n, _, _ in COLUMNS if n not in ("text", "span_start", "span_end")]
    path.write_text(panel_page(title, columns, rows, links), encoding="utf-8")
    return path
