"""Benchmark 2: one training epoch in samples per second, the course's `fit` against the pytorch/examples loop.

Same model and same optimizer on both sides; the usual way reads batches of 64 through a DataLoader with
ToTensor + Normalize, the course uses its in-memory batches at the batch size its notebook uses. Each side runs
two epochs, alternating with the other, and the faster epoch counts: the first pays for warming up the caches
and the convolution kernels, and a best-of-two is less disturbed by whatever else the machine does.

Each side also gets its achieved GFLOP/s: the FLOPs of one of its training steps (`bench.flops.mnist_step_flops`,
at its own batch size) times the steps per second measured.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from bench.common import course_tensors, row, tutorial_loader
from bench.flops import mnist_step_flops
from bench.recipes import CNN_BATCH, MLP_BATCH, make_cnn, make_cnn_pool_last, make_mlp
from bench.report import Peak, Row, Side
from mnist_course.data import TensorBatches
from mnist_course.settings import seed_everything
from mnist_course.train import fit

#: The batch size of the pytorch/examples loop.
USUAL_BATCH = 64
#: Each side is timed this many times, alternating with the other; the best epoch counts.
ROUNDS = 2


def usual_epoch(model: torch.nn.Module, optimizer: torch.optim.Optimizer, loader) -> int:
    """The training loop of pytorch/examples `mnist/main.py`, per batch: zero_grad, forward, loss, backward, step."""
    model.train()
    seen = 0
    for data, target in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        optimizer.step()
        seen += len(target)
    return seen


def _usual_rate(make, n: int | None) -> float:
    """Samples per second of one epoch of the pytorch/examples loop over the tutorial DataLoader (batch 64)."""
    seed_everything(0)
    model, opt = make()
    start = time.perf_counter()
    seen = usual_epoch(model, opt, tutorial_loader(train=True, batch_size=USUAL_BATCH, n=n))
    return seen / (time.perf_counter() - start)


def _course_rate(make, x: torch.Tensor, y: torch.Tensor, batch: int) -> float:
    """Samples per second of one epoch of the course's `fit`."""
    seed_everything(0)
    model, opt = make()
    start = time.perf_counter()
    fit(model, opt, TensorBatches(x, y, batch_size=batch, seed=0), epochs=1, verbose=False, progress=False)
    return len(x) / (time.perf_counter() - start)


def _best_alternating(a: Callable[[], float], b: Callable[[], float]) -> tuple[float, float]:
    """The best of ROUNDS rates of each side, taken alternately (the first round also warms the caches up)."""
    best_a = best_b = 0.0
    for _ in range(ROUNDS):
        best_a, best_b = max(best_a, a()), max(best_b, b())
    return best_a, best_b


def _side(make: Callable, rate: float, batch: int) -> Side:
    """A training side: its measured samples per second and the FLOPs of one step of a fresh model from ``make``."""
    model, _ = make()
    return Side(samples_per_second=rate, batch_size=batch, step_flops=mnist_step_flops(model, batch))


def _share_text(side: Side, peak: Peak | None) -> str:
    return "" if peak is None else f", {side.gflops / peak.gflops:.0%} of peak"


def _compare(name: str, make, batch: int, goal: float, n: int | None, peak: Peak | None) -> Row:
    """The course's `fit` against the usual loop on the same model and optimizer, one epoch at a time."""
    x, y = course_tensors("train", n)
    course, usual = _best_alternating(lambda: _course_rate(make, x, y, batch), lambda: _usual_rate(make, n))
    ratio = course / usual
    course_side, usual_side = _side(make, course, batch), _side(make, usual, USUAL_BATCH)
    print(
        f"throughput {name}: course {course:,.0f} samples/s (batch {batch}), usual {usual:,.0f} samples/s, {ratio:.1f}×; "
        f"{course_side.gflops:.1f} GFLOP/s{_share_text(course_side, peak)} against "
        f"{usual_side.gflops:.1f} GFLOP/s{_share_text(usual_side, peak)}"
    )
    return row(
        f"training throughput: {name}", f"{course:,.0f}/s", f"{usual:,.0f}/s", ratio, goal, course_side, usual_side
    )


def layer_order(n: int | None, peak: Peak | None = None) -> Row:
    """What pooling first buys: notebook 10's LeNet against the same layers in the pool-last order, both with `fit`."""
    x, y = course_tensors("train", n)
    first, last = _best_alternating(
        lambda: _course_rate(make_cnn, x, y, CNN_BATCH), lambda: _course_rate(make_cnn_pool_last, x, y, CNN_BATCH)
    )
    first_side, last_side = _side(make_cnn, first, CNN_BATCH), _side(make_cnn_pool_last, last, CNN_BATCH)
    print(
        f"layer order: conv-pool-bn-relu {first:,.0f} samples/s, conv-bn-relu-pool {last:,.0f} samples/s, "
        f"{first / last:.2f}×; {first_side.gflops:.1f} GFLOP/s{_share_text(first_side, peak)} against "
        f"{last_side.gflops:.1f} GFLOP/s{_share_text(last_side, peak)}"
    )
    name = "notebook 10 CNN: pool first vs pool last"
    return row(name, f"{first:,.0f}/s", f"{last:,.0f}/s", first / last, None, first_side, last_side)


def run(tiny: bool = False, peak: Peak | None = None) -> list[Row]:
    """The three training rows (``peak`` only adds each side's share of it to the printed lines)."""
    n = 1024 if tiny else None
    return [
        _compare("notebook 06 MLP", make_mlp, MLP_BATCH, 5, n, peak),
        _compare("notebook 10 CNN", make_cnn, CNN_BATCH, 1.5, n, peak),
        layer_order(n, peak),
    ]
