"""Validation of a document, against the schema and against its source text.

Every message starts with the location of the offending value, written as a
path into the document: `commitments[17].quantities[0].base_unit: ...`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import regex
from pydantic import ValidationError

from .document import Document
from .errors import GwrError, SchemaError
from .vocabulary import read_tsv

_BREAK_SPACE = regex.compile(r"\s*[\n\r]\s*")  # a line break (\n, \r\n, \r) with the white space around it


@functools.cache
def indicator_ids() -> frozenset[str]:
    """Ids of `schemas/data/indicators.tsv` (the spec's list plus our additions)."""
    return frozenset(row[0] for row in read_tsv("indicators.tsv", 5) if row[0] != "id")


def format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<document>"


def _pydantic_messages(exc: ValidationError) -> list[str]:
    messages = []
    for err in exc.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] in ("literal_error", "enum"):
            msg = f"{msg}, got {err['input']!r}"
        messages.append(f"{format_loc(err['loc'])}: {msg}")
    return messages


def spanned_text_matches(recorded: str, text: str, span: tuple[int, int]) -> bool:
    """`recorded` is text[start:end], or that with layout-break white space removed."""
    actual = text[span[0]:span[1]]
    return recorded == actual or recorded == _BREAK_SPACE.sub("", actual)


def _spans(doc: Document) -> Iterator[tuple[str, tuple[int, int], str | None]]:
    """(location of the span field, span, recorded text or None) for every span."""
    if doc.report.title is not None:
        yield "report.title", doc.report.title, None
    for i, region in enumerate(doc.report.annotated_regions or []):
        yield f"report.annotated_regions[{i}]", region, None
    for i, n in enumerate(doc.noise):
        yield f"noise[{i}].span", n.span, None
    for i, s in enumerate(doc.sections):
        yield f"sections[{i}].heading", s.heading, None
        yield f"sections[{i}].body", s.body, None
    for i, c in enumerate(doc.commitments):
        yield f"commitments[{i}].span", c.span, c.text
        for j, q in enumerate(c.quantities):
            yield f"commitments[{i}].quantities[{j}].span", q.span, q.text
        if c.deadline is not None:
            yield f"commitments[{i}].deadline.span", c.deadline.span, c.deadline.text
    for i, o in enumerate(doc.outcomes or []):
        yield f"outcomes[{i}].span", o.span, o.text
        for j, q in enumerate(o.quantities):
            yield f"outcomes[{i}].quantities[{j}].span", q.span, q.text


def document_errors(doc: Document, text: str | None = None) -> list[str]:
    """Every inconsistency of a parsed document, with its location."""
    errors = _reference_errors(doc) + _version_errors(doc)
    for kind, items in (("commitments", doc.commitments), ("outcomes", doc.outcomes or [])):
        for i, c in enumerate(items):
            for j, q in enumerate(c.quantities):
                errors += [f"{kind}[{i}].quantities[{j}].{field}: {msg}" for field, msg in q.consistency_errors()]
    if text is None:
        return errors
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if sha != doc.report.text_sha256:
        errors.append(f"report.text_sha256: {doc.report.text_sha256} does not match the source text ({sha})")
    for loc, span, recorded in _spans(doc):
        if span[1] > len(text):
            errors.append(f"{loc}: {list(span)} lies outside the text (length {len(text)})")
        elif recorded is not None and not spanned_text_matches(recorded, text, span):
            text_loc = loc.removesuffix(".span") + ".text"
            errors.append(f"{text_loc}: {recorded!r} is not the text at {list(span)}: {text[span[0]:span[1]]!r}")
    return errors


def _duplicate_ids(kind: str, ids: list[str]) -> list[str]:
    counts = Counter(ids)
    return [f"{kind}[{i}].id: duplicate id {x!r}" for i, x in enumerate(ids) if counts[x] > 1]


def _version_errors(doc: Document) -> list[str]:
    """Fields that version 2 requires, and quantity roles that fit their item."""
    errors = []
    v2 = doc.schema_version == "2"
    for i, c in enumerate(doc.commitments):
        if v2 and c.period is None and doc.report.year is not None:
            errors.append(f"commitments[{i}].period: missing (version 2 gives every commitment a period)")
        for j, q in enumerate(c.quantities):
            if q.role == "result":
                errors.append(f"commitments[{i}].quantities[{j}].role: 'result' belongs to outcomes; "
                              "a commitment's quantity is a target or a qualifier")
            errors += _quantity_flags(f"commitments[{i}].quantities[{j}]", q, v2)
    if doc.outcomes is not None and not v2:
        errors.append("outcomes: a version-1 document has no outcomes (schema_version must be \"2\")")
    for i, o in enumerate(doc.outcomes or []):
        for j, q in enumerate(o.quantities):
            if q.role != "result":
                errors.append(f"outcomes[{i}].quantities[{j}].role: {q.role!r}, but an outcome's quantities "
                              "are 'result'")
            errors += _quantity_flags(f"outcomes[{i}].quantities[{j}]", q, v2)
    return errors


