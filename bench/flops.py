"""The limit the training rows are measured against: this machine's matrix-multiply peak, and the FLOPs of one
training step.

`matmul_peak` times float32 n×n by n×n products (2·n³ FLOPs each) at a few sizes with torch's own threads and
keeps the best GFLOP/s: about as fast as this CPU does the arithmetic that dominates training. `step_flops`
counts the FLOPs of one training step's forward and backward pass with `torch.utils.flop_counter.FlopCounterMode`,
which counts matrix products and convolutions (the bulk of the work) and nothing else: ReLU, pooling, batch
norm, dropout, the loss and the optimizer step are free in its count. Multiplied by the steps per second a
benchmark measures, that gives the GFLOP/s a training loop achieves, and its share of the peak.

For a fully connected network the count is simple: a Linear(in, out) layer on a batch of B costs 2·B·in·out
FLOPs forward, as much again for its weight gradient and, unless it is the first layer (the images need no
gradient), as much again for its input gradient: three times its forward pass, twice for the first layer. Notebook
06's 784-500-10 network does 99% of its work in the first layer, so its training step costs about twice its
forward pass (1.598 MFLOP per image; tests/test_bench_flops.py checks the count).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from bench.report import Peak

#: Matrix sizes and timed repeats of the peak measurement (best of all); the tiny setting only checks it runs.
PEAK_SIZES, PEAK_REPEATS = (1024, 1536, 2048), 5
TINY_PEAK_SIZES, TINY_PEAK_REPEATS = (128, 256), 2


def matmul_peak(sizes: Sequence[int] = PEAK_SIZES, repeats: int = PEAK_REPEATS) -> Peak:
    """The best float32 matrix-multiply GFLOP/s over ``sizes`` (n×n by n×n, 2·n³ FLOPs), ``repeats`` timed products
    each after one untimed warm-up, on torch's current number of threads."""
    best = Peak(gflops=0.0, size=0, repeats=repeats)
    generator = torch.Generator().manual_seed(0)
    for n in sizes:
        a = torch.randn(n, n, generator=generator)
        b = torch.randn(n, n, generator=generator)
        out = torch.empty(n, n)
        torch.mm(a, b, out=out)  # warm-up: threads started, pages touched
        for _ in range(repeats):
            start = time.perf_counter()
            torch.mm(a, b, out=out)
            gflops = 2 * n**3 / (time.perf_counter() - start) / 1e9
            if gflops > best.gflops:
                best = Peak(gflops=gflops, size=n, repeats=repeats)
    return best


def step_flops(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> int:
    """FLOPs of one training step of ``model`` on the batch ``(x, y)``: cross-entropy forward and backward, as
    FlopCounterMode counts them. The model's gradients are cleared again afterwards."""
    model.train()
    with FlopCounterMode(display=False) as counter:
        F.cross_entropy(model(x), y).backward()
    model.zero_grad(set_to_none=True)
    return int(counter.get_total_flops())


def mnist_step_flops(model: torch.nn.Module, batch_size: int) -> int:
    """FLOPs of one training step on a batch of ``batch_size`` MNIST-shaped images (N×1×28×28; the values do not
    change the count)."""
    x = torch.zeros(batch_size, 1, 28, 28)
    y = torch.zeros(batch_size, dtype=torch.long)
    return step_flops(model, x, y)
