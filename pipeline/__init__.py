"""gwr: Chinese government work reports (政府工作报告) into structured, auditable data.

    import gwr
    doc = gwr.extract(text, year=2025, place="郑州市", level="city")   # a gwr.schemas.Document
    doc = gwr.extract_file("report.docx")                              # read, then extract
    nlp = gwr.build_nlp()                                              # the spaCy pipeline itself

The package is layered; each layer imports only those below it:

- `gwr.collector`   cyclic garbage collection paused where it walks much and frees nothing
- `gwr.schemas`     the data contract (ANNOTATION.md): pydantic models, normalisation tables
- `gwr.stages`      the spaCy components (layout … outcomes) and `extract()`
- `gwr.inputs`      reading text, web pages, Word, PDF and tables of reports
- `gwr.corpus`      folders and batches: collect, batch, tables, panel, compare
- `gwr.evaluation`  the scorer, the harness and the gold compiler
- `gwr.views`       the HTML audit pages
- `gwr.cli`         the command line, a thin layer over the functions above

spaCy, jieba and the readers load on first use only, so that scoring needs none of them.
"""

from __future__ import annotations

import importlib
from importlib import metadata as _metadata
from typing import Any

try:
    __version__ = _metadata.version("gwr")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "build_nlp", "evaluate", "extract", "extract_file"]

_LAZY = {
    "extract": "gwr.stages.extraction",
    "build_nlp": "gwr.stages.extraction",
    "extract_file": "gwr.corpus.single",
    "evaluate": "gwr.evaluation.harness",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gwr' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
