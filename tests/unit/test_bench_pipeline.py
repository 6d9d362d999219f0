"""The pipeline benchmark's reading of the projector's progress (``bench/pipeline.py rate_between``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from pipeline import rate_between


def test_the_rate_between_two_shares_is_interpolated_between_samples() -> None:
    # 1,000 records: 100/s for the first 5 s, then 50/s
    progress = [(0.0, 0), (2.0, 200), (4.0, 400), (6.0, 550), (10.0, 750), (14.0, 950), (16.0, 1000)]
    assert rate_between(progress, 1000, 0.1, 0.3) == pytest.approx(100)
    assert rate_between(progress, 1000, 0.7, 0.9) == pytest.approx(50)
    assert rate_between(progress, 1000, 0.1, 0.6) == pytest.approx(500 / (7.0 - 1.0))


def test_no_rate_without_samples_on_both_sides() -> None:
    assert rate_between([], 1000, 0.1, 0.3) is None
    assert rate_between([(0.0, 0), (1.0, 100)], 1000, 0.1, 0.3) is None
