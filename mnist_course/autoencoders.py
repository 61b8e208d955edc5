"""Autoencoders and their linear baseline, PCA (introduced in notebook 07).

An autoencoder squeezes each image through a small code and rebuilds it. This module holds the pieces the
notebook reuses: PCA computed with ``torch.linalg.svd``, a fully connected and a convolutional autoencoder,
the reconstruction error that compares them, and a figure that stacks originals and reconstructions row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from mnist_course.data import as_image_batch, check_shape
from mnist_course.plot import show_images

__all__ = ["PCA", "ConvAutoencoder", "DenseAutoencoder", "reconstruction_error", "show_rows"]

PIXELS = 28 * 28
#: Initial bias of the decoders' last layer: sigmoid(-2) ≈ 0.12 is close to the mean MNIST pixel (≈ 0.13).
OUTPUT_BIAS = -2.0


def _check_code_size(code_size: int, largest: int = PIXELS) -> int:
    if int(code_size) != code_size or not 1 <= code_size <= largest:
        raise ValueError(f"code_size must be an integer from 1 to {largest}, got {code_size}")
    return int(code_size)


# ----------------------------------------------------------------------------------------------- PCA


class PCA(nn.Module):
    """Principal component analysis as a linear encoder/decoder pair (notebook 07).

    ``PCA.fit(x, code_size)`` centres the training images ``x`` and keeps the top ``code_size`` right singular
    vectors of ``torch.linalg.svd`` as orthonormal ``components`` (code_size×784). ``encode`` projects onto
    them, ``decode`` maps a code back to pixels, and calling the module reconstructs images in their own shape,
    so :func:`reconstruction_error` treats PCA like any autoencoder. ``variances`` holds the variance of the
    training data along each kept component; ``first(k)`` keeps only the top k components without a new SVD.
    """

    def __init__(self, mean: torch.Tensor, components: torch.Tensor, variances: torch.Tensor) -> None:
        super().__init__()
        check_shape(mean, (PIXELS,), "mean")
        check_shape(variances, (len(check_shape(components, (None, PIXELS), "components")),), "variances")
        self.code_size = len(components)
        self.register_buffer("mean", mean.float())
        self.register_buffer("components", components.float().contiguous())
        self.register_buffer("variances", variances.float())

    @classmethod
    def fit(cls, x: torch.Tensor, code_size: int) -> PCA:
        """The top ``code_size`` principal components of the images ``x`` (N×784, N×28×28 or N×1×28×28)."""
        as_image_batch(x, "x")
        code_size = _check_code_size(code_size, min(len(x), PIXELS))
        flat = x.detach().reshape(len(x), PIXELS).double()  # double precision: the error curve sums small terms
        mean = flat.mean(0)
        _, s, vh = torch.linalg.svd(flat - mean, full_matrices=False)
        return cls(mean, vh[:code_size], s[:code_size] ** 2 / max(len(x) - 1, 1))

    def first(self, k: int) -> PCA:
        """A PCA that keeps only the top ``k`` of these components."""
        k = _check_code_size(k, self.code_size)
        return PCA(self.mean.clone(), self.components[:k].clone(), self.variances[:k].clone())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes N×code_size: the coordinates of the centred images along the components."""
        as_image_batch(x, "x")
        return (x.reshape(len(x), PIXELS) - self.mean) @ self.components.T

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images N×1×28×28 from codes N×code_size."""
        check_shape(z, (None, self.code_size), "z")
        return (z @ self.components + self.mean).reshape(len(z), 1, 28, 28)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstructions in the input's shape."""
        return self.decode(self.encode(x)).reshape(x.shape)

    def errors_by_size(self, x: torch.Tensor) -> torch.Tensor:
        """Mean squared error per pixel of ``x`` reconstructed with the first k components, for k = 0..code_size.

        Because the components are orthonormal, dropping component k adds exactly the square of that code
        coordinate to the error (Pythagoras), so one projection gives the whole curve.
        """
        as_image_batch(x, "x")
        centred = x.reshape(len(x), PIXELS).double() - self.mean.double()
        z = centred @ self.components.double().T
        total = centred.pow(2).sum(1, keepdim=True)
        kept = torch.cat([torch.zeros(len(x), 1, dtype=z.dtype), z.pow(2).cumsum(1)], dim=1)
        return ((total - kept).mean(0) / PIXELS).float()


