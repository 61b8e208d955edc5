"""Unit tests for mnist_course.deep (notebook 11): tiny tensors, no training."""

import pytest
import torch
from torch import nn

from mnist_course.deep import DeepCNN, ResidualBlock, augment, per_class_subset, shift_rotate
from mnist_course.models import count_parameters


def _dot(row: int, col: int, n: int = 1) -> torch.Tensor:
    x = torch.zeros(n, 1, 28, 28)
    x[:, 0, row, col] = 1.0
    return x


def _where(img: torch.Tensor) -> list[int]:
    return (img[0] > 0.5).nonzero()[0].tolist()


# ----------------------------------------------------------------------------------------------- ResidualBlock


def test_residual_block_keeps_shape():
    block = ResidualBlock(8)
    assert block(torch.randn(3, 8, 7, 7)).shape == (3, 8, 7, 7)


def test_residual_block_with_zero_branch_is_relu_of_input():
    torch.manual_seed(0)
    block = ResidualBlock(4).eval()
    nn.init.zeros_(block.conv2.weight)  # the branch then adds nothing: out = relu(x + 0)
    x = torch.randn(2, 4, 5, 5)
    assert torch.allclose(block(x), torch.relu(x))


def test_residual_switch_removes_the_skip():
    torch.manual_seed(0)
    block = ResidualBlock(4, residual=False).eval()
    nn.init.zeros_(block.conv2.weight)
    assert torch.equal(block(torch.randn(2, 4, 5, 5)), torch.zeros(2, 4, 5, 5))


def test_residual_block_without_batchnorm_has_biases():
    block = ResidualBlock(4, batchnorm=False)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in block.modules())
    assert block.conv1.bias is not None


def test_residual_block_bad_input():
    with pytest.raises(ValueError, match="N×4×H×W"):
        ResidualBlock(4)(torch.randn(2, 3, 5, 5))


def test_downsampling_block_has_a_projection_shortcut():
    block = ResidualBlock(8, 16, stride=2)
    assert block(torch.randn(3, 8, 14, 14)).shape == (3, 16, 7, 7)
    conv, norm = block.downsample
    assert conv.kernel_size == (1, 1) and conv.stride == (2, 2) and conv.bias is None
    assert isinstance(norm, nn.BatchNorm2d) and norm.num_features == 16
    assert ResidualBlock(8, 16).downsample is not None  # a new channel count alone needs the projection too
    assert ResidualBlock(8).downsample is None and ResidualBlock(8, 8).downsample is None  # same shape: x itself


def test_downsampling_block_with_zero_branch_is_relu_of_the_projection():
    torch.manual_seed(0)
    block = ResidualBlock(4, 6, stride=2).eval()
    nn.init.zeros_(block.conv2.weight)  # F(x) = bn2(0) = 0 in eval mode (running mean 0, bias 0)
    x = torch.randn(2, 4, 8, 8)
    assert torch.allclose(block(x), torch.relu(block.downsample(x)))
    assert block.downsample(x).shape == (2, 6, 4, 4)


