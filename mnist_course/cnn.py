"""The convolutional network of notebook 10, and the pixel shifts it is tested with.

Notebook 10 builds ``LeNet`` layer by layer, trains it and compares it with the notebook 06 ``MLP``; the
benchmarks import it from here. ``shift_images`` moves digits by whole pixels for the translation test.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mnist_course.data import check_shape

__all__ = ["LeNet", "shift_images"]


class LeNet(nn.Module):
    """A LeNet-style convolutional network for 28×28 digits (notebook 10).

    ``features`` is one block per entry of ``channels``: a 3×3 convolution (padding 1, so the size is kept),
    2×2 max pooling (the size is halved, rounding down: 28 → 14 → 7 → 3 for three blocks), batch normalization
    (if ``batch_norm``) and ReLU. Pooling straight after the convolution leaves batch norm and ReLU a quarter of
    the pixels (or fewer) to process, so a CPU trains it faster than the textbook pool-last order: about 1.3× in
    ``make bench`` on a 2-core CPU (``bench/results.json``, row "notebook 10 CNN: pool first vs pool last"); the
    convolutions, unchanged, do most of the work. Without batch norm the two orders compute the same function,
    since max pooling commutes with the ReLU. ``classifier`` flattens the last block's maps and applies
    Linear(·, ``hidden``), ReLU and Linear(``hidden``, ``num_classes``). Accepts N×28×28 or N×1×28×28 inputs
    (standardized pixels, as in notebook 02) and returns N×``num_classes`` logits.

    On a CPU, ``LeNet().to(memory_format=torch.channels_last)`` trains faster (notebook 10).
    """

    def __init__(
        self,
        channels: Sequence[int] = (16, 32, 64),
        hidden: int = 128,
        num_classes: int = 10,
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        channels = tuple(int(c) for c in channels)
        if not 1 <= len(channels) <= 4 or min(channels) < 1:  # four poolings take 28 pixels down to 1
            raise ValueError(f"channels must list 1 to 4 positive channel counts, e.g. (16, 32, 64); got {channels}")
        self.channels = channels
        layers: list[nn.Module] = []
        size, previous = 28, 1
        for c in channels:
            # Batch norm has its own shift, so the convolution's bias would be redundant.
            layers += [nn.Conv2d(previous, c, kernel_size=3, padding=1, bias=not batch_norm), nn.MaxPool2d(2)]
            if batch_norm:
                layers.append(nn.BatchNorm2d(c))
            layers.append(nn.ReLU())
            size, previous = size // 2, c
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(previous * size * size, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3:
            x = x.unsqueeze(1)
        check_shape(x, (None, 1, 28, 28), "LeNet input (or N×28×28)")
        return self.classifier(self.features(x))


def shift_images(images: torch.Tensor, dx: int, dy: int, fill: float = 0.0) -> torch.Tensor:
    """Move images ``dx`` pixels right and ``dy`` pixels down (negative: left, up), filling with ``fill`` (notebook 10).

    Works on the last two dimensions (rows, columns) of any ``…×H×W`` tensor; pixels pushed over the edge are
    lost, uncovered ones get ``fill`` (0 is the background of raw and [0, 1] pixels; use the standardized
    background value for standardized images). Returns a new tensor of the same shape and dtype.
    """
    h, w = images.shape[-2:] if isinstance(images, torch.Tensor) and images.ndim >= 2 else (0, 0)
    if type(dx) is not int or type(dy) is not int or not (abs(dx) < w and abs(dy) < h):
        raise ValueError(
            "shift_images needs a tensor …×H×W (e.g. N×28×28) and whole-pixel shifts with |dx| < W and |dy| < H; "
            f"got {getattr(images, 'shape', type(images).__name__)}, dx={dx!r}, dy={dy!r}"
        )
    out = torch.full_like(images, fill)
    # Target rows/columns [max(d, 0), size + min(d, 0)) receive source rows/columns [max(-d, 0), size - max(d, 0)).
    out[..., max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = images[
        ..., max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out
