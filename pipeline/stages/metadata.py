"""A report's place, level and province when the caller does not give them: read from the text's
header (title, dateline, byline) and completed from the administrative-division table.

    place_in_header("政府工作报告", ["——2025年1月15日在广东省第十四届", "人民代表大会第三次会议上", "广东省省长 王伟中"])
    # ('广东省', 'province', 'dateline')
"""

from __future__ import annotations

import regex

from .divisions import resolve

_SUFFIX = r"(?:省|自治区|市|区|县|州|旗|盟)"
_TITLE = regex.compile(rf"(?:[0-9]{{4}}年)?(\p{{Han}}{{1,12}}?{_SUFFIX})(?:[0-9]{{4}}年)?(?:人民)?政府工作报告")
_DATELINE = regex.compile(r"在(\p{Han}{2,20}?)第[一二三四五六七八九十]+届人民代表大会")
_BYLINE = regex.compile(r"^(\p{Han}{2,20}?)(?:人民政府)?代?(?:省长|市长|区长|县长|旗长|州长|盟长|主席)[ \u3000]")
_NATIONAL = regex.compile(r"国务院|全国人民代表大会")
_LEVELS = (("province", regex.compile(r"(?:省|自治区)$|^(?:北京|上海|天津|重庆)市$")),
           ("county", regex.compile(r"(?:区|县|旗)$")), ("city", regex.compile(r"(?:市|州|盟)$")))


def place_in_header(title: str, lines: list[str]) -> tuple[str, str | None, str]:
    """(place, level, where it was read: title | dateline | byline), or ("", None, "")."""
    lines = [ln.replace(" ", "") if not _BYLINE.search(ln) else ln for ln in lines]
    candidates = [("title", _TITLE.search(title.replace(" ", "")))]
    joined = "".join(ln.strip() for ln in lines)
    candidates.append(("dateline", _DATELINE.search(joined)))
    candidates += [("byline", _BYLINE.search(ln.strip())) for ln in lines]
    for where, m in candidates:
        if m:
            place = _written_place(m.group(1))
            if place:
                return place, level_of(place), where
    if _NATIONAL.search(title + joined):
        return "中国", "national", "dateline"
    return "", None, ""


def _written_place(name: str) -> str:
    """The place as written when it ends in a division's name, else that division's full name
    (广东 in 广东省长 -> 广东省); "" when it names no place."""
    d = resolve(name)
    if d is None:
        return name if regex.search(rf"{_SUFFIX}$", name) else ""
    return name if name.endswith(d.name) else d.name


def level_of(place: str) -> str | None:
    """The level of a place: from the division table, else from its ending (省 province, 县 county)."""
    if regex.search(r"国务院|全国|^中国", place):
        return "national"
    d = resolve(place)
    if d is not None:
        return d.level
    for level, pattern in _LEVELS:
        if pattern.search(place):
            return level
    return None


def province_of(place: str, level: str | None) -> str | None:
    """The province a place lies in (a province is its own); None for the nation or an unknown place."""
    if not place or level == "national":
        return None
    d = resolve(place)
    return d.province if d is not None else None
