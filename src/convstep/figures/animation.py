"""An animation of the convolution window, and a way to embed it offline.

`conv_forward_animation` steps a window over a padded input, one frame
per output entry, and fills in the output as it goes. The window
positions are the ones `conv_forward` uses and the numbers written in
the output are its results. `offline_jshtml` turns the animation into
an interactive player that needs no network, and `AnimationOutput`
shows that player on the web and the finished last frame in print.
"""

import io
import re
from html import escape

import numpy as np
from matplotlib.animation import FuncAnimation

from convstep.conv import conv_forward
from convstep.figures.grid import draw_grid, new_figure
from convstep.padding import zero_pad

# matplotlib's player links a CDN stylesheet for its button icons.
_CDN_STYLESHEET = re.compile(
    r'<link rel="stylesheet"\s+href="https?://[^"]*">'
)


def offline_jshtml(anim, alt):
    """Return `anim` as HTML that loads nothing from the network.

    matplotlib's player links a CDN stylesheet for its button icons
    (the book's theme ships the same icons), and leaves its frame image
    without alt text and its frame slider without a label; drop the one
    and add the others.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    alt : str
        Text describing what the animation shows.

    Returns
    -------
    html : str
    """
    html = _CDN_STYLESHEET.sub("", anim.to_jshtml())
    alt_attribute = f'alt="{escape(alt, quote=True)}" '
    html = html.replace("<img id=", f"<img {alt_attribute}id=", 1)
    # Without a label a screen reader announces the frame slider as
    # just "slider".
    return html.replace(
        'type="range" class="anim-slider"',
        'type="range" class="anim-slider" aria-label="Animation frame"',
        1,
    )


class AnimationOutput:
    """An animation as a notebook output: a player, or its last frame.

    The output carries two representations and each builder of the book
    takes the one it can show: the HTML site the offline player of
    `offline_jshtml`, the PDF a PNG of the last frame, where the
    animation has drawn everything.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure `anim` draws on. Close it after this call, or the
        notebook shows it once more.
    anim : matplotlib.animation.Animation
    alt : str
        Text describing what the animation shows.
    """

    def __init__(self, fig, anim, alt):
        self.html = offline_jshtml(anim, alt)
        # Rendering the player left the figure at its last frame.
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        self.png = buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "image/png": self.png}


def conv_forward_animation(x, w, b, stride, pad, dpi=80):
    """Animate `conv_forward` on one single-channel image and filter.

    Frame ``k`` outlines the ``k``-th window (row by row) on the padded
    input and writes the output entries computed so far.

    Parameters
    ----------
    x : ndarray of shape (n_H_prev, n_W_prev)
        The input.
    w : ndarray of shape (f, f)
        The filter.
    b : float
        The bias.
    stride, pad : int
        As in `conv_forward`.
    dpi : int, default 80
        Resolution of the frames; it sets the size of the embedded
        animation.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Close it after embedding, or the notebook shows it once more.
    anim : matplotlib.animation.FuncAnimation
    Z : ndarray of shape (n_H, n_W)
        The output, as computed by `conv_forward`.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    f = w.shape[0]
    hparameters = {"stride": stride, "pad": pad}
    Z, _ = conv_forward(
        x[None, :, :, None],
        w[:, :, None, None],
        np.full((1, 1, 1, 1), float(b)),
        hparameters,
    )
    Z = Z[0, :, :, 0]
    x_pad = zero_pad(x[None, :, :, None], pad)[0, :, :, 0]
    n_H, n_W = Z.shape
    positions = [(h, w_) for h in range(n_H) for w_ in range(n_W)]

    fig, axes = new_figure(3, width_per_axis=2.4, height=2.7)
    fig.set_dpi(dpi)
    # One cell the same size in all three grids.
    axes[0].get_gridspec().set_width_ratios([x_pad.shape[1], f, max(f, n_W)])
    draw_grid(axes[1], w, cmap="Greens", title=f"W, b = {float(b):g}")

    def draw(k):
        h, w_ = positions[k]
        input_ax, _, output_ax = axes
        input_ax.clear()
        output_ax.clear()

        window = (h * stride, w_ * stride, f)
        draw_grid(
            input_ax,
            x_pad,
            pad=pad,
            windows=[window],
            title=f"pad {pad}, stride {stride}",
        )
        for text in input_ax.texts:
            text.set_fontsize(11)
        shown = np.full(Z.shape, np.nan)
        for h_done, w_done in positions[: k + 1]:
            shown[h_done, w_done] = Z[h_done, w_done]
        draw_grid(
            output_ax,
            np.zeros(Z.shape),
            windows=[(h, w_, 1)],
            show_values=False,
            cmap="Greys",
            title=f"Z[{h}, {w_}] = {Z[h, w_]:g}",
        )
        for (row, col), value in np.ndenumerate(shown):
            if not np.isnan(value):
                output_ax.text(
                    col,
                    row,
                    f"{value:g}",
                    ha="center",
                    va="center",
                    fontsize=11,
                )
        return []

    anim = FuncAnimation(fig, draw, frames=len(positions), interval=900)
    return fig, anim, Z
