"""Commitments stage: 、-enumerations split into items (ANNOTATION.md §4.3), and each
commitment's action, object and strength (§4 fields).

The action is the clause's first verb as written, read off the jieba tokens
of the spaCy Doc: strength and manner words before a verb are skipped
(力争新增 -> 新增, 加快建设 -> 建设, but 加快X建设 -> 加快), a verb that a noun
suffix turns into a noun is no predicate (交易额, 达标率), and a comparator
verb (突破, 超) is the action only when there is no other.
"""

from __future__ import annotations

import bisect
import functools
import operator

import regex
from spacy.language import Language
from spacy.tokens import Doc

from .clauses import quoted_ranges, units_until
from .lexicon import lexicon
from .model import Analysis, CommitmentMatch, Paragraph
from .segmenter import verb_tags
from .stage import Stage
from .tokenizer import token_offsets

_ITEM = units_until("、")
_OBJECT_TRIM = " 的，、“”\"'"
_END = operator.itemgetter(1)


def _pos_tags() -> dict[str, str]:
    """jieba.posseg's tags of the dictionary's verbs (v, vn, vd, ...); other words are absent."""
    return verb_tags()


@functools.lru_cache(maxsize=65536)
def is_verb(word: str) -> bool:
    if word in lexicon().verbs:
        return True
    tag = _pos_tags().get(word)
    return bool(tag) and tag.startswith("v") and tag != "vd"


class Tokens:
    """The text's non-space token offsets, searchable by offset (texts are sliced on demand): the Doc's,
    or, in `extract()`, segmented on demand, only where asked (`tokenizer.token_offsets`).

    A paragraph's tokens are gathered once, when a clause of it first asks, and each clause takes its
    stretch of them by bisection (a paragraph holds a dozen clauses and their enumeration items)."""

    def __init__(self, doc: Doc, text: str):
        self.offsets = token_offsets(doc, text)
        self.paragraphs: dict[int, tuple[list[int], list[tuple[int, int, str]], Paragraph]] = {}

    def within(self, p: Paragraph, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Tokens of p.text[lo:hi] (those starting in it), as (lo, hi, text) in paragraph indices."""
        cached = self.paragraphs.get(id(p))
        if cached is None or cached[2] is not p:
            tokens = self._paragraph(p)
            cached = self.paragraphs[id(p)] = ([t[0] for t in tokens], tokens, p)
        starts, tokens, _ = cached
        return tokens[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]

    def _paragraph(self, p: Paragraph) -> list[tuple[int, int, str]]:
        """Every token starting inside one of the paragraph's pieces, cut at the piece's end."""
        out = []
        for (s, e), t0 in zip(p.pieces, p.starts):
            shift = t0 - s
            tokens = self.offsets.tokens(s, e, shift)
            if tokens and tokens[-1][1] > e + shift:  # a word running past the piece's end (into what the layout cut)
                a, b, w = tokens[-1]
                tokens[-1] = (a, e + shift, w[:e + shift - a])
            out.extend(tokens)
        return out


def _trim_glosses(c: CommitmentMatch, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop trailing 、-items that only gloss the target before them (…5%左右、在实际工作中努力争取更好结果)."""
    non_commitment = lexicon().non_commitment
    while len(items) > 1 and non_commitment.match(c.para.text[items[-1][0]:items[-1][1]].lstrip()):
        items = items[:-1]
    if items[-1][1] < c.hi:
        c.hi = items[-1][1]
        c.start, c.end = c.para.span(c.lo, c.hi)
        c.text = c.para.text[c.lo:c.hi]
        c.quantities = [q for q in c.quantities if q.lo < c.hi]
        if c.deadline is not None and c.deadline.lo >= c.hi:
            c.deadline = None
    return items


def split_enumeration(c: CommitmentMatch) -> list[CommitmentMatch]:
    """One commitment per 、-item when items carry their own quantities, or share one with 各."""
    text = c.para.text
    if text.find("、", c.lo, c.hi) < 0:
        return [c]  # one item
    items = [(m.start(), m.end()) for m in _ITEM.finditer(text, c.lo, c.hi)]
    if len(items) > 1:
        items = _trim_glosses(c, items)
    if len(items) < 2 or not c.quantities or "分别" in text[c.lo:c.hi]:
        return [c]  # 第一、第二、第三产业增加值分别增长2%、5.5%和6.5%: 分别 spreads the numbers over one list
    starts = [q.lo for q in c.quantities]  # in text order
    ranges = [(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)) for lo, hi in items]
    shared = [q for q in c.quantities[ranges[-1][0]:ranges[-1][1]] if text[q.lo - 1] == "各"]
    if not shared and sum(b > a for a, b in ranges) < 2:
        return [c]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for k, ((lo, hi), (a, b)) in enumerate(zip(items, ranges)):
        if k > 1 and b == a and not shared:  # 2座转运站以及停车场、城市标识等配套设施: one item
            (plo, _), (pa, _) = merged[-1]
            merged[-1] = ((plo, hi), (pa, b))
        else:
            merged.append(((lo, hi), (a, b)))
    out = []
    non_commitment = lexicon().non_commitment
    for k, ((lo, hi), (a, b)) in enumerate(merged):
        lo = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
        if k and non_commitment.match(text[lo:hi]):  # …28.5万亿元、比上年增加1.1万亿元: a restatement
            continue
        own = [q for q in c.quantities[a:b] if q not in shared]
        start, end = c.para.span(lo, hi)
        item = CommitmentMatch(start, end, text[lo:hi], c.section, c.targets, para=c.para, lo=lo, hi=hi,
                               quantities=own + shared, deadline=c.deadline, period=c.period)
        item.inherit_from = out[0] if out else None
        out.append(item)
    return out


