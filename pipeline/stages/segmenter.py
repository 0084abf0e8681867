"""jieba's word segmentation, from plain jieba or compiled (rjieba), with jieba's dictionary and gwr's.

Two segmenters give the same words for every text:

- `rjieba`: jieba-rs (jieba's algorithm in Rust) through its PyO3 binding;
  its dictionary is jieba's own `dict.txt`, compiled in. The route through
  the dictionary comes from jieba-rs, and the one-character steps of the
  route are joined by jieba's own rules (jieba's __cut_DAG and finalseg),
  because jieba-rs departs from jieba there: characters jieba does not count
  as Chinese (CJK extensions, compatibility ideographs) are words by
  themselves; a run of letters, digits and ``+#&._%-`` is split as jieba's
  HMM splits it (``Micro-LED`` -> ``Micro - LED``); where two HMM paths are
  equally likely (a character repeated, 补链强链; one with no emission
  probability) jieba's own Viterbi decides, as jieba breaks ties otherwise;
  and the dictionary total, which jieba counts with every re-added word
  twice, is matched with one entry no text can match, so that every
  probability is jieba's, bit for bit. About 9 times plain jieba's speed.
- `jieba`: plain jieba (a private `jieba.Tokenizer`, not the global one), the
  fallback when rjieba is not installed.

`load_segmenter("auto")` takes `$GWR_SEGMENTER` when set, else rjieba when it
imports, else jieba. Each segmenter, and jieba's dictionary file, is loaded
once per process (the facts gwr reads from the file are cached on disk).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import json
import logging
import operator
import os
import re
import sys
from itertools import compress
from pathlib import Path

from .lexicon import jieba_user_dict

SEGMENTERS = ("rjieba", "jieba")

#: jieba's own patterns (jieba/finalseg/__init__.py).
_HAN_RUN = re.compile("([\u4E00-\u9FD5]+)")
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
#: Ideographs jieba-rs counts as Chinese and jieba does not (CJK extensions, compatibility forms, ...).
_OTHER_IDEOGRAPH = re.compile(
    "[\u2E80-\u2FDF\u3005-\u3007\u3021-\u3029\u3038-\u303B\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF"
    "\U00016FE0-\U00016FFF\U00020000-\U0003FFFF]")
_ALNUM_RUN = re.compile("[a-zA-Z0-9]{2,}")
_VERB_ENTRY = re.compile(r"\n(\S+) [0-9]+ (v\S*)")  # on "\n" + the file
_RUNS = 65536  # runs of one-character steps whose words are kept
_SENTINEL = "\x00"  # never inside a block of text, so a dictionary entry that never matches


class SegmenterError(ImportError):
    """A segmenter that cannot be loaded."""


def dictionary_path() -> Path:
    """jieba's dictionary, `dict.txt` in the jieba package (found without importing jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise SegmenterError("jieba is not installed: pip install jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@functools.cache
