"""Draw small arrays as grids of numbered cells.

The book's figures show every number of a tiny example, so a reader can
check the arithmetic by eye. `draw_grid` is the one primitive: it draws
a 2-D array as coloured cells with their values written in, and can
outline windows (the part of the input a filter or a pooling window is
looking at).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

# Colours chosen to stay distinct for the common colour-vision
# deficiencies (from the Okabe-Ito palette).
WINDOW_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00")
PAD_COLOR = "#E8E8E8"


def new_figure(n_axes=1, width_per_axis=3.0, height=3.0):
    """Return a white figure and a row of `n_axes` axes.

    Parameters
    ----------
    n_axes : int, default 1
        How many axes side by side.
    width_per_axis, height : float
        Size in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : list of matplotlib.axes.Axes
        Always a list, even for one axis.
    """
    fig, axes = plt.subplots(
        1,
        n_axes,
        figsize=(width_per_axis * n_axes, height),
        squeeze=False,
        facecolor="white",
        layout="constrained",
    )
    return fig, list(axes[0])


def draw_grid(
    ax,
    values,
    *,
    windows=(),
    pad=0,
    title=None,
    fmt="{:g}",
    cmap="Blues",
    show_values=True,
):
    """Draw a 2-D array as a grid of cells with their values.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    values : ndarray of shape (n_H, n_W)
        The numbers to show; row 0 is drawn at the top.
    windows : sequence of (row, col, size) or (row, col, height, width)
        Rectangles to outline, each in its own colour, for instance the
        window a filter is looking at.
    pad : int, default 0
        How many outer rows and columns are padding; they are drawn in
        grey, so the zeros added by `zero_pad` stand apart.
    title : str, optional
        Written above the grid.
    fmt : str, default "{:g}"
        Format of the numbers written in the cells.
    cmap : str, default "Blues"
        Colour map of the cells (padding excepted).
    show_values : bool, default True
        Write each cell's value in it.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"`values` must have 2 dimensions, got {values.ndim}")
    n_H, n_W = values.shape

    _draw_cells(ax, values, pad, cmap)
    if show_values:
        _write_values(ax, values, fmt)
    for index, window in enumerate(windows):
        _outline(ax, window, WINDOW_COLORS[index % len(WINDOW_COLORS)])

    ax.set_xlim(-0.5, n_W - 0.5)
    ax.set_ylim(n_H - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _draw_cells(ax, values, pad, cmap):
    n_H, n_W = values.shape
    interior = np.zeros(values.shape, dtype=bool)
    interior[pad : n_H - pad, pad : n_W - pad] = True
    shown = np.where(interior, values, np.nan)

    colors = plt.get_cmap(cmap).with_extremes(bad=PAD_COLOR)
    finite = values[interior]
    low, high = (finite.min(), finite.max()) if finite.size else (0, 1)
    # A light range, so black numbers stay readable on every cell.
    spread = max(high - low, 1e-12)
    ax.imshow(
        np.ma.masked_invalid(shown),
        cmap=colors,
        vmin=low - 0.25 * spread,
        vmax=high + 1.2 * spread,
    )
    for row in range(n_H + 1):
        ax.axhline(row - 0.5, color="#555555", linewidth=0.6)
    for col in range(n_W + 1):
        ax.axvline(col - 0.5, color="#555555", linewidth=0.6)


def _write_values(ax, values, fmt):
    n_H, n_W = values.shape
    size = 11 if max(n_H, n_W) <= 6 else 8
    for row in range(n_H):
        for col in range(n_W):
            ax.text(
                col,
                row,
                fmt.format(values[row, col]),
                ha="center",
                va="center",
                fontsize=size,
                color="black",
            )


def _outline(ax, window, color):
    if len(window) == 3:
        row, col, size = window
        height = width = size
    else:
        row, col, height, width = window
    ax.add_patch(
        Rectangle(
            (col - 0.5, row - 0.5),
            width,
            height,
            fill=False,
            edgecolor=color,
            linewidth=3,
        )
    )
