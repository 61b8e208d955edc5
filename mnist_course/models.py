"""Model classes the course builds by hand first, then reuses (introduced in notebook 06).

Owned by notebooks 05–06; later notebooks (10, the benchmarks) import ``MLP`` from here to compare against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mnist_course.data import check_shape

__all__ = ["MLP", "count_parameters"]


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters (notebook 06); a parameter shared by several layers counts once."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"count_parameters expects an nn.Module (a model or layer), got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class MLP(nn.Module):
    """A fully connected network: Flatten, then Linear + ReLU (+ Dropout) layers, a Linear output (notebook 06).

    ``sizes`` lists every layer width, input first: the default ``(784, 500, 10)`` is notebook 06's network.
    Accepts images N×28×28, N×1×28×28 or flat N×784 and returns N×10 logits.
    """

    def __init__(self, sizes: Sequence[int] = (784, 500, 10), dropout: float = 0.0) -> None:
        super().__init__()
        if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
            raise ValueError(f"sizes must list at least an input and an output width, all positive; got {tuple(sizes)}")
        self.sizes = tuple(int(s) for s in sizes)
        layers: list[nn.Module] = [nn.Flatten()]
        for i, (a, b) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(self.sizes) - 2:
                layers.append(nn.ReLU())
                if dropout:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_shape(x.flatten(1) if x.ndim > 1 else x, (None, self.sizes[0]), "MLP input (flattened)")
        return self.net(x)
