"""mnist_course.train: seeding, device choice, quick mode, progress, fit and evaluate."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from torch import nn

from mnist_course import settings
from mnist_course.data import TensorBatches
from mnist_course.settings import is_quick, pick, seed_everything
from mnist_course.train import History, accuracy, evaluate, fit, predict


def test_seed_everything_repeats_all_generators():
    seed_everything(7)
    a = (random.random(), np.random.rand(), torch.rand(3))
    seed_everything(7)
    b = (random.random(), np.random.rand(), torch.rand(3))
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def test_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert settings.device().type == "cpu"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert settings.device().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert settings.device().type == "cuda"


@pytest.mark.parametrize(
    ("value", "quick"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("", False),
        ("false", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_quick_mode_from_environment(monkeypatch, value, quick):
    monkeypatch.setenv("MNIST_COURSE_QUICK", value)
    assert is_quick() is quick
    assert pick("full", "quick") == ("quick" if quick else "full")


def test_a_switch_with_an_unknown_word_says_what_to_write(monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="MNIST_COURSE_QUICK='maybe'.*use 1 or 0"):
        is_quick()


def test_progress_switches(monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_PROGRESS", "0")
    assert settings.progress_enabled() is False
    monkeypatch.setenv("MNIST_COURSE_PROGRESS", "1")
    monkeypatch.setenv("CI", "true")
    assert settings.progress_enabled() is True
    monkeypatch.delenv("MNIST_COURSE_PROGRESS")
    assert settings.progress_enabled() is False  # CI is set


def test_accuracy_counts_argmax_hits():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0], [0.0, 1.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1, 1])) == 0.75
    with pytest.raises(ValueError, match="N×C"):
        accuracy(logits, torch.tensor([0, 1]))


def _blobs(n=400, seed=0):
    """Two well separated Gaussian blobs in 2-D: a problem a linear model solves."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.randn(n, 2, generator=g) * 0.5 + (y.float() * 2 - 1).unsqueeze(1) * 2
    return x, y


def _train_once(epochs=3, **kw):
    seed_everything(0)
    x, y = _blobs()
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, fit(model, opt, TensorBatches(x, y, 32, seed=0), epochs=epochs, val=(x, y), verbose=False, **kw)


def test_fit_learns_and_reports_each_epoch():
    model, history = _train_once()
    assert isinstance(history, History) and len(history) == 3
    assert set(history.last) == {"epoch", "loss", "train_accuracy", "val_accuracy", "seconds"}
    assert history.column("epoch") == [1, 2, 3]
    assert history.last["val_accuracy"] > 0.95
    assert history.column("loss")[-1] < history.column("loss")[0]
    assert history.seconds == pytest.approx(sum(history.column("seconds")))


def test_fit_is_repeatable_from_a_fresh_model():
    _, a = _train_once()
    _, b = _train_once()
    assert a.column("loss") == b.column("loss")


def test_fit_max_steps_scheduler_and_transform():
    calls = []

    def transform(xb):
        calls.append(len(xb))
        return xb

    seed_everything(0)
    x, y = _blobs()
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(
        model, opt, TensorBatches(x, y, 32), epochs=5, max_steps=3, scheduler=sched, transform=transform, verbose=False
    )
    assert len(history) == 1 and len(calls) == 3
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**3)


def test_fit_prints_one_line_per_epoch(capsys):
    seed_everything(0)
    x, y = _blobs()
    model = nn.Linear(2, 2)
    fit(model, torch.optim.SGD(model.parameters(), lr=0.1), TensorBatches(x, y, 64), epochs=2, val=(x, y))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch  2") and "val acc" in lines[1]


def test_fit_rejects_zero_epochs():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="epochs"):
        fit(model, torch.optim.SGD(model.parameters(), lr=0.1), [], epochs=0)


def test_evaluate_and_predict_restore_training_mode():
    model, _ = _train_once()
    model.train()
    x, y = _blobs(seed=1)
    result = evaluate(model, x, y, batch_size=64)
    assert set(result) == {"loss", "accuracy"} and result["accuracy"] > 0.95
    assert model.training
    out = predict(model, x, batch_size=50)
    assert out.shape == (400, 2) and not out.requires_grad
    with pytest.raises(ValueError, match="same length"):
        evaluate(model, x, y[:10])


def test_live_curves_redraw_one_figure_in_place(monkeypatch):
    import IPython.display

    shown, updated = [], []

    class Handle:
        def update(self, fig):
            updated.append(fig)

    def fake_display(fig, display_id=False):
        shown.append((fig, display_id))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    seed_everything(0)
    x, y = _blobs()
    model = nn.Linear(2, 2)
    fit(model, torch.optim.SGD(model.parameters(), lr=0.1), TensorBatches(x, y, 64), epochs=3, verbose=False, live=True)
    assert len(shown) == 1 and shown[0][1] is True, "one output, created once with a display id"
    assert len(updated) == 2, "then redrawn in place after each later epoch"
    assert updated[-1].axes[0].get_title() == "" and "epoch 3" in updated[-1]._suptitle.get_text()


def test_live_curves_are_off_under_the_runner_and_ci(monkeypatch):
    monkeypatch.setattr(settings, "_in_a_kernel", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MNIST_COURSE_LIVE", raising=False)
    assert settings.live_enabled() is True
    monkeypatch.setenv("MNIST_COURSE_NOTEBOOK", "05_linear_classifier")
    assert settings.live_enabled() is False
    monkeypatch.delenv("MNIST_COURSE_NOTEBOOK")
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    assert settings.live_enabled() is False
    monkeypatch.setenv("MNIST_COURSE_LIVE", "1")
    assert settings.live_enabled() is True


def test_a_quiet_fit_draws_no_live_curves_in_a_notebook(monkeypatch):
    """A loop of short quiet runs (notebook 06's overfitting experiment) must not open a figure per call."""
    from mnist_course import train as train_module

    monkeypatch.setattr(train_module, "live_enabled", lambda: True)
    drawn = []
    monkeypatch.setattr(train_module, "_LiveCurves", lambda: drawn.append(1) or None)
    torch.manual_seed(0)
    x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, optimizer, TensorBatches(x, y, 32), epochs=1, verbose=False)
    assert drawn == []
    fit(model, optimizer, TensorBatches(x, y, 32), epochs=1, verbose=True)
    assert drawn == [1]
