"""mnist_course.plot: every figure function returns a Figure and rejects bad shapes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from mnist_course.plot import plot_confusion, plot_embedding, plot_history, show_images, show_weights


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
    assert len(fig.axes[0].collections) == 10
    with pytest.raises(ValueError, match="N×2"):
        plot_embedding(torch.randn(10, 3), labels[:10])


def test_show_images_names_rows_and_can_fix_one_scale():
    fig = show_images(torch.rand(6, 28, 28), ncols=3, row_names=["top", "bottom"], vmin=0.0, vmax=1.0)
    assert [ax.get_ylabel() for ax in fig.axes] == ["top", "", "", "bottom", "", ""]
    assert all(ax.get_images()[0].get_clim() == (0.0, 1.0) for ax in fig.axes)
    with pytest.raises(ValueError, match="one entry per row"):
        show_images(torch.rand(6, 28, 28), ncols=3, row_names=["only one"])


def test_show_images_takes_string_labels():
    fig = show_images(torch.rand(2, 28, 28), labels=["Bag", "Coat"])
    assert [ax.title.get_text() for ax in fig.axes] == ["Bag", "Coat"]
