"""Unit tests for mnist_course.autoencoders (notebook 07): tiny tensors, no training runs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from mnist_course.autoencoders import (
    OUTPUT_BIAS,
    PCA,
    ConvAutoencoder,
    DenseAutoencoder,
    reconstruction_error,
    show_rows,
)


def images(n: int = 40, seed: int = 0) -> torch.Tensor:
    """Random float 'images' N×1×28×28 in [0, 1]."""
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


# ----------------------------------------------------------------------------------------------- PCA


def test_pca_components_are_orthonormal_and_shapes_match():
    x = images()
    pca = PCA.fit(x, 5)
    assert pca.code_size == 5
    assert pca.components.shape == (5, 784) and pca.mean.shape == (784,) and pca.variances.shape == (5,)
    assert torch.allclose(pca.components @ pca.components.T, torch.eye(5), atol=1e-5)
    assert torch.all(pca.variances[:-1] >= pca.variances[1:])  # sorted, largest first
    assert pca.encode(x).shape == (40, 5)
    assert pca.decode(pca.encode(x)).shape == (40, 1, 28, 28)
    for shape in [(40, 784), (40, 28, 28), (40, 1, 28, 28)]:
        assert pca(x.reshape(shape)).shape == shape


def test_pca_matches_variance_and_reconstructs_data_in_its_span_exactly():
    # Images that are the mean plus combinations of 3 fixed patterns: 3 components rebuild them exactly.
    g = torch.Generator().manual_seed(1)
    patterns = torch.randn(3, 784, generator=g)
    x = (0.5 + 0.01 * torch.randn(60, 3, generator=g) @ patterns).reshape(60, 1, 28, 28)
    pca = PCA.fit(x, 3)
    assert reconstruction_error(pca, x) < 1e-10
    flat = x.reshape(60, 784).double()
    total_variance = flat.var(0).sum()
    assert torch.isclose(pca.variances.double().sum(), total_variance, rtol=1e-4)


def test_pca_first_and_errors_by_size_agree_with_direct_reconstruction():
    x, x_test = images(50, 0), images(20, 1)
    pca = PCA.fit(x, 8)
    curve = pca.errors_by_size(x_test)
    assert curve.shape == (9,)
    assert torch.all(curve[:-1] >= curve[1:] - 1e-7)  # more components never hurt
    assert curve[0].item() == pytest.approx(((x_test - pca.mean.reshape(1, 1, 28, 28)) ** 2).mean().item(), rel=1e-5)
    for k in (1, 4, 8):
        small = pca.first(k)
        assert small.code_size == k and torch.equal(small.components, pca.components[:k])
        assert curve[k].item() == pytest.approx(reconstruction_error(small, x_test), rel=1e-4)


def test_pca_bad_input():
    x = images(10)
    with pytest.raises(ValueError, match="N×784"):
        PCA.fit(torch.rand(10, 27, 27), 2)
    with pytest.raises(ValueError, match="float pixels"):
        PCA.fit((x * 255).to(torch.uint8), 2)
    with pytest.raises(ValueError, match="code_size"):
        PCA.fit(x, 0)
    with pytest.raises(ValueError, match="code_size"):
        PCA.fit(x, 11)  # more components than images
    pca = PCA.fit(x, 3)
    with pytest.raises(ValueError, match="N×3"):
        pca.decode(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="code_size"):
        pca.first(4)
    with pytest.raises(ValueError, match="mean must have shape 784"):
        PCA(torch.zeros(10), torch.zeros(2, 784), torch.zeros(2))
    with pytest.raises(ValueError, match=r"variances must have shape 2, got \(3,\)"):
        PCA(torch.zeros(784), torch.zeros(2, 784), torch.zeros(3))


# ----------------------------------------------------------------------------------------------- models


@pytest.mark.parametrize(
    "model", [DenseAutoencoder(4), DenseAutoencoder(3, hidden=(32, 16)), ConvAutoencoder(5, (4, 8))]
)
def test_autoencoders_shapes_range_and_gradients(model):
    x = images(6)
    k = model.code_size
    assert model.encode(x).shape == (6, k)
    out = model.decode(model.encode(x))
    assert out.shape == (6, 1, 28, 28)
    assert out.min() >= 0 and out.max() <= 1  # sigmoid output, like the pixels
    for shape in [(6, 784), (6, 28, 28), (6, 1, 28, 28)]:
        assert model(x.reshape(shape)).shape == shape
    loss = nn.functional.mse_loss(model(x), x)
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_untrained_decoders_start_near_a_blank_page():
    torch.manual_seed(0)
    for model in (DenseAutoencoder(4), ConvAutoencoder(4, (4, 8))):
        with torch.no_grad():
            mean_output = model(images(8)).mean().item()
        # A sigmoid of 0 would give 0.5; the output bias starts the picture close to sigmoid(-2).
        assert mean_output < 0.3
        assert torch.sigmoid(torch.tensor(OUTPUT_BIAS)).item() == pytest.approx(0.119, abs=1e-3)


def test_dense_autoencoder_layers_mirror_the_encoder():
    model = DenseAutoencoder(2, hidden=(64, 8))
    assert model.hidden == (64, 8)
    enc = [m.out_features for m in model.encoder if isinstance(m, nn.Linear)]
    dec = [m.out_features for m in model.decoder if isinstance(m, nn.Linear)]
    assert enc == [64, 8, 2] and dec == [8, 64, 784]
    linear_only = DenseAutoencoder(3, hidden=())
    assert linear_only(images(2)).shape == (2, 1, 28, 28)


def test_autoencoders_bad_input():
    with pytest.raises(ValueError, match="code_size"):
        DenseAutoencoder(0)
    with pytest.raises(ValueError, match="code_size"):
        ConvAutoencoder(2.5)
    with pytest.raises(ValueError, match="hidden"):
        DenseAutoencoder(2, hidden=256)
    with pytest.raises(ValueError, match="hidden"):
        DenseAutoencoder(2, hidden=(0,))
    with pytest.raises(ValueError, match="channels"):
        ConvAutoencoder(2, channels=(8,))
    model = ConvAutoencoder(3, (4, 8))
    with pytest.raises(ValueError, match="N×784, N×28×28 or N×1×28×28"):
        model(torch.rand(2, 3, 28, 28))
    with pytest.raises(ValueError, match="N×3"):
        model.decode(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="N×2"):
        DenseAutoencoder(2).decode(torch.zeros(2))


# ----------------------------------------------------------------------------------------------- error


def test_reconstruction_error_values():
    x = images(10)
    assert reconstruction_error(nn.Identity(), x) == 0.0
    assert reconstruction_error(lambda t: t + 0.1, x) == pytest.approx(0.01, rel=1e-4)
    per = reconstruction_error(lambda t: torch.zeros_like(t), x, per_image=True, batch_size=3)
    assert per.shape == (10,)
    assert torch.allclose(per, (x**2).reshape(10, -1).mean(1))
    noisy = (x + 0.2).clamp(0, 1)
    assert reconstruction_error(nn.Identity(), noisy, target=x) == pytest.approx(((noisy - x) ** 2).mean().item())


def test_reconstruction_error_restores_training_mode_and_needs_no_grad():
    model = DenseAutoencoder(2, hidden=(8,))
    model.train()
    reconstruction_error(model, images(4))
    assert model.training
    model.eval()
    reconstruction_error(model, images(4))
    assert not model.training


def test_reconstruction_error_bad_input():
    x = images(4)
    with pytest.raises(ValueError, match="N×784"):
        reconstruction_error(nn.Identity(), torch.rand(4, 10))
    with pytest.raises(ValueError, match="target must match"):
        reconstruction_error(nn.Identity(), x, target=images(3))
    with pytest.raises(ValueError, match="one image per input"):
        reconstruction_error(lambda t: t[:, :, :14], x)


# ----------------------------------------------------------------------------------------------- figure


def test_show_rows_draws_one_labelled_row_per_entry():
    x = images(5)
    fig = show_rows({"original": x, "flat": x.reshape(5, 784), "2-D": x[:, 0]}, title="rows")
    assert len(fig.axes) == 15  # show_images' grid: one row of five per entry
    assert [ax.get_ylabel() for ax in fig.axes[::5]] == ["original", "flat", "2-D"]
    assert fig._suptitle.get_text() == "rows"
    for ax, img in zip(fig.axes, torch.cat([x[:, 0]] * 3)):
        (shown,) = ax.get_images()
        assert np.array_equal(shown.get_array(), img.numpy()) and shown.get_clim() == (0.0, 1.0)
    plt.close(fig)


def test_show_rows_names_the_columns_above_the_top_row_only():
    x = images(3)
    fig = show_rows({"original": x, "rebuilt": x}, column_names=["Bag", "Coat", "Shirt"])
    assert [ax.title.get_text() for ax in fig.axes] == ["Bag", "Coat", "Shirt", "", "", ""]
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["original", "rebuilt"]
    plt.close(fig)
    with pytest.raises(ValueError, match="one per column"):
        show_rows({"original": x}, column_names=["Bag", "Coat"])
    with pytest.raises(ValueError, match="one per column"):
        show_rows({"original": x}, column_names="Bag")


def test_show_rows_bad_input():
    with pytest.raises(ValueError, match="same number N≥1"):
        show_rows({})
    with pytest.raises(ValueError, match=r"same number N≥1 of images, got \[3, 4\]"):
        show_rows({"a": images(3), "b": images(4)})
    with pytest.raises(ValueError, match="N×784"):
        show_rows({"a": torch.rand(3, 10)})


def test_pca_agrees_with_torch_pca_lowrank():
    """Oracle: torch.pca_lowrank finds the same subspace and the same explained variances."""
    g = torch.Generator().manual_seed(0)
    scales = torch.tensor([5.0, 4.0, 3.0, 2.0, 1.0]).double()
    x = (torch.randn(300, 5, generator=g, dtype=torch.float64) * scales) @ torch.randn(
        5, 784, generator=g, dtype=torch.float64
    )
    x = (x + 0.01 * torch.randn(300, 784, generator=g, dtype=torch.float64)).float()
    pca = PCA.fit(x, 5)
    _, s, v = torch.pca_lowrank(x.double(), q=5, center=True, niter=10)
    ours = pca.components.double().T @ pca.components.double()  # projection onto our 5-D subspace
    theirs = v @ v.T
    assert torch.allclose(ours, theirs, atol=1e-4)
    assert torch.allclose(pca.variances.double(), s**2 / (len(x) - 1), rtol=1e-4)
