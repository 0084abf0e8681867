"""The gold compiler: a hand-written `.labels` gold file into the ANNOTATION.md JSON.

    python scripts/compile_gold.py gold/zhengzhou-2025.labels [-o gold/zhengzhou-2025.json]
    from gwr.evaluation.gold import compile_labels; compile_labels(text, root=Path("."))

The format is described in gold/FORMAT.md. Quotes become offsets, mechanical
fields (ids, section bodies, base units and values, text, sha256) are derived,
and the result is validated through the schema. Any problem is reported with
its line number (`LabelError`) and the script exits 1; nothing is written then.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import regex

from gwr.schemas import SCHEMA_VERSION, GwrError, Quantity, SchemaError, resolve_unit, validate_document
from gwr.schemas.checks import read_source
from gwr.schemas.spans import Line, section_bodies, split_lines

#: The yes/no fields of a quantity (per_year, decrease), read from the model: `name=true` on a quantity line,
#: false when left out.
QUANTITY_FLAGS = tuple(name for name, info in Quantity.model_fields.items() if info.annotation == bool | None)


class LabelError(GwrError):
    """A `.labels` file that cannot be compiled: the message names its line."""


@dataclass
class State:
    text: str
    lines: list[Line]
    report: dict = field(default_factory=dict)
    title: list[int] | None = None
    noise: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    last: dict | None = None  # the commitment or outcome that quantity and deadline lines belong to
    regions: list[list[int]] = field(default_factory=list)
    cursors: dict = field(default_factory=dict)


def fields(parts: list[str], lineno: int) -> dict[str, str]:
    out = {}
    for part in parts:
        if "=" not in part:
            raise LabelError(f"line {lineno}: expected key=value, got {part!r}")
        key, value = part.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def null(value: str) -> str | None:
    return None if value == "-" else value


def find_line(state: State, kind: str, quote: str, lineno: int, prefix: str = "", suffix: bool = False
              ) -> tuple[int, int]:
    """The first line at or after this kind's cursor whose content is the quote.

    With `prefix`, the quote may also be the start of a line followed by one of
    those marks (a heading run into its paragraph: 。：; a title run into its
    dateline: —); with `suffix`, the end of a line (that dateline, as noise).
    """
    after = state.cursors.get(kind, 0)
    for line in state.lines:
        if line.start < after:
            continue
        if line.content == quote or (prefix and line.content.startswith(quote)
                                     and line.content[len(quote):len(quote) + 1] in prefix):
            state.cursors[kind] = line.end
            return line.start, line.start + len(quote)
        if suffix and line.content.endswith(quote) and len(quote) < len(line.content):
            state.cursors[kind] = line.end
            return line.end - len(quote), line.end
    raise LabelError(f"line {lineno}: {kind} {quote!r} is not a line of the text (after offset {after})")


def quote_pattern(quote: str) -> regex.Pattern:
    return regex.compile(r"\s*".join(regex.escape(c) for c in quote))


def find_quote(text: str, quote: str, start: int, end: int | None, what: str, lineno: int) -> tuple[int, int]:
    m = quote_pattern(quote).search(text, start, end if end is not None else len(text))
    if not m:
        raise LabelError(f"line {lineno}: {what} {quote!r} not found after offset {start}")
    return m.start(), m.end()


def clean(text: str, span: tuple[int, int]) -> str:
    return regex.sub(r"\s*\n\s*", "", text[span[0]:span[1]])


def period(value: str | None, year: int, lineno: int) -> list[int]:
    """`2026` -> [2026, 2026], `2026-2030` -> [2026, 2030]; absent -> the report year alone."""
    if value is None:
        return [year, year]
    m = regex.fullmatch(r"((?:19|20)[0-9]{2})(?:-((?:19|20)[0-9]{2}))?", value)
    if not m:
        raise LabelError(f"line {lineno}: period {value!r} is not YYYY or YYYY-YYYY")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise LabelError(f"line {lineno}: period {value!r} ends before it starts")
    return [first, last]


def flag(f: dict[str, str], name: str, lineno: int) -> bool:
    value = f.get(name, "false")
    if value not in ("true", "false"):
        raise LabelError(f"line {lineno}: {name}={value!r}, expected true or false")
    return value == "true"


def handle(state: State, kind: str, parts: list[str], lineno: int) -> None:
    text = state.text
    if kind == "report":
        f = fields(parts, lineno)
        f["year"] = int(f["year"])
        f["province"] = null(f.get("province", "-"))
        state.report = f
    elif kind == "title":
        state.title = None if parts[0] == "-" else list(find_line(state, "title", parts[0], lineno, prefix="—"))
    elif kind == "noise":
        state.noise.append({"kind": parts[0], "span": list(find_line(state, "noise", parts[1], lineno, suffix=True))})
    elif kind == "section":
        f = fields(parts[1:], lineno)
        heading = find_line(state, "section", f["heading"], lineno, prefix="。：")
        state.sections.append({
            "id": parts[0], "parent": null(f["parent"]), "level": int(f["level"]),
            "ordinal": None if f["ordinal"] == "-" else int(f["ordinal"]),
            "role": f["role"], "title": f["title"], "heading": list(heading), "body": None,
        })
    elif kind == "commitment":
        f = fields(parts[2:], lineno)
        start = state.cursors.get("commitment", 0)
        span = find_quote(text, parts[1], start, None, "commitment", lineno)
        state.cursors["commitment"] = span[1]
        state.commitments.append({
            "id": f"c{len(state.commitments) + 1}", "section": null(parts[0]), "span": list(span),
            "text": clean(text, span), "action": f["action"], "object": f["object"],
            "indicator": null(f["indicator"]), "strength": f["strength"],
            "period": period(f.get("period"), state.report["year"], lineno), "quantities": [], "deadline": None,
        })
        state.last = state.commitments[-1]
    elif kind == "outcome":
        f = fields(parts[2:], lineno)
        if "period" not in f:
            raise LabelError(f"line {lineno}: an outcome needs period= (last year: the report year - 1)")
        span = find_quote(text, parts[1], state.cursors.get("outcome", 0), None, "outcome", lineno)
        state.cursors["outcome"] = span[1]
        state.outcomes.append({
            "id": f"o{len(state.outcomes) + 1}", "section": null(parts[0]), "span": list(span),
            "text": clean(text, span), "indicator": f["indicator"],
            "period": period(f["period"], state.report["year"], lineno), "quantities": [],
        })
        state.last = state.outcomes[-1]
    elif kind in ("quantity", "deadline"):
        if state.last is None:
            raise LabelError(f"line {lineno}: {kind} before any commitment or outcome")
        c = state.last
        is_outcome = c["id"].startswith("o")
        if is_outcome and kind == "deadline":
            raise LabelError(f"line {lineno}: an outcome has no deadline")
        try:
            span = find_quote(text, parts[0], c["span"][0], c["span"][1], kind, lineno)
        except LabelError:
            span = find_quote(text, parts[0], c["span"][0], None, kind, lineno)
        f = fields(parts[1:], lineno)
        if kind == "deadline":
            c["deadline"] = {"span": list(span), "text": clean(text, span), "date": f["date"],
                             "precision": f["precision"]}
            return
        _unit, known = resolve_unit(f["unit"])
        if not known and f.get("base_unit") != "other":
            raise LabelError(f"line {lineno}: unit {f['unit']!r} is not in the unit table; write base_unit=other")
        c["quantities"].append({
            "span": list(span), "text": clean(text, span), "value": float(f["value"]),
            "value_max": float(f["value_max"]) if f.get("value_max", "-") != "-" else None,
            "unit": f["unit"], "comparator": f["comparator"], "kind": f["kind"],
            "role": f.get("role", "result") if is_outcome else f["role"],
            **{name: flag(f, name, lineno) for name in QUANTITY_FLAGS},
        })
    elif kind == "region":
        s = find_quote(text, parts[0], 0, None, "region start", lineno)
        e = find_quote(text, parts[1], s[0], None, "region end", lineno)
        state.regions.append([s[0], e[1]])
    else:
        raise LabelError(f"line {lineno}: unknown item {kind!r}")


def fill_section_bodies(state: State) -> None:
    """Body = end of heading line to the next heading of the same or higher level, trimmed (§3)."""
    headings = [(s["heading"][0], s["heading"][1], s["level"]) for s in state.sections]
    noise = [tuple(n["span"]) for n in state.noise]
    for section, body in zip(state.sections, section_bodies(state.text, headings, noise)):
        section["body"] = list(body)


def compile_labels(labels: str, root: Path | None = None) -> dict:
    """The gold JSON of a `.labels` text; the report line's `source` is read relative to `root`
    (default: the current directory)."""
    root = Path.cwd() if root is None else Path(root)
    state = None
    for lineno, raw in enumerate(labels.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        kind = parts[0]
        if state is None:
            if kind != "report":
                raise LabelError(f"line {lineno}: the first item must be the report line")
            report = fields(parts[1:], lineno)
            text = read_source(root / report["source"])  # byte-exact: \r\n stays as the spans count it
            state = State(text=text, lines=split_lines(text))
        handle(state, kind, parts[1:], lineno)
    if state is None:
        raise LabelError("no report line")
    fill_section_bodies(state)
    report = dict(state.report)
    report["text_sha256"] = hashlib.sha256(state.text.encode("utf-8")).hexdigest()
    report["title"] = state.title
    report["annotated_regions"] = state.regions or [[0, len(state.text)]]
    data = {"schema_version": SCHEMA_VERSION, "report": report, "noise": state.noise,
            "sections": state.sections, "commitments": state.commitments, "outcomes": state.outcomes}
    doc = validate_document(data, state.text, "labels")
    return json.loads(doc.to_json())


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels", type=Path, help="the .labels file (gold/FORMAT.md)")
    ap.add_argument("-o", "--output", type=Path, help="default: the .labels path with .json")
    args = ap.parse_args(argv)
    out = args.output or args.labels.with_suffix(".json")
    try:
        data = compile_labels(args.labels.read_text(encoding="utf-8"), root)
    except (LabelError, SchemaError, GwrError, KeyError, ValueError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        print(f"{args.labels}: {detail}", file=sys.stderr)
        return 1
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_q = sum(len(c["quantities"]) for c in data["commitments"])
    n_d = sum(c["deadline"] is not None for c in data["commitments"])
    print(f"{out}: {len(data['sections'])} sections, {len(data['noise'])} noise, "
          f"{len(data['commitments'])} commitments, {n_q} quantities, {n_d} deadlines, "
          f"{len(data['outcomes'])} outcomes")
    return 0
