"""Figures the course draws again and again. Each function returns its matplotlib ``Figure``.

In a notebook, end the call with ``;`` or assign the figure (``fig = show_images(...)``) so it is drawn once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_confusion", "plot_embedding", "plot_history", "show_images", "show_weights"]

#: One colour per digit, shared by every figure that colours by class.
DIGIT_COLORS = plt.get_cmap("tab10").colors


def _as_images(images: torch.Tensor | np.ndarray, name: str = "images") -> np.ndarray:
    """N×28×28, N×1×28×28 or N×784 → a float N×H×W array."""
    a = images.detach().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    elif a.ndim == 2 and a.shape[1] == 784:
        a = a.reshape(-1, 28, 28)
    if a.ndim != 3:
        raise ValueError(f"{name} must have shape N×H×W, N×1×H×W or N×784, got {a.shape}")
    return a.astype(np.float32)


def show_images(
    images: torch.Tensor | np.ndarray,
    labels: Sequence[int | str] | torch.Tensor | None = None,
    preds: Sequence[int] | torch.Tensor | None = None,
    ncols: int = 10,
    title: str | None = None,
    cmap: str = "gray_r",
    size: float = 1.0,
    row_names: Sequence[str] | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """A grid of images, ``ncols`` per row, optionally titled with labels and predictions (notebook 02).

    ``images`` is N×28×28, N×1×28×28 or N×784 (any H×W works for the first two). ``labels`` are numbers or
    strings; with ``preds`` too, each title reads ``label→pred`` and wrong predictions are red. ``row_names``
    writes a name at the left of each row (originals above reconstructions in notebook 07). Each image is
    scaled to its own darkest and brightest pixel unless ``vmin``/``vmax`` fix one scale for all.
    """
    a = _as_images(images)
    n = len(a)
    if n == 0:
        raise ValueError("images is empty: pass at least one image")
    for other, name in ((labels, "labels"), (preds, "preds")):
        if other is not None and len(other) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(other)}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    if row_names is not None and len(row_names) != nrows:
        raise ValueError(f"row_names must have one entry per row ({nrows}), got {len(row_names)}")
    width = size * ncols + (1.2 if row_names is not None else 0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, size * nrows * (1.25 if labels is not None else 1)))
    axes = np.atleast_2d(axes).reshape(nrows, ncols)
    for i, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if i % ncols == 0 and row_names is not None:
            ax.set_ylabel(row_names[i // ncols], rotation=0, ha="right", va="center", fontsize=9)
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(a[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")  # crisp pixels, small PNGs
        if labels is not None and preds is not None:
            lab, pre = int(labels[i]), int(preds[i])
            ax.set_title(f"{lab}→{pre}", fontsize=9, color="black" if lab == pre else "red")
        elif labels is not None:
            ax.set_title(labels[i] if isinstance(labels[i], str) else str(int(labels[i])), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(
    histories: Mapping[str, Sequence[Mapping[str, float]]] | Sequence[Mapping[str, float]],
    keys: Sequence[str] = ("loss", "train_accuracy", "val_accuracy"),
    title: str | None = None,
) -> Figure:
    """Training curves by epoch: one panel per key, one line per run (notebook 05).

    ``histories`` is one history (a list of per-epoch dicts, as ``fit`` returns) or a ``{name: history}`` dict.
    """
    if not isinstance(histories, Mapping):
        histories = {"": histories}
    keys = [k for k in keys if any(k in row for h in histories.values() for row in h)]
    if not keys:
        raise ValueError("no history has any of the keys to plot")
    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.2))
    axes = np.atleast_1d(axes)
    for ax, key in zip(axes, keys):
        for name, h in histories.items():
            rows = [r for r in h if key in r]
            ax.plot([r.get("epoch", i + 1) for i, r in enumerate(rows)], [r[key] for r in rows], marker="o", label=name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(key.replace("_", " "))
        ax.grid(alpha=0.3)
        if len(histories) > 1:
            ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion(
    y_true: torch.Tensor | np.ndarray,
    y_pred: torch.Tensor | np.ndarray,
    num_classes: int = 10,
    title: str = "Confusion matrix",
) -> Figure:
    """A confusion matrix with counts in each cell; rows are true digits, columns predictions (notebook 05).

    Only the errors (off the diagonal) are coloured. Each count is written in white on a dark cell and in black on
    a light one, whichever contrasts more with its background; the correct counts on the diagonal are green.
    """
    t = np.asarray(y_true.cpu() if isinstance(y_true, torch.Tensor) else y_true).astype(int).ravel()
    p = np.asarray(y_pred.cpu() if isinstance(y_pred, torch.Tensor) else y_pred).astype(int).ravel()
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {t.shape} and {p.shape}")
    m = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(m, (t, p), 1)
    fig, ax = plt.subplots(figsize=(6, 5.2))
    # Colour the errors only: the diagonal would swamp the scale.
    off = m.copy()
    np.fill_diagonal(off, 0)
    im = ax.imshow(off, cmap="Reds")

    def dark(rgba: tuple[float, ...]) -> bool:
        """True when white text reads better than black on this background (WCAG relative luminance < 0.179)."""
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.179

    for i in range(num_classes):
        for j in range(num_classes):
            if m[i, j]:
                on_dark = dark(im.cmap(im.norm(off[i, j])))
                # Each number takes its colour from its cell: white on dark, black on light; the diagonal in green.
                colour = ("palegreen" if on_dark else "darkgreen") if i == j else ("white" if on_dark else "black")
                ax.text(j, i, m[i, j], ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="errors")
    fig.tight_layout()
    return fig


def show_weights(
    weights: torch.Tensor | np.ndarray,
    ncols: int = 10,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    size: float = 1.2,
) -> Figure:
    """Rows of a weight matrix (K×784, or K×H×W filters) as images, blue negative, red positive (notebook 01).

    Each image has its own symmetric colour scale, so white is exactly zero.
    """
    a = _as_images(weights, "weights")
    n = len(a)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per weight image ({n}), got {len(titles)}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * (1.2 if titles else 1)))
    axes = np.atleast_1d(axes).ravel()
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < n:
            v = float(np.abs(a[i]).max()) or 1.0
            ax.imshow(a[i], cmap="bwr", vmin=-v, vmax=v)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_embedding(
    z: torch.Tensor | np.ndarray,
    labels: torch.Tensor | np.ndarray,
    title: str = "2-D embedding",
    s: float = 3.0,
    seed: int = 0,
) -> Figure:
    """Scatter N×2 points coloured by digit, with a legend (notebook 07).

    All points are drawn in one shuffled order (a generator seeded with ``seed``, so the figure is the same on
    every call): drawing digit by digit would bury the first digits under the last ones where classes overlap.
    """
    z = np.asarray(z.detach().cpu() if isinstance(z, torch.Tensor) else z)
    lab = np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels).astype(int)
    if z.ndim != 2 or z.shape[1] != 2 or len(z) != len(lab):
        raise ValueError(f"z must be N×2 with one label per row, got z {z.shape} and labels {lab.shape}")
    if len(lab) and not 0 <= lab.min() <= lab.max() <= 9:
        raise ValueError(f"labels must be digits 0 to 9, got values from {lab.min()} to {lab.max()}")
    fig, ax = plt.subplots(figsize=(6, 5.5))
    order = np.random.default_rng(seed).permutation(len(z))  # no class always on top
    ax.scatter(z[order, 0], z[order, 1], s=s, c=np.asarray(DIGIT_COLORS)[lab[order]], alpha=0.7)
    handles = [Line2D([], [], ls="", marker="o", color=DIGIT_COLORS[d], label=str(d)) for d in np.unique(lab)]
    ax.legend(handles=handles, title="digit", loc="center left", bbox_to_anchor=(1, 0.5))
    ax.set_xlabel("z₁")
    ax.set_ylabel("z₂")
    ax.set_title(title)
    fig.tight_layout()
    return fig
