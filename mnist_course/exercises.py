"""Exercises that check themselves: ``check``, ``hint`` and ``solution`` for the course's exercises (notebook 01).

Each notebook's exercises form a namespace, ``notebook01`` to ``notebook11``, with one :class:`Exercise` per
exercise, ``q1`` to ``q5``, numbered as in the notebook::

    from mnist_course.exercises import notebook05 as ex
    ex.q3.hint()                       # a nudge in the lesson's terms
    ex.q3.check(softmax_jacobian)      # "Correct: ..." or "Not yet: <what is wrong, and why>"
    ex.q3.solution()                   # where the solution is, and its key lines

``check`` prints one line and returns ``None``, like :func:`mnist_course.results.check`, so a cell that ends with it
shows no bare ``True``. It never lets an exception out of the package on a wrong answer: an answer of the wrong
type or shape, and an exception raised by the student's own function, come back as a "Not yet" that says what was
called with what ("your function raised ValueError: ... when called on a vector of 10 logits"). The one exception
is deliberate: in a strict run (``MNIST_COURSE_STRICT=1``: ``make run``, CI), where the exercise solutions run as
written and end by checking their own answer, a failed check raises :class:`ExerciseNotPassed`, so CI proves that
every solution passes its check. :meth:`Exercise.feedback` returns the verdict as a :class:`Feedback` instead of
printing it (the tests use it).

The checks test properties of the answer, computed on the student's own inputs with torch as the oracle (shapes,
sums, equality with a reference built inside the check), never a memorised number that moves with the seed, the
machine or quick mode. The solution code itself lives in one place, the collapsed block under each exercise in the
notebook; ``solution()`` points there and prints only its key lines.

Why no grading library: otter-grader and nbgrader grade a whole assignment notebook in their own format (with a
server or a grading step), and nbautoeval needs its own exercise format and dependencies; this course installs in
Colab with ``pip install --no-deps``, so the checks use torch and NumPy only, which every notebook already needs.

Every exercise of the course, and whether it is checked. *Checkable*: the answer is a value, a tensor, a function
or a model, and ``check`` tests it. *Open*: an experiment or an explanation, whose outcome depends on training or
is an argument; the notebook's collapsed block holds a sample answer, and ``check`` says so::

    | notebook | exercise | kind | why |
    |---|---|---|---|
    | 01 | 1 shake everything | open | an experiment: two training curves compared |
    | 01 | 2 step size | open | an experiment and its explanation (scale invariance) |
    | 01 | 3 overfitting | open | an experiment: a train/test gap measured |
    | 01 | 4 a dead template | checkable | the per-digit recall is a value computed from predictions and labels |
    | 02 | 1 test labels by hand | checkable | a tensor: the 10,000 test labels read from the raw file |
    | 02 | 2 nearest mean image | checkable | a tensor: the ten mean images of the fitting split |
    | 02 | 3 per-pixel standardization | checkable | a tensor: the standardized images, with no NaN |
    | 02 | 4 stratified split | checkable | a tensor: the validation indices, 500 of each digit |
    | 02 | 5 DataLoader workers | open | a timing and its explanation, machine-dependent |
    | 03 | 1 grayscale | checkable | a tensor: the weighted sum over the colour axis |
    | 03 | 2 heavy sevens | checkable | a tensor: the images one combined mask selects |
    | 03 | 3 montage | checkable | a tensor: the 280×280 montage |
    | 03 | 4 vertical extent | checkable | two tensors: the first and last inked row of every image |
    | 03 | 5 view against reshape | checkable | a tensor whose rows are the transposed images (and an explanation) |
    | 04 | 1 forward or central | open | an experiment on a plot, and its explanation |
    | 04 | 2 stability limit | checkable | a value: the predicted learning rate above which gradient descent diverges |
    | 04 | 3 rotated valley | open | an experiment: three optimizers compared |
    | 04 | 4 Adam on MNIST | open | an experiment: training outcomes compared |
    | 05 | 1 three learning rates | open | an experiment: training outcomes compared |
    | 05 | 2 weight decay | checkable | a function: the gradient of the decay term |
    | 05 | 3 softmax Jacobian | checkable | a function: the Jacobian of softmax, against autograd |
    | 05 | 4 pixels in [0, 1] | open | an experiment: training outcomes compared |
    | 05 | 5 mean or sum | open | an explanation, shown by an experiment |
    | 06 | 1 two hidden units | open | an experiment on decision regions, and its explanation |
    | 06 | 2 zero initialization | checkable | a value: which parameters move away from zero |
    | 06 | 3 no ReLU | checkable | a function: the network's forward pass without the ReLU |
    | 06 | 4 linear scaling | open | an experiment: timings and accuracies compared |
    | 06 | 5 dropout on 50,000 images | open | an experiment: a choice between training outcomes |
    | 07 | 1 is this a digit at all | open | an experiment: a threshold on a trained autoencoder's errors |
    | 07 | 2 untie the weights | open | an experiment: a trained model against PCA |
    | 07 | 3 decode the whole plane | open | a picture read by eye |
    | 07 | 4 codes as features | open | an experiment: a probe's accuracy after training |
    | 07 | 5 masking noise | checkable | a function: the masking noise (the training after it stays open) |
    | 08 | 1 weigh the KL term | open | an experiment: trained VAEs compared |
    | 08 | 2 a walk without a pull | open | an experiment and its explanation |
    | 08 | 3 change the rules of the game | open | experiments: trained GANs compared |
    | 08 | 4 one hand, many digits | open | a picture read by eye |
    | 08 | 5 sneakers instead of digits | open | an experiment: a VAE on Fashion-MNIST |
    | 09 | 1 padding | checkable | a function: convolution with zero padding, against F.conv2d |
    | 09 | 2 stride | checkable | a function: strided convolution by unfold, against F.conv2d |
    | 09 | 3 a diagonal kernel | checkable | a tensor: a 3×3 kernel, tested on stroke patterns |
    | 09 | 4 another template | open | an experiment: matching scores compared |
    | 09 | 5 separable blur | checkable | a tensor: the 1-D kernel whose outer product is the blur |
    | 10 | 1 is it the learning rate | open | an experiment: four trainings compared |
    | 10 | 2 data augmentation | checkable | a function: the random shift (the training after it stays open) |
    | 10 | 3 count the parameters | checkable | a value: the parameter count by hand |
    | 10 | 4 how small | open | an experiment: a small network's accuracy |
    | 10 | 5 confusions | open | a reading of a trained network's confusion matrix |
    | 11 | 1 deeper or not | open | an experiment: three depths compared |
    | 11 | 2 test-time augmentation | open | an experiment: a choice on the validation split |
    | 11 | 3 is a difference real | open | an experiment: runs repeated with other seeds |
    | 11 | 4 linear probe | open | an experiment: transfer outcomes compared |
    | 11 | 5 fewer examples | open | an experiment: transfer outcomes compared |
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from mnist_course.settings import is_strict

__all__ = [
    "Exercise",
    "ExerciseNotPassed",
    "Feedback",
    "Notebook",
    "NOTEBOOKS",
    *(f"notebook{n:02d}" for n in range(1, 12)),
]


class ExerciseNotPassed(AssertionError):
    """An exercise solution failed its own check in a strict run (``make run``, CI) (notebook 01)."""


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``passed`` and the sentence ``check`` prints (notebook 01)."""

    passed: bool
    message: str

    def __str__(self) -> str:
        return f"{'Correct' if self.passed else 'Not yet'}: {self.message}"


class _NotYet(Exception):
    """Raised inside a grader to reject an answer with a message; never leaves this module."""


Grader = Callable[..., str]


