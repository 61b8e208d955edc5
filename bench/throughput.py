"""Benchmark 2: one training epoch in samples per second, the course's `fit` against the pytorch/examples loop.

Same model and same optimizer on both sides; the usual way reads batches of 64 through a DataLoader with
ToTensor + Normalize, the course uses its in-memory batches at the batch size its notebook uses. Each side runs
two epochs, alternating with the other, and the faster epoch counts: the first pays for warming up the caches
and the convolution kernels, and a best-of-two is less disturbed by whatever else the machine does.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from bench.common import course_tensors, row, tutorial_loader
from bench.recipes import CNN_BATCH, MLP_BATCH, make_cnn, make_cnn_pool_last, make_mlp
from mnist_course.data import TensorBatches
from mnist_course.settings import seed_everything
from mnist_course.train import fit

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
    seen = usual_epoch(model, opt, tutorial_loader(train=True, batch_size=64, n=n))
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


def _compare(name: str, make, batch: int, goal: float, n: int | None) -> tuple[dict, float]:
    """The course's `fit` against the usual loop on the same model and optimizer, one epoch at a time."""
    x, y = course_tensors("train", n)
    course, usual = _best_alternating(lambda: _course_rate(make, x, y, batch), lambda: _usual_rate(make, n))
    ratio = course / usual
    print(
        f"throughput {name}: course {course:,.0f} samples/s (batch {batch}), usual {usual:,.0f} samples/s, {ratio:.1f}×"
    )
    return row(f"training throughput: {name}", f"{course:,.0f}/s", f"{usual:,.0f}/s", ratio, goal), ratio


def layer_order(n: int | None) -> tuple[dict, float]:
    """What pooling first buys: notebook 10's LeNet against the same layers in the pool-last order, both with `fit`."""
    x, y = course_tensors("train", n)
    first, last = _best_alternating(
        lambda: _course_rate(make_cnn, x, y, CNN_BATCH), lambda: _course_rate(make_cnn_pool_last, x, y, CNN_BATCH)
    )
    print(
        f"layer order: conv-pool-bn-relu {first:,.0f} samples/s, conv-bn-relu-pool {last:,.0f} samples/s, "
        f"{first / last:.2f}×"
    )
    name = "notebook 10 CNN: pool first vs pool last"
    return row(name, f"{first:,.0f}/s", f"{last:,.0f}/s", first / last, None), first / last


def run(tiny: bool = False) -> dict:
    n = 1024 if tiny else None
    mlp_row, mlp = _compare("notebook 06 MLP", make_mlp, MLP_BATCH, 5, n)
    cnn_row, cnn = _compare("notebook 10 CNN", make_cnn, CNN_BATCH, 1.5, n)
    order_row, order = layer_order(n)
    return {
        "numbers": {"fit_ratio_mlp": mlp, "fit_ratio_cnn": cnn, "layer_order_ratio": order},
        "rows": [mlp_row, cnn_row, order_row],
    }