def _quantity_flags(loc: str, q, v2: bool) -> list[str]:
    errors = [f"{loc}.{name}: missing (version 2 requires it)" for name in ("per_year", "decrease")
              if v2 and getattr(q, name) is None]
    if q.decrease and q.kind != "change":
        errors.append(f"{loc}.decrease: true on a {q.kind!r} quantity; a fall is a change")
    return errors


def _parent_cycles(doc: Document) -> list[str]:
    """A section that is its own parent or ancestor (s3 -> s3, s1 -> s4 -> s1)."""
    parent = {s.id: s.parent for s in doc.sections}
    errors = []
    for i, s in enumerate(doc.sections):
        path, cur = [s.id], s.parent
        while cur is not None and cur in parent:
            path.append(cur)
            if cur in path[:-1]:
                errors.append(f"sections[{i}].parent: {s.id!r} is its own parent" if len(path) == 2 else
                              f"sections[{i}].parent: a cycle of parents: {' -> '.join(path)}")
                break
            cur = parent[cur]
    return errors


def _reference_errors(doc: Document) -> list[str]:
    section_ids = [s.id for s in doc.sections]
    known_sections = set(section_ids)
    errors = _duplicate_ids("sections", section_ids)
    errors += [f"sections[{i}].parent: no section {s.parent!r}" for i, s in enumerate(doc.sections)
               if s.parent is not None and s.parent not in known_sections]
    errors += _parent_cycles(doc)
    errors += _duplicate_ids("commitments", [c.id for c in doc.commitments])
    known = indicator_ids()
    for i, c in enumerate(doc.commitments):
        if c.section is not None and c.section not in known_sections:
            errors.append(f"commitments[{i}].section: no section {c.section!r}")
        if c.indicator is not None and c.indicator not in known:
            errors.append(f"commitments[{i}].indicator: unknown indicator {c.indicator!r}")
    errors += _duplicate_ids("outcomes", [o.id for o in doc.outcomes or []])
    for i, o in enumerate(doc.outcomes or []):
        if o.section is not None and o.section not in known_sections:
            errors.append(f"outcomes[{i}].section: no section {o.section!r}")
        if o.indicator not in known:
            errors.append(f"outcomes[{i}].indicator: unknown indicator {o.indicator!r}")
    return errors


def validate_document(data: dict | str | bytes, text: str | None = None, source: str | None = None) -> Document:
    """Parse and check a document; raise SchemaError listing every problem."""
    try:
        doc = Document.model_validate_json(data) if isinstance(data, (str, bytes)) else Document.model_validate(data)
    except RecursionError:
        raise SchemaError(["<document>: nested too deeply to be a gwr document"], source) from None
    except ValidationError as exc:
        raise SchemaError(_pydantic_messages(exc), source) from None
    except GwrError as exc:  # a normaliser refused a value
        raise SchemaError([f"<document>: {exc}"], source) from None
    errors = document_errors(doc, text)
    if errors:
        raise SchemaError(errors, source)
    return doc


def read_source(path: Path) -> str:
    """A source text as its spans index it: UTF-8, byte-exact (\r\n and \r kept, no newline translation)."""
    return path.read_bytes().decode("utf-8")


def find_source(doc_path: Path, source: str, text_sha256: str | None = None) -> Path | None:
    """The source text named by `report.source`: as named (from the working directory), or beside the
    document (`docs/x.json` -> `docs/..`), or a batch's `texts/` moved with its output folder. With
    `text_sha256`, the first whose bytes match it, else the first found."""
    if not source:
        return None
    named = Path(source)
    candidates = [named, doc_path.parent / named, doc_path.parent.parent / named]
    if named.parent.name == "texts":
        candidates.append(doc_path.parent.parent / "texts" / named.name)
    found = [c for c in dict.fromkeys(candidates) if c.is_file()]
    if text_sha256 is not None:
        for c in found:
            try:
                if hashlib.sha256(c.read_bytes()).hexdigest() == text_sha256:
                    return c
            except OSError:
                continue
    return found[0] if found else None


def load_document(path: str | Path, text: str | None = None) -> tuple[Document, str | None]:
    """Read a document file, check it against its source text when that is found.

    Returns the document and the text it was checked against (None when the
    source could not be found and no text was given).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemaError([f"<file>: cannot read: {exc.strerror}"], str(path)) from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError([f"<file>: not JSON: {exc}"], str(path)) from None
    except RecursionError:
        raise SchemaError(["<file>: JSON nested too deeply to be a gwr document"], str(path)) from None
    if text is None and isinstance(data, dict) and isinstance(data.get("report"), dict):
        sha = data["report"].get("text_sha256")
        src = find_source(path, str(data["report"].get("source", "")), sha if isinstance(sha, str) else None)
        if src is not None:
            try:
                text = read_source(src)
            except (OSError, UnicodeDecodeError) as exc:
                raise SchemaError([f"report.source: {src}: cannot be read as UTF-8 text ({exc})"], str(path)) from None
    return validate_document(data, text, str(path)), text
