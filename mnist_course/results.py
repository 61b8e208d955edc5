"""Headline results: each notebook records its target metrics here (introduced in notebook 01).

``record`` prints a one-line verdict. In a strict run (``make run``, ``make quick``, nbval/CI set
``MNIST_COURSE_STRICT=1``) a missed target raises :class:`TargetMissed`, so the notebook, ``make run`` and CI all
fail on it; in an interactive session (Jupyter, Colab, a lecture) it prints a visible warning instead and the
notebook goes on. ``check`` does the same for a teaching cell's claim about a result. When ``MNIST_COURSE_RESULTS``
names a file (the runner sets it), each result is appended there as one JSON line for the results table.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass

from mnist_course.settings import is_quick, is_strict, notebook_name, results_file

__all__ = ["Result", "TargetMissed", "TargetWarning", "check", "record"]


class TargetMissed(AssertionError):
    """A notebook's headline metric (or a checked claim) failed in a strict run (notebook 01)."""


class TargetWarning(UserWarning):
    """A missed target or failed check in an interactive session: shown, not raised (notebook 01)."""


def _miss(message: str) -> None:
    """Raise in a strict run; otherwise print a visible warning and go on."""
    if is_strict():
        raise TargetMissed(message)
    print(f"WARNING: {message}")
    warnings.warn(message, TargetWarning, stacklevel=3)


def check(condition: bool, message: str) -> None:
    """A teaching cell's claim about a result, e.g. ``check(loss < 0.5, "the loss fell below 0.5")`` (notebook 01).

    In a strict full run a false claim raises :class:`TargetMissed`; in quick mode it is printed only;
    interactively it prints a warning naming the claim and the notebook goes on (a lecturer who changed a setting
    sees what changed). A claim that holds prints nothing and returns nothing, so a cell that ends with a check
    shows no stray ``True``. Checks of the code's own invariants (shapes, a gradient equal to autograd's) stay
    plain ``assert`` statements.
    """
    if not condition:
        if is_quick():
            print(f"check: {message}: no (quick mode trains too little: not enforced)")
        else:
            _miss(f"this claim no longer holds: {message}")


@dataclass
class Result:
    """One headline metric of one notebook, with its target and verdict (notebook 01)."""

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
    """Record a headline metric against its target and print the verdict (notebook 01).

    ``notebook`` defaults to the notebook the runner executes, or ``"interactive"``. A miss raises
    :class:`TargetMissed` only in a strict full run (``make run``, CI); in quick mode (``MNIST_COURSE_QUICK=1``)
    the verdict is printed and nothing more, and in an interactive session a warning says by how much it missed.
    """
    value = float(value)
    passed = value >= target if higher_is_better else value <= target
    result = Result(
        notebook=notebook or notebook_name() or "interactive",
        metric=metric,
        value=value,
        target=float(target),
        higher_is_better=higher_is_better,
        passed=passed,
        quick=is_quick(),
    )
    note = " (quick mode: not enforced)" if result.quick else ""
    print(f"{metric} = {value:.4g}  ->  {result.verdict}{note}")
    path = results_file()
    if path is not None:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(result)) + "\n")
    if not passed and not result.quick:
        gap = abs(value - result.target)
        _miss(
            f"{metric} = {value:.4g} missed its target ({result.verdict}) by {gap:.4g}. With the course's own "
            "settings this means the model did not train as expected: check the recipe above. If you changed a "
            "setting on purpose, this is what the change did."
        )
    return result
