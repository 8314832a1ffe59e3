"""Tests of the chapter "Putting it together: a small CNN"'s figures."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from convstep.figures.cnn import (
    confusion_figure,
    confusion_matrix,
    digits_figure,
    feature_maps_figure,
    filters_figure,
    history_figure,
    mistakes_figure,
)

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def images(n, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, size=(n, 8, 8, 1))


def history(epochs=3):
    return {
        "epoch": list(range(1, epochs + 1)),
        "loss": [1.0, 0.5, 0.25][:epochs],
        "train_accuracy": [0.8, 0.9, 0.95][:epochs],
        "test_loss": [1.1, 0.6, 0.4][:epochs],
        "test_accuracy": [0.7, 0.85, 0.9][:epochs],
        "seconds": [0.1, 0.2, 0.3][:epochs],
    }


def visible_image_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


def test_digits_figure_draws_one_titled_image_per_digit():
    fig = digits_figure(images(5), [str(k) for k in range(5)], n_cols=3)

    assert isinstance(fig, Figure)
    axes = visible_image_axes(fig)
    assert [ax.get_title() for ax in axes] == ["0", "1", "2", "3", "4"]


def test_history_figure_plots_accuracy_in_per_cent():
    fig = history_figure(history())

    assert isinstance(fig, Figure)
    test_line = fig.axes[1].get_lines()[1]
    np.testing.assert_allclose(test_line.get_ydata(), [70.0, 85.0, 90.0])
    assert fig.axes[1].texts[0].get_text() == "90.00 %"


def test_filters_figure_draws_every_filter():
    W = np.random.default_rng(1).standard_normal((3, 3, 1, 6))

    fig = filters_figure(W, n_cols=4)

    assert isinstance(fig, Figure)
    axes = visible_image_axes(fig)
    assert len(axes) == 6
    np.testing.assert_array_equal(axes[5].images[0].get_array(), W[..., 0, 5])


def test_filters_figure_rejects_several_input_channels():
    with pytest.raises(ValueError, match="W"):
        filters_figure(np.zeros((3, 3, 2, 4)))


def test_feature_maps_figure_draws_input_and_two_maps_per_channel():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((8, 8, 5))
    P = np.maximum(rng.standard_normal((4, 4, 5)), 0)

    fig = feature_maps_figure(images(1)[0], Z, P, per_row=4)

    assert isinstance(fig, Figure)
    assert len(visible_image_axes(fig)) == 1 + 2 * 5


def test_confusion_matrix_counts_pairs():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 2, 0])

    matrix = confusion_matrix(y_true, y_pred, 3)

    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_confusion_figure_writes_the_nonzero_counts():
    matrix = np.array([[5, 0], [2, 7]])

    fig = confusion_figure(matrix)

    assert isinstance(fig, Figure)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["2", "5", "7"]


def test_mistakes_figure_shows_only_the_mistakes():
    y_true = np.array([1, 2, 3, 4])
    y_pred = np.array([1, 7, 3, 9])

    fig = mistakes_figure(images(4), y_true, y_pred)

    titles = [ax.get_title() for ax in visible_image_axes(fig)]
    assert titles == ["true 2, said 7", "true 4, said 9"]


def test_mistakes_figure_says_so_when_there_are_none():
    labels = np.array([1, 2])

    fig = mistakes_figure(images(2), labels, labels)

    assert isinstance(fig, Figure)
    assert fig.axes[0].texts[0].get_text() == "no mistakes"
