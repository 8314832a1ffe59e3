"""Figures of the convolution chapters: padding, one step, both passes.

Every number drawn here is computed by the package (`zero_pad`,
`conv_single_step`, `conv_forward`, `conv_backward`), so a figure can
never disagree with the code it illustrates.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook
from matplotlib.patches import Rectangle

from convstep.conv import conv_backward, conv_forward, conv_single_step
from convstep.figures.grid import WINDOW_COLORS, draw_grid, new_figure
from convstep.padding import zero_pad

# Weights of the ITU-R BT.601 luma, the usual colour-to-grey mix.
_LUMA = np.array([0.299, 0.587, 0.114])


def sample_photo(step=4):
    """Return matplotlib's Grace Hopper portrait in grey, downsampled.

    Parameters
    ----------
    step : int, default 4
        Each output pixel is the mean of a `step` by `step` block of
        the 600 by 512 original.

    Returns
    -------
    photo : ndarray of shape (600 // step, 512 // step)
        Grey levels between 0 (black) and 1 (white).
    """
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        rgb = plt.imread(file)
    grey = rgb[..., :3] @ _LUMA / 255.0

    n_H, n_W = grey.shape[0] // step, grey.shape[1] // step
    blocks = grey[: n_H * step, : n_W * step].reshape(n_H, step, n_W, step)
    return blocks.mean(axis=(1, 3))


def _as_batch(x):
    """One 2-D image as a batch of one single-channel image."""
    return np.asarray(x, dtype=float)[np.newaxis, :, :, np.newaxis]


def _show_image(ax, image, title, cmap="gray", vmin=0.0, vmax=1.0):
    ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def padded_photo_figure(patch, pad):
    """Draw a grey patch next to the same patch after `zero_pad`.

    Parameters
    ----------
    patch : ndarray of shape (n_H, n_W)
        Grey levels in [0, 1].
    pad : int
        Passed to `zero_pad`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    padded = zero_pad(_as_batch(patch), pad)[0, :, :, 0]
    n_H, n_W = patch.shape

    fig, axes = new_figure(2, width_per_axis=3.2, height=3.4)
    _show_image(axes[0], patch, f"patch, {n_H} x {n_W}")
    _show_image(
        axes[1],
        padded,
        f"zero_pad(patch, {pad}), {n_H + 2 * pad} x {n_W + 2 * pad}",
    )
    axes[1].add_patch(
        Rectangle(
            (pad - 0.5, pad - 0.5),
            n_W,
            n_H,
            fill=False,
            edgecolor=WINDOW_COLORS[0],
            linewidth=2,
            linestyle="--",
        )
    )
    return fig


def padding_grid_figure(x, pad):
    """Draw a tiny array and its zero-padded version, numbers written in.

    Parameters
    ----------
    x : ndarray of shape (n_H, n_W)
    pad : int

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    padded = zero_pad(_as_batch(x), pad)[0, :, :, 0]

    fig, axes = new_figure(2, width_per_axis=3.0, height=3.2)
    draw_grid(axes[0], x, title=f"x, {x.shape[0]} x {x.shape[1]}")
    draw_grid(
        axes[1],
        padded,
        pad=pad,
        title=f"zero_pad(x, {pad}), {padded.shape[0]} x {padded.shape[1]}",
    )
    return fig


def window_counts(n_prev, f, pad):
    """Count, for every input pixel, the stride-1 windows that cover it.

    The count is the input gradient of `conv_forward` with all-ones
    filter and all-ones `dZ`: each window sends a 1 to every pixel it
    covers.

    Parameters
    ----------
    n_prev : int
        Side of the square input.
    f : int
        Side of the square window.
    pad : int
        Zeros added on each side.

    Returns
    -------
    counts : ndarray of shape (n_prev, n_prev)
    """
    A_prev = np.zeros((1, n_prev, n_prev, 1))
    W = np.ones((f, f, 1, 1))
    b = np.zeros((1, 1, 1, 1))
    Z, cache = conv_forward(A_prev, W, b, {"stride": 1, "pad": pad})
    dA_prev, _, _ = conv_backward(np.ones_like(Z), cache)
    return dA_prev[0, :, :, 0]


def window_count_figure(n_prev, f, pads):
    """Draw how many windows cover each pixel, for several paddings.

    Parameters
    ----------
    n_prev : int
        Side of the square input.
    f : int
        Side of the square window (stride 1).
    pads : sequence of int
        One panel per padding.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    fig, axes = new_figure(len(pads), width_per_axis=3.0, height=3.2)
    for ax, pad in zip(axes, pads, strict=True):
        counts = window_counts(n_prev, f, pad)
        draw_grid(ax, counts, cmap="Oranges", title=f"pad = {pad}")
    return fig


def single_step_figure(a_slice, w, b):
    """Draw one window, one filter, their product and the sum plus bias.

    Parameters
    ----------
    a_slice : ndarray of shape (f, f)
        One window of a single-channel input.
    w : ndarray of shape (f, f)
        One single-channel filter.
    b : float
        The filter's bias.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    a_slice = np.asarray(a_slice, dtype=float)
    w = np.asarray(w, dtype=float)
    # Adding 0.0 turns the -0.0 of a zero times a negative weight into 0.
    product = a_slice * w + 0.0
    z = conv_single_step(a_slice[..., None], w[..., None], np.array(b))

    fig, axes = new_figure(4, width_per_axis=1.9, height=2.1)
    draw_grid(axes[0], a_slice, title="window a_slice_prev")
    draw_grid(axes[1], w, title="filter W", cmap="Greens")
    draw_grid(axes[2], product, title="a_slice_prev * W", cmap="Purples")

    text_ax = axes[3]
    text_ax.axis("off")
    lines = [
        f"sum = {product.sum():g}",
        f"b = {float(b):g}",
        "",
        f"z = {product.sum():g} + {float(b):g}",
        f"   = {z:g}",
    ]
    text_ax.text(
        0.05,
        0.5,
        "\n".join(lines),
        fontsize=11,
        family="monospace",
        va="center",
        transform=text_ax.transAxes,
    )
    text_ax.set_title("sum + bias", fontsize=10)
    return fig


def edge_filter_figure(photo, Z, names):
    """Draw a photograph and the output channels of a convolution of it.

    Parameters
    ----------
    photo : ndarray of shape (n_H_prev, n_W_prev)
        Grey levels in [0, 1].
    Z : ndarray of shape (1, n_H, n_W, n_C)
        What `conv_forward` made of the photograph.
    names : sequence of str
        One title per output channel.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Notes
    -----
    Each channel is drawn with a diverging colour map centred on zero,
    orange for positive and purple for negative values. Its range is
    the 99th percentile of the absolute values, so that a few extreme
    pixels do not wash out every other edge.
    """
    n_C = Z.shape[-1]

    fig, axes = new_figure(n_C + 1, width_per_axis=2.8, height=3.4)
    _show_image(axes[0], photo, f"input, {photo.shape[0]} x {photo.shape[1]}")
    for c in range(n_C):
        z = Z[0, :, :, c]
        limit = max(np.percentile(np.abs(z), 99), 1e-12)
        _show_image(axes[c + 1], z, names[c], "PuOr_r", -limit, limit)
    return fig


def backward_window_figure(w, n_prev, stride, h, w_index):
    """Draw where the gradient of one output entry lands in the input.

    `dZ` is zero except for a 1 at ``(h, w_index)``; `conv_backward`
    then copies the filter into the window that produced that entry.

    Parameters
    ----------
    w : ndarray of shape (f, f)
        A single-channel filter.
    n_prev : int
        Side of the square input (no padding).
    stride : int
    h, w_index : int
        Row and column of the output entry.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    w = np.asarray(w, dtype=float)
    f = w.shape[0]
    A_prev = np.zeros((1, n_prev, n_prev, 1))
    hparameters = {"stride": stride, "pad": 0}
    Z, cache = conv_forward(
        A_prev, w[:, :, None, None], np.zeros((1, 1, 1, 1)), hparameters
    )
    dZ = np.zeros_like(Z)
    dZ[0, h, w_index, 0] = 1.0
    dA_prev, _, _ = conv_backward(dZ, cache)

    fig, axes = new_figure(3, width_per_axis=3.0, height=3.2)
    draw_grid(axes[0], dZ[0, :, :, 0], windows=[(h, w_index, 1)], title="dZ")
    draw_grid(axes[1], w, cmap="Greens", title="W")
    draw_grid(
        axes[2],
        dA_prev[0, :, :, 0],
        windows=[(h * stride, w_index * stride, f)],
        cmap="Purples",
        title=f"dA_prev (stride {stride})",
    )
    return fig
