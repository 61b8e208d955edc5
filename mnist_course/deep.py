"""Deep convolutional networks: a residual block, a configurable deep CNN and batch augmentation (notebook 11).

``ResidualBlock`` is ResNet-18's basic block, with a 1×1 stride-2 projection shortcut where it changes the shape.
``DeepCNN``'s switches (batch norm, residual connections, dropout) turn each ingredient on and off, so the
notebook's ablation trains the very same network with one piece removed at a time. ``augment`` shifts and rotates
a whole batch at once on the device it lives on. ``per_class_subset`` draws the few labelled examples of the
transfer-learning experiment. The notebook writes each of them on screen and checks it against this copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from mnist_course.data import check_shape

__all__ = ["DeepCNN", "ResidualBlock", "augment", "per_class_subset", "shift_rotate"]


def _norm(channels: int, batchnorm: bool) -> nn.Module:
    return nn.BatchNorm2d(channels) if batchnorm else nn.Identity()


class ResidualBlock(nn.Module):
    """Two 3×3 convolutions whose output is added to the block's shortcut, then a ReLU (notebook 11).

    ``out = relu(shortcut(x) + bn(conv(relu(bn(conv(x))))))``, the basic block of ResNet-18. The first
    convolution maps ``in_channels`` to ``out_channels`` with stride ``stride``. Where the block keeps the shape
    (the defaults: ``out_channels = in_channels``, ``stride = 1``) the shortcut is ``x`` itself; where it changes
    the channels or halves the image, the shortcut is a 1×1 convolution with the same stride followed by batch
    norm, held in ``downsample`` as torchvision's ``BasicBlock`` names it, so its weights load name for name.
    With ``residual=False`` the addition is dropped and the block is a plain stack of the same two
    convolutions (for the ablation); with ``batchnorm=False`` the batch norms become identities and the
    convolutions get biases instead.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        stride: int = 1,
        batchnorm: bool = True,
        residual: bool = True,
    ) -> None:
        super().__init__()
        c_in = int(in_channels)
        c_out = c_in if out_channels is None else int(out_channels)
        if c_in < 1 or c_out < 1 or stride not in (1, 2):
            raise ValueError(
                f"ResidualBlock needs positive channel counts and stride 1 or 2, got in_channels={in_channels}, "
                f"out_channels={out_channels}, stride={stride}"
            )
        self.channels, self.out_channels, self.stride = c_in, c_out, stride
        self.residual = residual
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=not batchnorm)
        self.bn1 = _norm(c_out, batchnorm)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=not batchnorm)
        self.bn2 = _norm(c_out, batchnorm)
        self.downsample: nn.Module | None = None
        if residual and (stride != 1 or c_in != c_out):  # the shapes differ: project x to the output's shape
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride=stride, bias=not batchnorm), _norm(c_out, batchnorm)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_shape(x, (None, self.channels, None, None), f"ResidualBlock({self.channels}) input")
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + (x if self.downsample is None else self.downsample(x))
        return F.relu(out, inplace=True)


