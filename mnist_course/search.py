"""Learning without gradients: the linear scorer and the random walk (introduced in notebook 01).

Notebook 01 writes these out by hand; notebook 04 calls them to re-run the random walk in the same session as
gradient descent, so the two accuracy curves can be compared step for step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["Walk", "linear_accuracy", "random_walk"]


def _check_data(x: torch.Tensor, y: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise ValueError("x and y must be torch tensors")
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise ValueError(
            f"x must be N×D (flattened images, e.g. N×784) and y must hold N labels; "
            f"got x {tuple(x.shape)} and y {tuple(y.shape)}"
        )
    if not x.is_floating_point():
        raise ValueError(f"x must be floating point (standardized pixels), got dtype {x.dtype}")


def linear_accuracy(weights: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Accuracy of the linear scorer ``argmax(W·x)`` on ``(x, y)``, for one ``W`` or a whole population (notebook 01).

    ``weights`` is one K×D matrix (K classes, D = 784 pixels), giving a 0-dim tensor, or a population of P
    matrices, P×K×D, giving P accuracies evaluated in one batched matrix product. ``x`` is N×D, ``y`` N labels.
    """
    _check_data(x, y)
    if not isinstance(weights, torch.Tensor) or weights.ndim not in (2, 3) or weights.shape[-1] != x.shape[1]:
        shape = tuple(weights.shape) if isinstance(weights, torch.Tensor) else type(weights).__name__
        raise ValueError(
            f"weights must be K×{x.shape[1]} (one scorer) or P×K×{x.shape[1]} (a population) to match x "
            f"(N×{x.shape[1]}); got {shape}"
        )
    if weights.ndim == 2:
        return ((x @ weights.T).argmax(1) == y).float().mean()
    p, k, d = weights.shape
    scores = (x @ weights.reshape(p * k, d).T).reshape(len(x), p, k)  # N×P×K: every scorer on every image
    return (scores.argmax(2) == y[:, None]).float().mean(0)


@dataclass
class Walk:
    """The result of :func:`random_walk` (notebook 01).

    ``weights`` is the final K×D matrix; ``curve[t]`` the training accuracy after ``t`` steps (``curve[0]`` is
    the starting point, so it has ``steps + 1`` entries); ``accepted`` counts the steps that were kept.
    """

    weights: torch.Tensor
    curve: torch.Tensor
    accepted: int


def random_walk(
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    sigma: float = 0.02,
    init_scale: float = 0.001,
    num_classes: int = 10,
    seed: int = 0,
) -> Walk:
    """Train the linear scorer by a random walk, exactly as notebook 01 does by hand (notebook 01).

    Start from small random weights (``init_scale`` times standard normal noise). Each step picks one class
    at random, adds Gaussian noise of size ``sigma`` to its row of ``W``, and keeps the change when the
    training accuracy on ``(x, y)`` does not go down. All random numbers come from a generator seeded with
    ``seed``, so the same call gives the same walk.
    """
    _check_data(x, y)
    if steps < 0:
        raise ValueError(f"steps must be 0 or more, got {steps}")
    if sigma <= 0 or init_scale < 0:
        raise ValueError(
            f"sigma must be positive and init_scale non-negative, got sigma={sigma}, init_scale={init_scale}"
        )
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    gen = torch.Generator().manual_seed(seed)
    w = (init_scale * torch.randn(num_classes, x.shape[1], generator=gen)).to(x.device)
    best = linear_accuracy(w, x, y).item()
    curve = [best]
    accepted = 0
    for _ in range(steps):
        k = int(torch.randint(num_classes, (1,), generator=gen))
        candidate = w.clone()
        candidate[k] += (sigma * torch.randn(x.shape[1], generator=gen)).to(x.device)
        acc = linear_accuracy(candidate, x, y).item()
        if acc >= best:
            w, best = candidate, acc
            accepted += 1
        curve.append(best)
    return Walk(weights=w, curve=torch.tensor(curve), accepted=accepted)
