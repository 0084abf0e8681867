"""The shape every gwr pipeline component shares: a function over the Doc's analysis."""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc

from .model import Analysis

if not Doc.has_extension("gwr"):
    Doc.set_extension("gwr", default=None)


class Stage:
    """A spaCy component that runs `fn(analysis, doc)` on `doc._.gwr`.

    The analysis is created on first use from the Doc's text (or the
    `gwr_text` in `doc.user_data`, which spares rebuilding it from the tokens)
    and the `gwr_year` there, when the caller gave one.
    """

    def __init__(self, fn: Callable[[Analysis, Doc], None]):
        self.fn = fn

    def __call__(self, doc: Doc) -> Doc:
        if doc._.gwr is None:
            text = doc.user_data.get("gwr_text")
            doc._.gwr = Analysis(text=doc.text if text is None else text, year=doc.user_data.get("gwr_year"))
        self.fn(doc._.gwr, doc)
        return doc