class DeepCNN(nn.Module):
    """The notebook 11 network: stages of convolutions that halve the image, then a global average (notebook 11).

    Stage ``i`` is a 3×3 convolution to ``widths[i]`` channels, a 2×2 max pool (every stage but the last),
    batch norm and a ReLU, then ``blocks[i]`` :class:`ResidualBlock`\\ s that keep the stage's width and size
    (so their shortcut is the identity). Pooling before the batch norm and
    the ReLU gives the same kind of layer at a quarter of their cost. After the last stage a global average
    pool, dropout and a linear layer give ``num_classes`` logits. With the defaults a 28×28 digit goes
    28 → 14 → 7 pixels, the residual block works at 7×7, and the network has about 95,000 parameters.
    ``batchnorm``, ``residual`` and ``dropout`` switch those ingredients on and off for the ablation.
    Accepts N×1×28×28 (or N×28×28) images.
    """

    def __init__(
        self,
        widths: Sequence[int] = (24, 48, 96),
        blocks: Sequence[int] = (0, 1, 0),
        batchnorm: bool = True,
        residual: bool = True,
        dropout: float = 0.0,
        num_classes: int = 10,
        in_channels: int = 1,
    ) -> None:
        super().__init__()
        widths, blocks = tuple(int(w) for w in widths), tuple(int(b) for b in blocks)
        if not widths or len(widths) != len(blocks) or min(widths) < 1 or min(blocks) < 0:
            raise ValueError(
                f"widths (positive) and blocks (0 or more) need one entry per stage, got {widths} and {blocks}"
            )
        self.widths, self.blocks, self.in_channels = widths, blocks, in_channels
        stages: list[nn.Module] = []
        c_in = in_channels
        for i, (w, b) in enumerate(zip(widths, blocks)):
            layers: list[nn.Module] = [nn.Conv2d(c_in, w, 3, padding=1, bias=not batchnorm)]
            if i < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            layers += [_norm(w, batchnorm), nn.ReLU(inplace=True)]
            layers += [ResidualBlock(w, w, batchnorm=batchnorm, residual=residual) for _ in range(b)]
            stages.append(nn.Sequential(*layers))
            c_in = w
        self.stages = nn.Sequential(*stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(widths[-1], num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3:
            x = x.unsqueeze(1)
        check_shape(x, (None, self.in_channels, None, None), "DeepCNN input")
        return self.head(self.stages(x))


def shift_rotate(x: torch.Tensor, angles: torch.Tensor, shifts: torch.Tensor) -> torch.Tensor:
    """Rotate image ``i`` by ``angles[i]`` degrees and then shift it by ``shifts[i]`` pixels (notebook 11).

    ``x`` is an N×C×H×W float batch; ``angles`` has shape N (positive turns the digit counterclockwise about
    its centre) and ``shifts`` N×2 (``dx`` to the right, ``dy`` down; fractions allowed). All images move at
    once: ``F.affine_grid`` turns one 2×3 matrix per image into the input coordinates every output pixel
    reads, and ``F.grid_sample`` reads them with bilinear interpolation. Pixels that come in from outside
    repeat the border, which for MNIST is background whatever the scaling.
    """
    n, _, h, w = check_shape(x, (None, None, None, None), "the images").shape
    if not x.is_floating_point():
        raise ValueError(f"the images must hold float pixels (e.g. from to_unit or standardize), got {x.dtype}")
    angles = check_shape(torch.as_tensor(angles, dtype=torch.float32).cpu(), (n,), "angles")
    shifts = check_shape(torch.as_tensor(shifts, dtype=torch.float32).cpu(), (n, 2), "shifts")
    a = torch.deg2rad(angles)
    cos, sin = torch.cos(a), torch.sin(a)
    # affine_grid's coordinates run from -1 to 1 across the image (y pointing down), so a pixel is 2/w wide.
    tx, ty = shifts[:, 0] * 2 / w, shifts[:, 1] * 2 / h
    # Each output pixel p reads the input at R⁻¹(p - t): undo the shift, then undo the rotation.
    theta = torch.stack(
        [
            torch.stack([cos, -sin, -(cos * tx - sin * ty)], 1),
            torch.stack([sin, cos, -(sin * tx + cos * ty)], 1),
        ],
        1,
    )
    grid = F.affine_grid(theta.to(x.device, x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def augment(
    x: torch.Tensor,
    max_shift: float = 2.0,
    max_rotation: float = 10.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Shift each image by up to ``max_shift`` pixels and rotate it by up to ``max_rotation`` degrees (notebook 11).

    Draws one angle and one shift (x and y) per image, uniformly, and applies them to the whole N×C×H×W batch
    at once with :func:`shift_rotate`, on the batch's device. Pass a CPU ``torch.Generator`` to make the draws
    reproducible; it is used in ``fit(..., transform=...)`` as ``lambda xb: augment(xb, generator=g)``. Without
    one, the draws come from (and advance) PyTorch's global random state, as ``torch.rand`` does.
    """
    u = torch.rand(len(x), 3, generator=generator) * 2 - 1  # uniform in [-1, 1): angle, dx, dy
    return shift_rotate(x, u[:, 0] * max_rotation, u[:, 1:] * max_shift)


def per_class_subset(
    y: torch.Tensor, classes: Sequence[int], per_class: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Indices of ``per_class`` random examples of each class in ``classes`` (notebook 11).

    For few-shot experiments: ``idx = per_class_subset(y, [5, 6, 7, 8, 9], 10)`` picks ten labelled examples
    of each digit 5–9. The indices come class by class, in the order of ``classes``. Pass ``generator`` for a
    draw of its own; without one, it draws from (and advances) PyTorch's global random state.
    """
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or per_class < 1:
        raise ValueError(
            f"y must be a 1-D tensor of labels and per_class at least 1, got {getattr(y, 'shape', y)} and {per_class}"
        )
    chosen = []
    for c in classes:
        where = torch.nonzero(y == c).flatten()
        if len(where) < per_class:
            raise ValueError(f"class {c} has only {len(where)} examples, fewer than per_class={per_class}")
        chosen.append(where[torch.randperm(len(where), generator=generator)[:per_class]])
    return torch.cat(chosen)
