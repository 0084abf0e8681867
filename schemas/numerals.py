"""Numbers as written -> float, driven by `schemas/data/numerals.tsv`."""

from __future__ import annotations

from .errors import NormalisationError
from .vocabulary import tables


def parse_number(text: str) -> float:
    """Value of a number as written: `1.8`, `３`, `两`, `一万二千`, `十五`, `二〇二五`.

    Arabic and full-width digits with a decimal point read positionally;
    Chinese numerals read with their place words (十 百 千 inside a group,
    万 亿 closing one). A string of bare Chinese digits (二〇二五) reads
    positionally like Arabic digits.
    """
    numerals = tables().numerals
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise NormalisationError("empty number")
    try:
        kinds = [numerals[c][1] for c in text]
    except KeyError as exc:
        raise NormalisationError(f"not a numeral: {exc.args[0]!r} in {text!r}") from None
    if all(k in ("digit", "point") for k in kinds):
        return _positional(text)
    return _chinese(text)


def _positional(text: str) -> float:
    numerals = tables().numerals
    whole, frac, seen_point = 0.0, "", False
    for c in text:
        value, kind = numerals[c]
        if kind == "point":
            if seen_point:
                raise NormalisationError(f"two decimal points in {text!r}")
            seen_point = True
        elif seen_point:
            frac += str(int(value))
        else:
            whole = whole * 10 + value
    if seen_point and not frac:
        raise NormalisationError(f"no digit after the decimal point in {text!r}")
    return whole + (float("0." + frac) if frac else 0.0)


def _chinese(text: str) -> float:
    numerals = tables().numerals
    total, section, digit = 0.0, 0.0, None
    i = 0
    while i < len(text):
        value, kind = numerals[text[i]]
        if kind == "point":
            rest = text[i + 1:]
            frac = _positional("0." + rest) if rest else 0.0
            return total + section + (digit or 0) + frac
        if kind == "digit":
            digit = value if digit is None else digit * 10 + value
        elif kind == "small":
            section += (1 if digit is None else digit) * value
            digit = None
        else:  # big: 万 亿 close a group
            group = section + (digit or 0)
            if group == 0 and total == 0:
                group = 1
            if total and value > _largest_place(total):
                total = (total + group) * value
            else:
                total += group * value
            section, digit = 0.0, None
        i += 1
    return total + section + (digit or 0)


def _largest_place(total: float) -> float:
    place = 1.0
    while place * 10 <= total:
        place *= 10
    return place
