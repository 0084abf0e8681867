from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture
def example_text() -> str:
    return (DATA / "example-2026.txt").read_text(encoding="utf-8")


@pytest.fixture
def example_gold() -> dict:
    data = json.loads((DATA / "example-2026.json").read_text(encoding="utf-8"))
    data["report"]["source"] = "tests/data/example-2026.txt"
    return data


@pytest.fixture
def seed_text() -> str:
    return (ROOT / "corpus" / "zhengzhou-2025.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_gold() -> dict:
    return json.loads((ROOT / "gold" / "zhengzhou-2025.json").read_text(encoding="utf-8"))


@pytest.fixture
def example2_text() -> str:
    """The guideline's version-2 example (periods, per_year, outcomes)."""
    return (DATA / "v2" / "example-2026.txt").read_text(encoding="utf-8")


@pytest.fixture
def example2_gold() -> dict:
    return json.loads((DATA / "v2" / "example-2026.json").read_text(encoding="utf-8"))
