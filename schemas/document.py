"""The ANNOTATION.md document (version 2): one pydantic model for gold and predictions.

Each field is declared once, here, with the guideline's wording as its
`description`; the scorer, the flat tables, `gwr schema` and the gold compiler
read their field lists from these models (`SCORED_QUANTITY_FIELDS` and the
like below), so a new field is one change.

Version-1 files load unchanged: their `period`, `per_year` and `decrease` are
None (unknown) and their `outcomes` None (not labelled), and the scorer leaves
unknown values out of its figures (ANNOTATION.md, opening paragraph).

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
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from .errors import NormalisationError
from .numerals import parse_number
from .vocabulary import BASE_UNITS, resolve_unit, tables

SCHEMA_VERSION = "2"
SCHEMA_VERSIONS = ("1", "2")


def _number_out(v: float | None) -> float | int | None:
    if v is not None and float(v).is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _span_out(v: tuple[int, int]) -> tuple[int, int]:
    """Checked after parsing, so that a span given as floats ([-1.0, 5.0]) is checked too."""
    if v[0] < 0 or v[1] < v[0]:
        raise ValueError(f"span {list(v)} is not [start, end) with 0 <= start <= end")
    return v


def _period_out(v: tuple[int, int]) -> tuple[int, int]:
    """Checked after parsing (two years in range), as a span is."""
    if v[1] < v[0]:
        raise ValueError(f"period {list(v)} ends before it starts")
    return v


Span = Annotated[tuple[int, int], AfterValidator(_span_out)]
Period = Annotated[tuple[Annotated[int, Field(ge=1949, le=2100)], Annotated[int, Field(ge=1949, le=2100)]],
                   AfterValidator(_period_out)]
Number = Annotated[float, Field(allow_inf_nan=False), PlainSerializer(_number_out, return_type=Any)]
Level = Literal["national", "province", "city", "county"]
Role = Literal["review", "targets", "tasks", "other"]
Comparator = Literal["eq", "ge", "gt", "approx", "le", "lt", "range"]
Precision = Literal["day", "month", "quarter", "half", "year"]


def _unset(value: Any) -> bool:
    return value is None


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Report(Model):
    id: str = Field(min_length=1, description="The report's id (a file stem, unique in a corpus).")
    place: str = Field(description="The place the report is for, as named (郑州市); empty when unknown.")
    level: Level = Field(description="national | province | city | county.")
    province: str | None = Field(default=None, description="The province the place lies in (a province's own "
                                                           "name for a province report), or null.")
    year: int | None = Field(ge=1949, le=2100, description="The year the plan is for (a report delivered in early "
                                                           "2025 about 2025 has 2025); null when unknown.")
    source: str = Field(description="Path of the source text that every span points into.")
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the UTF-8 bytes of the source text.")
    title: Span | None = Field(default=None, description="Span of the report's own headline, or null.")
    annotated_regions: list[Span] | None = Field(
        default=None, description="Where commitments and outcomes were labelled; default: the whole text.")
    # gwr's additions, left out of the JSON when unset: how the input was read,
    # the hash of its bytes, the key a batch resumes by, and what the pipeline noticed
    encoding: str | None = Field(default=None, exclude_if=_unset)
    input_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", exclude_if=_unset)
    resume_key: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", exclude_if=_unset,
                                   description="sha256 of what a batch made this document from: the input's "
                                               "bytes, its metadata and gwr's version (a change redoes it).")
    warnings: list[str] | None = Field(default=None, exclude_if=_unset)


class Noise(Model):
    kind: Literal["masthead", "caption", "byline", "chrome"] = Field(
        description="masthead (banners, year tags, the subtitle or dateline under the title), caption (photo "
                    "captions), byline (reporter, editor and photo credits), chrome (web-page furniture: "
                    "breadcrumbs, navigation, share/print/font buttons, publication stamps).")
    span: Span = Field(description="The line's text without markup and surrounding spaces.")


class Section(Model):
    id: str = Field(description="Section id (s1, s2, …).")
    parent: str | None = Field(description="Id of the enclosing section, or null for a top part.")
    level: int = Field(ge=1, description="1 = the report's top parts; 2 = items inside one; and so on.")
    ordinal: int | None = Field(description="The heading's number as an integer (一、 → 1), or null.")
    role: Role = Field(description="review (last year's or the last plan period's work), targets (the main "
                                   "expected targets of the year or of a plan period), tasks (the work plan), "
                                   "other (parts that pledge nothing).")
    title: str = Field(description="The heading text with its numbering removed.")
    heading: Span = Field(description="The whole heading line without markup (a run-in heading ends before its "
                                      "first 。 or ：).")
    body: Span = Field(description="From the end of the heading to the next heading of the same or a higher "
                                   "level, trimmed of white space and of noise lines at its end.")


class Quantity(Model):
    span: Span = Field(description="The number, its unit and its comparator word when adjacent (6%左右, 超7000家).")
    text: str = Field(description="The text at the span.")
    value: Number = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, description="The number as written, Chinese numerals converted (两 → 2).")
    value_max: Number | None = Field(json_schema_extra={'scored': ('panel',)}, default=None, description="The upper end of a range (X-Y), else null.")
    unit: str = Field(description="The unit as written with its magnitude word (亿元, 万人, %).")
    base_value: Number = Field(description="value × magnitude, in base_unit.")
    base_value_max: Number | None = Field(default=None, description="value_max × magnitude, in base_unit.")
    base_unit: str = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, description="CNY, USD, percent, pp, person, person_time, household, count, m, km, m2, "
                                       "mu, ha, m3, t, tce, kW, kWh, ug_m3, hour, minute, day, year, times, other.")
    comparator: Comparator = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, description="ge (以上), gt (超, 突破), approx (左右), le (以内), lt (低于), "
                                               "range (X-Y), eq when none.")
    kind: Literal["change", "level"] = Field(json_schema_extra={'scored': ('accuracy',)}, description="change when a relative change of the indicator "
                                                         "(增长8%, 下降3%), level otherwise.")
    role: Literal["target", "qualifier", "result"] = Field(json_schema_extra={'scored': ('accuracy',)}, 
        description="target (the amount pledged), qualifier (an attribute of each object meant), result "
                    "(a quantity of an outcome).")
    per_year: bool | None = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, default=None, exclude_if=_unset, description="true when the value is a yearly average over a "
                                                             "period of more than one year (年均增长5%); "
                                                             "null when unknown (a version-1 file).")
    decrease: bool | None = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, default=None, exclude_if=_unset, description="true when the quantity is a fall (下降, 降低, 减少, "
                                                             "回落, 负增长): the signed change is −value; null "
                                                             "when unknown (a version-1 file).")

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
    id: str = Field(description="Commitment id (c1, c2, …).")
    section: str | None = Field(description="Id of the section it stands in, or null.")
    span: Span = Field(description="The clause, without its closing punctuation.")
    text: str = Field(description="The text at the span (a layout break's white space may be removed).")
    action: str = Field(json_schema_extra={'scored': ('accuracy',)}, description="The clause's first verb as written, manner and strength words skipped; "
                                    "\"\" when elided.")
    object: str = Field(description="The thing acted on, as written (not scored).")
    indicator: str | None = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, description="An id of indicators.tsv when the commitment targets that "
                                              "indicator for the whole place, else null.")
    strength: Literal["firm", "strive", "default"] = Field(json_schema_extra={'scored': ('accuracy',)}, description="firm (确保, 必须, 坚决), strive (力争, "
                                                                       "争取, 努力, 争创), else default.")
    period: Period | None = Field(json_schema_extra={'scored': ('accuracy', 'panel')}, default=None, exclude_if=_unset, description="[first_year, last_year], the years the pledge is "
                                                             "for: the report year alone unless the clause, its "
                                                             "lead-in or heading names a longer span (“十五五”, "
                                                             "今后五年, 到2030年); null when unknown.")
    quantities: list[Quantity] = Field(default=[], description="Its quantities (role target or qualifier).")
    deadline: Deadline | None = Field(default=None, description="An explicit time limit (6月底前), or null.")
    implicit_deadline: dt.date | None = Field(default=None, exclude_if=_unset,
                                              description="The end of the report year (not scored).")


class Outcome(Model):
    """A past result of an indicator for the whole place, stated as a number (ANNOTATION.md §8)."""

    id: str = Field(description="Outcome id (o1, o2, …).")
    section: str | None = Field(description="Id of the section it stands in, or null (the preamble).")
    span: Span = Field(description="The clause, split as commitments are.")
    text: str = Field(description="The text at the span.")
    indicator: str = Field(json_schema_extra={'scored': ('panel',)}, min_length=1, description="The indicator whose result it states (never null).")
    period: Period = Field(json_schema_extra={'scored': ('panel',)}, description="The years the value covers: last year [Y-1, Y-1]; a plan period's "
                                       "result that period; a level reached at its end the last year alone.")
    quantities: list[Quantity] = Field(min_length=1, description="Its quantities, role result.")


class Document(Model):
    schema_version: Literal[SCHEMA_VERSIONS] = Field(  # type: ignore[valid-type]
        default=SCHEMA_VERSION, description="\"2\"; a \"1\" file is read with period, per_year and decrease "
                                            "unknown and outcomes not labelled.")
    report: Report
    noise: list[Noise] = []
    sections: list[Section] = []
    commitments: list[Commitment] = []
    outcomes: list[Outcome] | None = Field(default=None, exclude_if=_unset,
                                           description="Past results of indicators (§8); null or absent when "
                                                       "not labelled.")

    def to_json(self, indent: int | None = 1) -> str:
        """The document as JSON; gwr's optional extras are left out when unset."""
        return self.model_dump_json(indent=indent)

    def regions(self, text_length: int) -> list[tuple[int, int]]:
        regions = self.report.annotated_regions
        return [tuple(r) for r in regions] if regions is not None else [(0, text_length)]


def scored_fields(model: type[BaseModel], use: str) -> tuple[str, ...]:
    """The fields of a model that the scorer uses in one way, in declaration order.

    `accuracy`: field accuracies over matched pairs (ANNOTATION.md §7.2, §7.6);
    `panel`: the fields of an indicator target or outcome in the panel figure (§7.8, §7.9).
    """
    out = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if use in extra.get("scored", ()):
            out.append(name)
    return tuple(out)


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


def resolve_deadline(text: str, report_year: int | None) -> tuple[dt.date, str]:
    """Last day of the period named in a deadline text, and its precision."""
    import regex

    year = report_year
    m = regex.search(r"([0-9０-９]{4}|[〇零一二三四五六七八九]{4})年", text)
    rest = text
    if m:
        year = int(parse_number(m.group(1)))
        rest = text[m.end():]
    if year is None:
        raise NormalisationError(f"deadline {text!r} names no year and the report year is unknown")
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
