"""Figures of the two pooling chapters.

Every number drawn here is computed by `convstep.pool` itself, so a
figure cannot disagree with the code it illustrates. The small examples
are single images with a single channel, given as 2-D arrays; the
helpers wrap them into the ``(1, n_H, n_W, 1)`` batches the package
expects.
"""

import numpy as np
from matplotlib.patches import Rectangle

from convstep.figures.grid import WINDOW_COLORS, draw_grid, new_figure
from convstep.pool import (
    create_mask_from_window,
    distribute_value,
    pool_backward,
    pool_forward,
)


def pool_forward_figure(x, f, stride):
    """Draw an input with its windows, then its max and average pooling.

    Each output cell is outlined in the colour of the window it
    summarises.

    Parameters
    ----------
    x : ndarray of shape (n_H_prev, n_W_prev)
        One channel of one image.
    f, stride : int
        The pooling window and its step.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels: the input, the max-pooled and the average-pooled
        output.
    """
    x = np.asarray(x, dtype=float)
    hparameters = {"f": f, "stride": stride}
    maximum = _pool_2d(x, hparameters, "max")
    average = _pool_2d(x, hparameters, "average")

    fig, axes = new_figure(3)
    _draw_windows(axes[0], x, f, stride, maximum.shape, "input")
    _draw_outputs(axes[1], maximum, "max pooling")
    _draw_outputs(axes[2], average, "average pooling", fmt="{:.3g}")
    return fig


def image_panels_figure(images, titles):
    """Draw grey-scale images side by side, on one brightness scale.

    Parameters
    ----------
    images : sequence of ndarray of shape (n_H, n_W)
        The images; they may differ in size.
    titles : sequence of str
        One title per image.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    low = min(float(np.min(image)) for image in images)
    high = max(float(np.max(image)) for image in images)

    fig, axes = new_figure(len(images), width_per_axis=3.2, height=3.6)
    for ax, image, title in zip(axes, images, titles, strict=True):
        ax.imshow(image, cmap="gray", vmin=low, vmax=high)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
    return fig


def routing_figure(window, dz):
    """Show where one window's gradient goes, for max and for average.

    Parameters
    ----------
    window : ndarray of shape (f, f)
        One pooling window of the input.
    dz : float
        The gradient that arrives at the window's pooled output.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels: the window with the entry `create_mask_from_window`
        chose outlined, ``mask * dz``, and ``distribute_value(dz)``.
    """
    window = np.asarray(window, dtype=float)
    mask = create_mask_from_window(window)
    row, col = np.argwhere(mask)[0]

    fig, axes = new_figure(3)
    draw_grid(axes[0], window, title="window")
    _outline(axes[0], row, col, 1, WINDOW_COLORS[0], inset=0.06)
    draw_grid(axes[1], mask * dz, title=f"max: mask * {dz:g}")
    draw_grid(
        axes[2],
        distribute_value(dz, window.shape),
        title=f"average: {dz:g} / {window.size}",
    )
    return fig


def pool_backward_figure(x, dA, f, stride, mode="max"):
    """Draw an input's windows, the incoming gradient, and `dA_prev`.

    Parameters
    ----------
    x : ndarray of shape (n_H_prev, n_W_prev)
        One channel of one image: the input of the forward pass.
    dA : ndarray of shape (n_H, n_W)
        The gradient of the loss with respect to the pooled output.
    f, stride : int
        The pooling window and its step.
    mode : {"max", "average"}, default "max"

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels: the input with its windows outlined, `dA` with
        each cell outlined in its window's colour, and the result of
        `pool_backward`.
    """
    x = np.asarray(x, dtype=float)
    dA = np.asarray(dA, dtype=float)
    hparameters = {"f": f, "stride": stride}
    _, cache = pool_forward(_batch(x), hparameters, mode)
    dA_prev = pool_backward(_batch(dA), cache, mode)[0, :, :, 0]

    fig, axes = new_figure(3)
    _draw_windows(axes[0], x, f, stride, dA.shape, f"input ({mode})")
    _draw_outputs(axes[1], dA, "dA, from the next layer")
    draw_grid(axes[2], dA_prev, fmt="{:.3g}", title="dA_prev")
    return fig


def _batch(x):
    """A 2-D array as a batch of one single-channel image."""
    return x[np.newaxis, :, :, np.newaxis]


def _pool_2d(x, hparameters, mode):
    """`pool_forward` of one 2-D channel, returned as a 2-D array."""
    A, _ = pool_forward(_batch(x), hparameters, mode)
    return A[0, :, :, 0]


def _draw_windows(ax, x, f, stride, output_shape, title):
    """Draw `x` with every pooling window outlined in its own colour."""
    draw_grid(ax, x, title=title)
    _outline_windows(ax, output_shape, f, stride)


def _draw_outputs(ax, values, title, fmt="{:g}"):
    """Draw one value per window, outlined in that window's colour."""
    draw_grid(ax, values, title=title, fmt=fmt)
    _outline_windows(ax, values.shape, 1, 1)


def _outline_windows(ax, output_shape, f, stride):
    """Outline the window of every output position, in row-major order.

    Overlapping or touching windows have borders on the same grid
    lines; each window is drawn a little inside its cells, neighbours by
    different amounts, so that every outline stays visible.
    """
    levels = min(-(-f // stride), 4)
    for index, (h, w) in enumerate(np.ndindex(*output_shape)):
        inset = 0.06 + 0.08 * ((h + w) % levels)
        color = WINDOW_COLORS[index % len(WINDOW_COLORS)]
        _outline(ax, h * stride, w * stride, f, color, inset)


def _outline(ax, row, col, size, color, inset):
    """Outline a `size` by `size` block of cells, `inset` inside it."""
    corner = (col - 0.5 + inset, row - 0.5 + inset)
    side = size - 2 * inset
    ax.add_patch(
        Rectangle(corner, side, side, fill=False, edgecolor=color, lw=2.5)
    )
