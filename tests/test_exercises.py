"""The exercise checks of ``mnist_course.exercises``: every check accepts the reference answer, rejects typical wrong
answers with feedback that names the mistake, and never raises; the table at the top of the module lists every
exercise of every notebook, and each checkable exercise is wired into its notebook (the question says how to check,
the solution ends by checking its own answer). No training: small synthetic inputs, and the MNIST test labels once.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mnist_course import exercises
from mnist_course.cnn import shift_images
from mnist_course.data import download_mnist, load_mnist
from mnist_course.exercises import NOTEBOOKS, Exercise, ExerciseNotPassed, Feedback

ROOT = Path(__file__).resolve().parent.parent
TWINS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))}
ITEM = re.compile(r"^(\d+)\. ", re.MULTILINE)


def exercises_cell(number: str) -> str:
    """The markdown of the notebook's ``## Exercises`` section, from its heading (which may share a cell with the
    summary) to the next heading or the end of its cell."""
    nb = jupytext.read(TWINS[number])
    heading = re.compile(r"^## Exercises\s*$", re.MULTILINE)
    cells = [c.source for c in nb.cells if c.cell_type == "markdown" and heading.search(c.source)]
    assert len(cells) == 1, f"notebook {number}: expected one '## Exercises' heading, found {len(cells)}"
    section = cells[0][heading.search(cells[0]).end() :]
    following = re.search(r"^#{1,2} ", section, re.MULTILINE)  # a later section (the questionnaire) ends it
    return section[: following.start()] if following else section


def items(number: str) -> dict[int, str]:
    """Each exercise's markdown (question and solution), by its number."""
    cell = exercises_cell(number)
    starts = list(ITEM.finditer(cell))
    return {
        int(m.group(1)): cell[m.start() : (starts[k + 1].start() if k + 1 < len(starts) else len(cell))]
        for k, m in enumerate(starts)
    }


def table_rows() -> list[tuple[str, int, str]]:
    """(notebook, exercise number, kind) for every row of the table in the module docstring."""
    rows = re.findall(r"^ *\| (\d\d) \| (\d+) [^|]*\| (checkable|open) \| [^|]+ \|$", exercises.__doc__, re.MULTILINE)
    return [(nb, int(n), kind) for nb, n, kind in rows]


# ----------------------------------------------------------------------------------------------- the table


def test_the_table_lists_every_exercise_of_every_notebook():
    rows = table_rows()
    assert set(TWINS) == set(NOTEBOOKS), "a namespace per notebook"
    total = 0
    for number in TWINS:
        in_notebook = sorted(items(number))
        assert in_notebook == list(range(1, len(in_notebook) + 1)), f"notebook {number}: exercises {in_notebook}"
        assert 3 <= len(in_notebook) <= 5, f"notebook {number} has {len(in_notebook)} exercises"
        listed = [n for nb, n, _ in rows if nb == number]
        assert listed == in_notebook, f"notebook {number}: the table lists {listed}, the notebook has {in_notebook}"
        namespace = NOTEBOOKS[number]
        assert [e.number for e in namespace.exercises] == in_notebook
        for nb, n, kind in rows:
            if nb == number:
                assert namespace.exercises[n - 1].checkable == (kind == "checkable"), f"notebook {nb} exercise {n}"
        total += len(in_notebook)
    assert len(rows) == total


@pytest.mark.parametrize("number", sorted(TWINS))
def test_checkable_exercises_say_how_to_check_and_their_solutions_pass_their_check(number):
    text = items(number)
    for exercise in NOTEBOOKS[number].exercises:
        q = f"ex.q{exercise.number}"
        body = text[exercise.number]
        question, _, solution = body.partition("<details>")
        if not exercise.checkable:
            assert f"{q}.check(" not in body, f"notebook {number} exercise {exercise.number} is open but checked"
            continue
        assert f"`{exercise.call}`" in question, f"notebook {number} exercise {exercise.number}: say `{exercise.call}`"
        assert f"`{q}.hint()`" in question
        code = re.search(r"```python\n(.*?)```", solution, re.DOTALL)
        assert code, f"notebook {number} exercise {exercise.number}: no python block in the solution"
        lines = [line.strip() for line in code.group(1).splitlines() if line.strip().strip("#").strip()]
        assert lines[0] == f"from mnist_course.exercises import notebook{number} as ex", lines[0]
        # The solution checks its own answer (usually on its last line; a solution may go on after it), so the quick
        # run of every solution in CI (tests/test_course_rerun.py, strict) proves that it passes its check.
        assert any(line.startswith(f"{q}.check(") for line in lines), f"notebook {number} exercise {exercise.number}"


