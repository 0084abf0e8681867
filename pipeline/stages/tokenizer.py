"""spaCy's Chinese tokenizer with the jieba segmenter, aligned to the text in linear time.

`spacy.lang.zh.ChineseTokenizer` aligns jieba's words with the text through
`spacy.util.get_words_and_spaces`, which slices the rest of the text for every
word: quadratic on long inputs (a 1 MB report took minutes). jieba's words
concatenate to the text exactly, so the alignment is one pass. The tokenizer
is registered and chosen by config, like spaCy's own, and so is its segmenter
(`auto`, `rjieba` or `jieba`; see `gwr.stages.segmenter`), loaded once per process:

    spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gwr.ChineseJieba.v1",
                                                    "segmenter": "auto"}}})

spaCy's own jieba tokenizer also initialises the global `jieba.dt` (a second
copy of the dictionary, 1-2 s) that gwr never uses; this one does not.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

import regex
from spacy.attrs import IDX, IS_SPACE, LENGTH
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


class DocTokens:
    """The non-space token offsets of a tokenized Doc, searchable by offset."""

    def __init__(self, doc: Doc):
        self.text = doc.text
        rows = doc.to_array([IDX, LENGTH, IS_SPACE])
        kept = rows[rows[:, 2] == 0]
        self.starts = kept[:, 0].tolist()
        self.ends = (kept[:, 0] + kept[:, 1]).tolist()

    def between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """(start, end) of the non-space tokens that start in [lo, hi)."""
        i, j = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        return list(zip(self.starts[i:j], self.ends[i:j]))

    def tokens(self, lo: int, hi: int, shift: int = 0) -> list[tuple[int, int, str]]:
        """(start, end, word) of the non-space tokens that start in [lo, hi), offsets moved by `shift`."""
        text = self.text
        return [(a + shift, b + shift, text[a:b]) for a, b in self.between(lo, hi)]


class SegmentOnDemand:
    """The same offsets as `DocTokens` of the whole text, segmenting only the stretches asked for.

    jieba cuts a text into blocks (runs of Chinese characters, letters,
    digits and ``+#&._%-``) and segments each block on its own; every other
    character is a word by itself (a white-space run: one word per ``\\r\\n`` or
    character). So the words of a block do not depend on the rest of the
    text, and a stretch widened to the blocks at its two ends is cut, in one
    call, into the words the whole text has there.
    """

    def __init__(self, segmenter, text: str):
        self.cut, self.text = segmenter.cut, text

    def tokens(self, lo: int, hi: int, shift: int = 0) -> list[tuple[int, int, str]]:
        """(start, end, word) of the non-space tokens that start in [lo, hi), offsets moved by `shift`."""
        if lo >= hi:
            return []
        text = self.text
        lo_cut = lo  # widened to the start of a block that runs across lo
        if lo > 0 and text[lo] in _BLOCK_CHARS and text[lo - 1] in _BLOCK_CHARS:
            lo_cut = _BLOCK_BACK.match(text, 0, lo).start()
        hi_cut = hi  # ... and to the end of one that runs across hi
        if hi < len(text) and text[hi] in _BLOCK_CHARS and text[hi - 1] in _BLOCK_CHARS:
            hi_cut = _JIEBA_BLOCK.match(text, hi).end()
        words = self.cut(text[lo_cut:hi_cut])
        pos = list(accumulate(map(len, words), initial=lo_cut + shift))  # pos[k]: where words[k] starts
        i = bisect.bisect_left(pos, lo + shift, 0, len(words))
        j = bisect.bisect_left(pos, hi + shift, i, len(words))
        found = zip(pos[i:j], pos[i + 1:j + 1], words[i:j])
        if _SPACE.search(text, lo_cut, hi_cut) is None:  # most stretches: no white space, so no word of it
            return list(found)
        return [(a, b, w) for a, b, w in found if not w.isspace()]

    def between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """(start, end) of the non-space tokens that start in [lo, hi)."""
        return [(a, b) for a, b, _ in self.tokens(lo, hi)]


_SPACE = re.compile(r"\s")  # str.isspace's characters (Py_UNICODE_ISSPACE, as re's \s for str)
#: jieba's blocks (jieba.re_han_default), matched forwards and backwards (regex's reverse mode).
_JIEBA_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&._%\\-]+")
_BLOCK_BACK = regex.compile("(?r)[\u4E00-\u9FD5a-zA-Z0-9+#&._%\\-]+")
_BLOCK_CHARS = frozenset(map(chr, range(0x4E00, 0x9FD6))) | frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")


def token_offsets(doc: Doc, text: str) -> DocTokens | SegmentOnDemand:
    """The non-space tokens of `text`: the Doc's, or, for a Doc left untokenized by `extract()`
    (`doc.user_data["gwr_segmenter"]` set), the segmenter's on demand; the same offsets either way."""
    segmenter = doc.user_data.get("gwr_segmenter")
    return DocTokens(doc) if segmenter is None else SegmentOnDemand(segmenter, text)
