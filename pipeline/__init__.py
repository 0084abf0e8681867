"""gwr pipeline: extraction rules, evaluation and the command line.

`from pipeline import extract` gives the extraction entry point; it loads
spaCy and jieba on first use only, so that scoring needs neither.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract", "build_nlp", "evaluate"]


def __getattr__(name: str) -> Any:
    if name in ("extract", "build_nlp"):
        import importlib

        return getattr(importlib.import_module("pipeline.extraction"), name)
    if name == "evaluate":
        from .evaluate import evaluate

        return evaluate
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
