"""Figures and tables of the chapter "Making it fast".

The strided-view and im2col pictures are drawn from what
`convstep.fast` itself computes, so they cannot disagree with the code.
The benchmark helpers read the results that ``benchmarks/bench.py
--json`` writes; the chapter shows whatever that file holds, so
re-running the benchmark updates the page without touching its text.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from convstep import fast
from convstep.figures.grid import WINDOW_COLORS, draw_grid, new_figure
from convstep.padding import output_size

_WINDOW_COLOR, _OFFSET_COLOR = WINDOW_COLORS[0], WINDOW_COLORS[1]
_HIGHLIGHT = "#F5C9A8"  # a light tint of the window colour


# Windows as views ------------------------------------------------------


def strides_figure(n=5, f=3, stride=2, window=(1, 1), offset=(1, 2)):
    """Draw one window of an image, in the image and in memory.

    The image is one channel of float64 numbers, ``n`` by ``n``; each
    cell shows its address, in bytes from the start of the array.

    Parameters
    ----------
    n : int, default 5
        Height and width of the image.
    f, stride : int
        Window size and step.
    window : (int, int), default (1, 1)
        The output position ``(h, w)`` whose window is highlighted.
    offset : (int, int), default (1, 2)
        The entry ``(u, v)`` inside that window that is marked.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Top, the image as a grid of byte addresses with the window
        outlined and the entry ``(u, v)`` marked. Bottom, the same
        ``n*n`` addresses in the order they sit in memory, with the
        window's cells shaded and arrows for the four strides of the
        window view, from the window's first cell: next ``v`` and next
        ``u`` below, next ``w`` and next ``h`` above.
    """
    image = np.arange(float(n * n)).reshape(1, n, n, 1)
    itemsize = image.itemsize
    addresses = np.arange(n * n).reshape(n, n) * itemsize
    (h, w), (u, v) = window, offset
    top, left = h * stride, w * stride

    # The strides (in bytes) come from NumPy's own view of the windows.
    n_out = (n - f) // stride + 1
    view = fast._windows(image, f, stride, n_out, n_out)
    _, s_h, s_w, s_u, s_v, _ = view.strides

    fig, (grid_ax, strip_ax) = plt.subplots(
        2,
        1,
        figsize=(7.4, 4.9),
        height_ratios=(3.2, 1.8),
        facecolor="white",
        layout="constrained",
    )
    draw_grid(
        grid_ax,
        addresses,
        windows=[(top, left, f)],
        title=f"the image: byte address of each cell (f={f}, s={stride})",
    )
    _mark(grid_ax, top + u, left + v)

    shaded = [
        (top + row) * n + left + col for row in range(f) for col in range(f)
    ]
    _draw_strip(strip_ax, addresses.ravel(), shaded)
    _mark(strip_ax, 0, (top + u) * n + left + v)

    corner = top * n + left
    arrows = [(s_v, "v", -1, 10), (s_u, "u", -1, 32), (s_w, "w", 1, 10)]
    for step, name, side, arm in [*arrows, (s_h, "h", 1, 32)]:
        _arrow(
            strip_ax, corner, corner + step // itemsize, step, name, side, arm
        )
    return fig


def _draw_strip(ax, addresses, shaded):
    """Cells in a row, as memory holds them; `shaded` ones tinted."""
    for cell, address in enumerate(addresses):
        ax.add_patch(
            Rectangle(
                (cell - 0.5, -0.5),
                1,
                1,
                facecolor=_HIGHLIGHT if cell in shaded else "white",
                edgecolor="#555555",
                linewidth=0.6,
            )
        )
        ax.text(cell, 0, f"{address}", ha="center", va="center", fontsize=7)
    ax.set_xlim(-0.6, len(addresses) - 0.4)
    ax.set_ylim(3.2, -3.2)
    ax.set_axis_off()
    ax.set_title(
        "the same cells in memory, one row after the other", fontsize=10
    )


def _mark(ax, row, col):
    ax.add_patch(
        Rectangle(
            (col - 0.42, row - 0.42),
            0.84,
            0.84,
            fill=False,
            edgecolor=_OFFSET_COLOR,
            linewidth=2.5,
        )
    )


def _arrow(ax, start, end, step, name, side, arm):
    """A bracket-shaped arrow from cell `start` to cell `end`.

    Drawn above the strip when `side` is 1 and below when it is -1,
    rising `arm` points, with the stride written on top.
    """
    edge = -0.5 if side == 1 else 0.5
    angle = 90 * side
    ax.annotate(
        "",
        xy=(end, edge),
        xytext=(start, edge),
        arrowprops={
            "arrowstyle": "->",
            "connectionstyle": (
                f"arc,angleA={angle},angleB={angle},"
                f"armA={arm},armB={arm},rad=3"
            ),
            "color": "#333333",
            "shrinkA": 1,
            "shrinkB": 1,
        },
    )
    # Short arrows are labelled on their left, long ones on their
    # right, so that no label sits on another arrow's line.
    short = arm < 20
    ax.annotate(
        f"next {name}: +{step} bytes",
        xy=(start - 0.6 if short else end + 0.6, edge),
        xytext=(0, side * arm),
        textcoords="offset points",
        ha="right" if short else "left",
        va="center",
        fontsize=9,
    )


# im2col ----------------------------------------------------------------


def im2col_figure(x, f, stride, highlight=(0, 1)):
    """Draw an image with some windows, and the im2col matrix it becomes.

    Parameters
    ----------
    x : ndarray of shape (n_H_prev, n_W_prev)
        One channel of one image (no padding is added).
    f, stride : int
        Window size and step.
    highlight : sequence of int, default (0, 1)
        Which windows to outline, numbered row by row as the rows of
        the matrix are.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Left, the image with the highlighted windows outlined, each in
        its own colour. Right, the matrix `convstep.fast` builds from
        it, one row per window and one column per offset ``(u, v)``,
        the highlighted windows' rows outlined in the same colours.
    """
    x = np.asarray(x, dtype=float)
    n_H = (x.shape[0] - f) // stride + 1
    n_W = (x.shape[1] - f) // stride + 1
    X = fast._im2col(x[None, :, :, None], f, stride, n_H, n_W)

    corners = [
        (h * stride, w * stride) for h in range(n_H) for w in range(n_W)
    ]
    fig, axes = new_figure(2, width_per_axis=3.4, height=3.4)
    draw_grid(
        axes[0],
        x,
        windows=[(*corners[k], f) for k in highlight],
        title=f"input, {f} by {f} windows, stride {stride}",
    )
    draw_grid(
        axes[1],
        X,
        windows=[(k, 0, 1, X.shape[1]) for k in highlight],
        title=f"im2col: {X.shape[0]} rows by {X.shape[1]} columns",
    )
    return fig


# The benchmark ---------------------------------------------------------

_CONV_LABEL = re.compile(
    r"conv (\d+)x(\d+)x(\d+)x(\d+)->(\d+) f(\d+) s(\d+) p(\d+)"
)


def conv_case_shape(label):
    """Read a convolution case's sizes back from its benchmark label.

    Parameters
    ----------
    label : str
        A label as ``benchmarks/bench.py`` writes it, for instance
        ``"conv 16x56x56x64->64 f3 s1 p1"``.

    Returns
    -------
    shape : dict
        ``m``, ``n_H_prev``, ``n_W_prev``, ``n_C_prev``, ``n_C``, ``f``,
        ``stride``, ``pad`` as integers.

    Raises
    ------
    ValueError
        If `label` is not a convolution label.
    """
    match = _CONV_LABEL.fullmatch(label)
    if match is None:
        raise ValueError(f"`label` is not a convolution case, got {label!r}")
    names = ("m", "n_H_prev", "n_W_prev", "n_C_prev", "n_C", "f")
    values = [int(group) for group in match.groups()]
    return dict(zip((*names, "stride", "pad"), values, strict=True))


def conv_flops(shape):
    """Multiplications and additions of one convolution forward pass.

    ``2 * m * n_H * n_W * f * f * n_C_prev * n_C``: one multiply and one
    add per term of the forward sum (the bias is left out).
    """
    f, stride, pad = shape["f"], shape["stride"], shape["pad"]
    n_H = output_size(shape["n_H_prev"], f, stride, pad)
    n_W = output_size(shape["n_W_prev"], f, stride, pad)
    terms = f * f * shape["n_C_prev"]
    return 2 * shape["m"] * n_H * n_W * terms * shape["n_C"]


def benchmark_table(results):
    """The benchmark's rows as a compact Markdown table.

    Parameters
    ----------
    results : dict
        What ``benchmarks/bench.py --json`` wrote.

    Returns
    -------
    table : str
        One line per case and pass; for each dtype, our median time in
        milliseconds and the ratio PyTorch's time over ours, then our
        peak memory in the first dtype. A case's ``->`` is written as
        an arrow, which a browser does not break at the end of a line
        as it does a hyphen.
    """
    dtypes = list(dict.fromkeys(r["dtype"] for r in results["rows"]))
    by_key = {(r["case"], r["pass"], r["dtype"]): r for r in results["rows"]}
    keys = dict.fromkeys((r["case"], r["pass"]) for r in results["rows"])

    header = ["case", "pass"]
    for dtype in dtypes:
        header += [f"{dtype} ms", "ratio"]
    header.append("peak MiB")
    lines = [
        "| " + " | ".join(header) + " |",
        "|:--|:--|" + "--:|" * (len(header) - 2),
    ]
    for case, pass_ in keys:
        cells = [
            case.replace("->", "\N{RIGHTWARDS ARROW}"),
            pass_.replace("forward+backward", "fwd+bwd"),
        ]
        for dtype in dtypes:
            row = by_key.get((case, pass_, dtype))
            cells += [
                _optional(row and row["fast_s"], 1e3, "{:.2f}"),
                _optional(row and row["torch_over_fast"], 1, "{:.2f}"),
            ]
        first = by_key.get((case, pass_, dtypes[0]))
        cells.append(_optional(first["peak_bytes"], 2**-20, "{:.1f}"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _optional(value, scale, fmt):
    return "n/a" if value is None else fmt.format(value * scale)


def ratios_figure(results):
    """Draw PyTorch's time over ours for every benchmark case.

    Parameters
    ----------
    results : dict
        What ``benchmarks/bench.py --json`` wrote.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One group of horizontal bars per case (forward and
        forward+backward, in float64 and float32) on a logarithmic
        axis, with a line at 1: bars reaching past it are cases where
        ``convstep.fast`` was faster. Without PyTorch in the results,
        a note saying so.
    """
    rows = [r for r in results["rows"] if r["torch_over_fast"] is not None]
    cases = list(dict.fromkeys(r["case"] for r in results["rows"]))
    series = list(dict.fromkeys((r["dtype"], r["pass"]) for r in rows))

    fig, axes = new_figure(
        1, width_per_axis=6.4, height=0.5 * len(cases) + 1.4
    )
    ax = axes[0]
    if not rows:
        ax.text(0.5, 0.5, "PyTorch was not installed: no ratios", ha="center")
        ax.set_axis_off()
        return fig

    height = 0.8 / len(series)
    colors = ("#0072B2", "#56B4E9", "#D55E00", "#E69F00")
    for index, (dtype, pass_) in enumerate(series):
        ratio = {
            r["case"]: r["torch_over_fast"]
            for r in rows
            if (r["dtype"], r["pass"]) == (dtype, pass_)
        }
        positions = [
            k + (index - (len(series) - 1) / 2) * height
            for k, case in enumerate(cases)
            if case in ratio
        ]
        values = [ratio[case] for case in cases if case in ratio]
        ax.barh(
            positions,
            values,
            height=height,
            color=colors[index % len(colors)],
            label=f"{dtype}, {pass_}",
        )

    ax.axvline(1.0, color="black", linewidth=1.2)
    ax.set_xscale("log")
    ax.set_yticks(range(len(cases)), cases, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("PyTorch time / convstep.fast time (right of 1: faster)")
    ax.legend(
        fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.14)
    )
    ax.grid(axis="x", which="both", alpha=0.3)
    return fig