# ----------------------------------------------------------------------------------------------- autoencoders


class _Autoencoder(nn.Module):
    """What the two trained autoencoders share: ``decode`` from a code and the round trip ``forward``."""

    code_size: int
    decoder: nn.Module

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images N×1×28×28 in [0, 1] from codes N×code_size."""
        return self.decoder(check_shape(z, (None, self.code_size), "z"))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstructions in the input's shape."""
        return self.decode(self.encode(x)).reshape(x.shape)


class DenseAutoencoder(_Autoencoder):
    """A fully connected autoencoder: 784 → hidden → code → hidden reversed → 784, sigmoid output (notebook 07).

    ``hidden`` lists the encoder's hidden widths (ReLU after each); the decoder mirrors them, so the default
    ``(256,)`` gives 784 → 256 → code → 256 → 784 and ``(512, 128)`` a deeper 784 → 512 → 128 → code → 128 → 512
    → 784. ``encode`` maps images (N×784, N×28×28 or N×1×28×28) to codes N×code_size; ``decode`` maps codes to
    images N×1×28×28 in [0, 1]; calling the model returns reconstructions in the input's shape.
    ``output_bias`` starts the last layer's bias there: sigmoid(-2) ≈ 0.12, about MNIST's mean pixel, so the
    untrained decoder draws a nearly blank page instead of a uniform grey one and training starts faster.
    """

    def __init__(self, code_size: int = 16, hidden: Sequence[int] = (256,), output_bias: float = OUTPUT_BIAS) -> None:
        super().__init__()
        self.code_size = _check_code_size(code_size)
        if isinstance(hidden, int) or any(int(h) != h or h < 1 for h in hidden):
            raise ValueError(f"hidden must be a sequence of positive widths, e.g. (256,) or (512, 128); got {hidden!r}")
        widths = [PIXELS, *[int(h) for h in hidden], self.code_size]
        self.hidden = tuple(widths[1:-1])
        encoder: list[nn.Module] = [nn.Flatten()]
        decoder: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            last = i == len(widths) - 2
            encoder += [nn.Linear(a, b)] + ([] if last else [nn.ReLU()])
            decoder = [nn.Linear(b, a)] + ([nn.Sigmoid()] if i == 0 else [nn.ReLU()]) + decoder
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder, nn.Unflatten(1, (1, 28, 28)))
        nn.init.constant_(self.decoder[-3].bias, output_bias)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes N×code_size."""
        as_image_batch(x, "x")
        return self.encoder(x.reshape(len(x), PIXELS))


class ConvAutoencoder(_Autoencoder):
    """A convolutional autoencoder (notebook 07).

    Encoder: two stride-2 3×3 convolutions (28 → 14 → 7 pixels, ``channels`` feature maps), then a linear layer
    to the code. Decoder: the mirror image, a linear layer back to the 7×7 maps and two stride-2 transposed
    convolutions up to 28×28, sigmoid output in [0, 1]. Same ``encode``/``decode``/call interface as
    :class:`DenseAutoencoder`, and the same ``output_bias`` start.
    """

    def __init__(
        self, code_size: int = 16, channels: tuple[int, int] = (16, 32), output_bias: float = OUTPUT_BIAS
    ) -> None:
        super().__init__()
        self.code_size = _check_code_size(code_size)
        if len(channels) != 2 or min(channels) < 1:
            raise ValueError(f"channels must be two positive widths, e.g. (16, 32); got {tuple(channels)}")
        c1, c2 = channels
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, 3, stride=2, padding=1),  # 28×28 → 14×14
            nn.ReLU(),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1),  # 14×14 → 7×7
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(c2 * 7 * 7, code_size),
        )
        self.decoder = nn.Sequential(
            nn.Linear(code_size, c2 * 7 * 7),
            nn.ReLU(),
            nn.Unflatten(1, (c2, 7, 7)),
            nn.ConvTranspose2d(c2, c1, 3, stride=2, padding=1, output_padding=1),  # 7×7 → 14×14
            nn.ReLU(),
            nn.ConvTranspose2d(c1, 1, 3, stride=2, padding=1, output_padding=1),  # 14×14 → 28×28
            nn.Sigmoid(),
        )
        nn.init.constant_(self.decoder[-2].bias, output_bias)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes N×code_size."""
        as_image_batch(x, "x")
        return self.encoder(x.reshape(len(x), 1, 28, 28))


