"""Benchmark 1: one shuffled epoch of batches of 64, in-memory `TensorBatches` against DataLoader + transforms."""

from __future__ import annotations

import time

from bench.common import course_tensors, row, tutorial_loader
from bench.report import Row
from mnist_course.data import TensorBatches


def _epoch_seconds(batches) -> float:
    start = time.perf_counter()
    total = 0.0
    for xb, _ in batches:
        total += float(xb[0, 0, 0, 0])  # touch every batch
    return time.perf_counter() - start


def run(tiny: bool = False) -> list[Row]:
    """The data-path row: the best of three in-memory epochs against one DataLoader epoch."""
    n = 2000 if tiny else None
    x, y = course_tensors("train", n)
    course = min(_epoch_seconds(TensorBatches(x, y, batch_size=64, seed=s)) for s in range(3))
    usual = _epoch_seconds(tutorial_loader(train=True, batch_size=64, n=n))
    ratio = usual / course
    print(f"data path: TensorBatches {course:.3f} s/epoch, DataLoader {usual:.2f} s/epoch, {ratio:.0f}× faster")
    return [row("data path: one epoch, batch 64", f"{course:.3f} s", f"{usual:.2f} s", ratio, 50)]
