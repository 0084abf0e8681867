#!/usr/bin/env python3
"""Compile a hand-written `.labels` gold file into the ANNOTATION.md JSON (gwr.evaluation.gold).

    python scripts/compile_gold.py gold/zhengzhou-2025.labels [-o gold/zhengzhou-2025.json]

Report sources are read relative to the repository root.
"""

import sys
from pathlib import Path

from gwr.evaluation.gold import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent.parent))
