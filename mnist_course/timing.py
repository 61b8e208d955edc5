"""Timing code fairly: best of several repeats, and speed-ups as ratios measured in the same run.

Introduced in notebook 01 (a loop against a vectorized population); used wherever a notebook compares speeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["best_time", "speedup"]


def best_time(fn: Callable[[], Any], repeat: int = 3, number: int = 1) -> float:
    """Seconds for one call of ``fn``: the best of ``repeat`` rounds of ``number`` calls each (notebook 01).

    The minimum is the least disturbed by whatever else the machine was doing.
    """
    if repeat < 1 or number < 1:
        raise ValueError(f"repeat and number must be at least 1, got repeat={repeat}, number={number}")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def speedup(slow: Callable[[], Any], fast: Callable[[], Any], repeat: int = 3, number: int = 1) -> dict[str, float]:
    """Time two ways of doing the same job, back to back: ``{"slow": s, "fast": s, "ratio": slow/fast}`` (notebook 01)."""
    t_slow = best_time(slow, repeat, number)
    t_fast = best_time(fast, repeat, number)
    return {"slow": t_slow, "fast": t_fast, "ratio": t_slow / t_fast}
