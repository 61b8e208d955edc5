"""Headline results: each notebook records its target metrics here (introduced in notebook 01).

``record`` prints a one-line verdict. In the full course a missed target raises :class:`TargetMissed`, so the
notebook, ``make run`` and CI all fail on it. When ``MNIST_COURSE_RESULTS`` names a file (``make run`` sets it),
each result is appended there as one JSON line for the results table.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from mnist_course.train import is_quick

__all__ = ["Result", "TargetMissed", "record"]


class TargetMissed(AssertionError):
    """A notebook's headline metric missed its target in a full run."""


@dataclass
class Result:
    """One headline metric of one notebook, with its target and verdict."""

    notebook: str
    metric: str
    value: float
    target: float
    higher_is_better: bool
    passed: bool
    quick: bool

    @property
    def verdict(self) -> str:
        """A line that is the same on every machine: the metric, its target and PASS or FAIL."""
        sign = ">=" if self.higher_is_better else "<="
        return f"{self.metric} {sign} {self.target:g}: {'PASS' if self.passed else 'FAIL'}"


def record(
    metric: str,
    value: float,
    target: float,
    higher_is_better: bool = True,
    notebook: str | None = None,
) -> Result:
    """Record a headline metric against its target and print the verdict.

    ``notebook`` defaults to ``MNIST_COURSE_NOTEBOOK`` (set by ``make run``) or ``"interactive"``. In quick mode
    (``MNIST_COURSE_QUICK=1``) the verdict is printed but a miss does not raise.
    """
    value = float(value)
    passed = value >= target if higher_is_better else value <= target
    result = Result(
        notebook=notebook or os.environ.get("MNIST_COURSE_NOTEBOOK", "interactive"),
        metric=metric,
        value=value,
        target=float(target),
        higher_is_better=higher_is_better,
        passed=passed,
        quick=is_quick(),
    )
    note = " (quick mode: not enforced)" if result.quick else ""
    print(f"{metric} = {value:.4g}  ->  {result.verdict}{note}")
    path = os.environ.get("MNIST_COURSE_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(result)) + "\n")
    if not passed and not result.quick:
        raise TargetMissed(
            f"{metric} = {value:.4g} missed its target ({result.verdict}). The model did not train as the course "
            "expects: check the recipe above, or run with MNIST_COURSE_QUICK=0 for the full settings."
        )
    return result