@functools.cache
def _prefixes() -> tuple[str, ...]:
    lex = lexicon()
    return tuple(sorted(lex.manner | set(lex.strength), key=len, reverse=True))


@functools.lru_cache(maxsize=65536)
def _as_verb(word: str) -> str | None:
    """The verb a token stands for: itself, or what follows a manner/strength prefix (大力发展 -> 发展)."""
    lex = lexicon()
    if word in lex.non_verbs:
        return None
    if is_verb(word):
        return word
    for prefix in (p for p in _prefixes() if word.startswith(p) and len(word) > len(p)):
        rest = word[len(prefix):]
        if rest not in lex.non_verbs and is_verb(rest):
            return rest
    return None


_SCOPE_END = frozenset("中上下里内")


def _after_scope(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop a leading scope phrase 在…中 (在实际工作中努力争取更好结果)."""
    if not tokens or tokens[0][2] != "在":
        return tokens
    for i, (_, _, w) in enumerate(tokens[1:8], 1):
        if w in _SCOPE_END or w in ("方面", "过程中", "基础上"):
            return tokens[i + 1:]
    return tokens


def find_action(tokens: list[tuple[int, int, str]], quotes: tuple[tuple[int, int], ...], limit: int,
                has_target: bool = False) -> tuple[str, int, bool]:
    """The first verb as written before `limit`, where it ends ('' and -1 when none), and
    whether it opens the clause (only manner and strength words before it).

    Strength words are skipped when a verb follows them directly or the clause
    ends in its own predicate (确保X年内竣工 -> 竣工, but 争创X先导区 -> 争创);
    manner words when a verb follows them directly; a comparator verb counts
    only when there is no other verb (a comparator verb right at `limit`,
    突破1000亿元, is part of the quantity and still counts as that fallback).
    When the verb right before the quantity is one of the quantity's own
    predicates (增长, 达到, 完成) and the clause does not open with a verb,
    that predicate is the action (固定资产投资完成5300亿元 -> 完成).
    """
    lex = lexicon()
    words = _after_scope(tokens)
    if quotes:
        words = [(lo, hi, w) for lo, hi, w in words if not any(a <= lo < b for a, b in quotes)]
    # the words ending by `limit` (a prefix: words are in text order), and a comparator verb starting there
    k = bisect.bisect_right(words, limit, key=_END)
    before = words[:k]
    if k < len(words) and words[k][0] == limit and words[k][2] in lex.comparator_verbs:
        before.append(words[k])
    predicate = _quantity_predicate(before, limit)
    fallback = ("", -1)
    first_real = None
    strength, manner = lex.strength, lex.manner
    for i, (lo, hi, w) in enumerate(before):
        following = before[i + 1][2] if i + 1 < len(before) else ""
        if w in strength or w in manner:
            ahead = next((x for _, _, x in before[i + 1:] if x not in manner), "")
            nxt_verb = bool(ahead) and _as_verb(ahead) is not None
        if w in strength:
            # the clause ends in its own predicate: a verb, or a comparator verb at the quantity (力争…突破600亿元)
            ends_in_comparator = before[-1][2] in lex.comparator_verbs and before[-1][0] == limit
            final_verb = _as_verb(words[-1][2]) is not None
            if nxt_verb or (final_verb and i + 1 < len(before)) or predicate or ends_in_comparator:
                fallback = fallback if fallback[0] else (w, hi)  # 确保空气优良天数达到350天 -> 达到
                continue
            if has_target:  # 力争空气质量优良天数300天以上: the verb is elided, the strength word is none
                continue
            first_real = first_real or (w, hi, i)  # 确保用能需求 -> 确保
            break
        if w in manner and nxt_verb and (w not in lex.strict_manner or _pos_tags().get(ahead) == "v"):
            continue
        if w in lex.comparator_verbs:
            if not fallback[0] or fallback[0] in lex.strength:
                fallback = (w, hi)
            continue
        verb = _as_verb(w)
        if w == "新" and following and _as_verb(following):  # 新开发, 新签约: 新 + verb is one verb
            verb, hi = w + following, before[i + 1][1]
            following = before[i + 2][2] if i + 2 < len(before) else ""
        if verb is not None and not _nominal(following):
            first_real = (verb, hi, i)
            break
    if first_real is not None:
        verb, hi, i = first_real
        opens = _opens(tokens, before[i][0])
        if predicate is not None and not opens:
            return (*predicate, False)
        if not opens:
            after_degree = _after_degree_adverb(before, i)
            if after_degree is not None:
                return (*after_degree, False)
        return verb, hi, opens
    return (*(predicate or fallback), False)


def _after_degree_adverb(before: list[tuple[int, int, str]], i: int) -> tuple[str, int] | None:
    """社会治理水平明显提高: a verb right after a degree adverb, later than the verb found at `i`
    (which then stands inside the topic, 治理), is the clause's predicate."""
    degree = _degree_adverbs()
    for k in range(i + 1, len(before)):
        word = before[k][2]
        if word in degree and k + 1 < len(before):
            verb = _as_verb(before[k + 1][2])
            if verb is not None:
                return verb, before[k + 1][1]
        for adverb in degree:  # 明显提高, one token
            if word.startswith(adverb) and len(word) > len(adverb) and is_verb(word[len(adverb):]):
                return word[len(adverb):], before[k][1]
    return None


@functools.cache
def _degree_adverbs() -> frozenset[str]:
    from gwr.schemas.vocabulary import read_tsv

    return frozenset(r[0] for r in read_tsv("degree_adverbs.tsv", 1, package="gwr"))


@functools.lru_cache(maxsize=65536)
def _nominal(word: str) -> bool:
    """A word that turns the verb before it into a noun: 额, 率, 失业率, 总收入 (not 力量, not a
    whole noun phrase such as 技术合同成交额, which is the verb's object)."""
    suffixes = lexicon().nominal_suffixes
    return word in suffixes or (len(word) <= 3 and any(word.endswith(s) for s in suffixes if len(s) > 1 or s in "额率"))


def _opens(tokens: list[tuple[int, int, str]], at: int) -> bool:
    """Only manner and strength words stand before offset `at`."""
    lex = lexicon()
    for lo, _, w in tokens:
        if lo >= at:
            return True
        if w not in lex.manner and w not in lex.strength:
            return False
    return True


def _quantity_predicate(before: list[tuple[int, int, str]], limit: int) -> tuple[str, int] | None:
    """增长 / 达到 / 完成 written right before the quantity."""
    lex = lexicon()
    if not before or before[-1][1] != limit:
        return None
    word = before[-1][2]
    if word in lex.quantity_verbs:
        return word, before[-1][1]
    return None


def _strength(text: str, lo: int, hi: int, quotes: tuple[tuple[int, int], ...]) -> str:
    lex = lexicon()
    for m in lex.strength_re.finditer(text, lo, hi):
        if not any(a <= m.start() < b for a, b in quotes):
            return lex.strength[m.group(0)]
    return "default"


def describe(c: CommitmentMatch, tokens: Tokens) -> None:
    text = c.para.text
    quotes = quoted_ranges(text, c.lo, c.hi)
    targets = [q.lo for q in c.quantities if q.role == "target" and c.lo <= q.lo < c.hi]
    limit = min(targets) if targets else c.hi
    action, action_end, opens = find_action(tokens.within(c.para, c.lo, c.hi), quotes, limit, bool(targets))
    c.action_opens = opens
    first = c.inherit_from
    if first is not None and (not action or action in lexicon().comparator_verbs
                              or (first.action_opens and not opens)):
        action, action_end = first.action, -1  # 新增A 30个、B 20个: B inherits 新增
    c.action = action
    first_q = min([q.lo for q in c.quantities if c.lo <= q.lo < c.hi], default=c.hi)
    if action and action_end == limit:  # 地区生产总值增长6%: the object stands before its predicate
        c.object = text[c.lo:action_end - len(action)].strip(_OBJECT_TRIM)
        return
    obj_start = action_end if action_end > c.lo else c.lo
    c.object = text[obj_start:max(obj_start, first_q)].strip(_OBJECT_TRIM) or text[c.lo:first_q].strip(_OBJECT_TRIM)


def analyse_commitments(a: Analysis, doc: Doc) -> None:
    tokens = Tokens(doc, a.text)
    items: list[CommitmentMatch] = []
    for c in a.commitments:
        split = split_enumeration(c)
        c.strength = _strength(c.para.text, c.lo, c.hi, quoted_ranges(c.para.text, c.lo, c.hi))
        if c.strength == "default" and c.carried_strength:
            c.strength = c.carried_strength
        for item in split:
            item.strength = c.strength
        items.extend(split)
    for c in items:
        describe(c, tokens)
    a.commitments = items


@Language.factory("gwr_commitments")
def make_commitments(nlp: Language, name: str) -> Stage:
    return Stage(analyse_commitments)
