"""Score a predicted document against a gold one, exactly as ANNOTATION.md §7."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

from collections import Counter

from gwr.schemas import (
    Commitment, Document, GwrError, Outcome, Quantity, SchemaError, document_errors, load_document,
    validate_document,
)
from gwr.schemas.document import scored_fields

from .scoring import ScoreError, Scores, Span, iou, match, overlap

#: Figures in the order the table prints them.
FIGURE_ORDER = (
    "commitments_lenient", "commitments_strict", "targets", "qualifiers", "quantities",
    "deadlines", "headings", "noise", "title", "action", "indicator", "strength", "period",
    "indicator_targets", "outcomes_matched", "outcomes", "indicator_outcomes",
)
#: Field accuracies and panel keys, read from the models (schemas/document.py marks them).
QUANTITY_FIELDS = scored_fields(Quantity, "accuracy")
COMMITMENT_FIELDS = scored_fields(Commitment, "accuracy")
QUANTITY_KEY = scored_fields(Quantity, "panel")
COMMITMENT_KEY = scored_fields(Commitment, "panel")
OUTCOME_KEY = scored_fields(Outcome, "panel")


class EvaluationError(GwrError):
    """Gold and prediction cannot be compared (different texts, missing files)."""


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _in_regions(span: Span, regions: list[tuple[int, int]]) -> bool:
    return any(overlap(span, r) > 0 or (span[0] == span[1] and r[0] <= span[0] < r[1]) for r in regions)


def _quote(text: str | None, span: Span | None, fallback: str = "") -> str:
    if text is None or span is None:
        return fallback
    return text[span[0]:span[1]].replace("\n", "⏎")


class _DocScorer:
    def __init__(self, gold: Document, pred: Document, text: str | None):
        self.gold, self.pred, self.text = gold, pred, text
        self.doc_id = gold.report.id
        self.scores = Scores(documents=1)
        length = len(text) if text is not None else max(
            [c.span[1] for c in gold.commitments] + [s.body[1] for s in gold.sections] + [0])
        self.regions = gold.regions(length)

    def error(self, category: str, kind: str, span: Span | None, label: str, detail: str = "") -> None:
        text = _quote(self.text, span, label) if span is not None else label
        self.scores.errors.append(ScoreError(self.doc_id, category, kind, span, text, detail))

    def run(self) -> Scores:
        self.outline()
        gold_c = self.gold.commitments
        pred_c = [c for c in self.pred.commitments if _in_regions(c.span, self.regions)]
        pairs = self.commitments(gold_c, pred_c)
        self.quantities_by_role(gold_c, pred_c, pairs)
        self.detection(gold_c, pred_c)
        self.deadlines(gold_c, pred_c, pairs)
        self.fields(gold_c, pred_c, pairs)
        self.indicator_targets(gold_c, pred_c)
        if self.gold.outcomes is not None:
            self.outcomes([o for o in self.gold.outcomes],
                          [o for o in self.pred.outcomes or [] if _in_regions(o.span, self.regions)])
        return self.scores

    # -- outline ---------------------------------------------------------
    def outline(self) -> None:
        g_sec, p_sec = self.gold.sections, self.pred.sections
        prf = self.scores.prf("headings")
        pairs = match([s.heading for s in g_sec], [s.heading for s in p_sec],
                      lambda gi, pi: g_sec[gi].heading == p_sec[pi].heading)
        prf.tp += len(pairs)
        g_heading = {s.id: s.heading for s in g_sec}
        p_heading = {s.id: s.heading for s in p_sec}
        parent_acc, role_acc = self.scores.accuracy("headings.parent"), self.scores.accuracy("headings.role")
        for gi, pi in pairs:
            g, p = g_sec[gi], p_sec[pi]
            ok_parent = g_heading.get(g.parent) == p_heading.get(p.parent)
            parent_acc.add(ok_parent)
            role_acc.add(g.role == p.role)
            if not ok_parent:
                self.error("heading", "wrong", g.heading, g.title,
                           f"parent: gold {_quote(self.text, g_heading.get(g.parent), str(g.parent))!r} "
                           f"vs pred {_quote(self.text, p_heading.get(p.parent), str(p.parent))!r}")
            if g.role != p.role:
                self.error("heading", "wrong", g.heading, g.title, f"role: gold {g.role} vs pred {p.role}")
        self._unmatched("heading", prf, [s.heading for s in g_sec], [s.heading for s in p_sec], pairs,
                        [s.title for s in g_sec], [s.title for s in p_sec])
        title = self.scores.accuracy("title")
        ok = self.gold.report.title == self.pred.report.title
        title.add(ok)
        if not ok:
            self.error("title", "wrong", self.gold.report.title, "(none)",
                       f"pred {_quote(self.text, self.pred.report.title, 'none')!r}")
        g_noise, p_noise = self.gold.noise, self.pred.noise
        pairs = match([n.span for n in g_noise], [n.span for n in p_noise],
                      lambda gi, pi: iou(g_noise[gi].span, p_noise[pi].span) >= 0.5)
        prf = self.scores.prf("noise")
        good = [(gi, pi) for gi, pi in pairs if g_noise[gi].kind == p_noise[pi].kind]
        prf.tp += len(good)
        for gi, pi in pairs:
            if g_noise[gi].kind != p_noise[pi].kind:
                self.error("noise", "wrong", g_noise[gi].span, "", f"kind: gold {g_noise[gi].kind} "
                                                                   f"vs pred {p_noise[pi].kind}")
        self._unmatched("noise", prf, [n.span for n in g_noise], [n.span for n in p_noise], good,
                        [n.kind for n in g_noise], [n.kind for n in p_noise], report_pairs=pairs)

    def _unmatched(self, category, prf, g_spans, p_spans, pairs, g_labels, p_labels, report_pairs=None) -> None:
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        shown_g = {gi for gi, _ in (report_pairs or [])}
        shown_p = {pi for _, pi in (report_pairs or [])}
        for gi, span in enumerate(g_spans):
            if gi not in matched_g:
                prf.fn += 1
                if gi not in shown_g:
                    self.error(category, "missed", span, g_labels[gi])
        for pi, span in enumerate(p_spans):
            if pi not in matched_p:
                prf.fp += 1
                if pi not in shown_p:
                    self.error(category, "extra", span, p_labels[pi])

    # -- commitments -----------------------------------------------------
    def commitments(self, gold_c: list[Commitment], pred_c: list[Commitment]) -> list[tuple[int, int]]:
        g_spans, p_spans = [c.span for c in gold_c], [c.span for c in pred_c]
        strict = match(g_spans, p_spans, lambda gi, pi: g_spans[gi] == p_spans[pi])
        self.scores.prf("commitments_strict").tp += len(strict)
        self.scores.prf("commitments_strict").fp += len(pred_c) - len(strict)
        self.scores.prf("commitments_strict").fn += len(gold_c) - len(strict)
        lenient = match(g_spans, p_spans, lambda gi, pi: iou(g_spans[gi], p_spans[pi]) >= 0.5)
        prf = self.scores.prf("commitments_lenient")
        prf.tp += len(lenient)
        self._unmatched("commitment", prf, g_spans, p_spans, lenient,
                        [c.text for c in gold_c], [c.text for c in pred_c])
        strict_set = set(strict)
        for gi, pi in lenient:
            if (gi, pi) not in strict_set:
                self.error("commitment", "span", gold_c[gi].span, gold_c[gi].text,
                           f"pred [{p_spans[pi][0]}:{p_spans[pi][1]}] {pred_c[pi].text!r}")
        return lenient

    def quantities_by_role(self, gold_c, pred_c, pairs) -> None:
        matched_g = {gi: pi for gi, pi in pairs}
        matched_p = set(matched_g.values())
        for role, name in (("target", "targets"), ("qualifier", "qualifiers")):
            prf = self.scores.prf(name)
            for gi, g in enumerate(gold_c):
                gq = [q for q in g.quantities if q.role == role]
                pq = [q for q in pred_c[matched_g[gi]].quantities if q.role == role] if gi in matched_g else []
                good = match([q.span for q in gq], [q.span for q in pq],
                             lambda a, b: _quantity_equal(gq[a], pq[b]))
                prf.tp += len(good)
                prf.fn += len(gq) - len(good)
                prf.fp += len(pq) - len(good)
                hit_g, hit_p = {a for a, _ in good}, {b for _, b in good}
                for a, q in enumerate(gq):
                    if a not in hit_g:
                        self.error(role, "missed", q.span, q.text, self._closest(q, pq) + f" in {g.text!r}")
                for b, q in enumerate(pq):
                    if b not in hit_p:
                        self.error(role, "extra", q.span, q.text, f"{_describe(q)} in {g.text!r}")
            for pi, p in enumerate(pred_c):
                if pi not in matched_p:
                    extra = [q for q in p.quantities if q.role == role]
                    prf.fp += len(extra)
            for gi, pi in pairs:  # field accuracies over overlapping pairs, any role
                gq, pq = gold_c[gi].quantities, pred_c[pi].quantities
                for a, b in match([q.span for q in gq], [q.span for q in pq]):
                    if gq[a].role != role:
                        continue
                    g, p = gq[a], pq[b]
                    for fld in QUANTITY_FIELDS:
                        if getattr(g, fld) is None and fld != "value":
                            continue  # per_year, decrease unknown in a version-1 gold
                        ok = _field_equal(g, p, fld)
                        self.scores.accuracy(f"{name}.{fld}").add(ok)
                        if not ok and fld in ("per_year", "decrease"):
                            self.error(role, "wrong", g.span, g.text, f"{fld}: gold {getattr(g, fld)} vs pred "
                                                                      f"{getattr(p, fld)} in {gold_c[gi].text!r}")
            for fld in QUANTITY_FIELDS:
                self.scores.accuracy(f"{name}.{fld}")

    def _closest(self, q: Quantity, candidates: list[Quantity]) -> str:
        near = [c for c in candidates if overlap(c.span, q.span) > 0]
        if not near:
            return f"gold {_describe(q)}"
        return f"gold {_describe(q)} vs pred {_describe(near[0])}"

    def detection(self, gold_c, pred_c) -> None:
        def unique(commitments):
            seen = {}
            for c in commitments:
                for q in c.quantities:
                    seen.setdefault(tuple(q.span), q)
            return list(seen.values())

        gq, pq = unique(gold_c), unique(pred_c)
        pairs = match([q.span for q in gq], [q.span for q in pq])
        prf = self.scores.prf("quantities")
        good = [(a, b) for a, b in pairs if _same(gq[a].base_value, pq[b].base_value)
                and gq[a].base_unit == pq[b].base_unit]
        prf.tp += len(good)
        prf.fn += len(gq) - len(good)
        prf.fp += len(pq) - len(good)

    def deadlines(self, gold_c, pred_c, pairs) -> None:
        prf = self.scores.prf("deadlines")
        matched_g = {gi: pi for gi, pi in pairs}
        matched_p = set(matched_g.values())
        for gi, g in enumerate(gold_c):
            p = pred_c[matched_g[gi]] if gi in matched_g else None
            gd, pd = g.deadline, p.deadline if p is not None else None
            if gd is not None and pd is not None and gd.date == pd.date:
                prf.tp += 1
                continue
            if gd is not None:
                prf.fn += 1
                self.error("deadline", "missed", gd.span, gd.text,
                           f"gold {gd.date} vs pred {pd.date if pd else 'none'} in {g.text!r}")
            if pd is not None:
                prf.fp += 1
                if gd is None:
                    self.error("deadline", "extra", pd.span, pd.text, f"pred {pd.date} in {g.text!r}")
        for pi, p in enumerate(pred_c):
            if pi not in matched_p and p.deadline is not None:
                prf.fp += 1

    def fields(self, gold_c, pred_c, pairs) -> None:
        for gi, pi in pairs:
            g, p = gold_c[gi], pred_c[pi]
            for name in COMMITMENT_FIELDS:
                gv, pv = getattr(g, name), getattr(p, name)
                if name == "period" and gv is None:
                    continue  # unknown in a version-1 gold
                self.scores.accuracy(name).add(gv == pv)
                if gv != pv:
                    self.error(name, "wrong", g.span, g.text, f"gold {_show(gv)} vs pred {_show(pv)}")
        for name in COMMITMENT_FIELDS:
            self.scores.accuracy(name)

    # -- the panel figures (§7.8, §7.9) -------------------------------------
    def _multiset(self, name: str, category: str, gold_items, pred_items, item_key, role: str) -> None:
        """P/R/F1 of the predicted multiset of panel keys against the gold one; spans play no part."""
        known = _known_fields(gold_items)
        gold = Counter(k for it in gold_items for k in _keys(it, item_key, role, known))
        pred = Counter(k for it in pred_items for k in _keys(it, item_key, role, known))
        prf = self.scores.prf(name)
        prf.tp += sum((gold & pred).values())
        prf.fn += sum((gold - pred).values())
        prf.fp += sum((pred - gold).values())
        for kind, missing in (("missed", gold - pred), ("extra", pred - gold)):
            texts = gold_items if kind == "missed" else pred_items
            for key in missing.elements():
                where = next((it for it in texts if key in _keys(it, item_key, role, known)), None)
                self.error(category, kind, where.span if where else None, where.text if where else "",
                           _show_key(key, item_key, known))

    def indicator_targets(self, gold_c, pred_c) -> None:
        self._multiset("indicator_targets", "ind_target", [c for c in gold_c if c.indicator],
                       [c for c in pred_c if c.indicator], COMMITMENT_KEY, "target")

    def outcomes(self, gold_o: list[Outcome], pred_o: list[Outcome]) -> None:
        g_spans, p_spans = [o.span for o in gold_o], [o.span for o in pred_o]
        pairs = match(g_spans, p_spans, lambda gi, pi: iou(g_spans[gi], p_spans[pi]) >= 0.5)
        matched = self.scores.prf("outcomes_matched")
        matched.tp += len(pairs)
        self._unmatched("outcome", matched, g_spans, p_spans, pairs, [o.text for o in gold_o],
                        [o.text for o in pred_o])
        correct = self.scores.prf("outcomes")
        good = 0
        for gi, pi in pairs:
            g, p = gold_o[gi], pred_o[pi]
            why = _outcome_difference(g, p)
            if why:
                self.error("outcome", "wrong", g.span, g.text, why)
            else:
                good += 1
        correct.tp += good
        correct.fn += len(gold_o) - good
        correct.fp += len(pred_o) - good
        self._multiset("indicator_outcomes", "ind_outcome", gold_o, pred_o, OUTCOME_KEY, "result")


def figure_names() -> frozenset[str]:
    """Every figure `Scores.figures()` can report for version-2 documents (`gwr eval --min NAME=…`)."""
    from gwr.schemas import Document, Report

    empty = Document(report=Report(id="-", place="-", level="city", year=2000, source="", text_sha256="0" * 64,
                                   annotated_regions=[(0, 0)]), outcomes=[])
    return frozenset(evaluate(empty, empty, text="").figures())


def _field_equal(g: Quantity, p: Quantity, fld: str) -> bool:
    if fld == "value":
        return _same(g.value, p.value) and _same(g.value_max, p.value_max)
    return getattr(g, fld) == getattr(p, fld)


def _known_fields(gold_items) -> frozenset[str]:
    """Panel-key fields the gold states: a version-1 gold leaves period, per_year, decrease unknown."""
    unknown = set()
    for it in gold_items:
        if getattr(it, "period", None) is None:
            unknown.add("period")
        for q in it.quantities:
            unknown.update(f for f in ("per_year", "decrease") if getattr(q, f) is None)
    return frozenset(set(COMMITMENT_KEY + QUANTITY_KEY) - unknown)


def _keys(item, item_key, role: str, known: frozenset[str]) -> list[tuple]:
    head = tuple(getattr(item, f) for f in item_key if f in known)
    return [head + tuple(_rounded(getattr(q, f)) for f in QUANTITY_KEY if f in known)
            for q in item.quantities if q.role == role]


def _rounded(v):
    return round(v, 9) if isinstance(v, float) else v


def _show(v) -> str:
    return f"{v[0]}-{v[1]}" if isinstance(v, tuple) else repr(v)


def _show_key(key: tuple, item_key, known) -> str:
    names = [f for f in item_key if f in known] + [f for f in QUANTITY_KEY if f in known]
    return " ".join(f"{n}={_show(v) if n == 'period' else v}" for n, v in zip(names, key))


def _outcome_difference(g: Outcome, p: Outcome) -> str:
    """Why a matched outcome is not correct ("" when it is): indicator, period, quantities (§7.9)."""
    if g.indicator != p.indicator:
        return f"indicator: gold {g.indicator} vs pred {p.indicator}"
    if g.period != p.period:
        return f"period: gold {_show(g.period)} vs pred {_show(p.period)}"
    gq, pq = g.quantities, p.quantities
    if len(gq) != len(pq):
        return f"quantities: gold {len(gq)} vs pred {len(pq)}"
    for a, b in zip(gq, pq):
        for fld in QUANTITY_KEY:
            if not _field_equal(a, b, fld) and fld != "value_max":
                return f"{fld}: gold {getattr(a, fld)} vs pred {getattr(b, fld)}"
    return ""


def _quantity_equal(g: Quantity, p: Quantity) -> bool:
    return (_same(g.value, p.value) and _same(g.value_max, p.value_max)
            and g.base_unit == p.base_unit and g.comparator == p.comparator)


def _describe(q: Quantity) -> str:
    value = f"{q.value:g}" + (f"–{q.value_max:g}" if q.value_max is not None else "")
    return f"{value} {q.base_unit} {q.comparator} {q.kind}"


def evaluate(gold: Document, pred: Document, text: str | None = None) -> Scores:
    """Scores of one prediction against its gold document."""
    if gold.report.text_sha256 != pred.report.text_sha256:
        raise EvaluationError(f"{pred.report.id}: the prediction is for another text "
                              f"(sha256 {pred.report.text_sha256[:12]}… vs gold {gold.report.text_sha256[:12]}…)")
    return _DocScorer(gold, pred, text).run()


def _documents(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.json"))
    return [path]


def evaluate_paths(gold_path: str | Path, pred_path: str | Path) -> tuple[Scores, list[str]]:
    """Score files or folders (pairs matched by report id); returns scores and warnings.

    A gold document with no prediction is scored against an empty prediction,
    so that everything it holds counts as missed; a prediction with no gold
    document is reported and left out.
    """
    gold_path, pred_path = Path(gold_path), Path(pred_path)
    if not gold_path.exists():
        raise EvaluationError(f"{gold_path}: no such file or folder")
    if not pred_path.exists():
        raise EvaluationError(f"{pred_path}: no such file or folder")
    golds = {}
    for path in _documents(gold_path):
        doc, text = load_document(path)
        if doc.report.id in golds:
            raise EvaluationError(f"{path} and {golds[doc.report.id][2]} are both gold for report "
                                  f"{doc.report.id!r}: keep one")
        if text is None:
            raise EvaluationError(f"{path}: its source text {doc.report.source!r} was not found (looked in the "
                                  f"working folder and beside the gold file); spans cannot be checked without it")
        golds[doc.report.id] = (doc, text, path)
    warnings: list[str] = []
    preds = {}
    single = gold_path.is_file() and pred_path.is_file()
    for path in _documents(pred_path):
        try:
            doc = validate_document(path.read_bytes(), None, str(path))
        except OSError as exc:
            raise EvaluationError(f"{path}: cannot read: {exc.strerror}") from None
        key = next(iter(golds)) if single else doc.report.id
        if key in preds:
            raise EvaluationError(f"{path} and {preds[key][1]} are both predictions for report {key!r}: keep one")
        preds[key] = (doc, path)
    scores = Scores()
    for doc_id, (gold, text, path) in golds.items():
        pred, pred_file = preds.pop(doc_id, (None, None))
        if pred is None:
            warnings.append(f"{doc_id}: no prediction; every gold item counts as missed")
            pred = gold.model_copy(update={"noise": [], "sections": [], "commitments": [], "outcomes": [],
                                           "report": gold.report.model_copy(update={"title": None})})
        elif text is not None:
            errors = document_errors(pred, text)
            if errors:
                raise SchemaError(errors, str(pred_file))
        scores += evaluate(gold, pred, text)
    for doc_id in preds:
        warnings.append(f"{doc_id}: prediction has no gold document; left out")
    return scores, warnings


def format_table(scores: Scores) -> str:
    """A compact table: one row per figure group."""
    rows = [f"{'figure':<26}{'P':>7}{'R':>7}{'F1':>7}  {'acc':>6}  counts"]
    for name in FIGURE_ORDER:
        counter = scores.counters.get(name)
        if counter is None:
            continue
        if hasattr(counter, "tp"):
            rows.append(f"{name:<26}{counter.p:7.3f}{counter.r:7.3f}{counter.f:7.3f}  {'':>6}  {counter.counts()}")
        else:
            rows.append(f"{name:<26}{'':>21}  {counter.acc:6.3f}  {counter.counts()}")
        for sub in sorted(k for k in scores.counters if k.startswith(name + ".")):
            acc = scores.counters[sub]
            rows.append(f"  {sub:<24}{'':>21}  {acc.acc:6.3f}  {acc.counts()}")
    return "\n".join(rows)


def format_errors(errors: Iterable[ScoreError]) -> str:
    return "\n".join(e.line() for e in errors)