@pytest.mark.parametrize("stride, c_out", [(1, 8), (2, 8), (2, 16), (1, 16)])
def test_residual_block_equals_torchvision_basic_block(stride, c_out):
    """Oracle: torchvision's ResNet BasicBlock, built as ResNet-18 builds it, loads our weights name for name."""
    from torchvision.models.resnet import BasicBlock

    torch.manual_seed(0)
    ours = ResidualBlock(8, c_out, stride=stride).eval()
    projection = None
    if stride != 1 or c_out != 8:
        projection = nn.Sequential(nn.Conv2d(8, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
    theirs = BasicBlock(8, c_out, stride=stride, downsample=projection).eval()
    theirs.load_state_dict(ours.state_dict())  # strict: every name and shape must agree
    x = torch.randn(2, 8, 10, 10)
    assert torch.allclose(ours(x), theirs(x), atol=1e-6)


def test_downsampling_block_switches():
    plain = ResidualBlock(4, 8, stride=2, residual=False)
    assert plain.downsample is None  # no addition, so nothing to project
    assert plain(torch.randn(1, 4, 6, 6)).shape == (1, 8, 3, 3)
    no_bn = ResidualBlock(4, 8, stride=2, batchnorm=False)
    assert no_bn.downsample[0].bias is not None and isinstance(no_bn.downsample[1], nn.Identity)
    assert no_bn(torch.randn(1, 4, 6, 6)).shape == (1, 8, 3, 3)


@pytest.mark.parametrize("kwargs", [{"stride": 3}, {"out_channels": 0}, {"in_channels": 0}])
def test_residual_block_bad_settings(kwargs):
    settings = {"in_channels": 4, **kwargs}
    with pytest.raises(ValueError, match="positive channel counts and stride 1 or 2"):
        ResidualBlock(**settings)


# ----------------------------------------------------------------------------------------------- DeepCNN


def test_deep_cnn_shapes_and_parameters():
    model = DeepCNN()
    assert model(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    assert model(torch.randn(2, 28, 28)).shape == (2, 10)  # the channel is added
    assert count_parameters(model) == 95026
    x = torch.randn(2, 1, 28, 28)
    shapes = []
    for stage in model.stages:
        x = stage(x)
        shapes.append(tuple(x.shape))
    assert shapes == [(2, 24, 14, 14), (2, 48, 7, 7), (2, 96, 7, 7)]


def test_deep_cnn_switches():
    plain = DeepCNN(batchnorm=False, residual=False, dropout=0.3, num_classes=5)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    assert all(not b.residual for b in plain.modules() if isinstance(b, ResidualBlock))
    assert [m.p for m in plain.modules() if isinstance(m, nn.Dropout)] == [0.3]
    assert plain(torch.randn(3, 1, 28, 28)).shape == (3, 5)
    deeper = DeepCNN(widths=(8, 16), blocks=(1, 2))
    assert sum(isinstance(m, ResidualBlock) for m in deeper.modules()) == 3
    assert deeper(torch.randn(1, 1, 28, 28)).shape == (1, 10)


def test_deep_cnn_eval_is_deterministic_and_channels_last_agrees():
    torch.manual_seed(0)
    model = DeepCNN(dropout=0.5).eval()
    x = torch.randn(4, 1, 28, 28)
    out = model(x)
    assert torch.equal(out, model(x))
    fast = model.to(memory_format=torch.channels_last)
    assert torch.allclose(fast(x), out, atol=1e-4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"widths": (8, 16), "blocks": (1,)}, "one entry per stage"),
        ({"widths": (), "blocks": ()}, "one entry per stage"),
        ({"widths": (0, 16), "blocks": (0, 0)}, "positive"),
        ({"widths": (8, 16), "blocks": (0, -1)}, "0 or more"),
        ({"dropout": 1.5}, "dropout probability"),  # nn.Dropout's own check
    ],
)
def test_deep_cnn_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DeepCNN(**kwargs)


def test_deep_cnn_bad_input():
    with pytest.raises(ValueError, match=r"DeepCNN input must have shape N×1×H×W, got \(2, 3, 28, 28\)"):
        DeepCNN()(torch.randn(2, 3, 28, 28))
    with pytest.raises(ValueError, match="N×1×H×W"):
        DeepCNN()(torch.randn(28 * 28))


# ----------------------------------------------------------------------------------------------- shift_rotate


def test_shift_rotate_identity():
    x = torch.rand(3, 1, 28, 28)
    assert torch.allclose(shift_rotate(x, torch.zeros(3), torch.zeros(3, 2)), x, atol=1e-5)


def test_shift_rotate_directions():
    x = _dot(14, 20)  # right of the centre (13.5, 13.5)
    assert _where(shift_rotate(x, torch.zeros(1), torch.tensor([[1.0, 2.0]]))[0]) == [16, 21]  # right 1, down 2
    assert _where(shift_rotate(x, torch.tensor([90.0]), torch.zeros(1, 2))[0]) == [7, 14]  # counterclockwise: up
    assert _where(shift_rotate(x, torch.tensor([-90.0]), torch.zeros(1, 2))[0]) == [20, 13]  # clockwise: down


def test_shift_rotate_whole_pixel_shift_is_a_roll():
    x = torch.zeros(2, 1, 28, 28)
    x[:, :, 5:20, 6:18] = torch.rand(2, 1, 15, 12)  # a background border of zeros, like MNIST
    shifted = shift_rotate(x, torch.zeros(2), torch.tensor([[2.0, -1.0], [-3.0, 0.0]]))
    assert torch.allclose(shifted[0], x[0].roll((-1, 2), dims=(1, 2)), atol=1e-5)
    assert torch.allclose(shifted[1], x[1].roll(-3, dims=2), atol=1e-5)


