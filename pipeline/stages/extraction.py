"""The extraction entry point: text in, a validated `gwr.schemas.Document` out.

    import gwr
    doc = gwr.extract(text, year=2025, place="郑州市", level="city")

`build_nlp()` gives the spaCy pipeline itself (`spacy.blank("zh")` with the
jieba segmenter and the gwr stages), for users who want `Doc` spans. Its last
component, `gwr_spans`, turns the stages' analysis into plain data that a
`DocBin(store_user_data=True)` keeps and `spacy.load` of a saved pipeline
gives back:

- span groups, each with one label set: `sections` (role), `noise` (kind),
  `commitments` (strength), `quantities` (role), `deadlines` ("deadline"),
  `outcomes` ("outcome");
- the item's fields as a span attribute named after its group, singular:
  `span._.commitment["action"]`, `span._.quantity["base_value"]`, … (the JSON
  of ANNOTATION.md, exact character offsets included; a span group's spans
  are widened to whole tokens, the attribute keeps the item's own `span`);
- `doc._.gwr_document`: the whole document's JSON, as `extract()` gives it.
"""

from __future__ import annotations

import functools
import hashlib

import regex
import spacy
from pydantic import ValidationError
from spacy.language import Language
from spacy.tokens import Doc, Span

from gwr.collector import collection_paused
from gwr.schemas import Commitment, Deadline, Document, InputError, Noise, Outcome, Quantity, Report, Section
from gwr.schemas.vocabulary import WRITTEN_YEAR

from . import clauses, commitments, deadlines, indicators, layout, outcomes, periods, quantities, sections, tokenizer  # noqa: F401  (registered)
from .metadata import place_in_header, province_of
from .model import Analysis, CommitmentMatch, OutcomeMatch
from .segmenter import resolve as resolve_segmenter
from .stage import Stage

_HAN = regex.compile(r"\p{Han}")
STAGES = ("gwr_layout", "gwr_sections", "gwr_clauses", "gwr_quantities", "gwr_deadlines",
          "gwr_commitments", "gwr_indicators", "gwr_outcomes", "gwr_spans")



SPAN_GROUPS = {  # group -> (the item's attribute, the field whose value is the span's label)
    "sections": ("section", "role"), "noise": ("noise", "kind"), "commitments": ("commitment", "strength"),
    "quantities": ("quantity", "role"), "deadlines": ("deadline", None), "outcomes": ("outcome", None),
}
for _attr, _ in SPAN_GROUPS.values():
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=None)
if not Doc.has_extension("gwr_document"):
    Doc.set_extension("gwr_document", default=None)


def _spans_stage(a: Analysis, doc: Doc) -> None:
    """Expose the analysis as span groups with the items' fields as span attributes (plain data only)."""
    document = build_document(a.text, a, year=doc.user_data.get("gwr_year"))
    data = document.model_dump(mode="json")  # the JSON of to_json(), as dicts
    items = {
        "sections": [(s["heading"], s) for s in data["sections"]],
        "noise": [(n["span"], n) for n in data["noise"]],
        "commitments": [(c["span"], c) for c in data["commitments"]],
        "quantities": [(q["span"], q) for c in data["commitments"] + (data["outcomes"] or [])
                       for q in c["quantities"]],
        "deadlines": [(c["deadline"]["span"], c["deadline"]) for c in data["commitments"] if c["deadline"]],
        "outcomes": [(o["span"], o) for o in (data["outcomes"] or [])],
    }
    for group, found in items.items():
        attr, label_field = SPAN_GROUPS[group]
        spans = []
        for (start, end), item in found:
            span = doc.char_span(start, end, label=item[label_field] if label_field else attr,
                                 alignment_mode="expand")
            if span is not None:
                span._.set(attr, item)
                spans.append(span)
        doc.spans[group] = spans
    doc._.gwr_document = data
    for key in ("gwr_segmenter", "gwr_text", "gwr_year"):  # what only the stages needed
        doc.user_data.pop(key, None)
    doc._.gwr = None  # the stages' own objects: not data a DocBin can keep


@Language.factory("gwr_spans")
def make_spans(nlp: Language, name: str) -> Stage:
    return Stage(_spans_stage)