class Exercise:
    """One exercise of one notebook, with ``check``, ``hint`` and ``solution`` (notebook 01).

    ``grader`` is ``None`` for an open exercise (an experiment or an explanation). Otherwise it receives the
    arguments of ``check`` and returns the sentence that follows "Correct:", or raises ``_NotYet`` with what is
    wrong.
    """

    def __init__(
        self,
        notebook: str,
        number: int,
        title: str,
        grader: Grader | None = None,
        hint: str = "",
        key: str = "",
        call: str = "",
    ) -> None:
        self.notebook, self.number, self.title = notebook, number, title
        self._grader, self._hint, self._key, self.call = grader, hint, key, call

    @property
    def checkable(self) -> bool:
        """True when ``check`` tests the answer; False for an open exercise (notebook 01)."""
        return self._grader is not None

    def __repr__(self) -> str:
        kind = f"check with {self.call}" if self.checkable else "open"
        return f"<exercise {self.number} of notebook {self.notebook}, {self.title!r}: {kind}>"

    def feedback(self, *answer: Any, **given: Any) -> Feedback:
        """The verdict on ``answer`` without printing it; never raises (notebook 01)."""
        if self._grader is None:
            return Feedback(False, self._open_text())
        try:
            inspect.signature(self._grader).bind(*answer, **given)
        except TypeError as e:
            return Feedback(False, f"call the check as {self.call} ({e})")
        try:
            return Feedback(True, self._grader(*answer, **given))
        except _NotYet as wrong:
            return Feedback(False, str(wrong))
        except Exception as e:  # an answer so unexpected that a comparison failed: still an answer, not a crash
            return Feedback(
                False, f"the check could not read this answer ({type(e).__name__}: {e}); it expects {self.call}"
            )

    def check(self, *answer: Any, **given: Any) -> None:
        """Print "Correct: ..." or "Not yet: <what is wrong>" about ``answer``, and return nothing (notebook 01).

        In a strict run (``MNIST_COURSE_STRICT=1``, where CI runs the solutions) a wrong answer raises
        :class:`ExerciseNotPassed` after printing, so a solution that fails its own check fails CI.
        """
        verdict = self.feedback(*answer, **given)
        print(verdict if self.checkable else verdict.message)
        if self.checkable and not verdict.passed and is_strict():
            raise ExerciseNotPassed(f"notebook {self.notebook}, exercise {self.number}: {verdict}")

    def hint(self) -> None:
        """Print a hint for the exercise (notebook 01)."""
        if self._hint:
            print(f"Hint for exercise {self.number}: {self._hint}")
        else:
            print(self._open_text())

    def solution(self) -> None:
        """Print where the solution is, and its key lines for a checked exercise (notebook 01)."""
        where = (
            f"The solution of exercise {self.number} ({self.title}) is the collapsed 'Solution' block under the "
            f"exercise in notebook {self.notebook}: click it to open it."
        )
        print(where if not self._key else f"{where} Its key lines:\n\n{self._key}")

    def _open_text(self) -> str:
        return (
            f"Exercise {self.number} of notebook {self.notebook} ({self.title}) is open: an experiment or an "
            "explanation with no single right answer to check. Try it, then compare with the sample answer in the "
            "collapsed 'Solution' block under it."
        )


class Notebook:
    """The exercises of one notebook as attributes ``q1``, ``q2``, ... (notebook 01)."""

    def __init__(self, number: str, exercises: Sequence[Exercise]) -> None:
        self.number = number
        self.exercises = list(exercises)
        for k, exercise in enumerate(self.exercises, start=1):
            if exercise.number != k:
                raise ValueError(f"notebook {number}: exercise {exercise.number} listed in position {k}")
            setattr(self, f"q{k}", exercise)

    def __repr__(self) -> str:
        return f"<exercises of notebook {self.number}: " + ", ".join(repr(e.title) for e in self.exercises) + ">"

    def __getattr__(self, name: str) -> Exercise:
        # Only reached for a missing attribute: say how many exercises there are instead of a bare AttributeError.
        raise AttributeError(
            f"notebook {self.__dict__.get('number')} has exercises q1 to q{len(self.__dict__.get('exercises', []))};"
            f" there is no {name}"
        )


# ------------------------------------------------------------------------------------------------ helpers


def _size(t: torch.Tensor | np.ndarray) -> str:
    """A shape as the notebooks write it: 600×512×3."""
    return "×".join(str(n) for n in t.shape) if len(t.shape) else "a single number (no axes)"


def _as_tensor(answer: Any, what: str) -> torch.Tensor:
    """The answer as a tensor (a NumPy array is converted), or a "Not yet" saying what it is instead."""
    if isinstance(answer, torch.Tensor):
        return answer.detach().cpu()
    if isinstance(answer, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(answer))
    raise _NotYet(f"{what} should be a tensor, but this is {_kind(answer)}")


def _kind(answer: Any) -> str:
    if answer is None:
        return "None (did the cell that computes it run, and does your function end with return?)"
    if callable(answer) and not isinstance(answer, torch.Tensor):
        return "a function (pass what it returns, not the function itself)"
    return f"a {type(answer).__name__}"


def _number(answer: Any, what: str) -> float:
    """A plain number from a float, an int or a one-element tensor or array."""
    if isinstance(answer, bool) or answer is None:
        raise _NotYet(f"{what} should be a number, but this is {_kind(answer)}")
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        if int(np.prod(answer.shape)) == 1:
            return float(answer.item())
        raise _NotYet(f"{what} should be one number, but this is a tensor of shape {_size(answer)}")
    if isinstance(answer, (int, float)):
        return float(answer)
    raise _NotYet(f"{what} should be a number, but this is {_kind(answer)}")


def _call(fn: Any, args: tuple[Any, ...], on: str) -> Any:
    """Call the student's function; an exception becomes a "Not yet" that names what it was called on."""
    if not callable(fn):
        raise _NotYet(f"this should be a function (def ...), but it is {_kind(fn)}")
    try:
        return fn(*args)
    except Exception as e:
        text = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise _NotYet(
            f"your function raised {type(e).__name__}{': ' + text if text else ''} when called on {on}"
        ) from None


def _close(a: torch.Tensor, b: torch.Tensor, tol: float = 1e-4) -> bool:
    """Same shape and equal within ``tol`` relative to b's scale (NaN never equals)."""
    if a.shape != b.shape:
        return False
    a, b = a.double(), b.double()
    if torch.isnan(a).any():
        return False
    return bool((a - b).abs().max() <= tol * max(1.0, b.abs().max().item())) if a.numel() else True


