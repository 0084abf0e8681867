"""What the pipeline's stages hand to each other, stored on the spaCy Doc as `doc._.gwr`.

Every offset is a code-point offset into the original text. A `Paragraph`
is the text of one or more source lines that the layout broke apart, joined;
`Paragraph.source(i)` maps an index of its joined text back to the source.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from gwr.schemas.spans import Line


@dataclass(slots=True)
class Paragraph:
    pieces: list[tuple[int, int]]  # source spans of the joined lines
    text: str
    starts: list[int]  # index in `text` where each piece starts

    @classmethod
    def join(cls, source: str, pieces: list[tuple[int, int]]) -> "Paragraph":
        starts, parts, pos = [], [], 0
        for s, e in pieces:
            starts.append(pos)
            parts.append(source[s:e])
            pos += e - s
        return cls(pieces, "".join(parts), starts)

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    def source(self, i: int, is_end: bool = False) -> int:
        """Source offset of index `i` of the joined text (an end index maps to a piece's end)."""
        if len(self.starts) == 1:  # most paragraphs are one line
            return self.pieces[0][0] + i
        k = bisect.bisect_right(self.starts, i - 1 if is_end and i > 0 else i) - 1
        k = max(k, 0)
        return self.pieces[k][0] + (i - self.starts[k])

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.source(i), self.source(j, is_end=True)


@dataclass(slots=True)
class Heading:
    style: str  # a heading style name, or "plain"
    ordinal: int | None
    start: int
    end: int  # end of the heading text (a run-in heading stops before 。 or ：)
    title: str
    level: int = 0
    role: str = "tasks"
    id: str = ""
    parent: str | None = None
    body: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Region:
    """A stretch of one paragraph where commitments are looked for."""

    paragraph: Paragraph
    start: int  # index in paragraph.text
    section: str | None
    targets: bool  # the paragraph of main expected targets
    period: tuple[int, int] | None = None  # a plan period's targets paragraph found by its cue


@dataclass(slots=True)
class QuantityMatch:
    lo: int  # indices in the paragraph's joined text
    hi: int
    number: str
    number_max: str | None
    unit: str
    comparator_words: list[str]
    kind: str = "level"
    role: str = "target"
    decrease: bool = False  # the change word that governs it states a fall (下降, 降低)
    per_year: str | None = None  # "always" after 年均, "multi" after 每年 (a yearly average only over years)


@dataclass(slots=True)
class DeadlineMatch:
    lo: int  # indices in the paragraph's joined text
    hi: int
    text: str


@dataclass(slots=True)
class CommitmentMatch:
    start: int
    end: int
    text: str
    section: str | None
    targets: bool
    para: Paragraph | None = None
    lo: int = 0  # indices in para.text
    hi: int = 0
    action: str = ""
    object: str = ""
    inherit_from: "CommitmentMatch | None" = None  # an enumeration item's first item
    carried_strength: str | None = None  # from a dropped clause before it in the same sentence
    action_opens: bool = False  # the action is the clause's first word (after manner/strength words)
    strength: str = "default"
    indicator: str | None = None
    period: tuple[int, int] | None = None  # a longer span named by the clause, sentence, lead-in or heading
    quantities: list[QuantityMatch] = field(default_factory=list)
    deadline: DeadlineMatch | None = None


@dataclass(slots=True)
class OutcomeMatch:
    """A past result of an indicator (ANNOTATION.md §8): a clause of a review paragraph."""

    start: int
    end: int
    text: str
    section: str | None
    indicator: str
    period: tuple[int, int]
    para: Paragraph
    quantities: list[QuantityMatch] = field(default_factory=list)


@dataclass
class Analysis:
    text: str
    year: int | None = None
    lines: list[Line] = field(default_factory=list)
    noise: list[tuple[str, int, int]] = field(default_factory=list)
    title: tuple[int, int] | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    plain_headings: set[int] = field(default_factory=set)  # starts of unnumbered heading lines
    headings: list[Heading] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    commitments: list[CommitmentMatch] = field(default_factory=list)
    outcomes: list["OutcomeMatch"] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