def build_nlp(segmenter: str = "auto") -> Language:
    """spaCy's Chinese pipeline with a jieba segmenter and the gwr stages, built once per segmenter.

    `segmenter`: `rjieba` (compiled), `jieba` (plain), or `auto` ($GWR_SEGMENTER,
    else rjieba when installed, else jieba); both give jieba's words.
    """
    return _build_nlp(resolve_segmenter(segmenter))


@functools.cache
def _build_nlp(segmenter: str) -> Language:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gwr.ChineseJieba.v1",
                                                          "segmenter": segmenter}}})
    nlp.max_length = 100_000_000  # no parser or NER here; input size is limited by --max-bytes instead
    for name in STAGES:
        nlp.add_pipe(name)
    return nlp


def analyse(text: str, year: int | None = None, spans: bool = False, segment: str = "needed"
            ) -> tuple[Doc, Analysis]:
    """Run the pipeline; the span groups (`gwr_spans`) only when asked for.

    `segment="needed"` (unless `spans`): the Doc stays empty and the stages
    segment only the stretches they ask tokens of (`tokenizer.token_offsets`:
    the same tokens as the whole text's); `"all"`: the whole text is tokenized,
    as `build_nlp()(text)` does.
    """
    nlp = build_nlp()
    if spans or segment == "all":
        doc = nlp.make_doc(text)
    else:
        doc = Doc(nlp.vocab, words=[])
        doc.user_data["gwr_segmenter"] = nlp.tokenizer.jieba_seg
    doc.user_data["gwr_year"] = year
    doc.user_data["gwr_text"] = text
    a = None
    for name, proc in nlp.pipeline:
        if name == "gwr_spans":
            a = doc._.gwr
            if not spans:
                continue
        doc = proc(doc)
    return doc, a if a is not None else doc._.gwr


def guess_place(text: str, a: Analysis) -> tuple[str, str | None, str]:
    """Place and level named in the title, dateline or byline, and which of them: ("", None, "") if none."""
    title = text[a.title[0]:a.title[1]] if a.title else ""
    header = [text[s:e] for kind, s, e in a.noise[:6] if kind in ("masthead", "byline")]
    return place_in_header(title, header)


#: A line this long, alone in its text, is a report whose line breaks were lost.
_ONE_LINE = 500