def _images_labels(x: Any, y: Any, names: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The images (N×H×W) and labels (N integers) a check was given, or a "Not yet" naming the argument."""
    images_name, labels_name = names.split(", ")
    images = _as_tensor(x, images_name)
    labels = _as_tensor(y, labels_name)
    if images.dim() != 3:
        raise _NotYet(f"{images_name} should be the N×28×28 images, got shape {_size(images)}")
    if labels.dim() != 1 or labels.is_floating_point() or labels.is_complex() or len(labels) != len(images):
        raise _NotYet(f"{labels_name} should be the {len(images):,} labels of those images, got shape {_size(labels)}")
    return images, labels.long()


def _returned(out: Any, on: str) -> torch.Tensor:
    if not isinstance(out, torch.Tensor):
        raise _NotYet(f"your function returned {_kind(out)} when called on {on}; it should return a tensor")
    return out.detach().cpu()


# ------------------------------------------------------------------------------------------------ notebook 01


def _recall(recall: Any, predictions: Any, labels: Any) -> str:
    preds = _as_tensor(predictions, "the predictions (second argument)")
    y = _as_tensor(labels, "the labels (third argument)").long()
    if preds.dim() == 2 and preds.shape[1] == 10:
        raise _NotYet(
            "pass the predicted digits (one per image: the scores' argmax over the class axis, .argmax(1)), "
            f"not the {_size(preds)} scores"
        )
    if preds.shape != y.shape:
        raise _NotYet(f"the predictions ({_size(preds)}) and labels ({_size(y)}) should have one entry per image each")
    if isinstance(recall, (list, tuple)) and recall and isinstance(recall[0], str):
        try:
            recall = [float(r) for r in recall]
        except ValueError:
            raise _NotYet(
                "the recalls should be numbers, not text (keep the numbers; format them only to print)"
            ) from None
    if isinstance(recall, (torch.Tensor, np.ndarray)) and (
        recall.dtype.kind == "c" if isinstance(recall, np.ndarray) else recall.is_complex()
    ):
        raise _NotYet("the recall should be ten real numbers between 0 and 1, not complex ones")
    try:
        r = torch.as_tensor(recall, dtype=torch.float64).flatten()
    except Exception:
        raise _NotYet(f"the recall should be ten numbers, one per digit, but this is {_kind(recall)}") from None
    if r.numel() != 10:
        raise _NotYet(f"the recall should be ten numbers, one per digit 0 to 9; you have {r.numel()}")
    preds = preds.long()
    hits = torch.stack([((preds == d) & (y == d)).sum() for d in range(10)]).double()
    per_label = torch.stack([(y == d).sum() for d in range(10)]).double()
    per_prediction = torch.stack([(preds == d).sum() for d in range(10)]).double()
    reference = hits / per_label
    if torch.allclose(r, reference, atol=1e-6):
        dead = [d for d in range(10) if reference[d] < 0.05]
        return "the share of each digit's images that are predicted as that digit" + (
            f"; digit{'s' if len(dead) > 1 else ''} {', '.join(map(str, dead))} almost never predicted" if dead else ""
        )
    if torch.allclose(r, hits, atol=1e-6):
        raise _NotYet("these are counts of correct predictions: divide each by the number of images of that digit")
    precision = torch.where(per_prediction > 0, hits / per_prediction.clamp(min=1), torch.nan)
    same = torch.isclose(r, precision, atol=1e-6) | (precision.isnan() & (r.isnan() | (r == 0)))
    if bool(same.all()):
        raise _NotYet(
            "you divided by the number of images *predicted* as each digit: that is precision. Recall divides by "
            "the number of images whose *label* is that digit: ((pred == d) & (y == d)).sum() / (y == d).sum()"
        )
    if torch.allclose(r, hits / len(y), atol=1e-6):
        raise _NotYet(
            f"you divided by all {len(y):,} images: recall divides by the number of images of that digit, (y == d).sum()"
        )
    worst = int((r - reference).abs().argmax())
    raise _NotYet(
        f"the recall of digit {worst} should be {reference[worst]:.3f} (the share of its {int(per_label[worst])} "
        f"images predicted as {worst}), yours is {r[worst]:.3f}"
    )


# ------------------------------------------------------------------------------------------------ notebook 02


def _test_labels(test_labels: Any) -> str:
    labels = _as_tensor(test_labels, "test_labels")
    n = labels.numel()
    if labels.dim() != 1:
        raise _NotYet(f"the labels should be one number per image, a 1-D tensor; yours has shape {_size(labels)}")
    if n == 10_008:
        raise _NotYet(
            "10,008 values: the first 8 bytes are the header (magic number and count), not labels; "
            "start reading at offset=8"
        )
    if n in (1250, 1251, 2500, 2502, 5000, 5004):
        raise _NotYet(
            f"{n:,} values: frombuffer grouped several bytes into one number; a label is one byte, so read the "
            "bytes as np.uint8 and convert them afterwards (.astype(np.int64))"
        )
    if n == 60_000:
        raise _NotYet("60,000 labels: that is the training label file; the test labels are in t10k-labels-idx1-ubyte")
    if n != 10_000:
        raise _NotYet(f"the test label file holds 10,000 labels; you have {n:,}")
    if labels.dtype != torch.int64:
        raise _NotYet(
            f"the values are {labels.dtype}; labels in the course are int64, as y_test is (convert with "
            ".astype(np.int64) before torch.from_numpy, or .long()); this check asks for that dtype, although "
            "torch.equal alone would call uint8 and int64 labels with the same values equal"
        )
    from mnist_course.data import load_mnist

    try:
        _, y_test = load_mnist("test")
    except Exception as e:  # no data here: say what was checked
        return f"10,000 int64 labels (y_test could not be loaded to compare: {type(e).__name__})"
    if not torch.equal(labels, y_test):
        first = int((labels != y_test).nonzero()[0, 0])
        raise _NotYet(
            f"{int((labels != y_test).sum()):,} labels differ from y_test, the first at position {first} "
            f"(yours {int(labels[first])}, y_test {int(y_test[first])}): is this the test label file, read from byte 8?"
        )
    return "10,000 int64 labels, equal to y_test"


def _centres(centres: Any, x_fit: Any, y_fit: Any) -> str:
    c = _as_tensor(centres, "centres").double()
    images, labels = _images_labels(x_fit, y_fit, "x_fit (second argument), y_fit (third argument)")
    if set(labels.unique().tolist()) != set(range(10)):
        raise _NotYet("y_fit should hold labels of all ten digits, 0 to 9")
    flat = images.reshape(len(images), -1)
    reference = torch.stack([flat[labels == d].float().mean(0) for d in range(10)]).double()
    if c.dim() == 3:
        c = c.reshape(len(c), -1)
    if c.shape == (reference.shape[1], 10):
        raise _NotYet(f"shape {_size(c)}: transposed; one row per digit, 10×{reference.shape[1]}")
    if c.shape != reference.shape:
        raise _NotYet(
            f"shape {_size(c)}: the centres are one mean image per digit, 10×{reference.shape[1]} "
            f"(or 10×28×28): stack x_fit[y_fit == d].float().mean(0) for d in range(10)"
        )
    if _close(c, reference, 1e-4):
        return "row d is the mean of the fitting images of digit d"
    if _close(c * 255, reference, 1e-4):
        return "row d is the mean of the fitting images of digit d, on the [0, 1] scale (compare with validation images on the same scale)"
    rows = [next((d for d in range(10) if _close(c[k], reference[d], 1e-4)), None) for k in range(10)]
    if None not in rows:
        raise _NotYet(f"the rows are the right mean images in the wrong order ({rows}): row d must belong to digit d")
    if _close(c, flat.float().mean(0).double().expand(10, -1), 1e-4):
        raise _NotYet("every row is the mean of all fitting images: select each digit's images with y_fit == d")
    worst = int((c - reference).abs().amax(1).argmax())
    raise _NotYet(
        f"row {worst} is not the mean of x_fit[y_fit == {worst}] (it differs by up to "
        f"{(c[worst] - reference[worst]).abs().max():.3g} grey levels): compute the means from the 50,000 fitting "
        "images only, not from x_train, which still holds the validation images"
    )


def _per_pixel(per_pixel: Any) -> str:
    t = _as_tensor(per_pixel, "per_pixel")
    if not t.is_floating_point():
        raise _NotYet(f"the values are {t.dtype}; standardized pixels are floats (scale with to_unit first)")
    if t.dim() not in (2, 3) or t.reshape(len(t), -1).shape[1] != 784:
        raise _NotYet(f"shape {_size(t)}: expected one row of 784 pixels per image (N×784 or N×28×28)")
    flat = t.reshape(len(t), -1).float()  # float32: a float64 copy of 60,000 images would take 376 MB
    nan = int(torch.isnan(flat).any(0).sum())
    if nan:
        raise _NotYet(
            f"{nan} of the 784 pixel positions hold NaN: pixels that are 0 in every training image have standard "
            "deviation 0, and (0 − 0) / 0 is NaN. Clamp the standard deviation from below, sigma.clamp(min=1e-2)"
        )
    if torch.isinf(flat).any():
        raise _NotYet("some values are infinite: a standard deviation of 0 divides a non-zero difference; clamp it")
    column_means = flat.mean(0)
    if column_means.abs().max() > 1e-3:
        if flat.mean(1).abs().max() < 1e-3:
            raise _NotYet(
                "each image has mean 0, but each pixel position does not: you standardized per image (over axis 1); "
                "per pixel means a mean and a standard deviation over the images, u.mean(0) and u.std(0)"
            )
        if abs(flat.mean().item()) < 1e-3:
            raise _NotYet(
                "the pixels have mean 0 overall but not at each position: that is one mean and standard deviation for "
                "all pixels (notebook 02's standardization); per pixel means u.mean(0), u.std(0): 784 of each"
            )
        raise _NotYet(
            "the pixel positions do not have mean 0: subtract each position's mean over the images, u.mean(0)"
        )
    stds = flat.std(0)
    ones = int(((stds - 1).abs() < 1e-2).sum())
    if ones < 392:
        raise _NotYet(
            f"only {ones} of the 784 pixel positions have standard deviation 1: divide each position's deviations "
            "by that position's standard deviation over the images, u.std(0)"
        )
    if stds.max() > 1.01:
        raise _NotYet(
            f"some pixel positions have a standard deviation of {stds.max():.2f} after standardizing: divide each "
            "position by its own standard deviation over the images, u.std(0)"
        )
    largest = flat.abs().max().item()
    return (
        f"no NaN, every pixel position has mean 0 and a standard deviation of at most 1; the largest value, "
        f"{largest:.0f}, comes from a pixel inked in only a few images"
        if largest > 20
        else "no NaN, every pixel position has mean 0 and a standard deviation of at most 1"
    )


def _stratified(indices: Any, y_train: Any) -> str:
    idx = _as_tensor(indices, "the validation indices")
    labels = _as_tensor(y_train, "y_train (second argument)")
    if labels.dim() != 1 or labels.is_floating_point() or labels.is_complex() or (len(labels) and labels.min() < 0):
        raise _NotYet(f"y_train should be the training labels, one digit per image; got shape {_size(labels)}")
    labels = labels.long()
    if idx.dtype == torch.bool:
        if idx.shape != labels.shape:
            raise _NotYet(f"a mask should have one entry per training image, {len(labels):,}; yours has {_size(idx)}")
        idx = idx.nonzero().flatten()
    if idx.is_floating_point() or idx.is_complex():
        raise _NotYet(
            "the indices are floats: index tensors are integers (torch.randperm and torch.nonzero give int64)"
        )
    idx = idx.long().flatten()
    if len(idx) and (idx.min() < 0 or idx.max() >= len(labels)):
        raise _NotYet(f"some indices are outside 0 to {len(labels) - 1}: index into y_train")
    within = len(idx) and idx.max() < int(torch.bincount(labels, minlength=10).max())
    if len(idx.unique()) != len(idx):
        raise _NotYet(
            f"{len(idx) - len(idx.unique())} images are picked more than once: "
            + (
                "torch.randperm(count) numbers each digit's own images, so map its indices through "
                "torch.nonzero(y_train == d) to get positions in y_train"
                if within
                else "draw without replacement, torch.randperm(count)[:500], not torch.randint"
            )
        )
    counts = torch.bincount(labels[idx], minlength=10)
    if bool((counts == 500).all()):
        return "500 images of each digit, none twice"
    extra = (
        " All your indices are small: torch.randperm(count) numbers each digit's own images, so map them through "
        "torch.nonzero(y_train == d) to get positions in y_train."
        if within
        else ""
    )
    if len(idx) == 5000:
        raise _NotYet(
            f"5,000 images but not 500 of each digit (counts {counts.tolist()}): a random draw from all images is "
            f"not stratified; draw 500 from each digit's own images.{extra}"
        )
    raise _NotYet(f"the counts per digit are {counts.tolist()}, not 500 each.{extra}")


# ------------------------------------------------------------------------------------------------ notebook 03

GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def _gray(gray: Any, photo: Any) -> str:
    g = _as_tensor(gray, "gray").double()
    p = _as_tensor(photo, "photo (second argument)").double()
    if p.dim() != 3 or p.shape[-1] < 3:
        raise _NotYet(f"photo should be the H×W×3 colour image; this has shape {_size(p)}")
    rgb = p[..., :3]
    reference = rgb @ torch.tensor(GRAY_WEIGHTS, dtype=torch.float64)
    if g.shape == p.shape:
        raise _NotYet(
            f"shape {_size(g)}: the colour axis is still there; multiply by the weights, then sum over the last axis "
            "(axis=-1)"
        )
    if g.shape != reference.shape:
        raise _NotYet(
            f"shape {_size(g)}, expected {_size(reference)}: sum over the colour axis, the last one (axis=-1), "
            "not over rows or columns"
        )
    scale = max(1.0, reference.abs().max().item())
    if _close(g, reference, 1e-4):
        return f"a {_size(g)} weighted sum over the colour axis"
    if _close(g, reference / 255, 1e-4) or _close(g * 255, reference, 1e-4 * scale):
        return f"a {_size(g)} weighted sum over the colour axis, on a 0-to-1 scale"
    if _close(g, rgb.mean(-1), 1e-4):
        raise _NotYet("this is the plain mean of the three channels: weight them 0.299, 0.587, 0.114")
    if _close(g, rgb @ torch.tensor(GRAY_WEIGHTS[::-1], dtype=torch.float64), 1e-4):
        raise _NotYet("the weights are reversed: channel 0 is red (0.299), channel 2 blue (0.114)")
    raise _NotYet("the values differ from 0.299·red + 0.587·green + 0.114·blue at each pixel")


def _heavy_sevens(heavy: Any, x: Any, y: Any) -> str:
    images, labels = _images_labels(x, y, "x (second argument), y (third argument)")
    ink = images.sum(dim=tuple(range(1, images.dim()))).double()
    sevens = labels == 7
    median = ink[sevens].median()
    reference = images[sevens & (ink > median)]
    count = len(heavy) if isinstance(heavy, (torch.Tensor, np.ndarray)) and len(heavy.shape) else None
    if count is None:
        count = int(_number(heavy, "heavy_sevens (the images, or how many there are)"))
        whole_images = False
    else:
        whole_images = True
    if count == len(reference):
        if whole_images and not torch.equal(_as_tensor(heavy, "heavy_sevens").to(images.dtype), reference):
            raise _NotYet("the right number of images, but not the right ones: select x[(y == 7) & (ink > median)]")
        return f"{count:,} of the {int(sevens.sum()):,} sevens use more ink than the median seven"
    wrong = {
        int((sevens & (ink >= median)).sum()): "sevens with exactly the median ink count too: 'more than' is >, not >=",
        int(
            (sevens & (ink > ink.median())).sum()
        ): "you compared with the median of all digits; use the median of the sevens, ink[y == 7].median()",
        int((ink > median).sum()): "other digits got in: combine both conditions with &, (y == 7) & (ink > median)",
        int(sevens.sum()): "that is every seven: add the ink condition to the mask",
    }
    for n, reason in wrong.items():
        if count == n and n != len(reference):
            raise _NotYet(f"{count:,} images: {reason}")
    raise _NotYet(f"{count:,} images, but {len(reference):,} sevens use more ink than the median seven")


def _montage(montage: Any, x: Any, y: Any) -> str:
    m = _as_tensor(montage, "montage")
    images, labels = _images_labels(x, y, "x (second argument), y (third argument)")
    if images.shape[1:] != (28, 28) or min(int((labels == d).sum()) for d in range(10)) < 10:
        raise _NotYet("x, y should be the images and labels of notebook 03, with at least ten images of each digit")
    if m.shape != (280, 280):
        raise _NotYet(f"shape {_size(m)}: the montage is one 280×280 image (10 digits × 28 pixels each way)")
    idx = torch.cat([torch.nonzero(labels == d)[:10, 0] for d in range(10)])
    blocks = images[idx].reshape(10, 10, 28, 28)
    m = m.to(images.dtype) if not m.is_floating_point() else m
    rows = blocks.permute(0, 2, 1, 3).reshape(280, 280)
    columns = blocks.permute(1, 2, 0, 3).reshape(280, 280)
    if _close(m.double(), rows.double(), 1e-6):
        return "one row of ten images per digit, digits 0 to 9 from top to bottom"
    if _close(m.double(), columns.double(), 1e-6):
        return "one column of ten images per digit (a row per digit works as well)"
    if _close(m.double(), blocks.reshape(280, 280).double(), 1e-6):
        raise _NotYet(
            "a plain reshape puts the 28 rows of one image side by side instead of below each other: bring the "
            "axes into the order (digit, pixel row, image, pixel column) with permute(0, 2, 1, 3) before reshaping"
        )
    first = images[:100].reshape(10, 10, 28, 28).permute(0, 2, 1, 3).reshape(280, 280)
    if _close(m.double(), first.double(), 1e-6):
        raise _NotYet("these are the first 100 images; take the first ten of each digit, torch.nonzero(y == d)[:10]")
    raise _NotYet("the montage differs from the first ten images of each digit, one digit per row")


def _extent(first_row: Any, last_row: Any, x: Any) -> str:
    first = _as_tensor(first_row, "first_row").long()
    last = _as_tensor(last_row, "last_row").long()
    images = _as_tensor(x, "x (third argument)")
    if images.dim() != 3:
        raise _NotYet(f"x should be the N×28×28 images, got shape {_size(images)}")
    has_ink = images.sum(dim=2) > 0
    ref_first = has_ink.int().argmax(dim=1)
    ref_last = images.shape[1] - 1 - has_ink.flip(1).int().argmax(dim=1)
    for name, t in (("first_row", first), ("last_row", last)):
        if t.shape != ref_first.shape:
            raise _NotYet(f"{name} has shape {_size(t)}: expected one row number per image, {len(images):,}")
    if torch.equal(first, ref_first) and torch.equal(last, ref_last):
        return "the first and last inked row of every image, without a loop"
    if torch.equal(first, ref_first) and torch.equal(last, ref_last + 1):
        raise _NotYet("last_row is one too large: after flip, argmax counts from 0, so the last row is 27 − argmax")
    cols = images.sum(dim=1) > 0
    if torch.equal(first, cols.int().argmax(dim=1)):
        raise _NotYet(
            "first_row is the first inked *column*: sum over the columns (dim=2) to ask whether a row has ink"
        )
    if torch.equal(first, images.sum(dim=2).argmax(dim=1)):
        raise _NotYet(
            "first_row is the row with the most ink, not the first row with any: compare the row sums with 0 first"
        )
    if not torch.equal(first, ref_first):
        k = int((first != ref_first).nonzero()[0, 0])
        raise _NotYet(f"image {k}: first_row is {int(first[k])}, but its first inked row is {int(ref_first[k])}")
    k = int((last != ref_last).nonzero()[0, 0])
    raise _NotYet(f"image {k}: last_row is {int(last[k])}, but its last inked row is {int(ref_last[k])}")


def _transposed_rows(t5: Any, x: Any) -> str:
    t = _as_tensor(t5, "t5")
    images = _as_tensor(x, "x (second argument)")
    if t.shape != (5, 784):
        raise _NotYet(f"shape {_size(t)}: reshape the five permuted images to 5×784")
    if torch.equal(t, images[:5].reshape(5, 784)):
        raise _NotYet("the rows are the images as they are: permute(0, 2, 1) first, then reshape")
    if torch.equal(t, images[:5].permute(0, 2, 1).reshape(5, 784)):
        return "row k, read as 28×28, is image k transposed; reshape had to copy to get there"
    raise _NotYet("row k should be image k transposed: x[:5].permute(0, 2, 1).reshape(5, 784)")


# ------------------------------------------------------------------------------------------------ notebook 04


def _largest_lr(largest_lr: Any, kappa: float = 100.0) -> str:
    lr = _number(largest_lr, "your predicted learning rate")
    if math.isclose(lr, 2 / kappa, rel_tol=1e-6):
        return f"η < 2/κ = {2 / kappa:g}; at that rate 1 − ηκ = −1, and y flips sign without shrinking"
    if math.isclose(lr, 1 / kappa, rel_tol=1e-6):
        raise _NotYet(
            f"at η = 1/κ = {1 / kappa:g} one step lands y exactly on 0 (1 − ηκ = 0): the fastest rate for y, not the "
            "limit. It converges while |1 − ηκ| < 1: how far past 1/κ can you go before it diverges?"
        )
    if math.isclose(lr, 2.0, rel_tol=1e-6) or math.isclose(lr, 1.0, rel_tol=1e-6):
        raise _NotYet(
            "that is the limit of the flat direction x (curvature 1); the steep direction y, curvature κ, "
            "sets the limit: |1 − ηκ| < 1"
        )
    if math.isclose(lr, 2 * kappa, rel_tol=1e-6) or math.isclose(lr, kappa, rel_tol=1e-6):
        raise _NotYet("the learning rate goes in the denominator: solve |1 − ηκ| < 1 for η")
    if abs(lr - 2 / kappa) <= 0.01 * (2 / kappa):
        raise _NotYet(f"close: {lr:g} is a rate to test on either side; the limit itself is exactly where |1 − ηκ| = 1")
    raise _NotYet(
        f"with η = {lr:g}, one step multiplies y by 1 − ηκ = {1 - lr * kappa:g}; find where |1 − ηκ| reaches 1"
    )


# ------------------------------------------------------------------------------------------------ notebook 05


def _decay_gradient(decay_gradient: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    for lam in (1e-3, 0.5):
        W = torch.randn(10, 784, generator=gen)
        before = W.clone()
        on = f"a 10×784 W with lam = {lam:g}"
        out = _returned(_call(decay_gradient, (W, lam), on), on)
        if not torch.equal(W, before):
            raise _NotYet("your function changed W in place: return the gradient and leave W to the update step")
        W_auto = before.clone().requires_grad_()
        (lam / 2 * (W_auto**2).sum()).backward()
        reference = W_auto.grad
        if out.shape != reference.shape:
            raise _NotYet(
                f"it returned shape {_size(out)} for {on}: the gradient has one entry per weight, W's shape 10×784"
            )
        if _close(out, reference, 1e-5):
            continue
        if _close(out, reference / 2, 1e-5):
            raise _NotYet("half the gradient: the derivative of W² is 2W, and the ½ in λ/2‖W‖² cancels that 2: λW")
        if _close(out, reference * 2, 1e-5):
            raise _NotYet(
                "twice the gradient: the loss term is (λ/2)‖W‖², so its ½ cancels the 2 of W²'s derivative: λW"
            )
        if _close(out, lam * torch.sign(before), 1e-5):
            raise _NotYet("λ·sign(W) is the gradient of the L1 penalty λ‖W‖₁; the L2 term (λ/2)‖W‖² gives λW")
        if _close(out, -reference, 1e-5):
            raise _NotYet("the sign is flipped: the gradient points uphill, +λW; the update subtracts it")
        raise _NotYet(f"for {on}, the gradient of (λ/2)‖W‖² is λW; yours differs")
    return "the gradient of (λ/2)‖W‖² is λW: every step also shrinks each weight by the factor 1 − lr·λ"


def _softmax_jacobian(softmax_jacobian: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    cases = [
        (torch.randn(10, generator=gen), "a vector of 10 logits, shape (10,)"),
        (100 + 3 * torch.randn(10, generator=gen), "a vector of 10 large logits (around 100)"),
    ]
    for z, on in cases:
        out = _returned(_call(softmax_jacobian, (z.clone(),), on), on)
        reference = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), z)
        p = torch.softmax(z, dim=0)
        if out.shape != (10, 10):
            raise _NotYet(
                f"it returned shape {_size(out)} for {on}: the Jacobian of 10 outputs by 10 inputs is 10×10"
                + (" (drop the batch axis, e.g. [0])" if out.numel() == 100 else "")
            )
        if torch.isnan(out).any():
            raise _NotYet(
                f"NaN for {on}: exp overflows; compute p with notebook 05's softmax, which subtracts the maximum logit"
            )
        if _close(out, reference, 1e-5):
            continue
        if _close(out, -reference, 1e-5):
            raise _NotYet("the sign is flipped: it is diag(p) − p pᵀ, whose diagonal p_k(1 − p_k) is positive")
        if _close(out, torch.diag(p), 1e-5):
            raise _NotYet(
                "only the diagonal: raising one logit also lowers every other probability (the row sums to 1), which "
                "is the − p pᵀ part"
            )
        if _close(out, torch.diag(p) - p.outer(p).diag().diag(), 1e-5):
            raise _NotYet("only the diagonal of p pᵀ was subtracted: the off-diagonal entries are −p_j p_k")
        raise _NotYet(f"for {on}, your matrix differs from autograd's Jacobian of softmax, diag(p) − p pᵀ")
    return "diag(p) − p pᵀ, equal to autograd's Jacobian, also for large logits"


# ------------------------------------------------------------------------------------------------ notebook 06

_PARAM_NAMES = ("W1", "b1", "W2", "b2")


def _moved(moved: Any) -> str:
    if isinstance(moved, str):
        moved = [moved]
    if not isinstance(moved, (list, tuple, set, frozenset)) or not all(isinstance(n, str) for n in moved):
        raise _NotYet(f"pass the names of the parameters that moved, e.g. ['W1', 'b2']; this is {_kind(moved)}")
    names = set(moved)
    unknown = names - set(_PARAM_NAMES)
    if unknown:
        raise _NotYet(f"{sorted(unknown)}: name the parameters as forward does, W1, b1, W2 and b2")
    if names == {"b2"}:
        return "only b2 moves; a bias can learn no more than which digit is most common"
    if "b2" not in names:
        raise _NotYet(
            "b2 moves too: its gradient is the batch mean of p − onehot(y), which is not zero even when every "
            "hidden unit is"
        )
    if "W2" in names:
        raise _NotYet("W2 stays at zero: its gradient is (dL/dZ)ᵀ H, and H = ReLU(X W1ᵀ + b1) is 0 while W1 and b1 are")
    raise _NotYet(
        "W1 and b1 stay at zero: the gradient that reaches H is (dL/dZ) W2, which is 0 while W2 is, so nothing "
        "flows further back"
    )


def _forward_linear(forward_linear: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(4, 784, generator=gen)
    params = [
        torch.randn(500, 784, generator=gen) * 0.05,
        torch.randn(500, generator=gen),
        torch.randn(10, 500, generator=gen) * 0.06,
        torch.randn(10, generator=gen),
    ]
    on = "4 images (4×784) and the parameters [W1 500×784, b1 500, W2 10×500, b2 10]"
    out = _returned(_call(forward_linear, (X, [p.clone() for p in params]), on), on)
    W1, b1, W2, b2 = params
    reference = (X @ W1.T + b1) @ W2.T + b2
    if out.shape != reference.shape:
        raise _NotYet(f"it returned shape {_size(out)} for {on}: expected one row of 10 logits per image, 4×10")
    if _close(out, reference, 1e-4):
        return "(X W1ᵀ + b1) W2ᵀ + b2, which is X (W2 W1)ᵀ + (W2 b1 + b2): one 10×784 linear map"
    if _close(out, torch.relu(X @ W1.T + b1) @ W2.T + b2, 1e-4):
        raise _NotYet("this still applies the ReLU: the hidden layer is H = X @ W1.T + b1, with nothing around it")
    if _close(out, (X @ W1.T) @ W2.T, 1e-4):
        raise _NotYet("the biases b1 and b2 are missing")
    if _close(out, (X @ W1.T + b1) @ W2.T, 1e-4) or _close(out, (X @ W1.T) @ W2.T + b2, 1e-4):
        raise _NotYet("one of the two biases is missing: (X @ W1.T + b1) @ W2.T + b2")
    raise _NotYet(f"for {on}, the logits differ from (X @ W1.T + b1) @ W2.T + b2")


# ------------------------------------------------------------------------------------------------ notebook 07


def _mask(mask: Any) -> str:
    gen_x = torch.Generator().manual_seed(0)
    x = 0.5 + 0.5 * torch.rand(200, 1, 28, 28, generator=gen_x)  # every pixel inked, so a blanked pixel shows
    on = "200 images 200×1×28×28, share 0.4 and a seeded generator"
    out = _returned(_call(mask, (x.clone(), 0.4, torch.Generator().manual_seed(1)), on), on)
    if out.shape != x.shape:
        raise _NotYet(f"it returned shape {_size(out)} for {on}: masking keeps the images' shape")
    blank = out == 0
    share = blank.double().mean().item()
    if not blank.any():
        raise _NotYet("no pixel was set to 0: masking noise blanks a random share of the pixels, x * keep")
    kept = ~blank
    if not torch.equal(out[kept], x[kept]):
        if torch.allclose(out[kept], x[kept] / 0.6, atol=1e-5):
            raise _NotYet(
                "the kept pixels were scaled by 1 / (1 − share), as dropout does; masking noise leaves them as they are"
            )
        raise _NotYet("the pixels that were not blanked changed: keep them exactly as they are, x * keep")
    per_image = blank.double().mean(dim=(1, 2, 3))
    if bool(((per_image == 0) | (per_image == 1)).all()):
        raise _NotYet("whole images are blanked or kept: draw one random number per pixel, torch.rand(x.shape)")
    if abs(share - 0.6) < 0.03:
        raise _NotYet(
            f"{share:.0%} of the pixels were blanked: you kept 40% instead of blanking 40% (keep = rand >= share)"
        )
    if abs(share - 0.4) > 0.03:
        raise _NotYet(f"{share:.0%} of the pixels were blanked; with share 0.4, about 40% should be")
    again = _returned(_call(mask, (x.clone(), 0.4, torch.Generator().manual_seed(1)), on), on)
    if not torch.equal(again, out):
        raise _NotYet(
            "two calls with generators seeded the same blanked different pixels: draw the random numbers with the "
            "generator you are given, torch.rand(x.shape, generator=generator)"
        )
    return f"{share:.1%} of the pixels blanked, the others unchanged, reproducible with a seeded generator"


# ------------------------------------------------------------------------------------------------ notebook 09


def _conv_padded(conv2d_loops_padded: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    image = torch.randn(9, 11, generator=gen)
    kernel = torch.randn(3, 3, generator=gen)  # not symmetric, so a flipped kernel shows
    for pad in (0, 1, 2):
        on = f"a 9×11 image, a 3×3 kernel and padding={pad}"
        out = _returned(_call(conv2d_loops_padded, (image.clone(), kernel.clone(), pad), on), on)
        reference = F.conv2d(image[None, None], kernel[None, None], padding=pad)[0, 0]
        if out.shape != reference.shape:
            if out.shape == (9 - 2, 11 - 2 + 2 * pad):
                raise _NotYet(
                    f"shape {_size(out)} for {on}: only the width was padded; F.pad's tuple pads the last axis first "
                    "(left, right), then the one before (top, bottom): give it four numbers"
                )
            raise _NotYet(
                f"shape {_size(out)} for {on}, expected {_size(reference)}: ⌊(n + 2p − k)/s⌋ + 1 along each axis"
            )
        if _close(out, reference, 1e-4):
            continue
        flipped = F.conv2d(image[None, None], kernel.flip(0, 1)[None, None], padding=pad)[0, 0]
        if _close(out, flipped, 1e-4):
            raise _NotYet("the kernel is flipped: PyTorch's conv2d slides the kernel as it is (cross-correlation)")
        if pad and _close(out[pad:-pad, pad:-pad], reference[pad:-pad, pad:-pad], 1e-4):
            raise _NotYet(f"the border differs for {on}: pad with zeros (F.pad's default value 0)")
        raise _NotYet(f"for {on}, the output differs from F.conv2d(..., padding={pad})")
    return "equal to F.conv2d with padding 0, 1 and 2, output sizes included"


def _conv_strided(conv2d_unfold_strided: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    for h, w, k, s in ((28, 28, 5, 2), (13, 10, 3, 3)):
        image, kernel = torch.randn(h, w, generator=gen), torch.randn(k, k, generator=gen)
        on = f"a {h}×{w} image, a {k}×{k} kernel and stride={s}"
        out = _returned(_call(conv2d_unfold_strided, (image.clone(), kernel.clone(), s), on), on)
        reference = F.conv2d(image[None, None], kernel[None, None], stride=s)[0, 0]
        if out.shape != reference.shape:
            raise _NotYet(
                f"shape {_size(out)} for {on}, expected {_size(reference)}: each axis has ⌊(n − k)/s⌋ + 1 positions "
                "(conv_output_size), computed for the height and the width separately"
            )
        if not _close(out, reference, 1e-4):
            raise _NotYet(f"for {on}, the output differs from F.conv2d(..., stride={s})")
    return "equal to F.conv2d with strides 2 and 3, also on an image that is not square"


def _diagonal_kernel(kernel: Any) -> str:
    k = _as_tensor(kernel, "the kernel").double()
    if k.shape != (3, 3):
        raise _NotYet(f"shape {_size(k)}: the kernel is 3×3")
    rising = torch.eye(3, dtype=torch.float64).flip(1)  # bottom-left to top-right
    falling = torch.eye(3, dtype=torch.float64)
    vertical = torch.zeros(3, 3, dtype=torch.float64)
    vertical[:, 1] = 1
    horizontal = vertical.T
    response = {
        name: (k * pattern).sum().item()
        for name, pattern in (
            ("rising", rising),
            ("falling", falling),
            ("vertical", vertical),
            ("horizontal", horizontal),
            ("flat", torch.ones(3, 3, dtype=torch.float64)),
        )
    }
    if abs(response["flat"]) > 1e-6:
        raise _NotYet(
            f"the weights sum to {response['flat']:g}, so it responds to a flat patch of ink as well; make them sum to 0"
        )
    if response["falling"] > response["rising"]:
        raise _NotYet(
            "it responds most to strokes falling from top-left to bottom-right: the image's row 0 is its top, so a "
            "rising stroke runs from [2, 0] to [0, 2] (flip the kernel left-right)"
        )
    others = max(response["falling"], response["vertical"], response["horizontal"])
    if response["rising"] <= 0 or response["rising"] <= others + 1e-6:
        raise _NotYet(
            f"its response to a rising diagonal line ({response['rising']:g}) should be positive and larger than to a "
            f"falling one, a vertical or a horizontal line (largest of those {others:g})"
        )
    return (
        f"weights sum to 0; response {response['rising']:g} on a rising diagonal line, {response['falling']:g} on a "
        f"falling one, {response['vertical']:g} on a vertical one"
    )


def _separable(g1: Any, blur: Any) -> str:
    g = _as_tensor(g1, "g1").double().flatten()
    b = _as_tensor(blur, "blur (second argument)").double()
    if b.dim() != 2 or b.shape[0] != b.shape[1]:
        raise _NotYet(f"blur should be the square 2-D kernel, got shape {_size(b)}")
    if g.numel() != b.shape[0]:
        raise _NotYet(f"g1 has {g.numel()} values: the 1-D kernel has one per row of the {_size(b)} blur")
    outer = torch.outer(g, g)
    if _close(outer, b, 1e-5):
        return f"outer(g1, g1) equals blur: {b.numel()} multiplications per pixel in one pass, {2 * g.numel()} in two"
    if _close(outer / outer.sum(), b, 1e-5):
        raise _NotYet(
            f"the right shape, but g1 sums to {g.sum():.4g}: normalize it (g1 / g1.sum()), so that its outer "
            "product sums to 1 like blur"
        )
    raise _NotYet("outer(g1, g1) differs from blur: g1 is the Gaussian exp(−x²/2) at x = −2..2, divided by its sum")


# ------------------------------------------------------------------------------------------------ notebook 10


def _shift_of(out: torch.Tensor, image: torch.Tensor, reach: int = 6) -> tuple[int, int, float | None] | None:
    """The (dx, dy) that moves ``image`` (H×W) onto ``out`` with a constant fill, and the fill (None for no shift);
    None when no shift does."""
    h, w = image.shape
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            moved = out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)]
            source = image[max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)]
            if torch.allclose(moved, source, atol=1e-5):
                border = torch.ones(h, w, dtype=torch.bool)
                border[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = False
                if not border.any():
                    return dx, dy, None
                fill = out[border][0]
                if torch.allclose(out[border], fill.expand(int(border.sum())), atol=1e-5):
                    return dx, dy, float(fill)
    return None


def _random_shift(random_shift: Any) -> str:
    gen = torch.Generator().manual_seed(0)
    background = -0.4242
    xb = torch.full((8, 1, 28, 28), background)
    xb[:, :, 6:22, 6:22] += 3 * torch.rand(8, 1, 16, 16, generator=gen)  # ink inside, so any shift shows
    xb[:, :, 0, 3:9] = xb[:, :, 3:9, 0] = 1.0  # and a little at the edges, so wrapping round (torch.roll) shows
    on = "a batch of 8 standardized digits, 8×1×28×28"
    shifts: set[tuple[int, int]] = set()
    for _ in range(20):
        before = xb.clone()
        out = _returned(_call(random_shift, (xb,), on), on)
        if not torch.equal(xb, before):
            raise _NotYet("your function changed the batch in place: return a shifted copy (shift_images does)")
        if out.shape != xb.shape:
            raise _NotYet(f"it returned shape {_size(out)} for {on}: a shifted batch keeps the batch's shape")
        for k in range(len(xb)):
            found = _shift_of(out[k, 0], xb[k, 0])
            if found is None:
                for dy in range(-6, 7):
                    for dx in range(-6, 7):
                        if torch.allclose(out[k, 0], xb[k, 0].roll((dy, dx), dims=(0, 1)), atol=1e-5):
                            raise _NotYet(
                                "torch.roll wraps what leaves one edge round to the other; "
                                "shift_images(xb, dx, dy, fill=background) fills the uncovered border with the "
                                "background instead"
                            )
                raise _NotYet(f"image {k} of the output is not a shifted copy of the input for {on}")
            dx, dy, fill = found
            if fill is not None and abs(fill - background) > 0.05:
                raise _NotYet(
                    f"the uncovered border is filled with {fill:.3g}, but an empty pixel of these standardized digits is "
                    f"{background:.3g}: fill with the standardized background, (0 − mean) / std"
                )
            if max(abs(dx), abs(dy)) > 3:
                raise _NotYet(f"a shift of (dx, dy) = ({dx}, {dy}): the shifts should stay between −3 and 3 pixels")
            shifts.add((dx, dy))
    if len(shifts) == 1:
        raise _NotYet(
            f"every call shifted by the same (dx, dy) = {shifts.pop()}: draw a new shift on each call, from a generator"
        )
    return f"each call shifts by a random (dx, dy) between −3 and 3 ({len(shifts)} different shifts in 20 calls)"


def _lenet_count(n_params: Any) -> str:
    from torch import nn

    from mnist_course.cnn import LeNet

    n = _number(n_params, "your parameter count")
    model = LeNet(channels=(32, 64), hidden=256)
    total = sum(p.numel() for p in model.parameters())
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if n == total:
        return f"{total:,} parameters, as count_parameters says"
    bn = sum(p.numel() for m in norms for p in m.parameters())
    conv_bias = sum(m.out_channels for m in convs if m.bias is None)
    fc_bias = sum(m.out_features for m in linears)
    first = linears[0]
    maps = first.in_features // convs[-1].out_channels
    mistakes = {
        total - bn: "the batch norms are missing: each has a scale and a shift per channel, 2·(32 + 64)",
        total + conv_bias: "the convolutions have no bias here (batch norm's shift makes it redundant)",
        total - fc_bias: "the linear layers' biases are missing: 256 + 10",
        total
        + bn: "batch norm counted twice: it has two parameters per channel (its running statistics are not parameters)",
        total
        + first.out_features
        * convs[-1].out_channels
        * (14 * 14 - maps): "the head sees 7×7 maps after two poolings (28 → 14 → 7), not 14×14",
        total
        - first.out_features
        * convs[-1].out_channels
        * (maps - 9): "two poolings leave 7×7 maps (28 → 14 → 7); 3×3 comes after a third",
    }
    for wrong, reason in mistakes.items():
        if n == wrong:
            raise _NotYet(f"{int(n):,}: {reason}")
    return_hint = "count the convolutions (in · out · 3 · 3), the batch norms, then the two linear layers"
    raise _NotYet(f"{n:,.0f} is {'more' if n > total else 'fewer'} than the network has: {return_hint}")


# ------------------------------------------------------------------------------------------------ the table


def _open(notebook: str, number: int, title: str) -> Exercise:
    return Exercise(notebook, number, title)


notebook01 = Notebook(
    "01",
    [
        _open("01", 1, "shake everything"),
        _open("01", 2, "step size"),
        _open("01", 3, "overfitting"),
        Exercise(
            "01",
            4,
            "a dead template",
            _recall,
            hint="the recall of digit d is the share of the test images *labelled* d that the model predicts as d: "
            "((pred == d) & (y_test == d)).sum() / (y_test == d).sum(). A digit whose template never wins has "
            "recall 0.",
            key="recall = [((pred_ex == d) & (y_test == d)).sum().item() / (y_test == d).sum().item() for d in range(10)]",
            call="ex.q4.check(recall, pred_ex, y_test)",
        ),
    ],
)

notebook02 = Notebook(
    "02",
    [
        Exercise(
            "02",
            1,
            "test labels by hand",
            _test_labels,
            hint="the label file starts with two 4-byte big-endian numbers (magic number 2049, then the count); the "
            "labels are the bytes after them, one byte each: np.frombuffer(b, dtype=np.uint8, offset=8), then int64.",
            key="test_labels = torch.from_numpy(np.frombuffer(b, dtype=np.uint8, offset=8).astype(np.int64))",
            call="ex.q1.check(test_labels)",
        ),
        Exercise(
            "02",
            2,
            "nearest mean image",
            _centres,
            hint="select each digit's fitting images with the mask y_fit == d, average them as floats over the image "
            "axis, and stack the ten means as a 10×784 tensor; then torch.cdist gives every validation image's "
            "distance to each.",
            key="centres = torch.stack([x_fit[y_fit == d].float().mean(0) for d in range(10)]).flatten(1)",
            call="ex.q2.check(centres, x_fit, y_fit)",
        ),
        Exercise(
            "02",
            3,
            "per-pixel standardization",
            _per_pixel,
            hint="u.mean(0) and u.std(0) give 784 means and standard deviations (over the images axis). Count the "
            "pixels whose standard deviation is 0: what is (0 − 0) / 0?",
            key="per_pixel = (u - mu) / sigma.clamp(min=1e-2)  # mu, sigma = u.mean(0), u.std(0)",
            call="ex.q3.check(per_pixel)",
        ),
        Exercise(
            "02",
            4,
            "stratified split",
            _stratified,
            hint="for each digit d, shuffle the positions torch.nonzero(y_train == d) with a seeded torch.randperm and "
            "keep the first 500; torch.cat the ten pieces.",
            key="torch.nonzero(y_train == d).flatten()[torch.randperm(int(counts_train[d]), generator=g)[:500]]",
            call="ex.q4.check(strat_val_idx, y_train)",
        ),
        _open("02", 5, "DataLoader workers"),
    ],
)

notebook03 = Notebook(
    "03",
    [
        Exercise(
            "03",
            1,
            "grayscale",
            _gray,
            hint="an array of shape (3,) broadcasts against (600, 512, 3) along the last axis; multiply, then sum "
            "over axis -1.",
            key="gray = (photo * np.array([0.299, 0.587, 0.114])).sum(axis=-1)",
            call="ex.q1.check(gray, photo)",
        ),
        Exercise(
            "03",
            2,
            "heavy sevens",
            _heavy_sevens,
            hint="take the median of the sevens' ink only, ink[y == 7].median(), then combine two boolean masks with &.",
            key="heavy_sevens = x[(y == 7) & (ink > ink[y == 7].median())]",
            call="ex.q2.check(heavy_sevens, x, y)",
        ),
        Exercise(
            "03",
            3,
            "montage",
            _montage,
            hint="x[idx] is 100×28×28, ten images per digit in a row. Reshape it to 10×10×28×28, axes (digit d, "
            "image i, pixel row r, pixel column c). One row of the montage takes pixel row r of all ten images of "
            "digit d, so reorder the axes to (d, r, i, c) with permute(0, 2, 1, 3), then reshape to 280×280.",
            key="montage = x[idx].reshape(10, 10, 28, 28).permute(0, 2, 1, 3).reshape(280, 280)",
            call="ex.q3.check(montage, x, y)",
        ),
        Exercise(
            "03",
            4,
            "vertical extent",
            _extent,
            hint="x.sum(dim=2) > 0 says for every image and row whether the row has ink (N×28). argmax of a 0/1 "
            "tensor finds the first 1; flip the rows to find the last.",
            key="first_row = has_ink.int().argmax(dim=1); last_row = 27 - has_ink.flip(1).int().argmax(dim=1)",
            call="ex.q4.check(first_row, last_row, x)",
        ),
        Exercise(
            "03",
            5,
            "view against reshape",
            _transposed_rows,
            hint="permute only changes the strides; a view needs the values in memory order. reshape copies when it "
            "must.",
            key="t5 = x[:5].permute(0, 2, 1).reshape(5, 784)",
            call="ex.q5.check(t5, x)",
        ),
    ],
)

notebook04 = Notebook(
    "04",
    [
        _open("04", 1, "forward or central"),
        Exercise(
            "04",
            2,
            "stability limit",
            _largest_lr,
            hint="each step multiplies y by (1 − ηκ). It shrinks when that factor lies strictly between −1 and 1; "
            "solve for η.",
            key="largest_lr = 2 / 100  # |1 - lr * kappa| < 1",
            call="ex.q2.check(largest_lr)",
        ),
        _open("04", 3, "rotated valley"),
        _open("04", 4, "Adam on MNIST"),
    ],
)

notebook05 = Notebook(
    "05",
    [
        _open("05", 1, "three learning rates"),
        Exercise(
            "05",
            2,
            "weight decay",
            _decay_gradient,
            hint="differentiate (λ/2) Σ W_ij² with respect to one weight W_ij.",
            key="def decay_gradient(W, lam):\n    return lam * W",
            call="ex.q2.check(decay_gradient)",
        ),
        Exercise(
            "05",
            3,
            "softmax Jacobian",
            _softmax_jacobian,
            hint="∂p_j/∂z_k = p_j([j = k] − p_k). In matrix form the [j = k] p_j part is diag(p) and the p_j p_k part "
            "an outer product.",
            key="def softmax_jacobian(z):\n    p = softmax(z.unsqueeze(0))[0]\n    return torch.diag(p) - torch.outer(p, p)",
            call="ex.q3.check(softmax_jacobian)",
        ),
        _open("05", 4, "pixels in [0, 1]"),
        _open("05", 5, "mean or sum"),
    ],
)

notebook06 = Notebook(
    "06",
    [
        _open("06", 1, "two hidden units"),
        Exercise(
            "06",
            2,
            "zero initialization",
            _moved,
            hint="write the four gradients from the backpropagation section with W1 = b1 = W2 = b2 = 0: which of them "
            "contain a factor that is zero?",
            key='moved = [name for name, p in zip(["W1", "b1", "W2", "b2"], params_zero) if p.abs().max() > 0]',
            call="ex.q2.check(moved)",
        ),
        Exercise(
            "06",
            3,
            "no ReLU",
            _forward_linear,
            hint="copy forward and leave out torch.relu; the parameters stay W1, b1, W2, b2.",
            key="def forward_linear(X, params):\n    W1, b1, W2, b2 = params\n    return (X @ W1.T + b1) @ W2.T + b2",
            call="ex.q3.check(forward_linear)",
        ),
        _open("06", 4, "linear scaling"),
        _open("06", 5, "dropout on 50,000 images"),
    ],
)

notebook07 = Notebook(
    "07",
    [
        _open("07", 1, "is this a digit at all"),
        _open("07", 2, "untie the weights"),
        _open("07", 3, "decode the whole plane"),
        _open("07", 4, "codes as features"),
        Exercise(
            "07",
            5,
            "masking noise",
            _mask,
            hint="draw one uniform number per pixel with the generator, keep a pixel when its number is at least "
            "share, and multiply: x * keep.",
            key="keep = torch.rand(x.shape, generator=generator) >= share\nreturn x * keep.to(x.device)",
            call="ex.q5.check(mask)",
        ),
    ],
)

notebook08 = Notebook(
    "08",
    [
        _open("08", 1, "weigh the KL term"),
        _open("08", 2, "a walk without a pull"),
        _open("08", 3, "change the rules of the game"),
        _open("08", 4, "one hand, many digits"),
        _open("08", 5, "sneakers instead of digits"),
    ],
)

notebook09 = Notebook(
    "09",
    [
        Exercise(
            "09",
            1,
            "padding",
            _conv_padded,
            hint="pad the image with p zeros on all four sides, F.pad(image, (p, p, p, p)), then call conv2d_loops.",
            key="def conv2d_loops_padded(image, kernel, padding=0):\n    return conv2d_loops(F.pad(image, (padding,) * 4), kernel)",
            call="ex.q1.check(conv2d_loops_padded)",
        ),
        Exercise(
            "09",
            2,
            "stride",
            _conv_strided,
            hint="F.unfold(..., stride=s) returns one column per output position; the output has "
            "conv_output_size(h, k, s) rows and conv_output_size(w, k, s) columns.",
            key="cols = F.unfold(image[None, None], kernel_size=k, stride=stride)[0]",
            call="ex.q2.check(conv2d_unfold_strided)",
        ),
        Exercise(
            "09",
            3,
            "a diagonal kernel",
            _diagonal_kernel,
            hint="put positive weights where a rising stroke crosses the 3×3 window (row 2 column 0 to row 0 column 2) "
            "and negative ones elsewhere, so that all nine sum to 0.",
            key="diag = torch.tensor([[-1.0, -1.0, 2.0], [-1.0, 2.0, -1.0], [2.0, -1.0, -1.0]])",
            call="ex.q3.check(diag)",
        ),
        _open("09", 4, "another template"),
        Exercise(
            "09",
            5,
            "separable blur",
            _separable,
            hint="blur is exp(−(x² + y²)/2), normalized; exp(−(x² + y²)/2) = exp(−x²/2) · exp(−y²/2).",
            key="g1 = torch.exp(-0.5 * ax_**2); g1 = g1 / g1.sum()",
            call="ex.q5.check(g1, blur)",
        ),
    ],
)

notebook10 = Notebook(
    "10",
    [
        _open("10", 1, "is it the learning rate"),
        Exercise(
            "10",
            2,
            "data augmentation",
            _random_shift,
            hint="draw (dx, dy) with torch.randint(-3, 4, (2,), generator=...) inside the function, so that every call "
            "draws anew, and return shift_images(xb, dx, dy, fill=background).",
            key="dx, dy = torch.randint(-3, 4, (2,), generator=shift_gen).tolist()\nreturn shift_images(xb, dx, dy, fill=background)",
            call="ex.q2.check(random_shift)",
        ),
        Exercise(
            "10",
            3,
            "count the parameters",
            _lenet_count,
            hint="a 3×3 convolution from c_in to c_out channels has c_in · c_out · 9 weights (no bias before batch "
            "norm); batch norm has 2 per channel; after two poolings the head sees 64 maps of 7×7.",
            key="1·32·9 + 32·64·9 + 2·(32 + 64) + (64·7·7·256 + 256) + (256·10 + 10)",
            call="ex.q3.check(n_params)",
        ),
        _open("10", 4, "how small"),
        _open("10", 5, "confusions"),
    ],
)

notebook11 = Notebook(
    "11",
    [
        _open("11", 1, "deeper or not"),
        _open("11", 2, "test-time augmentation"),
        _open("11", 3, "is a difference real"),
        _open("11", 4, "linear probe"),
        _open("11", 5, "fewer examples"),
    ],
)

NOTEBOOKS: dict[str, Notebook] = {
    nb.number: nb
    for nb in (
        notebook01,
        notebook02,
        notebook03,
        notebook04,
        notebook05,
        notebook06,
        notebook07,
        notebook08,
        notebook09,
        notebook10,
        notebook11,
    )
}
