"""mnist_course.judge: the judge that notebook 08 uses to measure generators. Tiny tensors, no MNIST."""

from __future__ import annotations

import pytest
import torch

from mnist_course.judge import Judge, digit_shares, judge_samples, train_judge
from mnist_course.train import History


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors run fastest on one thread, and do not stall when other processes busy the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _images(n: int = 8, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 28, 28, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("shape", [(4, 28, 28), (4, 1, 28, 28), (4, 784)])
def test_judge_accepts_every_image_layout(shape):
    torch.manual_seed(0)
    judge = Judge()
    x = torch.rand(shape)
    out = judge(x)
    assert out.shape == (4, 10)
    assert torch.allclose(out, judge(x.reshape(4, 28, 28)))


@pytest.mark.parametrize("bad", [torch.rand(4, 27, 27), torch.rand(4, 3, 28, 28), torch.rand(28, 28)])
def test_judge_rejects_bad_shapes(bad):
    with pytest.raises(ValueError, match="N×28×28"):
        Judge()(bad)


def test_judge_rejects_uint8_pixels():
    with pytest.raises(ValueError, match="to_unit"):
        Judge()(torch.zeros(2, 28, 28, dtype=torch.uint8))


def test_train_judge_learns_a_toy_task_and_is_deterministic():
    # Two easy "digits": ink in the top half (label 0) or in the bottom half (label 1).
    x = torch.zeros(32, 28, 28)
    y = torch.arange(32) % 2
    x[y == 0, :14] = 1.0
    x[y == 1, 14:] = 1.0
    judge, history = train_judge(x, y, epochs=3, batch_size=8, lr=1e-2, val=(x, y), verbose=False)
    assert isinstance(history, History) and len(history) == 3
    assert not judge.training
    assert history.last["val_accuracy"] == 1.0
    again, _ = train_judge(x, y, epochs=3, batch_size=8, lr=1e-2, verbose=False)
    for a, b in zip(judge.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)


def test_train_judge_rejects_bad_input():
    x = _images(8)
    with pytest.raises(ValueError, match="one label per image"):
        train_judge(x, torch.zeros(7, dtype=torch.long), verbose=False)
    with pytest.raises(ValueError, match="one label per image"):
        train_judge(x, torch.zeros(8, 1, dtype=torch.long), verbose=False)
    with pytest.raises(ValueError, match="epochs"):
        train_judge(x, torch.zeros(8, dtype=torch.long), epochs=0, verbose=False)
    with pytest.raises(ValueError, match="N×28×28"):
        train_judge(torch.rand(8, 10, 10), torch.zeros(8, dtype=torch.long), verbose=False)


def test_judge_samples_returns_digits_and_confidences():
    torch.manual_seed(0)
    judge = Judge()
    images = _images(12)
    digits, confidences = judge_samples(judge, images)
    assert digits.shape == (12,) and digits.dtype == torch.int64
    assert confidences.shape == (12,) and confidences.dtype == torch.float32
    assert ((digits >= 0) & (digits <= 9)).all()
    assert ((confidences >= 0.1 - 1e-6) & (confidences <= 1.0)).all()
    assert torch.equal(digits, judge(images).argmax(1))
    assert judge.training, "judge_samples must leave the model's mode as it was"


def test_judge_samples_rejects_bad_images():
    with pytest.raises(ValueError, match="N×28×28"):
        judge_samples(Judge(), torch.rand(3, 14, 14))
    with pytest.raises(ValueError, match="torch.Tensor"):
        judge_samples(Judge(), [[0.0] * 784])


def test_digit_shares_counts_every_class():
    shares = digit_shares(torch.tensor([0, 0, 3, 9]))
    assert shares.shape == (10,)
    assert torch.allclose(shares, torch.tensor([0.5, 0, 0, 0.25, 0, 0, 0, 0, 0, 0.25]))
    assert digit_shares(torch.tensor([1, 2]), num_classes=3).tolist() == [0.0, 0.5, 0.5]


@pytest.mark.parametrize(
    "bad, message",
    [
        (torch.tensor([], dtype=torch.long), "non-empty"),
        (torch.zeros(2, 2, dtype=torch.long), "1-D"),
        (torch.tensor([0.0, 1.0]), "integers"),
        (torch.tensor([0, 10]), "0..9"),
        (torch.tensor([-1, 2]), "0..9"),
    ],
)
def test_digit_shares_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        digit_shares(bad)


def test_train_judge_leaves_the_callers_random_state_alone():
    x, y = _images(8), torch.arange(8) % 2
    torch.manual_seed(123)
    before = torch.get_rng_state()
    train_judge(x, y, epochs=1, batch_size=4, verbose=False)
    assert torch.equal(torch.get_rng_state(), before)
