"""Benchmark 3: seconds of training until 99% test accuracy, the course's CNN recipe against pytorch/examples'.

The pytorch/examples `mnist/main.py` recipe: its two-conv `Net`, Adadelta lr 1.0, StepLR gamma 0.7 per epoch,
batches of 64 through a DataLoader. Both are evaluated on the full test set at fixed points (every quarter
epoch); the clock stops while evaluating. A recipe that has not reached 99% by its cap reports the cap as a
lower bound, which can only understate the course's lead.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

from bench.common import course_tensors, row, tutorial_loader
from bench.recipes import course_99_recipe
from bench.report import Row
from mnist_course.data import TensorBatches
from mnist_course.settings import seed_everything
from mnist_course.train import evaluate

TARGET = 0.99


class ExamplesNet(nn.Module):
    """The architecture of pytorch/examples' MNIST `Net`: two 3×3 convs (32, 64), max pool, dropout, two linears."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.drop1, self.drop2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1, self.fc2 = nn.Linear(9216, 128), nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = self.drop2(F.relu(self.fc1(torch.flatten(self.drop1(x), 1))))
        return self.fc2(x)


def _train_until(model, batches_fn, step_fn, epochs: int, evals_per_epoch: int, test, end_of_epoch=None) -> dict:
    """Train epoch by epoch; every 1/evals_per_epoch epoch stop the clock and evaluate. Returns the curve."""
    curve, clock = [], 0.0
    for epoch in range(epochs):
        batches = batches_fn(epoch)
        n = len(batches)
        checkpoints = {round(n * k / evals_per_epoch) for k in range(1, evals_per_epoch + 1)}
        start = time.perf_counter()
        model.train()
        for i, (xb, yb) in enumerate(batches, 1):
            step_fn(xb, yb)
            if i in checkpoints:
                clock += time.perf_counter() - start
                acc = evaluate(model, *test)["accuracy"]
                curve.append((epoch + i / n, clock, acc))
                if acc >= TARGET:
                    return {"seconds": clock, "reached": True, "curve": curve}
                model.train()
                start = time.perf_counter()
        if end_of_epoch:
            end_of_epoch()
    return {"seconds": clock, "reached": False, "curve": curve}


def examples_recipe(test, epochs: int, n: int | None) -> dict:
    seed_everything(0)
    model = ExamplesNet()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)

    def step(xb, yb):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()

    return _train_until(
        model, lambda e: tutorial_loader(train=True, batch_size=64, n=n, seed=e), step, epochs, 4, test, sched.step
    )


def course_recipe(test, n: int | None, tiny: bool) -> dict:
    x, y = course_tensors("train", n)
    seed_everything(0)
    model, opt, sched, batch, epochs, transform = course_99_recipe(len(x), tiny)

    def step(xb, yb):
        if transform is not None:
            xb = transform(xb)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()

    return _train_until(model, lambda e: TensorBatches(x, y, batch, seed=e), step, epochs, 4, test)


def run(tiny: bool = False) -> list[Row]:
    """The time-to-99% row: the course's recipe first, then pytorch/examples' (capped at three epochs)."""
    n = 1024 if tiny else None
    test = course_tensors("test", 500 if tiny else None)
    course = course_recipe(test, n, tiny)
    usual = examples_recipe(test, epochs=1 if tiny else 3, n=n)
    for name, r in (("course", course), ("pytorch/examples", usual)):
        pts = ", ".join(f"{e:.2f} ep {s:.0f} s {a:.4f}" for e, s, a in r["curve"])
        print(f"time to 99%: {name}: {'reached' if r['reached'] else 'NOT reached'} after {r['seconds']:.1f} s ({pts})")
    ratio = usual["seconds"] / course["seconds"] if course["reached"] else None

    def fmt(r):
        return f"{r['seconds']:.0f} s" if r["reached"] else f"> {r['seconds']:.0f} s"

    return [row("time to 99% test accuracy", fmt(course), fmt(usual), ratio, 10)]
