"""spaCy's Chinese tokenizer with the jieba segmenter, aligned to the text in linear time.

`spacy.lang.zh.ChineseTokenizer` aligns jieba's words with the text through
`spacy.util.get_words_and_spaces`, which slices the rest of the text for every
word: quadratic on long inputs (a 1 MB report took minutes). jieba's words
concatenate to the text exactly, so the alignment is one pass. The tokenizer
is registered and chosen by config, like spaCy's own:

    spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gwr.ChineseJieba.v1"}}})
"""

from __future__ import annotations

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry


class LinearJiebaTokenizer(ChineseTokenizer):
    def __init__(self, vocab):
        super().__init__(vocab, segmenter=Segmenter.jieba)

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.jieba_seg.cut(text, cut_all=False) if w]
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
def create_tokenizer():
    def factory(nlp):
        return LinearJiebaTokenizer(nlp.vocab)

    return factory
