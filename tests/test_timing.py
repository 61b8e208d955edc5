"""mnist_course.timing: best-of timing and same-run ratios."""

from __future__ import annotations

import time

import pytest

from mnist_course.timing import best_time, speedup


def test_best_time_takes_the_fastest_round():
    delays = iter([0.03, 0.001, 0.02])
    assert best_time(lambda: time.sleep(next(delays)), repeat=3) < 0.015


def test_best_time_divides_by_number():
    calls = []
    t = best_time(lambda: calls.append(1), repeat=2, number=5)
    assert len(calls) == 10 and t >= 0


def test_speedup_ratio_of_slow_to_fast():
    r = speedup(lambda: time.sleep(0.02), lambda: None, repeat=2)
    assert r["slow"] >= 0.02 and r["ratio"] == pytest.approx(r["slow"] / r["fast"])
    assert r["ratio"] > 10


def test_bad_repeat_is_rejected():
    with pytest.raises(ValueError, match="repeat"):
        best_time(lambda: None, repeat=0)