def extract(text: str, *, year: int | None = None, place: str | None = None, level: str | None = None,
            province: str | None = None, report_id: str = "report", source: str = "",
            encoding: str | None = None, input_sha256: str | None = None,
            notes: list[str] | None = None) -> Document:
    """Extract the ANNOTATION.md document of one report text.

    `year`, `place`, `level` and `province` come from the caller when known
    (metadata); otherwise the year is read from the title, dateline or
    headings and the place from the title, and what was guessed is noted in
    `report.warnings`, after the caller's own `notes`.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract() takes the report as str, not {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no file decodes to one
        raise InputError(f"the text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset {exc.start}: "
                         "not Unicode text") from None
    with collection_paused():
        doc, a = analyse(text, year)
        document = build_document(text, a, year=year, place=place, level=level, province=province,
                                  report_id=report_id, source=source, encoding=encoding, input_sha256=input_sha256,
                                  notes=notes)
        del doc, a  # freed now, so the collection that follows walks the document alone
    return document


def build_document(text: str, a: Analysis, *, year: int | None = None, place: str | None = None,
                   level: str | None = None, province: str | None = None, report_id: str = "report",
                   source: str = "", encoding: str | None = None, input_sha256: str | None = None,
                   notes: list[str] | None = None) -> Document:
    """The validated document of an analysed text (see `extract`)."""
    a.warnings[:0] = notes or []
    guessed_place, guessed_level, where = guess_place(text, a)
    if not _HAN.search(text):
        a.warnings.append("no Chinese text: this does not look like a government work report")
    elif not a.headings and len(a.lines) == 1 and len(a.lines[0].content) > _ONE_LINE:
        a.warnings.append(f"the text is one line of {len(a.lines[0].content):,} characters: headings are read at "
                          "the start of lines, so none was found (were its line breaks lost?)")
    elif not a.headings and not any(r.targets for r in a.regions):
        a.warnings.append("no sections and no main-targets paragraph found: is this a government work report?")
    if a.year is None:
        a.warnings.append("no year given or found in the text (title, dateline, headings): report.year is null")
    elif year is None:
        a.warnings.append(f"year {a.year} read from the text")
    if not place and guessed_place:
        a.warnings.append(f"place {guessed_place} read from the {where}")
    if not level:
        a.warnings.append(f"level {guessed_level or 'city'} " + ("guessed from the place name" if guessed_level
                                                                 else "assumed (no place name found)"))
    place, level = place or guessed_place, level or guessed_level or "city"
    if province is None:
        province = province_of(place, level)
        if province is not None and level != "province":
            a.warnings.append(f"province {province} from the division table (pipeline/data/divisions.tsv)")
    if year is None and a.year is None:  # a deadline naming no year (6月底前) cannot be dated
        for c in a.commitments:
            if c.deadline is not None and not WRITTEN_YEAR.search(c.deadline.text):
                a.warnings.append(f"deadline {c.deadline.text!r} left out: no report year to date it by")
                c.deadline = None
    report = Report(
        id=report_id, place=place, level=level,
        province=province, year=year or a.year, source=source,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=a.title, annotated_regions=[(0, len(text))], encoding=encoding, input_sha256=input_sha256,
    )
    document = Document(
        report=report,
        noise=[Noise(kind=k, span=(s, e)) for k, s, e in a.noise],
        sections=[Section(id=h.id, parent=h.parent, level=h.level, ordinal=h.ordinal, role=h.role,
                          title=h.title, heading=(h.start, h.end), body=h.body) for h in a.headings],
        commitments=[_commitment(i, c, report.year, a) for i, c in enumerate(a.commitments, 1)],
        outcomes=[o for o in (_outcome(i, o, a) for i, o in enumerate(a.outcomes, 1)) if o is not None],
    )
    if a.warnings:
        document.report.warnings = list(a.warnings)
    return document


def _quantities(p, matches, a: Analysis, multi_year: bool, role: str | None = None) -> list[Quantity]:
    """Validated quantities of a commitment or outcome; one that fails normalisation is left out, noted."""
    found = []
    for q in matches:
        try:
            found.append(Quantity.model_validate({
                "span": p.span(q.lo, q.hi), "text": p.text[q.lo:q.hi], "number": q.number,
                "number_max": q.number_max, "unit": q.unit, "comparator_words": q.comparator_words,
                "kind": q.kind, "role": role or q.role, "decrease": q.decrease,
                "per_year": q.per_year == "always" or (q.per_year == "multi" and multi_year)}))
        except ValidationError as exc:
            a.warnings.append(f"quantity {p.text[q.lo:q.hi]!r} left out: {exc.errors()[0]['msg']}")
    return found


def commitment_period(c: CommitmentMatch, year: int | None, deadline: Deadline | None
                      ) -> tuple[int, int] | None:
    """The clause's span, else the report year; a deadline in a later year sets the last year, and a
    yearly average (年均) with no span named is for the plan period the year lies in."""
    if year is None:
        return None
    first, last = c.period or (year, year)
    if deadline is not None:
        last = max(last, deadline.date.year)
    if first == last and c.quantities and any(q.per_year == "always" for q in c.quantities):
        plan = periods.plan_around(year)
        if plan is not None:
            first, last = plan
    return first, last


def _outcome(i: int, o: OutcomeMatch, a: Analysis) -> Outcome | None:
    found = _quantities(o.para, o.quantities, a, o.period[1] > o.period[0], role="result")
    if not found:
        return None
    return Outcome(id=f"o{i}", section=o.section, span=(o.start, o.end), text=o.text, indicator=o.indicator,
                   period=o.period, quantities=found)


def _commitment(i: int, c: CommitmentMatch, year: int | None, a: Analysis) -> Commitment:
    p = c.para
    deadline = None
    if c.deadline is not None:
        try:
            deadline = Deadline.model_validate({"span": p.span(c.deadline.lo, c.deadline.hi),
                                                "text": c.deadline.text, "report_year": year})
        except ValidationError as exc:
            a.warnings.append(f"deadline {c.deadline.text!r} left out: {exc.errors()[0]['msg']}")
    period = commitment_period(c, year, deadline)
    found = _quantities(p, c.quantities, a, period is not None and period[1] > period[0]) if c.quantities else []
    return Commitment(id=f"c{i}", section=c.section, span=(c.start, c.end), text=c.text, action=c.action,
                      object=c.object, indicator=c.indicator, strength=c.strength, period=period,
                      quantities=found, deadline=deadline)
