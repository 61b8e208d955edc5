"""bench/flops.py: the FLOP count of a training step against a hand count, and the matrix-multiply peak."""

from __future__ import annotations

import torch
from torch import nn

from bench.flops import matmul_peak, mnist_step_flops, step_flops
from bench.recipes import CNN_BATCH, MLP_BATCH, make_cnn, make_cnn_pool_last, make_mlp


def hand_count(sizes: tuple[int, ...], batch: int) -> int:
    """Linear(in, out) on a batch of B: 2·B·in·out FLOPs forward, as much for the weight gradient, and as much for
    the input gradient except in the first layer (the images need no gradient)."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    forward = sum(2 * batch * a * b for a, b in layers)
    first = 2 * batch * sizes[0] * sizes[1]
    return 3 * forward - first


def test_one_mlp_step_matches_the_hand_count():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(0.5), nn.Linear(5, 3))
    x, y = torch.randn(4, 6), torch.tensor([0, 1, 2, 0])
    # forward 2·4·(6·5 + 5·3) = 360; weight gradients 360; input gradient of the second layer only 2·4·5·3 = 120
    assert hand_count((6, 5, 3), 4) == 840
    assert step_flops(model, x, y) == 840
    assert all(p.grad is None for p in model.parameters())  # the count leaves no gradients behind


def test_notebook_06_mlp_step_matches_the_hand_count():
    model, _ = make_mlp()
    flops = mnist_step_flops(model, MLP_BATCH)
    assert flops == hand_count((784, 500, 10), MLP_BATCH) == 409_088_000  # 1.598 MFLOP per image
    # "×3 with backward" holds for the 500→10 layer; the 784→500 layer, 99% of the work, skips its input gradient,
    # so the step is about twice the forward pass, not three times
    forward = 2 * MLP_BATCH * (784 * 500 + 500 * 10)
    assert 2.0 < flops / forward < 2.05


def test_cnn_step_counts_scale_with_the_batch_and_ignore_the_layer_order():
    model, _ = make_cnn()
    per_image = mnist_step_flops(model, CNN_BATCH) / CNN_BATCH
    assert mnist_step_flops(model, 64) / 64 == per_image  # linear in the batch size
    # pooling, batch norm and ReLU are not counted: moving them changes nothing
    assert mnist_step_flops(make_cnn_pool_last()[0], CNN_BATCH) / CNN_BATCH == per_image
    assert 10e6 < per_image < 14e6  # convolutions dominate: about 11.7 MFLOP per image against the MLP's 1.6


def test_matmul_peak_measures_gflops_on_small_sizes():
    peak = matmul_peak(sizes=(64, 128), repeats=2)
    assert peak.size in (64, 128) and peak.repeats == 2
    assert 0.01 < peak.gflops < 1e5  # any real CPU; the full sizes are for `make bench`
