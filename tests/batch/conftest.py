"""Fixtures: the two-district, three-scenario batch sample in a fresh folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hp_batch_sample import make_batch_sample


@pytest.fixture
def jobs_file(tmp_path: Path) -> Path:
    return make_batch_sample(tmp_path / "batch")
