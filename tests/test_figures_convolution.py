"""Tests of the figures of the convolution chapters."""

import matplotlib
import numpy as np
import pytest

import convstep
from convstep.figures import convolution

matplotlib.use("Agg")


def _draw(fig):
    fig.canvas.draw()
    matplotlib.pyplot.close(fig)


def test_sample_photo_is_grey_and_downsampled():
    photo = convolution.sample_photo(step=8)

    assert photo.shape == (75, 64)
    assert 0.0 <= photo.min() < photo.max() <= 1.0


def test_padded_photo_figure_draws_the_padded_size():
    patch = np.linspace(0, 1, 12).reshape(3, 4)

    fig = convolution.padded_photo_figure(patch, 2)

    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.axes[1].images[0].get_array().shape == (7, 8)
    _draw(fig)


def test_padding_grid_figure_writes_the_zeros_of_the_padding():
    fig = convolution.padding_grid_figure(np.arange(1.0, 5.0).reshape(2, 2), 1)

    texts = [t.get_text() for t in fig.axes[1].texts]
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(texts) == 16
    assert texts.count("0") == 12
    _draw(fig)


def test_window_counts_match_a_count_by_hand():
    # 4 by 4 input, 3 by 3 windows, stride 1, no padding: 2 by 2 windows.
    expected = np.array(
        [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]], dtype=float
    )

    np.testing.assert_array_equal(convolution.window_counts(4, 3, 0), expected)


def test_window_counts_with_same_padding_reach_the_corner_four_times():
    counts = convolution.window_counts(5, 3, 1)

    assert counts[0, 0] == 4
    assert counts[2, 2] == 9


def test_window_count_figure_draws_one_panel_per_padding():
    fig = convolution.window_count_figure(4, 3, [0, 1, 2])

    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 3
    _draw(fig)


def test_single_step_figure_writes_the_package_result():
    a = np.arange(9.0).reshape(3, 3)
    w = np.eye(3)

    fig = convolution.single_step_figure(a, w, -2.0)

    # 0 + 4 + 8 - 2 = 10
    assert isinstance(fig, matplotlib.figure.Figure)
    assert "= 10" in fig.axes[3].texts[0].get_text()
    _draw(fig)


def test_edge_filter_figure_draws_one_panel_per_filter():
    photo = np.random.default_rng(0).random((8, 6))
    W = np.random.default_rng(1).standard_normal((3, 3, 1, 2))

    Z, _ = convstep.conv_forward(
        photo[None, :, :, None],
        W,
        np.zeros((1, 1, 1, 2)),
        {"stride": 1, "pad": 1},
    )

    fig = convolution.edge_filter_figure(photo, Z, ["a", "b"])

    assert isinstance(fig, matplotlib.figure.Figure)
    assert [ax.get_title() for ax in fig.axes[1:]] == ["a", "b"]
    assert fig.axes[1].images[0].get_array().shape == (8, 6)
    _draw(fig)


@pytest.mark.parametrize("position", [(0, 0), (1, 0), (1, 1)])
def test_backward_window_figure_copies_the_filter_into_the_window(position):
    w = np.arange(1.0, 10.0).reshape(3, 3)
    h, col = position

    fig = convolution.backward_window_figure(w, 5, 2, h, col)

    texts = [float(t.get_text()) for t in fig.axes[2].texts]
    dA_prev = np.array(texts).reshape(5, 5)
    window = dA_prev[2 * h : 2 * h + 3, 2 * col : 2 * col + 3]
    np.testing.assert_array_equal(window, w)
    assert dA_prev.sum() == w.sum()
    _draw(fig)