# ----------------------------------------------------------------------------------------------- synthetic inputs


@pytest.fixture(scope="module")
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """600 sparse uint8 'images', 60 of each label, every one with some ink."""
    gen = torch.Generator().manual_seed(0)
    x = (torch.rand(600, 28, 28, generator=gen) > 0.9).to(torch.uint8) * torch.randint(
        1, 256, (600, 28, 28), generator=gen, dtype=torch.uint8
    )
    x[:, 3:25, 14] = 200  # a stroke in every image, so no image is empty
    x[:, :2] = 0  # and two blank rows at the top
    y = torch.arange(10).repeat(60)[torch.randperm(600, generator=gen)]
    return x, y


@pytest.fixture(scope="module")
def test_labels_root(tmp_path_factory, mnist_gz) -> Path:
    root = tmp_path_factory.mktemp("mnist-root")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
        download_mnist(root, progress=False)
    return root


def verdict(exercise: Exercise, *answer, **given) -> Feedback:
    feedback = exercise.feedback(*answer, **given)
    assert isinstance(feedback, Feedback)
    return feedback


def accepted(exercise: Exercise, *answer, **given) -> str:
    feedback = verdict(exercise, *answer, **given)
    assert feedback.passed, feedback.message
    return feedback.message


def rejected(exercise: Exercise, *answer, says: str, **given) -> str:
    feedback = verdict(exercise, *answer, **given)
    assert not feedback.passed, f"accepted a wrong answer: {feedback.message}"
    assert says.lower() in feedback.message.lower(), feedback.message
    return feedback.message


# ----------------------------------------------------------------------------------------------- notebook 01


def test_01_recall(digits):
    _, y = digits
    pred = y.clone()
    pred[y == 3] = 5  # digit 3 is never predicted: a dead template
    pred[:7] = 0
    q = NOTEBOOKS["01"].q4
    recall = [((pred == d) & (y == d)).sum().item() / (y == d).sum().item() for d in range(10)]
    assert "digit 3 almost never predicted" in accepted(q, recall, pred, y)
    accepted(q, torch.tensor(recall), pred, y)
    precision = [((pred == d) & (y == d)).sum().item() / max(1, (pred == d).sum().item()) for d in range(10)]
    rejected(q, precision, pred, y, says="that is precision")
    rejected(q, [((pred == d) & (y == d)).sum().item() for d in range(10)], pred, y, says="counts")
    rejected(q, recall[:9], pred, y, says="one per digit")
    rejected(q, recall, F.one_hot(pred, 10).float(), y, says="argmax")


# ----------------------------------------------------------------------------------------------- notebook 02


