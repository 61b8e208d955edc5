"""The course's training loop: ``accuracy``, ``predict``, ``evaluate``, ``History`` and ``fit``.

``fit`` and ``evaluate`` are written out by hand in notebook 05 and used from notebook 06 on. Seeding, the device
and quick mode live in :mod:`mnist_course.settings`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mnist_course.data import TensorBatches
from mnist_course.settings import live_enabled, progress_enabled

__all__ = [
    "History",
    "accuracy",
    "evaluate",
    "fit",
    "predict",
]


def _check_batch(x: torch.Tensor, y: torch.Tensor) -> None:
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} images and {len(y)} labels")


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of rows whose largest logit is at the true label (notebook 01)."""
    if logits.ndim != 2 or labels.ndim != 1 or len(logits) != len(labels):
        raise ValueError(
            f"logits must be N×C and labels N, got logits {tuple(logits.shape)} and labels {tuple(labels.shape)}"
        )
    return (logits.argmax(dim=1) == labels).float().mean().item()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 2000) -> torch.Tensor:
    """The model's outputs for all of ``x``, in batches, in eval mode, on the CPU (notebook 05)."""
    was_training = model.training
    model.eval()
    dev = next(model.parameters()).device
    out = torch.cat([model(x[i : i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


@torch.no_grad()
def evaluate(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    batch_size: int = 2000,
) -> dict[str, float]:
    """Mean loss and accuracy of a classifier on ``(x, y)`` (notebook 05): ``{"loss": ..., "accuracy": ...}``."""
    _check_batch(x, y)
    logits = predict(model, x, batch_size)
    return {"loss": loss_fn(logits, y.cpu()).item(), "accuracy": accuracy(logits, y.cpu())}


class History(list):
    """One dict per epoch: ``epoch``, ``loss``, ``train_accuracy``, ``val_accuracy`` (with ``val``), ``seconds`` (notebook 05)."""

    def column(self, key: str) -> list[float]:
        """All epochs' values of one key, e.g. ``history.column("val_accuracy")``."""
        return [row[key] for row in self]

    @property
    def last(self) -> dict[str, float]:
        """The final epoch's row."""
        return self[-1]

    @property
    def seconds(self) -> float:
        """Training seconds over all epochs (evaluation excluded)."""
        return sum(row["seconds"] for row in self)


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train: TensorBatches | Iterable[tuple[torch.Tensor, torch.Tensor]],
    epochs: int = 1,
    val: tuple[torch.Tensor, torch.Tensor] | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    scheduler: Any = None,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    max_steps: int | None = None,
    progress: bool | None = None,
    verbose: bool = True,
    live: bool | None = None,
) -> History:
    """Train a classifier for ``epochs`` passes over ``train`` and return its :class:`History` (notebook 05).

    Each step: forward, ``loss_fn``, backward, ``optimizer.step()``, then ``scheduler.step()`` if given
    (schedulers here step once per batch, like ``OneCycleLR``). ``transform`` is applied to each training
    batch (data augmentation). ``val`` is an ``(x, y)`` pair evaluated after each epoch: the
    validation split, never the test set, which is scored once at the end with :func:`evaluate`. ``max_steps``
    stops early (a dry run). Training accuracy is the running accuracy over the epoch's batches.
    ``live`` redraws the loss and accuracy curves in place after every epoch (default: on in an interactive
    Jupyter session when ``verbose``, off under the runner and CI, see :func:`mnist_course.settings.live_enabled`);
    a quiet call (``verbose=False``, as in a loop of short runs) draws nothing unless ``live=True``.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if progress is None:
        progress = progress_enabled()
    live_view = _LiveCurves() if ((verbose and live_enabled()) if live is None else live) else None
    from tqdm.auto import tqdm

    dev = next(model.parameters()).device
    history = History()
    steps = 0
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        total_loss = total_correct = seen = 0
        total = len(train) if hasattr(train, "__len__") else None
        for xb, yb in tqdm(train, total=total, desc=f"epoch {epoch}/{epochs}", leave=False, disable=not progress):
            xb, yb = xb.to(dev, non_blocking=True), yb.to(dev, non_blocking=True)
            if transform is not None:
                xb = transform(xb)
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            n = len(yb)
            total_loss += loss.detach() * n
            total_correct += (logits.detach().argmax(1) == yb).sum()
            seen += n
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        seconds = time.perf_counter() - start
        row = {
            "epoch": epoch,
            "loss": float(total_loss) / max(seen, 1),
            "train_accuracy": float(total_correct) / max(seen, 1),
            "seconds": seconds,
        }
        if val is not None:
            row["val_accuracy"] = evaluate(model, *val)["accuracy"]
        history.append(row)
        if verbose:
            extra = f"  val acc {row['val_accuracy']:.4f}" if "val_accuracy" in row else ""
            print(
                f"epoch {epoch:2d}  loss {row['loss']:.4f}  train acc {row['train_accuracy']:.4f}{extra}"
                f"  ({seconds:.1f} s)"
            )
        if live_view is not None:
            live_view.update(history)
        if max_steps is not None and steps >= max_steps:
            break
    return history


class _LiveCurves:
    """One figure of the training curves, redrawn in place after each epoch (a notebook output with a display id)."""

    def __init__(self) -> None:
        self.handle = None

    def update(self, history: History) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        from mnist_course.plot import plot_history

        fig = plot_history(history, title=f"training: epoch {history.last['epoch']}")
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        plt.close(fig)
