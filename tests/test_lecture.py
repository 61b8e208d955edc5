"""mnist_course.lecture: the cache that lets an instructor load a prepared training in class."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mnist_course import lecture
from mnist_course.train import History


@pytest.fixture
def cache_on(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    monkeypatch.setenv("MNIST_COURSE_LECTURE_CACHE", "1")
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    return tmp_path / "lecture-cache"


def _training(model, calls, value=1.0):
    """A stand-in training run: sets the weights to ``value`` and returns a one-epoch History."""

    def train():
        calls.append(value)
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(value)
        return History([{"epoch": 1, "loss": value, "train_accuracy": 0.5, "seconds": 0.0}])

    return train


def test_off_by_default_just_trains(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    monkeypatch.delenv("MNIST_COURSE_LECTURE_CACHE", raising=False)
    calls, model = [], nn.Linear(2, 2)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    assert calls == [1.0, 1.0] and not (tmp_path / "lecture-cache").exists()


def test_hit_loads_weights_and_history(cache_on, capsys):
    calls, model = [], nn.Linear(2, 2)
    first = lecture.train_or_load("run", model, _training(model, calls, 3.0), lr=0.1)
    fresh = nn.Linear(2, 2)
    again = lecture.train_or_load("run", fresh, _training(fresh, calls, 3.0), lr=0.1)
    assert calls == [3.0], "the second call must load, not train"
    assert isinstance(again, History) and again == first
    assert torch.equal(fresh.weight, torch.full((2, 2), 3.0))
    assert "loaded 'run' (lr=0.1) instead of training" in capsys.readouterr().out


def test_a_changed_setting_is_a_miss_and_trains_live(cache_on):
    calls, model = [], nn.Linear(2, 2)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.2)
    other_shape = nn.Linear(2, 3)
    lecture.train_or_load("run", other_shape, _training(other_shape, calls), lr=0.1)
    assert calls == [1.0, 1.0, 1.0]
    assert len(list(cache_on.glob("run-*.pt"))) == 3


def test_a_damaged_entry_is_retrained_not_a_crash(cache_on, capsys):
    calls, model = [], nn.Linear(2, 2)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    path = lecture.cache_path("run", model, {"lr": 0.1})
    path.write_bytes(b"not a torch file")
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    assert calls == [1.0, 1.0]
    assert "could not be used" in capsys.readouterr().out
    fresh = nn.Linear(2, 2)
    lecture.train_or_load("run", fresh, _training(fresh, calls), lr=0.1)  # the rewritten entry loads again
    assert calls == [1.0, 1.0]


def test_never_used_in_a_strict_run(cache_on, monkeypatch):
    calls, model = [], nn.Linear(2, 2)
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    lecture.train_or_load("run", model, _training(model, calls), lr=0.1)
    assert calls == [1.0, 1.0]


def test_plain_results_round_trip_and_objects_are_refused(cache_on):
    model = nn.Linear(2, 2)
    assert lecture.train_or_load("plain", model, lambda: {"losses": [1.0, 0.5]}, k=1) == {"losses": [1.0, 0.5]}
    assert lecture.train_or_load("plain", model, lambda: None, k=1) == {"losses": [1.0, 0.5]}
    with pytest.raises(TypeError, match="History or plain data"):
        lecture.train_or_load("object", model, lambda: object(), k=1)