# ----------------------------------------------------------------------------------------------- measuring


@torch.no_grad()
def reconstruction_error(
    model: nn.Module | Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    target: torch.Tensor | None = None,
    per_image: bool = False,
    batch_size: int = 2000,
) -> float | torch.Tensor:
    """Mean squared error per pixel between ``model(x)`` and ``target`` (default: ``x`` itself) (notebook 07).

    Pixels are expected in [0, 1], so 0 is perfect and an error of 0.01 is a typical miss of 0.1 per pixel.
    Runs in eval mode, in batches, on the model's device. ``target`` is the clean image when ``x`` is a noisy
    copy (denoising). ``per_image=True`` returns one error per image (a CPU tensor of length N) instead.
    """
    as_image_batch(x, "x")
    if target is None:
        target = x
    as_image_batch(target, "target")
    if len(target) != len(x) or target[0].numel() != x[0].numel():
        raise ValueError(
            f"target must match x image for image, got x {tuple(x.shape)} and target {tuple(target.shape)}"
        )
    is_module = isinstance(model, nn.Module)
    was_training = model.training if is_module else False
    tensors = list(model.parameters()) + list(model.buffers()) if is_module else []
    dev = tensors[0].device if tensors else x.device
    if is_module:
        model.eval()
    try:
        errors = []
        for i in range(0, len(x), batch_size):
            xb = x[i : i + batch_size].to(dev)
            out = model(xb)
            if out.numel() != xb.numel():
                raise ValueError(
                    f"the model must return one image per input, got {tuple(out.shape)} for {tuple(xb.shape)}"
                )
            tb = target[i : i + batch_size].to(dev)
            errors.append((out.reshape(len(xb), -1) - tb.reshape(len(xb), -1)).pow(2).mean(1).float().cpu())
    finally:
        if is_module:
            model.train(was_training)
    per = torch.cat(errors)
    return per if per_image else float(per.mean())


# ----------------------------------------------------------------------------------------------- figure


def show_rows(
    rows: Mapping[str, torch.Tensor | np.ndarray],
    title: str | None = None,
    size: float = 0.9,
    cmap: str = "gray_r",
    column_names: Sequence[str] | None = None,
) -> Figure:
    """Rows of images with a name at the left of each row: originals above their reconstructions (notebook 07).

    ``rows`` maps a row name to N images (N×784, N×28×28 or N×1×28×28); every row must hold the same N. All
    pixels share one [0, 1] scale, so rows can be compared by eye. ``column_names`` (N strings) are written above
    the top row, e.g. the class of each column. A thin call of :func:`mnist_course.plot.show_images`.
    """
    flat = [torch.as_tensor(np.asarray(r.detach().cpu() if isinstance(r, torch.Tensor) else r)) for r in rows.values()]
    if not flat or len({len(r) for r in flat}) != 1 or len(flat[0]) == 0:
        raise ValueError(f"rows must map names to the same number N≥1 of images, got {[len(r) for r in flat]}")
    n = len(flat[0])
    if column_names is not None and (isinstance(column_names, str) or len(column_names) != n):
        raise ValueError(f"column_names must be a list of {n} names, one per column, got {column_names!r}")
    labels = None if column_names is None else [str(c) for c in column_names] + [""] * (n * (len(flat) - 1))
    return show_images(
        torch.cat([r.reshape(len(r), -1).float() for r in flat]),  # show_images checks each is 784 pixels
        labels=labels,
        ncols=n,
        title=title,
        cmap=cmap,
        size=size,
        row_names=list(rows),
        vmin=0.0,
        vmax=1.0,
    )
