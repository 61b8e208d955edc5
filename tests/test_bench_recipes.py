"""bench/recipes.py against the notebooks it copies: read the training cells of notebooks 06 and 10 (their .py
twins, parsed, never run) and fail, naming both files, when the bench's batch size, optimizer or learning rate
(or any other optimizer setting, or the schedule of the time-to-99% recipe) differs from the notebook's."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

from bench import recipes

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
RECIPES = "bench/recipes.py"


@dataclass
class NotebookRecipe:
    """What a notebook's training cell passes: the optimizer's class and keywords, batch size, schedule class."""

    file: str
    optimizer: str
    options: dict[str, Any]
    batch_size: int
    scheduler: str | None
    scheduler_options: dict[str, Any]

    def describe(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{self.optimizer}({options}), batch size {self.batch_size}"


def _dotted(node: ast.AST) -> str:
    """``torch.optim.SGD`` for the expression torch.optim.SGD (empty for anything else)."""
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return node.id if isinstance(node, ast.Name) else ""


def _constants(tree: ast.Module, file: str) -> dict[str, Any]:
    """The notebook's top-level ``name = literal`` assignments (a name given two different values is ambiguous)."""
    found: dict[str, Any] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                value = ast.literal_eval(stmt.value)
            except ValueError:
                continue
            name = stmt.targets[0].id
            assert found.get(name, value) == value, f"{file} sets {name} to two values: the test cannot tell which"
            found[name] = value
    return found


def _literal(node: ast.AST, constants: dict[str, Any], file: str) -> Any:
    if isinstance(node, ast.Name):
        assert node.id in constants, f"{file}: {node.id} is not a top-level constant the test can read"
        return constants[node.id]
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise AssertionError(f"{file}: {ast.unparse(node)} is not a value the test can read") from None


def _bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    """The module's statement list and every function's."""
    return [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _calls(stmts: list[ast.stmt], prefix: str) -> list[ast.Call]:
    return [n for s in stmts for n in ast.walk(s) if isinstance(n, ast.Call) and _dotted(n.func).startswith(prefix)]


def notebook_recipe(name: str, model: str) -> NotebookRecipe:
    """The training cell of notebook ``name`` that builds the optimizer on ``model.parameters()``."""
    path = NOTEBOOKS / f"{name}.py"
    file = f"notebooks/{path.name}"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=file)
    constants = _constants(tree, file)
    matches = []
    for body in _bodies(tree):
        for i, stmt in enumerate(body):
            if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
                continue
            call = stmt.value
            first = call.args[0] if call.args else None
            if (
                _dotted(call.func).startswith("torch.optim.")
                and isinstance(first, ast.Call)
                and _dotted(first.func) == f"{model}.parameters"
            ):
                matches.append((body, i, call))
    assert len(matches) == 1, f"{file}: expected one optimizer built on {model}.parameters(), found {len(matches)}"
    body, i, call = matches[0]
    batches = [kw.value for c in _calls(body[:i], "TensorBatches") for kw in c.keywords if kw.arg == "batch_size"]
    assert batches, f"{file}: no TensorBatches(..., batch_size=...) before the optimizer of {model}"
    schedulers = _calls(body[i + 1 :], "torch.optim.lr_scheduler.")
    scheduler = schedulers[0] if schedulers else None
    return NotebookRecipe(
        file=file,
        optimizer=_dotted(call.func).rsplit(".", 1)[1],
        options={kw.arg: _literal(kw.value, constants, file) for kw in call.keywords if kw.arg},
        batch_size=_literal(batches[-1], constants, file),
        scheduler=None if scheduler is None else _dotted(scheduler.func).rsplit(".", 1)[1],
        scheduler_options={}
        if scheduler is None
        else {
            kw.arg: _literal(kw.value, constants, file)
            for kw in scheduler.keywords
            if kw.arg and not isinstance(kw.value, (ast.BinOp, ast.Call))
        },
    )