def _dictionary() -> tuple[dict[str, str], dict[str, list[int]], int]:
    """What gwr needs of jieba's dictionary (see `_read_dictionary`), from the cache when it is there.

    Reading the 349,000 entries takes most of a second, so the facts read are
    kept in `$GWR_CACHE_DIR` (default `~/.cache/gwr`), as jieba keeps its own
    prefix dictionary in the temp folder: one file per jieba installation (named
    by the file's path), holding the key it was read under (the path, size and
    time and gwr's user dictionary), so that a reinstalled jieba or a changed
    user dictionary replaces the file rather than adding one; no cache can be
    written: read every time.
    """
    path = dictionary_path()
    stat = path.stat()
    where = f"{_CACHE_FORMAT}|{path.resolve()}"
    key = hashlib.sha256(f"{where}|{stat.st_size}|{stat.st_mtime_ns}|{jieba_user_dict()}".encode("utf-8")
                         ).hexdigest()
    name = hashlib.sha256(where.encode("utf-8")).hexdigest()[:24]
    cache = Path(os.environ.get("GWR_CACHE_DIR") or Path.home() / ".cache" / "gwr") / f"jieba-dict-{name}.json"
    try:
        facts = json.loads(cache.read_text(encoding="utf-8"))
        if facts["key"] == key:
            return facts["verb_tags"], facts["repeated"], facts["total"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    verb_tags, repeated, total = _read_dictionary(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "verb_tags": verb_tags, "repeated": repeated, "total": total},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home: no cache
    return verb_tags, repeated, total


_CACHE_FORMAT = 2  # 2: one file per installation, its key inside


def _read_dictionary(path: Path) -> tuple[dict[str, str], dict[str, list[int]], int]:
    """jieba's dictionary file read: its verbs' tags, the frequencies of repeated words, its total.

    The tags are those of the words tagged v... (v, vn, vd, ...), a word
    listed twice keeping its last tag, as jieba.posseg reads the file. The
    frequencies are kept for words the file lists twice and for the words
    gwr's user dictionary adds again: jieba's total counts every listing.
    """
    text = path.read_text(encoding="utf-8")
    fields = text.split()
    if len(fields) % 3 or text.count("\n") + (not text.endswith("\n")) != len(fields) // 3:
        raise SegmenterError(f"{path}: not one 'word frequency tag' entry a line")
    words, freqs, tags = fields[0::3], fields[1::3], fields[2::3]
    del fields
    verb_tags = dict(_VERB_ENTRY.findall("\n" + text))
    last = dict(zip(words, range(len(words))))  # (C loops only: 349,000 entries)
    twice = set(compress(words, map(operator.ne, map(last.__getitem__, words), range(len(words)))))
    del last
    keep = twice | {line.split(" ")[0] for line in jieba_user_dict().splitlines()}
    repeated: dict[str, list[int]] = {}
    for i in compress(range(len(words)), map(keep.__contains__, words)):
        word = words[i]
        repeated.setdefault(word, []).append(int(freqs[i]))
        if word in twice:  # the last listing's tag
            verb_tags.pop(word, None)
            if tags[i][0] == "v":
                verb_tags[word] = tags[i]
    return verb_tags, repeated, sum(map(int, freqs))


def verb_tags() -> dict[str, str]:
    """Tags of the words jieba's dictionary tags as verbs (v, vn, vd, ...), read as jieba.posseg reads them.

    `verb_tags().get(word)` is jieba.posseg's tag for a verb, None for any
    other word: all gwr asks of the tags, at a fraction of the table's cost.
    """
    return _dictionary()[0]


def _user_words() -> list[tuple[str, int, str]]:
    return [(w, int(f), t) for w, f, t in (line.split(" ") for line in jieba_user_dict().splitlines())]


class JiebaSegmenter:
    """Plain jieba: its own `jieba.Tokenizer` with gwr's words, so the global `jieba.dt` stays untouched."""

    name = "jieba"

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word, freq, tag in _user_words():
            self.tokenizer.add_word(word, freq, tag)

    def cut(self, text: str, cut_all: bool = False) -> list[str]:
        """jieba.Tokenizer.cut (accurate mode, HMM on), its steps in jieba's order; only the run of
        one-character steps is gathered in a list, not by `buf += ch` (quadratic on a long run: 1M
        digits took 15-20 s in a fresh process)."""
        if cut_all:
            return [w for w in self.tokenizer.cut(text, cut_all=True) if w]
        import jieba

        out: list[str] = []
        for block in jieba.re_han_default.split(text):
            if not block:
                continue
            if jieba.re_han_default.match(block):
                self._cut_dag(block, out)
            else:
                for x in jieba.re_skip_default.split(block):
                    if jieba.re_skip_default.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return [w for w in out if w]

    def _cut_dag(self, sentence: str, out: list[str]) -> None:
        """jieba.Tokenizer.__cut_DAG: the dictionary's route, one-character steps in a row joined by the HMM."""
        route: dict = {}
        self.tokenizer.calc(sentence, self.tokenizer.get_DAG(sentence), route)
        buf: list[str] = []
        x, n = 0, len(sentence)
        while x < n:
            y = route[x][1] + 1
            if y - x == 1:
                buf.append(sentence[x])
            else:
                if buf:
                    self._flush("".join(buf), out)
                    buf = []
                out.append(sentence[x:y])
            x = y
        if buf:
            self._flush("".join(buf), out)

    def _flush(self, buf: str, out: list[str]) -> None:
        from jieba import finalseg

        if len(buf) == 1:
            out.append(buf)
        elif not self.tokenizer.FREQ.get(buf):
            out.extend(finalseg.cut(buf))
        else:
            out.extend(buf)


class RJiebaSegmenter:
    """jieba-rs with jieba's dictionary and gwr's words, giving jieba's words (see the module doc)."""

    name = "rjieba"

    def __init__(self) -> None:
        jieba_rs = _rjieba_class()
        self.dag = jieba_rs()  # jieba-rs's copy of jieba's dict.txt
        seen = {word: list(freqs) for word, freqs in _dictionary()[1].items()}
        surplus = sum(sum(freqs[:-1]) for freqs in seen.values())  # jieba counts a word listed twice twice
        for word, freq, tag in _user_words():
            self.dag.add_word(word, freq, tag)
            surplus += seen.get(word, [0])[-1]  # ... and a word added again on top of its old frequency
            seen[word] = [*seen.get(word, []), freq]
        if surplus:
            self.dag.add_word(_SENTINEL, surplus, "x")
        self.hmm = jieba_rs.empty()  # no words: jieba's HMM alone
        self.hmm.add_word(_SENTINEL, 1, "x")
        self.viterbi = _Viterbi()
        self.runs: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str, cut_all: bool = False) -> list[str]:
        if cut_all:
            raise ValueError("the rjieba segmenter gives jieba's accurate mode only (cut_all=False)")
        out: list[str] = []
        pos = 0
        for m in _OTHER_IDEOGRAPH.finditer(text):  # not Chinese to jieba: a word of its own
            if m.start() > pos:
                self._cut(text[pos:m.start()], out)
            out.append(m.group())
            pos = m.end()
        if pos < len(text):
            self._cut(text[pos:] if pos else text, out)
        return out

    def _cut(self, text: str, out: list[str]) -> None:
        """jieba.Tokenizer.cut: jieba-rs's dictionary route, then one-character words joined by jieba's rules."""
        buf: list[str] = []
        has_word = self.dag.has_word
        append = out.append
        for w in self.dag.cut(text, False):
            if len(w) == 1:
                if w in _BLOCK_SET:  # a one-character step of the route, inside a block
                    buf.append(w)
                    continue
            elif w[0] in _ALNUM and _ALNUM_RUN.fullmatch(w) and not has_word(w):
                buf.extend(w)  # jieba-rs's route joins one-letter steps when the HMM is off
                continue
            if buf:
                if len(buf) == 1:  # the most common run: one character, a word by itself
                    append(buf[0])
                else:
                    self._flush("".join(buf), out)
                buf = []
            append(w)
        if buf:
            self._flush("".join(buf), out)

    def _flush(self, buf: str, out: list[str]) -> None:
        """One-character steps in a row (jieba's __cut_DAG): a word, or the HMM's words (jieba.finalseg.cut).

        The words depend on the run alone, and runs recur (的, 和, 等 between words): the words of up
        to `_RUNS` distinct runs are kept (all dropped when that many are held)."""
        words = self.runs.get(buf)
        if words is None:
            words = self._run_words(buf)
            if len(self.runs) >= _RUNS:
                self.runs.clear()
            self.runs[buf] = words
        out += words

    def _run_words(self, buf: str) -> tuple[str, ...]:
        if len(buf) == 1:
            return (buf,)
        if self.dag.has_word(buf):  # gwr's and jieba's dictionaries have no zero frequencies
            return tuple(buf)
        words: list[str] = []
        for part in _HAN_RUN.split(buf):
            if not part:
                continue
            if _HAN_RUN.match(part):
                words += self.viterbi.cut(part) if self.viterbi.may_tie(part) else self.hmm.cut(part)
            else:
                words.extend(x for x in _HMM_SKIP.split(part) if x)
        return tuple(words)


