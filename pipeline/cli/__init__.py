"""The command line: `gwr extract | eval | show | compare | panel | schema`, a thin layer over the library."""

from .main import main

__all__ = ["main"]
