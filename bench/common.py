"""What the benchmarks share: MNIST the course's way and the usual tutorial way, and a row formatter."""

from __future__ import annotations

import torch
import torchvision
from torch.utils.data import DataLoader, Subset
from torchvision import transforms

from bench.report import Row, Side
from mnist_course.data import data_root, download_mnist, load_mnist, mean_std, standardize

#: The normalization constants every tutorial types in (the training set's pixel mean and std).
TUTORIAL_MEAN, TUTORIAL_STD = 0.1307, 0.3081


def course_tensors(split: str, n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Standardized N×1×28×28 float images and labels, in memory: how the course feeds its models."""
    x, y = load_mnist(split)
    mean, std = mean_std(load_mnist("train")[0])
    if n is not None:
        x, y = x[:n], y[:n]
    return standardize(x, mean, std).unsqueeze(1), y


def tutorial_loader(train: bool, batch_size: int = 64, n: int | None = None, seed: int = 0) -> DataLoader:
    """torchvision's MNIST dataset with ToTensor + Normalize through a DataLoader: the usual tutorial way."""
    download_mnist()  # torchvision checks that all four files are there, whichever split it reads
    tfm = transforms.Compose([transforms.ToTensor(), transforms.Normalize((TUTORIAL_MEAN,), (TUTORIAL_STD,))])
    ds = torchvision.datasets.MNIST(str(data_root()), train=train, download=False, transform=tfm)
    if n is not None:
        ds = Subset(ds, range(n))
    return DataLoader(ds, batch_size=batch_size, shuffle=train, generator=torch.Generator().manual_seed(seed))


def row(
    name: str,
    course: str,
    baseline: str,
    ratio: float | None,
    goal: float | None,
    course_side: Side | None = None,
    baseline_side: Side | None = None,
) -> Row:
    """One line of the table: a ratio is `baseline time / course time` (higher is better for the course); the row
    meets its goal when the ratio reaches it. Training rows pass both sides' speeds and step FLOPs."""
    met = None if ratio is None or goal is None else ratio >= goal
    return Row(name, course, baseline, ratio, goal, met, course_side, baseline_side)