def test_02_test_labels(test_labels_root, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(test_labels_root))
    _, y_test = load_mnist("test", root=test_labels_root)
    raw = (test_labels_root / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").read_bytes()
    q = NOTEBOOKS["02"].q1
    assert "equal to y_test" in accepted(q, torch.from_numpy(np.frombuffer(raw, np.uint8, offset=8).astype(np.int64)))
    rejected(q, torch.from_numpy(np.frombuffer(raw, np.uint8).astype(np.int64)), says="offset=8")
    rejected(q, torch.from_numpy(np.frombuffer(raw, np.uint8, offset=8).copy()), says="int64")
    rejected(q, torch.from_numpy(np.frombuffer(raw, np.int64, offset=8).copy()), says="one byte")
    rejected(q, y_test.flip(0), says="differ from y_test")
    rejected(q, np.frombuffer(raw, np.uint8, offset=8).tolist(), says="should be a tensor")


def test_02_centres(digits):
    x, y = digits
    q = NOTEBOOKS["02"].q2
    centres = torch.stack([x[y == d].float().mean(0) for d in range(10)]).flatten(1)
    accepted(q, centres, x, y)
    accepted(q, centres.reshape(10, 28, 28), x, y)
    assert "[0, 1] scale" in accepted(q, centres / 255, x, y)
    rejected(q, centres[[1, 0, *range(2, 10)]], x, y, says="wrong order")
    rejected(q, centres.T, x, y, says="transposed")
    rejected(q, x.float().mean(0).flatten().expand(10, -1), x, y, says="mean of all fitting images")
    rejected(q, centres + 3, x, y, says="fitting images only")


def test_02_per_pixel(digits):
    x, _ = digits
    q = NOTEBOOKS["02"].q3
    u = x.float() / 255
    mu, sigma = u.mean(0), u.std(0)
    accepted(q, (u - mu) / sigma.clamp(min=1e-2))
    rejected(q, (u - mu) / sigma, says="NaN")
    rejected(q, (u - u.mean()) / u.std(), says="one mean and standard deviation for all pixels")
    flat = u.flatten(1)
    rejected(q, (flat - flat.mean(1, keepdim=True)) / flat.std(1, keepdim=True), says="per image")


def test_02_stratified(digits):
    _, y = digits
    q = NOTEBOOKS["02"].q4
    g = torch.Generator().manual_seed(0)
    idx = torch.cat([torch.nonzero(y == d).flatten()[torch.randperm(60, generator=g)[:50]] for d in range(10)])
    # the check wants 500 of each digit, as the exercise asks: scale the synthetic labels up
    big_y = y.repeat(20)
    big_idx = torch.cat([torch.nonzero(big_y == d).flatten()[:500] for d in range(10)])
    accepted(q, big_idx, big_y)
    rejected(q, idx, y, says="not 500 each")
    rejected(q, torch.randint(0, len(big_y), (5000,), generator=g), big_y, says="more than once")
    rejected(q, torch.randperm(len(big_y), generator=g)[:5000], big_y, says="not stratified")
    rejected(q, torch.cat([torch.randperm(1200, generator=g)[:500] for _ in range(10)]), big_y, says="torch.nonzero")


# ----------------------------------------------------------------------------------------------- notebook 03


def test_03_gray():
    photo = np.random.default_rng(0).integers(0, 256, (6, 5, 3), dtype=np.uint8)
    q = NOTEBOOKS["03"].q1
    accepted(q, (photo * np.array([0.299, 0.587, 0.114])).sum(axis=-1), photo)
    accepted(q, torch.from_numpy(photo).float() @ torch.tensor([0.299, 0.587, 0.114]), photo)
    rejected(q, photo * np.array([0.299, 0.587, 0.114]), photo, says="colour axis is still there")
    rejected(q, (photo * np.array([0.299, 0.587, 0.114])).sum(axis=0), photo, says="last one")
    rejected(q, photo.mean(axis=-1), photo, says="plain mean")
    rejected(q, (photo * np.array([0.114, 0.587, 0.299])).sum(axis=-1), photo, says="reversed")


def test_03_heavy_sevens(digits):
    x, y = digits
    q = NOTEBOOKS["03"].q2
    ink = x.sum(dim=(1, 2))
    median = ink[y == 7].median()
    heavy = x[(y == 7) & (ink > median)]
    accepted(q, heavy, x, y)
    accepted(q, len(heavy), x, y)
    rejected(q, x[ink > median], x, y, says="combine both conditions")
    rejected(q, x[y == 7], x, y, says="every seven")
    rejected(q, x[(y == 7) & (ink > median)][1:], x, y, says="sevens use more ink")


def test_03_montage(digits):
    x, y = digits
    q = NOTEBOOKS["03"].q3
    idx = torch.cat([torch.nonzero(y == d)[:10, 0] for d in range(10)])
    accepted(q, x[idx].reshape(10, 10, 28, 28).permute(0, 2, 1, 3).reshape(280, 280), x, y)
    assert "column" in accepted(q, x[idx].reshape(10, 10, 28, 28).permute(1, 2, 0, 3).reshape(280, 280), x, y)
    rejected(q, x[idx].reshape(280, 280), x, y, says="permute(0, 2, 1, 3)")
    rejected(q, x[:100].reshape(10, 10, 28, 28).permute(0, 2, 1, 3).reshape(280, 280), x, y, says="first 100")
    rejected(q, x[idx].reshape(100, 784), x, y, says="280×280")


def test_03_extent(digits):
    x, _ = digits
    q = NOTEBOOKS["03"].q4
    has_ink = x.sum(dim=2) > 0
    first, last = has_ink.int().argmax(dim=1), 27 - has_ink.flip(1).int().argmax(dim=1)
    accepted(q, first, last, x)
    rejected(q, first, last + 1, x, says="one too large")
    rejected(q, x.sum(dim=2).argmax(dim=1), last, x, says="most ink")


def test_03_transposed_rows(digits):
    x, _ = digits
    q = NOTEBOOKS["03"].q5
    accepted(q, x[:5].permute(0, 2, 1).reshape(5, 784), x)
    rejected(q, x[:5].reshape(5, 784), x, says="permute(0, 2, 1) first")


# ----------------------------------------------------------------------------------------------- notebooks 04–06


def test_04_largest_lr():
    q = NOTEBOOKS["04"].q2
    accepted(q, 2 / 100)
    accepted(q, torch.tensor(0.02))
    rejected(q, 0.01, says="fastest rate")
    rejected(q, 2.0, says="flat direction")
    rejected(q, 0.0199, says="close")
    rejected(q, "0.02", says="should be a number")


def test_05_decay_gradient():
    q = NOTEBOOKS["05"].q2
    accepted(q, lambda W, lam: lam * W)
    rejected(q, lambda W, lam: lam / 2 * W, says="half the gradient")
    rejected(q, lambda W, lam: 2 * lam * W, says="twice")
    rejected(q, lambda W, lam: lam * W.sign(), says="L1")
    rejected(q, lambda W, lam: lam * W.norm(), says="one entry per weight")

    def in_place(W, lam):
        return W.mul_(lam)

    rejected(q, in_place, says="in place")


def softmax_rows(Z):
    E = (Z - Z.max(dim=1, keepdim=True).values).exp()
    return E / E.sum(dim=1, keepdim=True)


def test_05_softmax_jacobian():
    q = NOTEBOOKS["05"].q3

    def jacobian(z):
        p = softmax_rows(z.unsqueeze(0))[0]
        return torch.diag(p) - torch.outer(p, p)

    accepted(q, jacobian)
    rejected(q, lambda z: -jacobian(z), says="sign is flipped")
    rejected(q, lambda z: torch.diag(softmax_rows(z.unsqueeze(0))[0]), says="only the diagonal")
    rejected(q, lambda z: jacobian(z).unsqueeze(0), says="drop the batch axis")

    def naive(z):
        p = z.exp() / z.exp().sum()
        return torch.diag(p) - torch.outer(p, p)

    rejected(q, naive, says="NaN for a vector of 10 large logits")
    message = rejected(q, lambda z: softmax_rows(z), says="when called on a vector of 10 logits")
    assert "IndexError" in message


def test_06_moved():
    q = NOTEBOOKS["06"].q2
    accepted(q, ["b2"])
    accepted(q, ("b2",))
    rejected(q, ["W2", "b2"], says="H = ReLU")
    rejected(q, ["b1", "b2"], says="W1 and b1 stay at zero")
    rejected(q, [], says="b2 moves too")
    rejected(q, ["bias"], says="W1, b1, W2 and b2")


def test_06_forward_linear():
    q = NOTEBOOKS["06"].q3

    def forward_linear(X, params):
        W1, b1, W2, b2 = params
        return (X @ W1.T + b1) @ W2.T + b2

    assert "one 10×784 linear map" in accepted(q, forward_linear)

    def with_relu(X, params):
        W1, b1, W2, b2 = params
        return torch.relu(X @ W1.T + b1) @ W2.T + b2

    def without_bias(X, params):
        W1, b1, W2, b2 = params
        return (X @ W1.T) @ W2.T + b2

    rejected(q, with_relu, says="still applies the ReLU")
    rejected(q, without_bias, says="biases is missing")
    rejected(q, lambda X, W1, b1, W2, b2: X, says="TypeError")


# ----------------------------------------------------------------------------------------------- notebooks 07–10


def test_07_mask():
    q = NOTEBOOKS["07"].q5

    def mask(x, share, generator):
        keep = torch.rand(x.shape, generator=generator) >= share
        return x * keep.to(x.device)

    accepted(q, mask)
    rejected(q, lambda x, share, generator: mask(x, 1 - share, generator), says="you kept 40%")
    rejected(q, lambda x, share, generator: mask(x, share, generator) / (1 - share), says="as dropout does")
    rejected(q, lambda x, share, generator: mask(x, share, None), says="generator you are given")
    rejected(q, lambda x, share, generator: F.dropout(x, share), says="as dropout does")


def conv2d_loops(image, kernel):
    (h, w), (kh, kw) = image.shape, kernel.shape
    out = torch.empty(h - kh + 1, w - kw + 1)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out


def test_09_padding():
    q = NOTEBOOKS["09"].q1
    accepted(q, lambda image, kernel, padding=0: conv2d_loops(F.pad(image, (padding,) * 4), kernel))
    rejected(
        q, lambda image, kernel, padding=0: conv2d_loops(F.pad(image, (padding,) * 2), kernel), says="only the width"
    )
    rejected(q, lambda image, kernel, padding=0: conv2d_loops(image, kernel), says="expected")
    rejected(
        q,
        lambda image, kernel, padding=0: conv2d_loops(F.pad(image, (padding,) * 4), kernel.flip(0, 1)),
        says="flipped",
    )
    replicate = lambda image, kernel, padding=0: conv2d_loops(  # noqa: E731
        F.pad(image[None, None], (padding,) * 4, mode="replicate")[0, 0] if padding else image, kernel
    )
    rejected(q, replicate, says="pad with zeros")


def test_09_stride():
    q = NOTEBOOKS["09"].q2

    def conv_output_size(n, k, s=1, p=0):
        return (n + 2 * p - k) // s + 1

    def strided(image, kernel, stride=1):
        (h, w), k = image.shape, kernel.shape[0]
        cols = F.unfold(image[None, None], kernel_size=k, stride=stride)[0]
        return (kernel.reshape(1, -1) @ cols).reshape(conv_output_size(h, k, stride), conv_output_size(w, k, stride))

    def square_only(image, kernel, stride=1):
        h, k = image.shape[0], kernel.shape[0]
        cols = F.unfold(image[None, None], kernel_size=k, stride=stride)[0]
        n = conv_output_size(h, k, stride)
        return (kernel.reshape(1, -1) @ cols).reshape(n, n)

    accepted(q, strided)
    rejected(q, square_only, says="when called on a 13×10 image")
    rejected(q, lambda image, kernel, stride=1: strided(image, kernel, 1), says="expected")


def test_09_diagonal_kernel():
    q = NOTEBOOKS["09"].q3
    diag = torch.tensor([[-1.0, -1.0, 2.0], [-1.0, 2.0, -1.0], [2.0, -1.0, -1.0]])
    accepted(q, diag)
    rejected(q, diag.flip(1), says="falling")
    rejected(q, diag + 1, says="sum to 0")
    rejected(q, torch.zeros(3, 3), says="positive")
    rejected(q, torch.zeros(5, 5), says="3×3")


def test_09_separable():
    q = NOTEBOOKS["09"].q5
    ax = torch.arange(-2, 3, dtype=torch.float32)
    blur = torch.exp(-0.5 * (ax[:, None] ** 2 + ax[None, :] ** 2))
    blur = blur / blur.sum()
    g1 = torch.exp(-0.5 * ax**2)
    accepted(q, g1 / g1.sum(), blur)
    rejected(q, g1, blur, says="normalize it")
    rejected(q, blur[2], blur, says="normalize it")  # a row of the blur is g1 times a constant
    g2 = torch.exp(-0.25 * ax**2)
    rejected(q, g2 / g2.sum(), blur, says="differs from blur")
    rejected(q, g1[:3], blur, says="one per row")


def test_10_random_shift():
    q = NOTEBOOKS["10"].q2
    background = -0.4242  # (0 - mean) / std of MNIST's pixels, as notebook 10 computes it
    gen = torch.Generator().manual_seed(0)

    def random_shift(xb, reach=3, fill=background):
        dx, dy = torch.randint(-reach, reach + 1, (2,), generator=gen).tolist()
        return shift_images(xb, dx, dy, fill=fill)

    accepted(q, random_shift)
    rejected(q, lambda xb: shift_images(xb, 2, 1, fill=background), says="draw a new shift on each call")
    rejected(q, lambda xb: random_shift(xb, reach=6), says="between −3 and 3")
    rejected(q, lambda xb: random_shift(xb, fill=0.0), says="standardized background")
    rejected(q, lambda xb: xb.roll(tuple(torch.randint(-3, 4, (2,), generator=gen).tolist()), dims=(2, 3)), says="roll")


def test_10_count():
    q = NOTEBOOKS["10"].q3
    total = 824_554
    accepted(q, total)
    rejected(q, total - 192, says="batch norms are missing")
    rejected(q, total + 96, says="no bias")
    rejected(q, 1, says="fewer")


# ----------------------------------------------------------------------------------------------- every exercise

CHECKABLE = [e for nb in NOTEBOOKS.values() for e in nb.exercises if e.checkable]
EVERY = [e for nb in NOTEBOOKS.values() for e in nb.exercises]


def _id(e: Exercise) -> str:
    return f"{e.notebook}-q{e.number}"


def _raises(*args, **kwargs):
    raise ValueError("shapes do not match")


@pytest.mark.parametrize("exercise", CHECKABLE, ids=_id)
def test_a_check_never_raises_on_odd_answers(exercise, capsys):
    arity = exercise.call.count(",") + 1
    for odd in (None, "an answer", _raises, torch.zeros(2, 2), 3.5):
        feedback = exercise.feedback(*([odd] * arity))
        assert not feedback.passed
        assert feedback.message
        assert exercise.check(*([odd] * arity)) is None
    assert "call the check as" in exercise.feedback().message
    out = capsys.readouterr().out
    assert out.count("Not yet: ") == 5
    assert "Traceback" not in out


FUNCTIONS = [
    NOTEBOOKS[nb].exercises[n - 1]
    for nb, n in (("05", 2), ("05", 3), ("06", 3), ("07", 5), ("09", 1), ("09", 2), ("10", 2))
]


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=_id)
def test_a_students_function_that_raises_is_reported_in_the_lessons_terms(exercise):
    message = exercise.feedback(_raises).message
    assert "your function raised ValueError: shapes do not match when called on" in message


