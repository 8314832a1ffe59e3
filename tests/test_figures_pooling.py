"""Tests of the pooling chapters' figures, `convstep.figures.pooling`."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import convstep
from convstep.figures.pooling import (
    image_panels_figure,
    pool_backward_figure,
    pool_forward_figure,
    routing_figure,
)

matplotlib.use("Agg")

X = np.array(
    [
        [1.0, 3.0, 2.0, 0.0, 5.0],
        [4.0, 6.0, 5.0, 1.0, 2.0],
        [7.0, 2.0, 9.0, 8.0, 3.0],
        [0.0, 3.0, 4.0, 6.0, 1.0],
        [2.0, 8.0, 1.0, 0.0, 4.0],
    ]
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def written(ax):
    """The numbers written in the cells of a grid, row by row."""
    return [float(text.get_text()) for text in ax.texts]


def test_pool_forward_figure_writes_the_packages_outputs():
    fig = pool_forward_figure(X, 3, 2)

    input_ax, max_ax, average_ax = fig.axes
    A_max, _ = convstep.pool_forward(
        X[None, :, :, None], {"f": 3, "stride": 2}
    )
    A_avg, _ = convstep.pool_forward(
        X[None, :, :, None], {"f": 3, "stride": 2}, "average"
    )
    assert written(input_ax) == X.ravel().tolist()
    assert written(max_ax) == A_max.ravel().tolist()
    assert written(average_ax) == pytest.approx(A_avg.ravel(), abs=5e-3)
    fig.canvas.draw()


def test_pool_forward_figure_outlines_one_window_per_output():
    fig = pool_forward_figure(X, 2, 1)

    input_ax, max_ax, _ = fig.axes
    assert len(input_ax.patches) == 16
    assert len(max_ax.patches) == 16


def test_image_panels_figure_shares_one_brightness_scale():
    images = [np.zeros((4, 4)), np.full((2, 2), 3.0)]

    fig = image_panels_figure(images, ["zeros", "threes"])

    assert isinstance(fig, matplotlib.figure.Figure)
    limits = {ax.images[0].get_clim() for ax in fig.axes}
    assert limits == {(0.0, 3.0)}
    assert [ax.get_title() for ax in fig.axes] == ["zeros", "threes"]


def test_routing_figure_sends_max_gradient_to_first_tied_maximum():
    fig = routing_figure(np.array([[1.0, 4.0], [4.0, 2.0]]), 8.0)

    window_ax, max_ax, average_ax = fig.axes
    assert written(max_ax) == [0.0, 8.0, 0.0, 0.0]
    assert written(average_ax) == [2.0, 2.0, 2.0, 2.0]
    (outline,) = window_ax.patches
    assert outline.get_x() == pytest.approx(0.5 + 0.06)
    assert outline.get_y() == pytest.approx(-0.5 + 0.06)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_figure_writes_the_packages_gradient(mode):
    x = X[:3, :3]
    dA = np.array([[1.0, 2.0], [3.0, 4.0]])

    fig = pool_backward_figure(x, dA, 2, 1, mode)

    _, dA_ax, dA_prev_ax = fig.axes
    _, cache = convstep.pool_forward(
        x[None, :, :, None], {"f": 2, "stride": 1}, mode
    )
    dA_prev = convstep.pool_backward(dA[None, :, :, None], cache, mode)
    assert written(dA_ax) == dA.ravel().tolist()
    assert written(dA_prev_ax) == pytest.approx(dA_prev.ravel(), abs=5e-3)
    fig.canvas.draw()
