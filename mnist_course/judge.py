"""Judging generated digits: a small CNN classifier that labels what a generator draws (notebook 08).

A generator has no labels and no test set, so notebook 08 measures it with a referee: a compact CNN
(:class:`Judge`) trained on real MNIST by :func:`train_judge`, then asked by :func:`judge_samples` which digit
each generated image shows and how sure it is. :func:`digit_shares` turns the verdicts into the share of each
digit, the histogram that exposes mode collapse.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from mnist_course.data import TensorBatches, as_image_batch
from mnist_course.train import History, fit, predict

__all__ = ["Judge", "digit_shares", "judge_samples", "train_judge"]

# The MNIST training pixels' mean and standard deviation on the [0, 1] scale (see data.mean_std).
_MEAN, _STD = 0.1307, 0.3081


class Judge(nn.Module):
    """A compact CNN that classifies digits drawn as float pixels in [0, 1] (notebook 08).

    Two 3×3 convolution + ReLU + 2×2 max-pool stages (16 and 32 channels), then a hidden layer of 64 and
    10 logits. It standardizes its input itself, so it takes generated images exactly as the generators
    produce them: N×28×28, N×1×28×28 or N×784, 0 = background, 1 = full ink.
    """

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (as_image_batch(x) - _MEAN) / _STD
        return self.head(self.features(x))


def train_judge(
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 1,
    batch_size: int = 128,
    lr: float = 1e-2,
    val: tuple[torch.Tensor, torch.Tensor] | None = None,
    seed: int = 0,
    device: torch.device | str | None = None,
    verbose: bool = True,
) -> tuple[Judge, History]:
    """Train a fresh :class:`Judge` on real digits; return it (in eval mode) and its history (notebook 08).

    ``x`` holds float pixels in [0, 1] (N×28×28, N×1×28×28 or N×784) and ``y`` the N digit labels. Adam with
    a one-cycle learning-rate schedule peaking at ``lr``; one epoch over the 50,000 images of ``load_splits()``'s
    training split reaches about 98.5–99% test accuracy. Seeded with ``seed``, so a re-run trains the very same judge; the
    seed is used on a private copy of PyTorch's random state, so the caller's random numbers are left as they were.
    """
    x = as_image_batch(x, "x")
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or len(y) != len(x) or epochs < 1:
        raise ValueError(
            f"y must be a 1-D tensor with one label per image ({len(x)}) and epochs at least 1, "
            f"got y {getattr(y, 'shape', y)} and epochs={epochs}"
        )
    with torch.random.fork_rng(devices=[]):  # the initial weights come from `seed`, not the caller's stream
        torch.manual_seed(seed)
        judge = Judge().to(device or "cpu")
    batches = TensorBatches(x, y.long(), batch_size=batch_size, shuffle=True, seed=seed, device=device, fixed_seed=True)
    optimizer = torch.optim.Adam(judge.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * len(batches))
    history = fit(judge, optimizer, batches, epochs=epochs, val=val, scheduler=scheduler, verbose=verbose)
    return judge.eval(), history


@torch.no_grad()
def judge_samples(judge: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The judge's verdict on each image: ``(digits, confidences)`` (notebook 08).

    ``digits`` (int64, N) is the most likely digit and ``confidences`` (float, N) its softmax probability,
    between 0.1 and 1. ``images`` are float pixels in [0, 1]: N×28×28, N×1×28×28 or N×784.
    """
    images = as_image_batch(images)
    probs = F.softmax(predict(judge, images), dim=1)
    confidences, digits = probs.max(dim=1)
    return digits, confidences


def digit_shares(digits: torch.Tensor, num_classes: int = 10) -> torch.Tensor:
    """Share of each class among ``digits`` (a 1-D integer tensor): ``num_classes`` floats summing to 1 (notebook 08)."""
    if not isinstance(digits, torch.Tensor) or digits.ndim != 1 or len(digits) == 0:
        raise ValueError(
            f"digits must be a non-empty 1-D tensor of class indices, got {getattr(digits, 'shape', digits)}"
        )
    if digits.dtype.is_floating_point or digits.min() < 0 or digits.max() >= num_classes:
        raise ValueError(f"digits must be integers in 0..{num_classes - 1}")
    return torch.bincount(digits.long(), minlength=num_classes).float() / len(digits)