def test_shift_rotate_bad_input():
    with pytest.raises(ValueError, match="N×C×H×W"):
        shift_rotate(torch.zeros(2, 28, 28), torch.zeros(2), torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"angles must have shape 2, got \(3,\)"):
        shift_rotate(torch.zeros(2, 1, 28, 28), torch.zeros(3), torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"shifts must have shape 2×2, got \(2,\)"):
        shift_rotate(torch.zeros(2, 1, 28, 28), torch.zeros(2), torch.zeros(2))


# ----------------------------------------------------------------------------------------------- augment


def test_augment_keeps_shape_and_is_reproducible():
    x = torch.rand(5, 1, 28, 28)
    a = augment(x, generator=torch.Generator().manual_seed(1))
    b = augment(x, generator=torch.Generator().manual_seed(1))
    assert a.shape == x.shape and a.dtype == x.dtype
    assert torch.equal(a, b)
    assert not torch.allclose(a, x)


def test_augment_zero_range_is_identity():
    x = torch.rand(4, 1, 28, 28)
    assert torch.allclose(augment(x, max_shift=0, max_rotation=0), x, atol=1e-5)


def test_augment_moves_a_dot_at_most_max_shift():
    x = _dot(14, 14, n=64)
    out = augment(x, max_shift=2, max_rotation=0, generator=torch.Generator().manual_seed(0))
    rows = torch.arange(28.0).view(1, 28, 1)
    cols = torch.arange(28.0).view(1, 1, 28)
    mass = out[:, 0].sum((1, 2))
    dy = (out[:, 0] * rows).sum((1, 2)) / mass - 14
    dx = (out[:, 0] * cols).sum((1, 2)) / mass - 14
    assert dx.abs().max() <= 2 + 1e-4 and dy.abs().max() <= 2 + 1e-4
    assert dx.std() > 0.5  # the shifts really vary from image to image


def test_augment_bad_input():
    with pytest.raises(ValueError, match="float pixels"):
        augment(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))
    with pytest.raises(ValueError, match="N×C×H×W"):
        augment(torch.zeros(2, 28, 28))


# ----------------------------------------------------------------------------------------------- per_class_subset


def test_per_class_subset():
    y = torch.arange(10).repeat(20)
    idx = per_class_subset(y, [5, 7], 3, generator=torch.Generator().manual_seed(0))
    assert y[idx].tolist() == [5, 5, 5, 7, 7, 7]
    assert len(set(idx.tolist())) == 6
    again = per_class_subset(y, [5, 7], 3, generator=torch.Generator().manual_seed(0))
    assert torch.equal(idx, again)


def test_per_class_subset_bad_input():
    y = torch.arange(10).repeat(2)
    with pytest.raises(ValueError, match="fewer than per_class"):
        per_class_subset(y, [3], 5)
    with pytest.raises(ValueError, match="at least 1"):
        per_class_subset(y, [3], 0)
    with pytest.raises(ValueError, match="1-D"):
        per_class_subset(y.view(2, 10), [3], 1)


def test_shift_rotate_agrees_with_torchvision_affine():
    """Oracle: torchvision's affine (angle clockwise, so the opposite sign) on a fixed smooth image."""
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms.v2 import functional as TF

    rows, cols = torch.arange(28.0).view(28, 1), torch.arange(28.0).view(1, 28)
    image = torch.exp(-(((rows - 12) / 5) ** 2 + ((cols - 15) / 2) ** 2)).view(1, 1, 28, 28)
    image[..., 8:10, 10:20] += 0.8  # a bar, so rotations are visible
    for angle, dx, dy in [(10.0, 0.0, 0.0), (0.0, 2.0, -1.0), (-15.0, 1.5, 2.0), (30.0, -1.0, 0.5)]:
        ours = shift_rotate(image, torch.tensor([angle]), torch.tensor([[dx, dy]]))
        theirs = TF.affine(
            image,
            angle=-angle,
            translate=[dx, dy],
            scale=1.0,
            shear=[0.0, 0.0],
            interpolation=InterpolationMode.BILINEAR,
        )
        assert torch.allclose(ours, theirs, atol=5e-3), (angle, dx, dy)
        assert not torch.allclose(ours, image, atol=5e-2)