def test_check_prints_and_returns_nothing_and_a_strict_run_fails_on_a_wrong_answer(capsys, monkeypatch):
    q = NOTEBOOKS["04"].q2
    assert q.check(0.02) is None
    assert capsys.readouterr().out.startswith("Correct: ")
    assert q.check(0.01) is None
    assert capsys.readouterr().out.startswith("Not yet: ")
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    q.check(0.02)
    with pytest.raises(ExerciseNotPassed, match="notebook 04, exercise 2"):
        q.check(0.01)


@pytest.mark.parametrize("exercise", EVERY, ids=_id)
def test_hint_and_solution_print_something(exercise, capsys, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")  # an open exercise's check is never a failure
    exercise.hint()
    exercise.solution()
    if not exercise.checkable:
        exercise.check(None)
    out = capsys.readouterr().out
    assert f"notebook {exercise.notebook}" in out
    assert "collapsed 'Solution' block" in out
    if exercise.checkable:
        assert f"Hint for exercise {exercise.number}:" in out
    else:
        assert "is open" in out


def test_a_namespace_names_its_exercises():
    ex = NOTEBOOKS["05"]
    assert ex.q3.title == "softmax Jacobian"
    with pytest.raises(AttributeError, match="q1 to q5"):
        ex.q6  # noqa: B018
