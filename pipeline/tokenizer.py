"""spaCy's Chinese tokenizer with the jieba segmenter, aligned to the text in linear time.

`spacy.lang.zh.ChineseTokenizer` aligns jieba's words with the text through
`spacy.util.get_words_and_spaces`, which slices the rest of the text for every
word: quadratic on long inputs (a 1 MB report took minutes). jieba's words
concatenate to the text exactly, so the alignment is one pass. The tokenizer
is registered and chosen by config, like spaCy's own, and so is its segmenter
(`auto`, `rjieba` or `jieba`; see `pipeline.segmenter`), loaded once per process:

    spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gwr.ChineseJieba.v1",
                                                    "segmenter": "auto"}}})

spaCy's own jieba tokenizer also initialises the global `jieba.dt` (a second
copy of the dictionary, 1-2 s) that gwr never uses; this one does not.
"""

from __future__ import annotations

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

from .segmenter import load_segmenter


class LinearJiebaTokenizer(ChineseTokenizer):
    def __init__(self, vocab, segmenter: str = "auto"):
        super().__init__(vocab, segmenter=Segmenter.char)  # not .jieba: that loads the global jieba.dt
        self.segmenter = Segmenter.jieba.value  # what spaCy serialises: jieba's words
        self.jieba_seg = load_segmenter(segmenter)

    def __call__(self, text: str) -> Doc:
        words = self.jieba_seg.cut(text)
        if sum(map(len, words)) != len(text) or "".join(words) != text:
            words, spaces = get_words_and_spaces(words, text)  # never seen; spaCy's own way then
            return Doc(self.vocab, words=words, spaces=spaces)
        out_words: list[str] = []
        spaces: list[bool] = []
        gap: list[str] = []

        def flush_gap() -> None:  # spaCy's rule: one space after a word is its trailing space,
            text_gap = "".join(gap)  # the rest of a white-space run is one token
            gap.clear()
            if out_words and not spaces[-1] and text_gap.startswith(" ") and not out_words[-1].isspace():
                spaces[-1] = True
                text_gap = text_gap[1:]
            if text_gap:
                out_words.append(text_gap)
                spaces.append(False)

        for word in words:
            if word.isspace():
                gap.append(word)
                continue
            if gap:
                flush_gap()
            out_words.append(word)
            spaces.append(False)
        if gap:
            flush_gap()
        return Doc(self.vocab, words=out_words, spaces=spaces)


@registry.tokenizers("gwr.ChineseJieba.v1")
def create_tokenizer(segmenter: str = "auto"):
    def factory(nlp):
        return LinearJiebaTokenizer(nlp.vocab, segmenter)

    return factory
