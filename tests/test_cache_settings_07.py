"""Notebook 07's training calls name every setting, so a changed setting trains with that setting.

The trap this guards against: a loop defined as ``def train(model, epochs=EPOCHS)`` binds the value ``EPOCHS`` had
when its cell ran. An instructor who edits ``EPOCHS`` and re-runs only a training cell then trains with the old
value, while figure titles (and ``train_or_load``'s cache key, which is built from the call's current settings)
read the new one. The tests read the notebook's own loop and calls from ``notebooks/07_autoencoders.py`` and run
them on a few random images: cheap, no real training.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mnist_course import lecture
from mnist_course.data import TensorBatches

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_autoencoders.py"
TRAINERS = ("train_plain", "train_autoencoder")
SETTINGS = ("epochs", "lr")  # what every call must pass by name


@pytest.fixture(scope="module")
def tree() -> ast.Module:
    return ast.parse(NOTEBOOK.read_text(encoding="utf-8"))


def _definitions(tree: ast.Module, names) -> list[ast.stmt]:
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    assert sorted(n.name for n in found) == sorted(names), f"{NOTEBOOK.name} must define {names}"
    return found


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRAINERS
    ]


def test_the_loops_bind_no_setting_when_they_are_defined(tree):
    for function in _definitions(tree, TRAINERS):
        names = [a.arg for a in function.args.args]
        with_default = names[len(names) - len(function.args.defaults) :]
        for setting in ("x", "val", *SETTINGS):
            assert setting in names and setting not in with_default, (
                f"{function.name} must take {setting} without a default, so the call names it"
            )
        for default in function.args.defaults + [d for d in function.args.kw_defaults if d is not None]:
            assert isinstance(default, ast.Constant), (
                f"{function.name} binds {ast.unparse(default)} when it is defined; pass it at the call instead"
            )


def test_every_training_call_in_the_notebook_names_its_data_and_settings(tree):
    calls = _calls(tree)
    assert len(calls) >= 8, f"expected the notebook's training calls, found {len(calls)}"
    for call in calls:
        line = f"{NOTEBOOK.name}:{call.lineno}: {ast.unparse(call)}"
        assert len(call.args) == 3, f"model, training images and validation images expected: {line}"
        assert set(SETTINGS) <= {k.arg for k in call.keywords}, f"pass {SETTINGS} by name: {line}"


def _notebook_namespace(tree: ast.Module) -> dict:
    """The notebook's loop and its measuring function, run on 48 random images on the CPU."""
    generator = torch.Generator().manual_seed(0)
    namespace = {
        "torch": torch,
        "F": F,
        "nn": nn,
        "TensorBatches": TensorBatches,
        "dev": torch.device("cpu"),
        "X_train": torch.rand(48, 1, 28, 28, generator=generator),
        "X_val": torch.rand(16, 1, 28, 28, generator=generator),
    }
    module = ast.Module(body=_definitions(tree, ("reconstruction_error", "train_autoencoder")), type_ignores=[])
    exec(compile(module, str(NOTEBOOK), "exec"), namespace)
    return namespace


def _conv_call(tree: ast.Module) -> ast.expr:
    """The notebook's training call for the convolutional autoencoder, exactly as written there."""
    (call,) = [c for c in _calls(tree) if isinstance(c.args[0], ast.Name) and c.args[0].id == "conv"]
    return call


def test_a_changed_setting_trains_with_that_setting_and_keys_the_cache_with_it(tree, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    monkeypatch.setenv("MNIST_COURSE_LECTURE_CACHE", "1")
    namespace = _notebook_namespace(tree)
    call = compile(ast.Expression(_conv_call(tree)), str(NOTEBOOK), "eval")
    settings = {k.arg: k.value for k in _conv_call(tree).keywords}
    trained_epochs = []

    def run(epochs: int):
        """An instructor sets EPOCHS, then re-runs only the training cell, wrapped in the lecture cache."""
        namespace["EPOCHS"] = epochs
        torch.manual_seed(0)
        namespace["conv"] = model = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 4), nn.Linear(4, 784), nn.Unflatten(1, (1, 28, 28))
        )

        def train():
            history = eval(call, namespace)
            trained_epochs.append(len(history))  # verbose: one row per epoch actually trained
            return history

        hparams = {
            name: eval(compile(ast.Expression(v), "<setting>", "eval"), namespace) for name, v in settings.items()
        }
        return lecture.train_or_load("07-conv", model, train, **hparams)

    assert len(run(1)) == 1
    assert len(run(2)) == 2, "a changed EPOCHS must train that many epochs"
    assert trained_epochs == [1, 2], "the changed setting is a new cache key: it trained live"
    assert len(run(1)) == 1 and trained_epochs == [1, 2], "the first setting loads its own entry again"
    assert "lecture cache: loaded '07-conv' (epochs=1, lr=0.01)" in capsys.readouterr().out
