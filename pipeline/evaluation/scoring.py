"""Score value objects and span matching (ANNOTATION.md §7).

`PRF` and `Accuracy` hold counts that add up across documents, so a corpus
score is the sum of document scores (micro-average). `Scores` is a flat,
ordered mapping from figure names (`targets.f`, `action.acc`) to them, plus
the list of every error found.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Sequence

Span = tuple[int, int]


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float(self.fp == 0)

    @property
    def f(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float]:
        return {"p": self.p, "r": self.r, "f": self.f}

    def counts(self) -> str:
        return f"tp={self.tp} fp={self.fp} fn={self.fn}"


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def __iadd__(self, other: Accuracy) -> Accuracy:
        self.correct += other.correct
        self.total += other.total
        return self

    @property
    def acc(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def figures(self) -> dict[str, float]:
        return {"acc": self.acc}

    def counts(self) -> str:
        return f"{self.correct}/{self.total}"


@dataclass
class ScoreError:
    """One difference between gold and prediction, readable on its own."""

    doc: str
    category: str  # commitment, target, qualifier, quantity, deadline, heading, ...
    kind: str  # missed, extra, wrong
    span: Span | None
    text: str
    detail: str = ""

    def line(self) -> str:
        where = f"[{self.span[0]}:{self.span[1]}]" if self.span else ""
        detail = f"  {self.detail}" if self.detail else ""
        return f"{self.doc}  {self.category:<11} {self.kind:<6} {where:<12} {self.text}{detail}"


@dataclass
class Scores:
    """Named counters plus the errors behind them; documents add up with +=."""

    counters: dict[str, PRF | Accuracy] = field(default_factory=dict)
    errors: list[ScoreError] = field(default_factory=list)
    documents: int = 0

    def prf(self, name: str) -> PRF:
        return self.counters.setdefault(name, PRF())  # type: ignore[return-value]

    def accuracy(self, name: str) -> Accuracy:
        return self.counters.setdefault(name, Accuracy())  # type: ignore[return-value]

    def __iadd__(self, other: Scores) -> Scores:
        for name, counter in other.counters.items():
            if name in self.counters:
                self.counters[name] += counter  # type: ignore[operator]
            else:
                self.counters[name] = type(counter)(**vars(counter))
        self.errors += other.errors
        self.documents += other.documents
        return self

    def figures(self) -> dict[str, float]:
        """Flat figures: `commitments_lenient.f`, `targets.value`, `action.acc`, ..."""
        out = {}
        for name, counter in self.counters.items():
            if "." in name:  # a field accuracy such as targets.value
                out[name] = counter.figures()["acc"]
            else:
                out.update({f"{name}.{k}": v for k, v in counter.figures().items()})
        return out


def iou(a: Span, b: Span) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else float(a == b)


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: Sequence[Span], pred: Sequence[Span],
          accept: Callable[[int, int], bool] = lambda g, p: True) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), highest character overlap first.

    Only overlapping pairs (or equal empty spans) are candidates; `accept`
    decides whether a candidate may be kept (IoU bar, equal fields, ...).
    """
    order = sorted(range(len(pred)), key=lambda i: pred[i][0])
    starts = [pred[i][0] for i in order]
    longest = max((p[1] - p[0] for p in pred), default=0)
    candidates = []
    for gi, g in enumerate(gold):
        # only predictions that start within `longest` before the gold span can reach into it: the scan
        # is near-linear for spans of bounded length (index by position)
        first = bisect.bisect_left(starts, g[0] - longest)
        for k in range(first, len(order)):
            pi = order[k]
            p = pred[pi]
            if p[0] >= g[1] and not (p == g):
                break
            ov = overlap(g, p)
            if (ov > 0 or p == g) and accept(gi, pi):
                candidates.append((-ov, -iou(g, p), gi, pi))
    candidates.sort()
    used_g, used_p, pairs = set(), set(), []
    for _neg_ov, _neg_iou, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)
