"""Zero padding, and the output-size formula it feeds into."""

import numpy as np

from convstep._validation import (
    as_float_array,
    check_nonnegative_int,
    check_positive_int,
    check_window_fits,
    output_size_unchecked,
)


def zero_pad(X, pad):
    """Pad the height and width of every image in a batch with zeros.

    Parameters
    ----------
    X : ndarray of shape (m, n_H, n_W, n_C)
        A batch of `m` images with `n_C` channels each.
    pad : int
        How many rows of zeros go above and below, and how many columns
        go left and right, of every image. ``pad >= 0``.

    Returns
    -------
    X_pad : ndarray of shape (m, n_H + 2*pad, n_W + 2*pad, n_C)
        A new array of the same dtype as `X` (integers become float64);
        `X` itself is never modified.

    Raises
    ------
    ValueError
        If `X` is not 4-dimensional or is empty, or `pad` is negative.
    TypeError
        If `X` is not an array of real numbers or `pad` is not an int.

    Notes
    -----
    Only the two spatial axes are padded; the batch axis and the channel
    axis are left alone:

    .. math::

        X_{pad}[i, h + p, w + p, c] = X[i, h, w, c],

    and every other entry of :math:`X_{pad}` is zero.

    Examples
    --------
    >>> X = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> zero_pad(X, 1)[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [0., 0., 1., 0.],
           [0., 2., 3., 0.],
           [0., 0., 0., 0.]])
    """
    pad = check_nonnegative_int(pad, "pad")
    X = as_float_array(X, "X", ndim=4)

    no_padding = (0, 0)
    around = (pad, pad)
    return np.pad(
        X,
        (no_padding, around, around, no_padding),
        mode="constant",
        constant_values=0,
    )


def output_size(n_prev, f, stride=1, pad=0):
    r"""Length of one spatial axis after a convolution or pooling.

    Parameters
    ----------
    n_prev : int
        Input height or width, ``n_prev >= 1``.
    f : int
        Window (filter) size, ``f >= 1``.
    stride : int, default 1
        Step between neighbouring windows, ``stride >= 1``.
    pad : int, default 0
        Zeros added on each side, ``pad >= 0``.

    Returns
    -------
    n : int
        ``floor((n_prev + 2*pad - f) / stride) + 1``.

    Raises
    ------
    ValueError
        If an argument is out of range, or the window is larger than
        the padded input (``f > n_prev + 2*pad``).

    Notes
    -----
    The windows start at :math:`0, s, 2s, \dots`; the last one must end
    inside the padded input, :math:`(n - 1) s + f \le n_{prev} + 2p`,
    which gives

    .. math::

        n = \left\lfloor \frac{n_{prev} + 2p - f}{s} \right\rfloor + 1.

    Examples
    --------
    >>> output_size(5, f=3)
    3
    >>> output_size(5, f=3, pad=1)
    5
    >>> output_size(7, f=3, stride=2)
    3
    """
    n_prev = check_positive_int(n_prev, "n_prev")
    f = check_positive_int(f, "f")
    stride = check_positive_int(stride, "stride")
    pad = check_nonnegative_int(pad, "pad")
    check_window_fits(n_prev, f, pad, "size")

    return output_size_unchecked(n_prev, f, stride, pad)