class _Viterbi:
    """jieba.finalseg's HMM, in Python, for the runs where jieba-rs may break a tie another way.

    Paths of equal probability arise when a character repeats (补链强链: two
    labellings with the same terms) or has no emission probability in some
    state; jieba takes the greatest (probability, state) there, jieba-rs the
    last candidate. The tables are jieba's own files, read without importing
    jieba (whose import costs more than the tables).
    """

    MIN_FLOAT = -3.14e100
    PREV = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}

    def __init__(self) -> None:
        self.start, self.trans, self.emit = (_jieba_table(n) for n in ("prob_start", "prob_trans", "prob_emit"))
        self.safe = frozenset.intersection(*(frozenset(self.emit[s]) for s in "BMES"))

    def may_tie(self, run: str) -> bool:
        return len(set(run)) < len(run) or not self.safe.issuperset(run)

    def cut(self, run: str) -> list[str]:  # jieba.finalseg.__cut and viterbi
        emit, trans, low = self.emit, self.trans, self.MIN_FLOAT
        v = {y: self.start[y] + emit[y].get(run[0], low) for y in "BMES"}
        path = {y: [y] for y in "BMES"}
        for ch in run[1:]:
            nv, npath = {}, {}
            for y in "BMES":
                em = emit[y].get(ch, low)
                prob, state = max([(v[y0] + trans[y0].get(y, low) + em, y0) for y0 in self.PREV[y]])
                nv[y] = prob
                npath[y] = path[state] + [y]
            v, path = nv, npath
        states = path[max((v[y], y) for y in "ES")[1]]
        words, begin, nexti = [], 0, 0
        for i, pos in enumerate(states):
            if pos == "B":
                begin = i
            elif pos == "E":
                words.append(run[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                words.append(run[i])
                nexti = i + 1
        if nexti < len(run):
            words.append(run[nexti:])
        return words


def _jieba_table(name: str) -> dict:
    """One of jieba's HMM tables (jieba/finalseg/NAME.py, `P = {...}`), loaded from its file."""
    loaded = sys.modules.get(f"jieba.finalseg.{name}")
    if loaded is not None:
        return loaded.P
    path = dictionary_path().parent / "finalseg" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"gwr._jieba_{name}", path)
    if spec is None or spec.loader is None:
        raise SegmenterError(f"{path}: jieba's HMM table is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.P


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_BLOCK_SET = frozenset(map(chr, range(0x4E00, 0x9FD6))) | _ALNUM | frozenset("+#&._%-")


def _rjieba_class():
    """rjieba's `Jieba`, without the default instance (a second copy of the dictionary) its package builds.

    `import rjieba` builds a module-level `Jieba()` that gwr never uses; the
    compiled module alone is loaded, and registered where `import rjieba`
    finds it later. Any other layout: the ordinary import.
    """
    if "rjieba" in sys.modules or "rjieba.rjieba" in sys.modules:
        return _import_rjieba().Jieba
    spec = importlib.util.find_spec("rjieba")
    if spec is None:
        raise SegmenterError("rjieba is not installed: pip install rjieba (or set GWR_SEGMENTER=jieba)")
    folder = Path(next(iter(spec.submodule_search_locations or []), ""))
    compiled = [p for p in folder.glob("rjieba.*")
                if any(p.name.endswith(suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES)]
    if len(compiled) != 1:
        return _import_rjieba().Jieba
    loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(compiled[0]))
    ext_spec = importlib.util.spec_from_file_location("rjieba.rjieba", compiled[0], loader=loader)
    module = importlib.util.module_from_spec(ext_spec)
    sys.modules["rjieba.rjieba"] = module
    loader.exec_module(module)
    return module.Jieba


def _import_rjieba():
    try:
        import rjieba
    except ImportError as exc:
        raise SegmenterError(f"rjieba cannot be imported ({exc}): pip install rjieba, or set GWR_SEGMENTER=jieba") \
            from None
    return rjieba


def resolve(name: str = "auto") -> str:
    """The segmenter `name` stands for: `auto` is $GWR_SEGMENTER, else rjieba when installed, else jieba."""
    if name == "auto":
        name = os.environ.get("GWR_SEGMENTER", "").strip() or "auto"
    if name == "auto":
        return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"
    if name not in SEGMENTERS:
        raise SegmenterError(f"unknown segmenter {name!r}; known: auto, {', '.join(SEGMENTERS)}")
    return name


@functools.cache
def _load(name: str):
    return RJiebaSegmenter() if name == "rjieba" else JiebaSegmenter()


def load_segmenter(name: str = "auto"):
    """The segmenter, built once per process: `.cut(text)` gives jieba's words (accurate mode, HMM on)."""
    return _load(resolve(name))
