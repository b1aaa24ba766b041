from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "samples"
SAMPLE_2019 = ROOT / "examples" / "2019" / "pingtan-2019.txt"
FILES = ROOT / "examples" / "files"


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))
