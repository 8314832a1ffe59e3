"""Tests of the shared figure primitive `convstep.figures.grid`."""

import matplotlib
import numpy as np
import pytest

from convstep.figures.grid import draw_grid, new_figure

matplotlib.use("Agg")


def test_new_figure_returns_a_white_figure_and_its_axes():
    fig, axes = new_figure(3)

    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(axes) == 3
    assert matplotlib.colors.to_hex(fig.get_facecolor()) == "#ffffff"


def test_draw_grid_writes_every_value_and_outlines_windows():
    fig, (ax,) = new_figure()

    draw_grid(ax, np.arange(6.0).reshape(2, 3), windows=[(0, 0, 2)])

    assert [t.get_text() for t in ax.texts] == ["0", "1", "2", "3", "4", "5"]
    assert len(ax.patches) == 1
    fig.canvas.draw()


def test_draw_grid_rejects_a_3d_array():
    _, (ax,) = new_figure()

    with pytest.raises(ValueError, match="`values` must have 2 dimensions"):
        draw_grid(ax, np.zeros((2, 2, 2)))