def _as_the_notebook_builds_it(recipe: NotebookRecipe) -> torch.optim.Optimizer:
    optimizer_class = getattr(torch.optim, recipe.optimizer)
    return optimizer_class([torch.nn.Parameter(torch.zeros(1))], **recipe.options)


def _bench_description(make, optimizer: torch.optim.Optimizer, batch: int) -> str:
    group = optimizer.param_groups[0]
    return f"{type(optimizer).__name__}(lr={group['lr']!r}, ...), batch size {batch} in {make.__name__}"


CASES = [
    ("06_fully_connected", "net", recipes.make_mlp, recipes.MLP_BATCH),
    ("10_convolutional_networks", "cnn", recipes.make_cnn, recipes.CNN_BATCH),
]


@pytest.mark.parametrize("notebook, model, make, batch", CASES, ids=["06 MLP", "10 CNN"])
def test_bench_recipe_matches_the_notebook(notebook, model, make, batch):
    recipe = notebook_recipe(notebook, model)
    _, optimizer = make()
    where = (
        f"{recipe.file} trains with {recipe.describe()}, but {RECIPES} has "
        f"{_bench_description(make, optimizer, batch)}: change one to match the other"
    )
    assert type(optimizer).__name__ == recipe.optimizer, where
    assert batch == recipe.batch_size, where
    assert optimizer.param_groups[0]["lr"] == recipe.options["lr"], where
    assert optimizer.defaults == _as_the_notebook_builds_it(recipe).defaults, where  # momentum, weight decay, ...


def test_notebook_06_trains_as_the_recipe_docstring_says():
    recipe = notebook_recipe("06_fully_connected", "net")
    assert recipe.optimizer == "SGD" and recipe.batch_size == 256 and recipe.scheduler == "CosineAnnealingLR"
    assert recipe.options == {"lr": 0.2, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4}
    assert "CosineAnnealingLR" in recipes.__doc__ and "Nesterov momentum 0.9" in recipes.__doc__


def test_time_to_99_recipe_uses_notebook_10s_schedule():
    recipe = notebook_recipe("10_convolutional_networks", "cnn")
    _, optimizer, scheduler, batch, _, _ = recipes.course_99_recipe(1000, tiny=True)
    where = (
        f"{recipe.file} trains with {recipe.describe()} and {recipe.scheduler}({recipe.scheduler_options}), but "
        f"{RECIPES}'s course_99_recipe has {type(optimizer).__name__}, batch size {batch} and "
        f"{type(scheduler).__name__}(max_lr={optimizer.param_groups[0].get('max_lr')}): change one to match the other"
    )
    assert type(scheduler).__name__ == recipe.scheduler == "OneCycleLR", where
    assert optimizer.param_groups[0]["max_lr"] == recipe.scheduler_options["max_lr"] == recipe.options["lr"], where
    assert type(optimizer).__name__ == recipe.optimizer and batch == recipe.batch_size, where
    assert "one-cycle" in recipes.__doc__ and "OneCycleLR" in recipes.__doc__


def test_a_drifted_recipe_fails_with_both_files_named(monkeypatch):
    """The check is real: a bench learning rate off the notebook's fails, and the message names both files."""
    monkeypatch.setattr(recipes, "CNN_MAX_LR", 1e-3)
    with pytest.raises(AssertionError) as e:
        test_bench_recipe_matches_the_notebook("10_convolutional_networks", "cnn", recipes.make_cnn, recipes.CNN_BATCH)
    message = str(e.value)
    assert "notebooks/10_convolutional_networks.py trains with Adam(lr=0.003)" in message
    assert "bench/recipes.py has Adam(lr=0.001, ...), batch size 128 in make_cnn" in message


def test_the_reader_refuses_a_model_it_cannot_find():
    with pytest.raises(AssertionError, match="notebooks/10_convolutional_networks.py: expected one optimizer"):
        notebook_recipe("10_convolutional_networks", "no_such_model")
