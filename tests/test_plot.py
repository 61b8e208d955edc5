"""mnist_course.plot: every figure function returns a Figure and rejects bad shapes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from mnist_course.plot import DIGIT_COLORS, plot_confusion, plot_embedding, plot_history, show_images, show_weights


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.images or ax.lines or ax.collections or ax.patches]


@pytest.mark.parametrize("shape", [(12, 28, 28), (12, 1, 28, 28), (12, 784)])
def test_show_images_accepts_the_usual_shapes(shape):
    fig = show_images(torch.rand(shape), ncols=5, title="grid")
    assert isinstance(fig, Figure) and len(_visible_axes(fig)) == 12
    assert len(fig.axes) == 15  # 3 rows of 5, the last three blank


def test_show_images_marks_wrong_predictions_red():
    fig = show_images(torch.rand(3, 28, 28), labels=[1, 2, 3], preds=[1, 0, 3])
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["1→1", "2→0", "3→3"]
    assert titles[1].get_color() == "red" and titles[0].get_color() == "black"


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="N×H×W"):
        show_images(torch.rand(5, 10))
    with pytest.raises(ValueError, match="one entry per image"):
        show_images(torch.rand(3, 28, 28), labels=[1, 2])
    with pytest.raises(ValueError, match="empty"):
        show_images(torch.rand(0, 28, 28))


def test_plot_history_one_panel_per_key_one_line_per_run():
    h = [{"epoch": 1, "loss": 1.0, "train_accuracy": 0.5}, {"epoch": 2, "loss": 0.5, "train_accuracy": 0.8}]
    fig = plot_history({"a": h, "b": h})
    assert len(fig.axes) == 2  # val_accuracy is absent from both histories
    assert all(len(ax.lines) == 2 for ax in fig.axes)
    assert fig.axes[0].get_xlabel() == "epoch"
    with pytest.raises(ValueError, match="keys"):
        plot_history(h, keys=("nothing",))


def test_plot_confusion_counts():
    fig = plot_confusion(torch.tensor([0, 1, 1, 2]), np.array([0, 1, 2, 2]), num_classes=3)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "1"]
    assert fig.axes[0].get_xlabel() == "predicted digit"
    with pytest.raises(ValueError, match="same length"):
        plot_confusion([0, 1], [0])


def test_plot_confusion_text_colour_follows_the_cell():
    from matplotlib import colors as mcolors

    # ten 0s read as 1 (the darkest cell), one 1 read as 0 (a light cell), three 0s and two 1s right (diagonal)
    y_true = [0] * 10 + [1] + [0] * 3 + [1] * 2
    y_pred = [1] * 10 + [0] + [0] * 3 + [1] * 2
    fig = plot_confusion(y_true, y_pred, num_classes=2)
    ax = fig.axes[0]
    texts = {(int(t.get_position()[1]), int(t.get_position()[0])): t for t in ax.texts}  # (row, column)
    assert {cell: t.get_text() for cell, t in texts.items()} == {(0, 1): "10", (1, 0): "1", (0, 0): "3", (1, 1): "2"}

    def luminance(colour):
        return float(np.dot(mcolors.to_rgb(colour), [0.2126, 0.7152, 0.0722]))

    im = ax.images[0]
    for (i, j), t in texts.items():
        background = luminance(im.cmap(im.norm(im.get_array()[i, j])))
        text = luminance(t.get_color())
        assert abs(text - background) > 0.5, (
            f"cell {(i, j)}: text {t.get_color()} on a background of luminance {background:.2f}"
        )
    assert mcolors.to_rgb(texts[(0, 1)].get_color()) == (1.0, 1.0, 1.0)  # white on the darkest red
    assert mcolors.to_rgb(texts[(1, 0)].get_color()) == (0.0, 0.0, 0.0)  # black on a pale cell
    assert mcolors.to_rgb(texts[(0, 0)].get_color()) == mcolors.to_rgb("darkgreen")  # the diagonal: green, dark


def test_show_weights_symmetric_scale():
    w = torch.randn(10, 784)
    fig = show_weights(w, ncols=5, titles=[str(i) for i in range(10)])
    im = fig.axes[0].images[0]
    assert im.norm.vmin == -im.norm.vmax
    with pytest.raises(ValueError, match="one entry per weight"):
        show_weights(w, titles=["x"])


def test_plot_embedding_colours_each_digit():
    z = torch.randn(100, 2)
    labels = torch.arange(100) % 10
    fig = plot_embedding(z, labels)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [str(d) for d in range(10)]
    with pytest.raises(ValueError, match="N×2"):
        plot_embedding(torch.randn(10, 3), labels[:10])
    with pytest.raises(ValueError, match="digits 0 to 9"):
        plot_embedding(torch.randn(10, 2), torch.arange(10) + 1)


def _drawn(fig):
    """The points of an embedding figure in drawing order, and the digit each one's colour stands for."""
    (points,) = fig.axes[0].collections  # one scatter for all digits
    palette = np.asarray(DIGIT_COLORS)
    colours = points.get_facecolors()[:, :3]
    digits = np.abs(colours[:, None, :] - palette[None, :, :]).sum(2).argmin(1)
    return points.get_offsets().data, digits


def test_plot_embedding_draws_all_digits_in_one_shuffled_order_the_same_every_time():
    labels = torch.arange(200) // 20  # sorted by digit, as a loop over the classes would draw them
    z = torch.stack([labels.float(), torch.randn(200, generator=torch.Generator().manual_seed(0))], dim=1)
    offsets, digits = _drawn(plot_embedding(z, labels))
    assert sorted(digits.tolist()) == labels.tolist()  # every point drawn once, in its digit's colour
    np.testing.assert_array_equal(offsets[:, 0], digits)  # each point sits where its digit put it
    assert not np.all(np.diff(digits) >= 0)  # not sorted by class: the last digits do not cover the first
    assert len(set(digits[:40].tolist())) >= 5  # the first points drawn already mix many digits
    offsets_again, digits_again = _drawn(plot_embedding(z, labels))
    np.testing.assert_array_equal(digits_again, digits)  # the same order on every call
    np.testing.assert_array_equal(offsets_again, offsets)
    _, other = _drawn(plot_embedding(z, labels, seed=1))
    assert not np.array_equal(other, digits)  # the seed chooses the order


def test_show_images_names_rows_and_can_fix_one_scale():
    fig = show_images(torch.rand(6, 28, 28), ncols=3, row_names=["top", "bottom"], vmin=0.0, vmax=1.0)
    assert [ax.get_ylabel() for ax in fig.axes] == ["top", "", "", "bottom", "", ""]
    assert all(ax.get_images()[0].get_clim() == (0.0, 1.0) for ax in fig.axes)
    with pytest.raises(ValueError, match="one entry per row"):
        show_images(torch.rand(6, 28, 28), ncols=3, row_names=["only one"])


def test_show_images_takes_string_labels():
    fig = show_images(torch.rand(2, 28, 28), labels=["Bag", "Coat"])
    assert [ax.title.get_text() for ax in fig.axes] == ["Bag", "Coat"]
