"""mnist_course.cnn: the notebook 10 network and the pixel shifts of its translation test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from mnist_course.cnn import LeNet, shift_images


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ----------------------------------------------------------------------------------------------- LeNet


def test_lenet_accepts_both_image_shapes_and_returns_logits():
    torch.manual_seed(0)
    model = LeNet().eval()
    x = torch.randn(5, 28, 28)
    a, b = model(x), model(x.unsqueeze(1))
    assert a.shape == (5, 10)
    assert torch.equal(a, b)


def test_lenet_default_layout_and_parameter_count():
    model = LeNet()
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.kernel_size) for c in convs] == [
        (1, 16, (3, 3)),
        (16, 32, (3, 3)),
        (32, 64, (3, 3)),
    ]
    assert all(c.bias is None for c in convs)  # batch norm supplies the shift
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.features) == 3
    # each block pools right after its convolution, so batch norm and ReLU see a quarter of the pixels
    kinds = [type(m) for m in model.features]
    assert kinds == [nn.Conv2d, nn.MaxPool2d, nn.BatchNorm2d, nn.ReLU] * 3
    assert model.features(torch.zeros(2, 1, 28, 28)).shape == (2, 64, 3, 3)
    conv = 1 * 16 * 9 + 16 * 32 * 9 + 32 * 64 * 9
    bn = 2 * (16 + 32 + 64)
    fc = 64 * 3 * 3 * 128 + 128 + 128 * 10 + 10
    assert n_params(model) == conv + bn + fc == 98_554


@pytest.mark.parametrize("channels, size", [((8,), 14), ((4, 8), 7), ((4, 8, 8, 8), 1)])
def test_lenet_other_depths(channels, size):
    model = LeNet(channels=channels, hidden=16, num_classes=3, batch_norm=False)
    assert model.features(torch.zeros(1, 1, 28, 28)).shape == (1, channels[-1], size, size)
    assert model(torch.zeros(2, 28, 28)).shape == (2, 3)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    assert all(m.bias is not None for m in model.features if isinstance(m, nn.Conv2d))


def test_lenet_runs_in_channels_last_and_trains_a_step():
    torch.manual_seed(0)
    model = LeNet(channels=(4, 8), hidden=8).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
    before = [p.detach().clone() for p in model.parameters()]
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    assert torch.isfinite(loss)
    assert all(not torch.equal(a, p) for a, p in zip(before, model.parameters()))


def test_lenet_docstring_quotes_the_benchmarked_speed_up_of_pooling_first():
    bench = json.loads((Path(__file__).resolve().parents[1] / "bench" / "results.json").read_text())
    row = next(r for r in bench["rows"] if r["name"] == "notebook 10 CNN: pool first vs pool last")
    quoted = re.search(r"about (\d+\.\d)× in\s+``make bench``", LeNet.__doc__)
    assert quoted, "LeNet's docstring should quote the pool-first speed-up as 'about N.N× in ``make bench``'"
    assert float(quoted.group(1)) == round(row["ratio"], 1), (
        f"bench/results.json measures {row['ratio']:.2f}×: update the ratio in LeNet's docstring"
    )


@pytest.mark.parametrize("shape", [(2, 784), (2, 3, 28, 28), (2, 1, 32, 32), (28, 28)])
def test_lenet_rejects_wrong_shapes(shape):
    with pytest.raises(ValueError, match="N×28×28"):
        LeNet()(torch.zeros(shape))


@pytest.mark.parametrize("kwargs", [{"channels": ()}, {"channels": (4, 0)}, {"channels": (1, 2, 3, 4, 5)}])
def test_lenet_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="channels must list 1 to 4"):
        LeNet(**kwargs)


# ----------------------------------------------------------------------------------------------- shift_images


def test_shift_moves_a_pixel_right_and_down():
    img = torch.zeros(1, 5, 6, dtype=torch.uint8)
    img[0, 1, 2] = 200  # row 1, column 2
    out = shift_images(img, dx=3, dy=2)
    assert out.dtype == torch.uint8 and out.shape == img.shape
    assert out[0, 3, 5] == 200 and out.sum() == 200


def test_shift_left_and_up_and_zero():
    img = torch.arange(12.0).reshape(3, 4)
    assert torch.equal(shift_images(img, 0, 0), img)
    out = shift_images(img, dx=-1, dy=-1, fill=-5.0)
    expected = torch.tensor([[5.0, 6.0, 7.0, -5.0], [9.0, 10.0, 11.0, -5.0], [-5.0, -5.0, -5.0, -5.0]])
    assert torch.equal(out, expected)
    assert torch.equal(img, torch.arange(12.0).reshape(3, 4))  # the input is untouched


def test_shift_there_and_back_keeps_the_inner_part_and_works_on_batches():
    torch.manual_seed(0)
    x = torch.rand(3, 1, 10, 10)
    back = shift_images(shift_images(x, 2, -3), -2, 3)
    assert torch.equal(back[..., 3:, :8], x[..., 3:, :8])
    assert torch.equal(back[..., :3, :], torch.zeros(3, 1, 3, 10))


def test_shift_matches_torch_roll_away_from_the_edges():
    x = torch.zeros(2, 8, 8)
    x[:, 2:5, 3:6] = 1.0
    assert torch.equal(shift_images(x, 1, -2), torch.roll(x, shifts=(-2, 1), dims=(-2, -1)))


@pytest.mark.parametrize(
    "images, dx, dy, match",
    [
        (torch.zeros(28), 1, 0, r"got torch.Size\(\[28\]\)"),
        ([[0, 1], [2, 3]], 1, 0, "got list"),
        (torch.zeros(2, 28, 28), 1.5, 0, "dx=1.5"),
        (torch.zeros(2, 28, 28), True, 0, "dx=True"),
        (torch.zeros(2, 28, 28), 28, 0, "dx=28"),
        (torch.zeros(2, 28, 28), 0, -28, "dy=-28"),
    ],
)
def test_shift_rejects_bad_input(images, dx, dy, match):
    with pytest.raises(ValueError, match="…×H×W .* whole-pixel shifts with .*" + match):
        shift_images(images, dx, dy)
