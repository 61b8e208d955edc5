"""Unit tests for mnist_course.models: the MLP of notebook 06 and count_parameters."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mnist_course.models import MLP, count_parameters


def test_default_mlp_is_notebook_06_network():
    model = MLP()
    assert model.sizes == (784, 500, 10)
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(784, 500), (500, 10)]
    assert count_parameters(model) == 784 * 500 + 500 + 500 * 10 + 10 == 397_510


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28), (3, 1, 28, 28)])
def test_mlp_accepts_flat_and_image_inputs(shape):
    torch.manual_seed(0)
    model = MLP((784, 16, 10))
    out = model(torch.randn(shape))
    assert out.shape == (3, 10)
    assert out.dtype == torch.float32


def test_mlp_same_output_for_every_input_layout():
    torch.manual_seed(0)
    model = MLP((784, 8, 10))
    x = torch.randn(4, 28, 28)
    flat = model(x.reshape(4, 784))
    assert torch.equal(model(x), flat)
    assert torch.equal(model(x.unsqueeze(1)), flat)


def test_mlp_empty_batch():
    assert MLP((784, 8, 10))(torch.zeros(0, 784)).shape == (0, 10)


def test_mlp_layer_layout_with_depth_and_dropout():
    model = MLP((4, 5, 6, 3), dropout=0.5)
    kinds = [type(m) for m in model.net]
    assert kinds == [nn.Flatten, nn.Linear, nn.ReLU, nn.Dropout, nn.Linear, nn.ReLU, nn.Dropout, nn.Linear]
    assert all(m.p == 0.5 for m in model.net if isinstance(m, nn.Dropout))
    assert not any(isinstance(m, nn.Dropout) for m in MLP((4, 5, 3)).net)


def test_mlp_without_hidden_layer_is_linear():
    model = MLP((784, 10))
    assert [type(m) for m in model.net] == [nn.Flatten, nn.Linear]
    assert count_parameters(model) == 7850


def test_mlp_small_input_sizes():
    torch.manual_seed(0)
    model = MLP((2, 16, 2))
    assert model(torch.randn(5, 2)).shape == (5, 2)


def test_mlp_dropout_only_in_training():
    torch.manual_seed(0)
    model = MLP((10, 64, 3), dropout=0.5)
    x = torch.randn(8, 10)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))


def test_mlp_trains_a_few_steps():
    torch.manual_seed(0)
    model = MLP((4, 16, 2))
    x = torch.randn(64, 4)
    y = (x[:, 0] * x[:, 1] > 0).long()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(30):
        loss = nn.functional.cross_entropy(model(x), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < first


@pytest.mark.parametrize("sizes", [(), (784,), (784, 0, 10), (784, -5, 10), (0, 10)])
def test_mlp_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes"):
        MLP(sizes)


@pytest.mark.parametrize("dropout", [-0.1, 1.5])
def test_mlp_rejects_bad_dropout(dropout):
    with pytest.raises(ValueError, match="dropout probability"):  # nn.Dropout's own check
        MLP((4, 3, 2), dropout=dropout)


@pytest.mark.parametrize("shape", [(3, 783), (3, 27, 28), (784,), (3, 2, 28, 28)])
def test_mlp_rejects_wrong_input_shape(shape):
    with pytest.raises(ValueError, match="784"):
        MLP((784, 8, 10))(torch.zeros(shape))


def test_mlp_rejects_scalar_input():
    with pytest.raises(ValueError, match="MLP input .* must have shape N×1"):
        MLP((1, 2))(torch.tensor(1.0))


def test_count_parameters_counts_only_trainable():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert count_parameters(model) == 3 * 4 + 4 + 4 * 2 + 2
    model[0].weight.requires_grad_(False)
    assert count_parameters(model) == 4 + 4 * 2 + 2


def test_count_parameters_of_parameterless_module():
    assert count_parameters(nn.ReLU()) == 0


def test_count_parameters_counts_shared_parameters_once():
    layer = nn.Linear(3, 3)
    assert count_parameters(nn.Sequential(layer, nn.ReLU(), layer)) == 12


def test_count_parameters_rejects_non_module():
    with pytest.raises(TypeError, match="nn.Module"):
        count_parameters(torch.zeros(3))
