"""Notebook 11's cached trainings train with the settings their lecture-cache key names.

The trap this guards against: ``train_model`` once took ``max_lr`` and ``batch_size`` as defaults bound when the
function was defined, while the training cell keyed the cache with the *current* values. Change ``max_lr`` and
re-run only the training cell, and the network trained at the old rate and was stored under the new key.

These tests execute the notebook's own code (the ``train_model``, ``new_model`` and ``run_ablation`` definitions
and the final training cell, read from ``notebooks/11_deep_convolutional_networks.py``) on a few random images,
exactly as an instructor would re-run the cells, and check what was really trained.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from mnist_course import deep
from mnist_course.data import TensorBatches
from mnist_course.deep import augment
from mnist_course.lecture import train_or_load
from mnist_course.settings import seed_everything
from mnist_course.train import evaluate, fit

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "11_deep_convolutional_networks.py"


def _function_source(name: str) -> str:
    text = NOTEBOOK.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    raise AssertionError(f"{NOTEBOOK.name} no longer defines {name}(): update this test")


def _cell_with(marker: str) -> str:
    cells = [c for c in re.split(r"^# %%.*$", NOTEBOOK.read_text(encoding="utf-8"), flags=re.M) if marker in c]
    assert len(cells) == 1, f"expected one cell of {NOTEBOOK.name} containing {marker!r}, found {len(cells)}"
    return cells[0]


@pytest.fixture
def notebook(monkeypatch, tmp_path):
    """The notebook's namespace, with its recipe functions defined at max_lr 0.05 and batch size 64 and a few
    random digits, as if the cells above the final training had run."""
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    monkeypatch.delenv("MNIST_COURSE_LECTURE_CACHE", raising=False)
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(64, 1, 28, 28, generator=g), torch.randint(0, 10, (64,), generator=g)
    ns = {
        "functools": functools,
        "torch": torch,
        "F": F,
        "deep": deep,
        "TensorBatches": TensorBatches,
        "augment": augment,
        "fit": fit,
        "evaluate": evaluate,
        "train_or_load": train_or_load,
        "seed_everything": seed_everything,
        "dev": torch.device("cpu"),
        "X_train": x,
        "y_train": y,
        "X_val": x[:16],
        "y_val": y[:16],
        "epochs": 1,
        "max_lr": 0.05,
        "batch_size": 64,  # one step per epoch: the first step's change is proportional to the rate
    }
    for name in ("train_model", "new_model", "run_ablation"):
        exec(_function_source(name), ns)  # noqa: S102 - the notebook's own code, defined at those values
    return ns


def _final_training(ns: dict) -> dict[str, torch.Tensor]:
    """Run the notebook's final training cell as it stands; return the trained parameters."""
    exec(_cell_with('"11-final"'), ns)  # noqa: S102
    return {k: p.detach().clone() for k, p in ns["model"].named_parameters()}


def _initial() -> dict[str, torch.Tensor]:
    seed_everything(0)
    return {k: p.detach().clone() for k, p in deep.DeepCNN().named_parameters()}


def _step(after: dict[str, torch.Tensor], before: dict[str, torch.Tensor]) -> torch.Tensor:
    return torch.cat([(after[k] - before[k]).flatten() for k in before])


def test_a_changed_rate_trains_at_the_new_rate(notebook):
    before = _initial()
    slow = _step(_final_training(notebook), before)  # at 0.05, the value train_model was defined with
    notebook["max_lr"] = 0.2  # the instructor edits the one-cycle cell, then re-runs only the training cell
    fast = _step(_final_training(notebook), before)
    # One SGD step from the same weights on the same augmented batch moves every weight by (rate) × (the same
    # vector): OneCycleLR's first rate is max_lr / 25. So the step at 0.2 must be four times the step at 0.05.
    assert slow.abs().max() > 0
    assert torch.allclose(fast, 4 * slow, rtol=1e-3, atol=1e-7), "the cell did not train at the current max_lr"


def test_a_changed_batch_size_trains_with_the_new_batch_size(notebook):
    one_step = _final_training(notebook)
    notebook["batch_size"] = 16  # four steps per epoch now
    four_steps = _final_training(notebook)
    seed_everything(0)
    reference = notebook["new_model"]()
    notebook["train_model"](
        reference,
        notebook["X_train"],
        notebook["y_train"],
        epochs=1,
        max_lr=0.05,
        batch_size=16,
        val=(notebook["X_val"], notebook["y_val"]),
        verbose=False,
    )
    assert all(torch.equal(p, four_steps[k]) for k, p in reference.named_parameters())
    assert not all(torch.equal(one_step[k], four_steps[k]) for k in one_step)


def test_train_model_has_no_defaults_for_the_keyed_settings(notebook):
    with pytest.raises(TypeError, match="max_lr"):
        notebook["train_model"](
            notebook["new_model"](), notebook["X_train"], notebook["y_train"], epochs=1, batch_size=64
        )


def test_with_the_lecture_cache_each_rate_is_stored_and_loaded_under_its_own_key(notebook, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_LECTURE_CACHE", "1")
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    before = _initial()
    slow = _final_training(notebook)
    notebook["max_lr"] = 0.2
    fast = _final_training(notebook)
    out = capsys.readouterr().out
    assert out.count("lecture cache: trained '11-final'") == 2, "the changed rate must train live, not load"
    assert torch.allclose(_step(fast, before), 4 * _step(slow, before), rtol=1e-3, atol=1e-7)

    again = _final_training(notebook)  # same settings: loaded, and it is the run trained at 0.2
    assert "lecture cache: loaded '11-final'" in capsys.readouterr().out
    assert all(torch.equal(again[k], fast[k]) for k in fast)
    notebook["max_lr"] = 0.05
    back = _final_training(notebook)
    assert all(torch.equal(back[k], slow[k]) for k in slow)


def test_the_ablation_stores_one_entry_per_rate(notebook, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MNIST_COURSE_LECTURE_CACHE", "1")
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    x, y = notebook["X_train"], notebook["y_train"]
    notebook.update(
        variants={"final recipe": ({}, {}), "− one-cycle (constant rate)": ({}, {"one_cycle": False})},
        ablation_rates=[0.2, 0.05],
        max_lr=0.2,
        ablation={},
        ablation_epochs=1,
        ablation_size=len(x),
        X_small=x,
        y_small=y,
        X_small_val=x[:16],
        y_small_val=y[:16],
        X_moved=x[:16],
    )
    notebook["run_ablation"](["final recipe", "− one-cycle (constant rate)"])
    first = {name: dict(row["val"]) for name, row in notebook["ablation"].items()}
    assert len(list((tmp_path / "lecture-cache").glob("11-ablation*.pt"))) == 4  # 2 variants × 2 rates
    assert capsys.readouterr().out.count("lecture cache: trained") == 4
    notebook["run_ablation"](["final recipe", "− one-cycle (constant rate)"])
    assert capsys.readouterr().out.count("lecture cache: loaded") == 4
    assert {name: row["val"] for name, row in notebook["ablation"].items()} == first
