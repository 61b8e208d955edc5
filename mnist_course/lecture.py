"""The lecture cache: long trainings that an instructor prepared before class load in a second (notebook 11).

A training cell that takes more than a few seconds is written as::

    history = train_or_load("08-gan", model, lambda: train_gan(model, epochs), epochs=epochs, lr=lr)

``train_or_load`` normally just calls the training function. When the lecture cache is on
(``MNIST_COURSE_LECTURE_CACHE=1``, as ``make lecture`` and ``make lab-lecture`` set it) and an entry for that name
*and those hyperparameters* exists, it loads the trained weights into ``model`` and returns the stored result
instead, and says so. Change a hyperparameter in the cell and the key changes: that run trains live (and is
stored for next time). The cache is never used in a strict run (``make run``, CI), so stored outputs always come
from real training. Entries are loaded with ``weights_only=True``; a damaged or mismatched entry is retrained.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import torch
from torch import nn

from mnist_course.settings import data_root, lecture_cache_enabled
from mnist_course.train import History

__all__ = ["cache_dir", "cache_key", "cache_path", "train_or_load"]

T = TypeVar("T")

_FORMAT = 1  # bump when the entry layout changes: old entries are then retrained, not misread


def cache_dir() -> Path:
    """Where lecture-cache entries live: ``<data root>/lecture-cache`` (notebook 11)."""
    return data_root() / "lecture-cache"


def cache_key(name: str, model: nn.Module, hparams: dict[str, Any]) -> str:
    """A short hash of the run's name, its hyperparameters and the model's class and parameter shapes (notebook 11).

    Two runs share a key only when all of these agree, so a changed setting never loads another run's weights.
    """
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    blob = json.dumps(
        {"name": name, "hparams": hparams, "model": type(model).__qualname__, "shapes": shapes, "format": _FORMAT},
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cache_path(name: str, model: nn.Module, hparams: dict[str, Any]) -> Path:
    """The file that holds the entry for this run (notebook 11)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    return cache_dir() / f"{safe}-{cache_key(name, model, hparams)}.pt"


def _to_plain(result: Any) -> dict[str, Any]:
    """The training result as plain data that ``torch.load(weights_only=True)`` accepts."""
    if isinstance(result, History):
        return {"kind": "history", "rows": [dict(row) for row in result]}
    try:
        json.dumps(result)
    except TypeError as e:
        raise TypeError(
            "train_or_load can store a History or plain data (numbers, strings, lists, dicts), "
            f"not {type(result).__name__}: return those from the training function"
        ) from e
    return {"kind": "plain", "value": result}


def _from_plain(stored: dict[str, Any]) -> Any:
    if stored["kind"] == "history":
        return History(stored["rows"])
    return stored["value"]


def _save(path: Path, model: nn.Module, result: Any, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "format": _FORMAT,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "result": _to_plain(result),
        "seconds": float(seconds),
    }
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix="part-", suffix=".tmp", delete=False) as f:
        tmp = Path(f.name)
    try:
        torch.save(entry, tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def train_or_load(name: str, model: nn.Module, train: Callable[[], T], **hparams: Any) -> T:
    """Train ``model`` with ``train()`` and return its result, or load both from the lecture cache (notebook 11).

    ``name`` names the run and ``hparams`` are the settings that define it (epochs, learning rate, width...):
    together with the model's shape they form the cache key. ``train`` trains ``model`` in place and returns a
    :class:`~mnist_course.train.History` or plain data. With the cache off (the default, and always in a strict
    run) this is just ``train()``.
    """
    if not lecture_cache_enabled():
        return train()
    path = cache_path(name, model, hparams)
    if path.is_file():
        try:
            entry = torch.load(path, map_location="cpu", weights_only=True)
            if entry.get("format") != _FORMAT:
                raise ValueError(f"entry format {entry.get('format')} is not {_FORMAT}")
            dev = next(model.parameters()).device
            model.load_state_dict(entry["state_dict"])
            model.to(dev)
            result = _from_plain(entry["result"])
        except Exception as e:  # noqa: BLE001 - any damage means: train again
            print(f"lecture cache: the entry for {name!r} could not be used ({type(e).__name__}: {e}); retraining.")
        else:
            print(
                f"lecture cache: loaded {name!r} ({', '.join(f'{k}={v}' for k, v in hparams.items()) or 'no settings'})"
                f" instead of training ({entry['seconds']:.0f} s when it was trained). Change a setting to train it "
                f"live, or delete {path.name} in {cache_dir()}."
            )
            return result
    start = time.perf_counter()
    result = train()
    seconds = time.perf_counter() - start
    _save(path, model, result, seconds)
    print(f"lecture cache: trained {name!r} in {seconds:.0f} s and stored it for next time.")
    return result
