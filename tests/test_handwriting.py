"""The MNIST-style preprocessing of notebook 10 on synthetic photos: an MNIST digit made into a photo (scaled up,
moved off-centre, dark ink on light paper) comes back close to itself; the example photo becomes a centred digit."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mnist_course import handwriting as hw


def photo_of(digit: torch.Tensor, scale: int = 5, top: int = 30, left: int = 50, paper: float = 0.9) -> torch.Tensor:
    """An MNIST digit (float 28×28 in [0, 1]) as a 'photo': scaled up, off-centre, dark ink on light paper, uint8."""
    big = F.interpolate(digit[None, None], scale_factor=scale, mode="bilinear", align_corners=False)[0, 0]
    canvas = torch.zeros(top + 28 * scale + 20, left + 28 * scale + 10)
    canvas[top : top + 28 * scale, left : left + 28 * scale] = big.clamp(0, 1)
    return (paper * (1 - canvas) * 255).round().to(torch.uint8)


@pytest.fixture(scope="module")
def digits(mnist_test_images):
    return mnist_test_images[:100].float() / 255


@pytest.fixture(scope="module")
def mnist_test_images():
    from mnist_course.data import load_mnist

    images, _ = load_mnist("test")
    return images


def test_a_shifted_scaled_inverted_digit_comes_back_close_to_the_original(digits):
    errors = torch.tensor([(hw.mnist_style(photo_of(d)) - d).abs().mean().item() for d in digits])
    shifted = torch.tensor([(torch.roll(d, 2, dims=1) - d).abs().mean().item() for d in digits])
    assert errors.mean() < 0.045, errors.mean()
    assert errors.max() < 0.1, errors.max()
    assert errors.mean() < 0.5 * shifted.mean()  # far closer than the same digit moved by two pixels


@pytest.mark.parametrize("scale,top,left", [(3, 0, 0), (8, 60, 5), (4, 10, 120)])
def test_position_and_size_of_the_photo_do_not_matter(digits, scale, top, left):
    d = digits[0]
    assert (hw.mnist_style(photo_of(d, scale, top, left)) - d).abs().mean() < 0.06


def test_light_ink_on_dark_paper_is_kept_and_colour_and_channel_first_are_accepted(digits):
    d = digits[1]
    dark_paper = 255 - photo_of(d)  # light ink on dark: no inversion needed
    rgb = dark_paper[..., None].expand(-1, -1, 3)
    for image in (dark_paper, rgb, rgb.permute(2, 0, 1), rgb.numpy()):
        assert (hw.mnist_style(image) - d).abs().mean() < 0.06


def test_the_steps_give_mnist_geometry():
    digit = hw.mnist_style(hw.example_photo())
    assert digit.shape == (28, 28) and 0 <= digit.min() and digit.max() <= 1
    rows, cols = torch.nonzero(digit > 0.2, as_tuple=True)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= hw.BOX + 1
    r = torch.arange(28.0)
    mass = digit.sum()
    assert abs(float((digit.sum(1) * r).sum() / mass) - 14) <= 0.5
    assert abs(float((digit.sum(0) * r).sum() / mass) - 14) <= 0.5
    assert digit[0].sum() == 0 and digit[:, 0].sum() == 0  # black border, as in MNIST


def test_example_photo_is_dark_ink_on_light_paper_and_reproducible():
    photo = hw.example_photo()
    assert photo.dtype == torch.uint8 and photo.shape == (240, 240)
    assert torch.equal(photo, hw.example_photo())
    assert photo[0].float().median() > 180 and photo.min() < 80


def test_an_empty_drawing_says_what_to_do():
    with pytest.raises(ValueError, match="no ink found"):
        hw.mnist_style(np.full((50, 50), 240, dtype=np.uint8))


def test_load_image_reads_a_png_and_explains_a_missing_file(tmp_path):
    from PIL import Image

    photo = hw.example_photo(size=60)
    Image.fromarray(photo.numpy()).save(tmp_path / "seven.png")
    loaded = hw.load_image(tmp_path / "seven.png")
    assert loaded.shape == (60, 60, 3) and torch.equal(loaded[..., 0], photo)
    with pytest.raises(FileNotFoundError, match="PNG or JPEG"):
        hw.load_image(tmp_path / "missing.png")
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(ValueError, match="not a PNG or JPEG"):
        hw.load_image(tmp_path / "text.png")


def test_draw_digit_outside_colab_explains_how_to_give_a_photo(capsys):
    assert hw.draw_digit() is None
    assert "photo" in capsys.readouterr().out


@pytest.mark.parametrize("value", [0, 128, 255])
def test_a_photo_of_one_colour_says_there_is_no_ink(value):
    with pytest.raises(ValueError, match="no ink found"):
        hw.mnist_style(np.full((40, 60, 3), value, dtype=np.uint8))


def test_a_photo_of_the_wrong_shape_says_what_was_expected():
    with pytest.raises(ValueError, match="H×W"):
        hw.mnist_style(torch.zeros(2, 3, 28, 28))
