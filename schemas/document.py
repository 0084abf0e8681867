"""The ANNOTATION.md document: one pydantic model for gold and predictions.

Quantities and deadlines normalise themselves: a producer may give the parts
it matched (`number`, `number_max`, `comparator_words`, and for deadlines the
`report_year`) and the validators compute `value`, `base_value`, `base_unit`,
`comparator` and `date` from the tables in `schemas/data/`, so that every
producer of these models normalises identically.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from .errors import NormalisationError
from .numerals import parse_number
from .tables import BASE_UNITS, resolve_unit, tables

SCHEMA_VERSION = "1"


def _number_out(v: float | None) -> float | int | None:
    if v is not None and float(v).is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _span_in(v: Any) -> Any:
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, int) for x in v):
        if v[0] < 0 or v[1] < v[0]:
            raise ValueError(f"span {list(v)} is not [start, end) with 0 <= start <= end")
    return v


Span = Annotated[tuple[int, int], BeforeValidator(_span_in)]
Number = Annotated[float, PlainSerializer(_number_out, return_type=Any)]
Level = Literal["national", "province", "city", "county"]
Role = Literal["review", "targets", "tasks", "other"]
Comparator = Literal["eq", "ge", "gt", "approx", "le", "lt", "range"]
Precision = Literal["day", "month", "quarter", "half", "year"]


def _unset(value: Any) -> bool:
    return value is None


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Report(Model):
    id: str = Field(min_length=1)
    place: str
    level: Level
    province: str | None = None
    year: int = Field(ge=1949, le=2100)
    source: str
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: Span | None = None
    annotated_regions: list[Span] | None = None
    # gwr's additions, left out of the JSON when unset: how the input was read,
    # the hash of its bytes (for resuming batches), and what the pipeline noticed
    encoding: str | None = Field(default=None, exclude_if=_unset)
    input_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", exclude_if=_unset)
    warnings: list[str] | None = Field(default=None, exclude_if=_unset)


class Noise(Model):
    kind: Literal["masthead", "caption", "byline"]
    span: Span


class Section(Model):
    id: str
    parent: str | None
    level: int = Field(ge=1)
    ordinal: int | None
    role: Role
    title: str
    heading: Span
    body: Span


class Quantity(Model):
    span: Span
    text: str
    value: Number
    value_max: Number | None = None
    unit: str
    base_value: Number
    base_value_max: Number | None = None
    base_unit: str
    comparator: Comparator
    kind: Literal["change", "level"]
    role: Literal["target", "qualifier"]

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        """Fill value, comparator and base fields from the matched parts."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "number" in data:
            data["value"] = parse_number(data.pop("number"))
            number_max = data.pop("number_max", None)
            data["value_max"] = parse_number(number_max) if number_max else None
        if "comparator_words" in data:
            data["comparator"] = comparator_of(data.pop("comparator_words"), data.get("value_max") is not None)
        if "value" in data and "unit" in data and "base_unit" not in data:
            unit, _known = resolve_unit(data["unit"])
            data["base_unit"] = unit.base_unit
            data["base_value"] = _scaled(data["value"], unit.factor)
            data["base_value_max"] = _scaled(data.get("value_max"), unit.factor)
        return data

    @field_validator("base_unit")
    @classmethod
    def _known_base_unit(cls, v: str) -> str:
        if v not in BASE_UNITS:
            raise ValueError(f"unknown unit {v!r}")
        return v

    def consistency_errors(self) -> list[tuple[str, str]]:
        """(field, message) pairs for fields that disagree with the unit table."""
        unit, known = resolve_unit(self.unit)
        errors = []
        if known and self.base_unit != unit.base_unit:
            errors.append(("base_unit", f"{self.base_unit!r} but unit {self.unit!r} is {unit.base_unit!r}"))
        if not known and self.base_unit != "other":
            errors.append(("base_unit", f"unit {self.unit!r} is not in the unit table: base_unit must be 'other'"))
        for field, value, base in (("base_value", self.value, self.base_value),
                                   ("base_value_max", self.value_max, self.base_value_max)):
            expected = _scaled(value, unit.factor)
            if (expected is None) != (base is None) or (
                    expected is not None and not math.isclose(expected, base, rel_tol=1e-9, abs_tol=1e-9)):
                errors.append((field, f"{_number_out(base)} is not value {_number_out(value)} × "
                                      f"{_number_out(unit.factor)} ({self.unit!r})"))
        if (self.comparator == "range") != (self.value_max is not None):
            errors.append(("comparator", f"{self.comparator!r} with value_max {_number_out(self.value_max)}: "
                                         "a range has value_max, nothing else does"))
        return errors


