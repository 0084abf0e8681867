"""Audit pages: a report's text with every extracted item highlighted in place.

Pages are self-contained (inline CSS and JS, no network, no fonts): `show_page`
for one document, `eval_page` for gold and prediction side by side with every
difference marked, `compare_page` for a places x years panel whose cells link
to the clause they came from. Every piece of report text is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from gwr.schemas import Commitment, Document, Outcome, Quantity

from gwr.evaluation.scoring import ScoreError, Scores

KIND_RANK = {"noise": 0, "heading": 0, "commitment": 1, "outcome": 1, "deadline": 2, "quantity": 2}

CSS = """
body{margin:0;font:15px/1.7 sans-serif;color:#222;display:flex}
nav{width:260px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f6f6f2;
 border-right:1px solid #ddd;padding:8px 10px;font-size:13px}
nav a{display:block;color:#245;text-decoration:none;padding:1px 0}nav a:hover{text-decoration:underline}
main{flex:1;padding:10px 24px;max-width:980px}
.text{white-space:pre-wrap;word-break:break-all}
.noise{color:#999;text-decoration:line-through}
.heading{font-weight:bold;color:#134;background:#e3ecf7}
.commitment{background:#fff3b0;border-radius:2px;cursor:pointer}
.commitment.targets{background:#ffd98a}
.outcome{background:#e4ddf7;border-radius:2px;cursor:pointer}
.quantity{border-bottom:2px solid #2a8a3a;background:#d8f3dc}
.quantity.qualifier{border-bottom:2px dotted #2a6a8a;background:#dcebf3}
.deadline{border-bottom:2px solid #7a3aa0;background:#eddcf7}
.missed{outline:2px dashed #c0392b}.extra{outline:2px dashed #e67e22}.wrong{outline:2px solid #c0392b}
#details{position:fixed;right:12px;bottom:12px;max-width:420px;background:#fff;border:1px solid #aaa;
 padding:8px 10px;font-size:13px;white-space:pre-wrap;display:none;box-shadow:0 2px 8px #0003}
table.scores,table.panel{border-collapse:collapse;margin:8px 0;font-size:13px}
table.scores td,table.scores th,table.panel td,table.panel th{border:1px solid #ccc;padding:2px 8px}
.legend span{margin-right:10px;padding:0 4px}
.side{display:flex;gap:16px}.side>div{flex:1;min-width:0}
.errors{font-size:13px;white-space:pre-wrap}
"""

JS = """
window.gwrErrors=[];window.addEventListener('error',function(e){window.gwrErrors.push(String(e.message));
 var el=document.getElementById('errors');if(el){el.textContent=window.gwrErrors.join('\\n');}});
document.addEventListener('DOMContentLoaded',function(){
 var box=document.getElementById('details');
 document.querySelectorAll('[data-fields]').forEach(function(el){
  el.addEventListener('click',function(ev){ev.stopPropagation();
   var f=JSON.parse(el.getAttribute('data-fields'));var lines=[];
   for(var k in f){lines.push(k+': '+(f[k]===null?'—':f[k]));}
   box.textContent=lines.join('\\n');box.style.display='block';});});
 document.body.addEventListener('click',function(){box.style.display='none';});
 var m=location.hash.match(/^#show-(.+)$/);
 if(m){var el=document.getElementById(decodeURIComponent(m[1]));if(el){el.click();el.scrollIntoView();}}
 document.body.setAttribute('data-ready','1');});
"""


@dataclass
class Item:
    start: int
    end: int
    kind: str  # noise | heading | commitment | quantity | deadline
    id: str
    fields: dict
    classes: list[str] = field(default_factory=list)

    def title(self) -> str:
        return "; ".join(f"{k}: {'—' if v is None else v}" for k, v in self.fields.items())


def _num(v) -> str | None:
    return None if v is None else f"{v:g}"


def _fields(model, names: tuple[str, ...]) -> dict:
    """A model's fields for an item's pop-up, read from the model (spans and texts left out)."""
    out = {}
    for name in names:
        v = getattr(model, name)
        out[name] = f"{v[0]}-{v[1]}" if name == "period" and v else _num(v) if isinstance(v, float) else v
    return out


_SKIP = ("span", "text", "quantities", "deadline", "implicit_deadline", "id")
COMMITMENT_SHOWN = tuple(f for f in Commitment.model_fields if f not in _SKIP)
OUTCOME_SHOWN = tuple(f for f in Outcome.model_fields if f not in _SKIP)
QUANTITY_SHOWN = tuple(f for f in Quantity.model_fields if f not in _SKIP)


def document_items(doc: Document) -> list[Item]:
    """One item per noise line, heading, commitment, outcome, distinct quantity span and deadline span."""
    items = [Item(n.span[0], n.span[1], "noise", f"n{i}", {"noise": n.kind}, [n.kind])
             for i, n in enumerate(doc.noise)]
    for s in doc.sections:
        items.append(Item(s.heading[0], s.heading[1], "heading", s.id,
                          {"section": s.id, "level": s.level, "role": s.role, "parent": s.parent,
                           "title": s.title}, [s.role]))
    seen_q: dict[tuple, Item] = {}
    seen_d: dict[tuple, Item] = {}
    for c in [*doc.commitments, *(doc.outcomes or [])]:
        is_outcome = isinstance(c, Outcome)
        kind = "outcome" if is_outcome else "commitment"
        fields = {kind: c.id, **_fields(c, OUTCOME_SHOWN if is_outcome else COMMITMENT_SHOWN)}
        if not is_outcome:
            fields["deadline"] = c.deadline.date.isoformat() if c.deadline else None
        items.append(Item(c.span[0], c.span[1], kind, c.id, fields,
                          ["targets"] if c.indicator and not is_outcome else []))
        for q in c.quantities:
            key = tuple(q.span)
            if key in seen_q:
                seen_q[key].fields[kind] = f"{seen_q[key].fields.get(kind, '')}, {c.id}".lstrip(", ")
                continue
            seen_q[key] = Item(q.span[0], q.span[1], "quantity", f"{c.id}-q{len(seen_q)}",
                               {**_fields(q, QUANTITY_SHOWN), "indicator": c.indicator, kind: c.id}, [q.role])
            items.append(seen_q[key])
        if not is_outcome and c.deadline is not None and tuple(c.deadline.span) not in seen_d:
            seen_d[tuple(c.deadline.span)] = Item(
                c.deadline.span[0], c.deadline.span[1], "deadline", f"{c.id}-d",
                {"deadline": c.deadline.date.isoformat(), "precision": c.deadline.precision,
                 "text": c.deadline.text, "commitment": c.id})
            items.append(seen_d[tuple(c.deadline.span)])
    return items


def render_text(text: str, items: list[Item]) -> str:
    """The text as escaped HTML with each item one element; an item that would cross the end of
    the element it starts in is cut there (never seen in gwr output: quantities nest in clauses)."""
    order = sorted(items, key=lambda it: (it.start, -it.end, KIND_RANK[it.kind]))
    out: list[str] = []
    stack: list[int] = []  # end offsets of open elements
    pos = 0
    for it in order:
        while stack and stack[-1] <= it.start:
            out.append(html.escape(text[pos:stack[-1]]) + "</span>")
            pos = stack.pop()
        end = min(it.end, stack[-1]) if stack else it.end
        out.append(html.escape(text[pos:it.start]))
        attrs = {"class": " ".join([it.kind] + it.classes), "id": it.id, "title": it.title(),
                 "data-fields": json.dumps(it.fields, ensure_ascii=False), "data-kind": it.kind,
                 "data-start": str(it.start), "data-end": str(it.end)}
        out.append("<span " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + ">")
        pos = it.start
        stack.append(end)
    while stack:
        out.append(html.escape(text[pos:stack[-1]]) + "</span>")
        pos = stack.pop()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _page(title: str, body: str, nav: str = "") -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style><script>{JS}</script></head><body>"
            f"{'<nav>' + nav + '</nav>' if nav else ''}<main>{body}"
            f"<div id=\"details\"></div><pre id=\"errors\" hidden></pre></main></body></html>\n")


def _outline(doc: Document) -> str:
    links = [f'<a href="#{html.escape(s.id)}" style="padding-left:{(s.level - 1) * 12}px">'
             f'{html.escape(s.title or s.id)} <small>({s.role})</small></a>' for s in doc.sections]
    return "<b>Outline</b>" + "".join(links)


LEGEND = ('<p class="legend"><span class="heading">heading</span><span class="commitment">commitment</span>'
          '<span class="commitment targets">with indicator</span><span class="quantity">target</span>'
          '<span class="quantity qualifier">qualifier</span><span class="deadline">deadline</span>'
          '<span class="outcome">outcome</span><span class="noise">noise</span></p>')


def show_page(doc: Document, text: str) -> str:
    """One report with its outline and every extracted item highlighted; click an item for its fields."""
    r = doc.report
    counts = (f"{len(doc.sections)} sections, {len(doc.noise)} noise, {len(doc.commitments)} commitments, "
              f"{sum(len(c.quantities) for c in doc.commitments)} quantities, "
              f"{sum(c.deadline is not None for c in doc.commitments)} deadlines")
    head = (f"<h1>{html.escape(r.id)} — {html.escape(r.place or '')} {r.year}</h1>"
            f"<p>{html.escape(counts)}</p>{LEGEND}")
    return _page(f"gwr: {r.id}", head + f'<div class="text">{render_text(text, document_items(doc))}</div>',
                 _outline(doc))


def _marks(errors: list[ScoreError], side: str) -> dict[tuple[int, int], tuple[str, list[str]]]:
    """Span -> (css class, error lines) for one side of an evaluation."""
    marks: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for e in errors:
        if e.span is None:
            continue
        if (side == "gold" and e.kind == "extra") or (side == "pred" and e.kind in ("missed", "wrong", "span")):
            continue
        css = {"missed": "missed", "extra": "extra"}.get(e.kind, "wrong")
        if e.category in ("ind_target", "ind_outcome"):  # the item is there; its panel figure differs
            css = "wrong"
        old = marks.get(tuple(e.span), (css, []))
        marks[tuple(e.span)] = (old[0] if old[0] != "wrong" else css, old[1] + [e.line()])
    return marks


def _marked_items(doc: Document, marks) -> list[Item]:
    items = document_items(doc)
    for it in items:
        mark = marks.get((it.start, it.end))
        if mark:
            it.classes.append(mark[0])
            it.fields["errors"] = " | ".join(mark[1])
    return items


def eval_page(gold: Document, pred: Document, text: str, scores: Scores, table: str) -> str:
    """Gold and prediction side by side; missed (red dashed), extra (orange dashed) and wrong
    (red) items marked, each with its error on hover; the score table on top."""
    gold_items = _marked_items(gold, _marks(scores.errors, "gold"))
    pred_items = _marked_items(pred, _marks(scores.errors, "pred"))
    errors = "\n".join(e.line() for e in scores.errors)
    body = (f"<h1>Evaluation: {html.escape(gold.report.id)}</h1><pre class=\"scores\">{html.escape(table)}</pre>"
            f"{LEGEND}<p class=\"legend\"><span class=\"missed\">missed</span><span class=\"extra\">extra</span>"
            f"<span class=\"wrong\">wrong field</span></p>"
            f"<div class=\"side\"><div><h2>gold</h2><div class=\"text gold\">{render_text(text, gold_items)}</div></div>"
            f"<div><h2>prediction</h2><div class=\"text pred\">{render_text(text, pred_items)}</div></div></div>"
            f"<h2>{len(scores.errors)} error(s)</h2><div class=\"errors\">{html.escape(errors)}</div>")
    return _page(f"gwr eval: {gold.report.id}", body)


def compare_page(indicator: str, places: list[str], years: list[int], cells: dict, links: dict) -> str:
    """The places x years table; each cell links to the clause it came from."""
    head = "<tr><th>place</th>" + "".join(f"<th>{y}</th>" for y in years) + "</tr>"
    rows = []
    for p in places:
        tds = []
        for y in years:
            cell = cells.get((p, y))
            if cell is None:
                tds.append("<td>—</td>")
                continue
            href = links.get((p, y))
            label = html.escape(cell.value)
            tip = html.escape(cell.text, quote=True)
            tds.append(f'<td><a href="{html.escape(href, quote=True)}" title="{tip}">{label}</a></td>' if href
                       else f'<td title="{tip}">{label}</td>')
        rows.append(f"<tr><th>{html.escape(p)}</th>{''.join(tds)}</tr>")
    body = (f"<h1>{html.escape(indicator)}</h1><p>Each cell is the target as written (≈ about, ≥ at least, "
            f"&gt; more than, ≤ at most, – range); click it to see the clause in its report.</p>"
            f"<table class=\"panel\">{head}{''.join(rows)}</table>")
    return _page(f"gwr compare: {indicator}", body)


def panel_page(title: str, columns: list[str], rows: list[dict], links: list[str | None]) -> str:
    """A panel table (one row per target or outcome); each row's value links to its clause in the report page."""
    head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>"
    body_rows = []
    for row, href in zip(rows, links):
        tds = []
        for c in columns:
            v = row.get(c)
            shown = "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
            cell = html.escape(shown)
            if c == "value" and href:
                tip = html.escape(row.get("text") or "", quote=True)
                cell = f'<a href="{html.escape(href, quote=True)}" title="{tip}">{cell}</a>'
            tds.append(f"<td>{cell}</td>")
        body_rows.append(f"<tr>{''.join(tds)}</tr>")
    body = (f"<h1>{html.escape(title)}</h1><p>One row per indicator target or outcome; click a value to see "
            f"its clause in the report.</p><table class=\"panel\">{head}{''.join(body_rows)}</table>")
    return _page(f"gwr panel: {title}", body)
