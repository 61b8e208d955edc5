"""Unit tests for mnist_course.search: tiny tensors, no MNIST, no network."""

import pytest
import torch

from mnist_course.search import Walk, linear_accuracy, random_walk


def toy_data(n=60, d=6, k=3, seed=0):
    """Linearly separable toy data: each class lights up its own pair of coordinates."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % k
    x = 0.1 * torch.randn(n, d, generator=gen)
    x[torch.arange(n), 2 * y] += 1.0
    x[torch.arange(n), 2 * y + 1] += 1.0
    return x, y


def test_linear_accuracy_single_matrix():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    y = torch.tensor([0, 1, 1, 1])
    w = torch.eye(2)  # predicts 0, 1, 0, 1
    acc = linear_accuracy(w, x, y)
    assert acc.ndim == 0
    assert acc.item() == pytest.approx(0.75)


def test_linear_accuracy_population_matches_one_by_one():
    x, y = toy_data()
    population = torch.randn(5, 3, 6, generator=torch.Generator().manual_seed(1))
    batched = linear_accuracy(population, x, y)
    assert batched.shape == (5,)
    one_by_one = torch.stack([linear_accuracy(w, x, y) for w in population])
    assert torch.allclose(batched, one_by_one)


def test_linear_accuracy_perfect_and_scale_invariant():
    x, y = toy_data()
    w = torch.zeros(3, 6)
    for c in range(3):
        w[c, 2 * c] = w[c, 2 * c + 1] = 1.0
    assert linear_accuracy(w, x, y).item() == 1.0
    assert linear_accuracy(7.0 * w, x, y).item() == 1.0


@pytest.mark.parametrize(
    "weights",
    [torch.zeros(3, 5), torch.zeros(2, 3, 5), torch.zeros(6), torch.zeros(1, 1, 3, 6), [[0.0] * 6] * 3],
)
def test_linear_accuracy_rejects_bad_weights(weights):
    x, y = toy_data()
    with pytest.raises(ValueError, match="weights must be"):
        linear_accuracy(weights, x, y)


def test_linear_accuracy_rejects_bad_data():
    x, y = toy_data()
    w = torch.zeros(3, 6)
    with pytest.raises(ValueError, match="N×D"):
        linear_accuracy(w, x.reshape(60, 2, 3), y)
    with pytest.raises(ValueError, match="N labels"):
        linear_accuracy(w, x, y[:-1])
    with pytest.raises(ValueError, match="floating point"):
        linear_accuracy(w, x.long(), y)
    with pytest.raises(ValueError, match="torch tensors"):
        linear_accuracy(w, x.numpy(), y)


def test_random_walk_learns_and_never_gets_worse():
    x, y = toy_data()
    walk = random_walk(x, y, steps=300, sigma=0.1, num_classes=3, seed=0)
    assert isinstance(walk, Walk)
    assert walk.weights.shape == (3, 6)
    assert walk.curve.shape == (301,)
    assert torch.all(walk.curve[1:] >= walk.curve[:-1]), "accepted steps never lower training accuracy"
    assert walk.curve[-1].item() == pytest.approx(linear_accuracy(walk.weights, x, y).item())
    assert walk.curve[-1] > 0.9 > walk.curve[0]
    assert 0 < walk.accepted <= 300


def test_random_walk_is_reproducible_and_seeded():
    x, y = toy_data()
    a = random_walk(x, y, steps=50, num_classes=3, seed=3)
    b = random_walk(x, y, steps=50, num_classes=3, seed=3)
    c = random_walk(x, y, steps=50, num_classes=3, seed=4)
    assert torch.equal(a.weights, b.weights) and torch.equal(a.curve, b.curve)
    assert not torch.equal(a.weights, c.weights)


def test_random_walk_matches_the_hand_written_loop():
    """The package walk draws the same random numbers in the same order as notebook 01's loop."""
    x, y = toy_data()
    steps, sigma = 40, 0.05
    gen = torch.Generator().manual_seed(0)
    w = 0.001 * torch.randn(3, 6, generator=gen)
    best = ((x @ w.T).argmax(1) == y).float().mean().item()
    curve = [best]
    for _ in range(steps):
        k = int(torch.randint(3, (1,), generator=gen))
        candidate = w.clone()
        candidate[k] += sigma * torch.randn(6, generator=gen)
        acc = ((x @ candidate.T).argmax(1) == y).float().mean().item()
        if acc >= best:
            w, best = candidate, acc
        curve.append(best)
    walk = random_walk(x, y, steps=steps, sigma=sigma, num_classes=3, seed=0)
    assert torch.equal(walk.weights, w)
    assert torch.equal(walk.curve, torch.tensor(curve))


def test_random_walk_zero_steps():
    x, y = toy_data()
    walk = random_walk(x, y, steps=0, num_classes=3)
    assert walk.curve.shape == (1,) and walk.accepted == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": -1}, "steps"),
        ({"steps": 5, "sigma": 0.0}, "sigma"),
        ({"steps": 5, "init_scale": -1.0}, "init_scale"),
        ({"steps": 5, "num_classes": 1}, "num_classes"),
    ],
)
def test_random_walk_rejects_bad_settings(kwargs, message):
    x, y = toy_data()
    with pytest.raises(ValueError, match=message):
        random_walk(x, y, **kwargs)


def test_random_walk_rejects_bad_data():
    x, y = toy_data()
    with pytest.raises(ValueError, match="N×D"):
        random_walk(x[:, :, None], y, steps=3)
    with pytest.raises(ValueError, match="N labels"):
        random_walk(x, y[:10], steps=3)