class Deadline(Model):
    span: Span
    text: str
    date: dt.date
    precision: Precision

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        """Resolve `text` against `report_year` when no date is given."""
        if isinstance(data, dict) and "report_year" in data:
            data = dict(data)
            year = data.pop("report_year")
            if "date" not in data:
                data["date"], data["precision"] = resolve_deadline(data["text"], year)
        return data


class Commitment(Model):
    id: str
    section: str | None
    span: Span
    text: str
    action: str
    object: str
    indicator: str | None
    strength: Literal["firm", "strive", "default"]
    quantities: list[Quantity] = []
    deadline: Deadline | None = None
    implicit_deadline: dt.date | None = Field(default=None, exclude_if=_unset)


class Document(Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    report: Report
    noise: list[Noise] = []
    sections: list[Section] = []
    commitments: list[Commitment] = []

    def to_json(self, indent: int | None = 1) -> str:
        """The document as JSON; gwr's optional extras are left out when unset."""
        return self.model_dump_json(indent=indent)

    def regions(self, text_length: int) -> list[tuple[int, int]]:
        regions = self.report.annotated_regions
        return [tuple(r) for r in regions] if regions is not None else [(0, text_length)]


def _scaled(value: float | None, factor: float) -> float | None:
    if value is None:
        return None
    product = value * factor
    return float(round(product)) if math.isclose(product, round(product), rel_tol=1e-12) else product


def comparator_of(words: list[str] | tuple[str, ...], is_range: bool = False) -> str:
    """The comparator named by the words written around a number (range first)."""
    if is_range:
        return "range"
    table = tables().comparators
    unknown = [w for w in words if w and w not in table]
    if unknown:
        raise NormalisationError(f"unknown comparator word(s) {unknown}")
    found = [table[w][0] for w in words if w]
    # 控制在5%以内: the word after the number decides; otherwise the first one
    return found[-1] if found else "eq"


def resolve_deadline(text: str, report_year: int) -> tuple[dt.date, str]:
    """Last day of the period named in a deadline text, and its precision."""
    import regex

    year = report_year
    m = regex.search(r"([0-9０-９]{4}|[〇零一二三四五六七八九]{4})年", text)
    rest = text
    if m:
        year = int(parse_number(m.group(1)))
        rest = text[m.end():]
    day = regex.search(r"([0-9０-９一二三四五六七八九十]{1,3})月([0-9０-９一二三四五六七八九十]{1,3})[日号]", rest)
    if day:
        month, dom = int(parse_number(day.group(1))), int(parse_number(day.group(2)))
        return _date(year, month, dom, text), "day"
    for word in sorted(tables().periods, key=len, reverse=True):
        idx = rest.find(word)
        if idx < 0:
            continue
        precision, month = tables().periods[word]
        if month == "N":
            mm = regex.search(r"([0-9０-９一二三四五六七八九十]{1,3})$", rest[:idx])
            if not mm:
                continue
            month = parse_number(mm.group(1))
        month = int(month)
        return _date(year, month, calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0, text), precision
    if m:
        return dt.date(year, 12, 31), "year"
    raise NormalisationError(f"no period named in deadline {text!r}")


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NormalisationError(f"no such date in deadline {text!r}") from None
