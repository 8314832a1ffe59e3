"""The vectorized twin of the loop reference: same results, array speed.

`conv_forward`, `conv_backward`, `pool_forward` and `pool_backward`
here take the same arguments, return the same arrays and caches and
raise the same errors as the loop versions in `convstep.conv` and
`convstep.pool`; a cache made by one works in the other. NumPy only:
windows are strided views of the input, a convolution is one matrix
product (im2col), and the only Python loops run over the f*f offsets
inside a window, never over examples or output positions.

The forward caches are the reference's plain tuples. The backward
passes therefore rebuild the im2col matrix instead of reusing the
forward's: a copy of a strided view, cheap next to the matrix products
it feeds, and the price of caches that stay interchangeable.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from convstep._validation import (
    check_conv_arguments,
    check_conv_backward_arguments,
    check_pool_arguments,
    check_pool_backward_arguments,
    conv_output_shape,
    output_size_unchecked,
)

__all__ = ["conv_backward", "conv_forward", "pool_backward", "pool_forward"]


# Convolution -----------------------------------------------------------


def conv_forward(A_prev, W, b, hparameters):
    r"""Convolve a batch of images with a bank of filters, vectorized.

    The same computation as `convstep.conv_forward`, as one matrix
    product.

    Parameters
    ----------
    A_prev : ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
        The previous layer's activations.
    W : ndarray of shape (f, f, n_C_prev, n_C)
        `n_C` square filters.
    b : ndarray of shape (1, 1, 1, n_C)
        One bias per filter.
    hparameters : dict
        ``{"stride": s, "pad": p}`` with ``s >= 1`` and ``p >= 0``.

    Returns
    -------
    Z : ndarray of shape (m, n_H, n_W, n_C)
        The convolution's output, where
        ``n_H = floor((n_H_prev + 2*p - f) / s) + 1`` and likewise
        ``n_W``, in the common dtype of the inputs.
    cache : tuple
        ``(A_prev, W, b, hparameters)``, exactly as the reference
        returns it: either `conv_backward` accepts it.

    Raises
    ------
    ValueError
        If a shape does not fit or a hyperparameter is missing, unknown
        or out of range; the messages are the reference's.
    TypeError
        If an array holds something other than real numbers, or
        `hparameters` is not a dict.

    Notes
    -----
    Every output position reads one window of the padded input. The
    windows are a strided *view* of :math:`A^{pad}` (no copy); copying
    that view into rows gives the im2col matrix, one row per output
    position and one column per filter entry :math:`(u, v, k)`:

    .. math::

        X[(i, h, w), (u, v, k)] = A^{pad}[i, h s + u, w s + v, k],
        \qquad Z = X \, W^{flat} + b,

    where :math:`W^{flat}` is `W` reshaped to
    ``(f*f*n_C_prev, n_C)``. Both matrices are contiguous and
    channels-last, so the product is a single BLAS call (GEMM). The
    price is memory: `X` holds every input value up to ``f*f`` times.

    Examples
    --------
    >>> A_prev = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> W = np.ones((2, 2, 1, 1))
    >>> Z, cache = conv_forward(A_prev, W, np.zeros((1, 1, 1, 1)),
    ...                         {"stride": 1, "pad": 0})
    >>> Z[0, :, :, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    A_prev, W, b, stride, pad = check_conv_arguments(A_prev, W, b, hparameters)

    f, _, n_C_prev, n_C = W.shape
    m, n_H, n_W, _ = conv_output_shape(A_prev.shape, W.shape, stride, pad)
    X = _im2col(_pad(A_prev, pad), f, stride, n_H, n_W)

    Z = X @ W.reshape(f * f * n_C_prev, n_C)
    Z += b.reshape(n_C)

    cache = (A_prev, W, b, hparameters)
    return Z.reshape(m, n_H, n_W, n_C), cache


def conv_backward(dZ, cache):
    r"""Backpropagate through `conv_forward`, vectorized.

    The same computation as `convstep.conv_backward`, as two matrix
    products and a scatter.

    Parameters
    ----------
    dZ : ndarray of shape (m, n_H, n_W, n_C)
        Gradient of the loss with respect to the output `Z`.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` as returned by either
        `conv_forward`, this one or the reference.

    Returns
    -------
    dA_prev : ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
        Gradient with respect to `A_prev`.
    dW : ndarray of shape (f, f, n_C_prev, n_C)
        Gradient with respect to `W`.
    db : ndarray of shape (1, 1, 1, n_C)
        Gradient with respect to `b`.

    Raises
    ------
    ValueError
        If `dZ` does not have the shape of the forward output, or the
        cache holds arrays that `conv_forward` would reject.
    TypeError
        If `cache` is not a 4-tuple, or an array is not real.

    Notes
    -----
    With the im2col matrix `X` of the forward pass (rebuilt here) and
    `dZ` flattened to ``(m*n_H*n_W, n_C)``, the three gradients are

    .. math::

        dW^{flat} = X^T dZ, \qquad db = \textstyle\sum_{rows} dZ,
        \qquad dX = dZ \, (W^{flat})^T.

    `dX` holds one gradient row per window; windows overlap when
    ``stride < f``, so scattering it back onto :math:`dA^{pad}` must
    add, not assign. The scatter loops over the ``f*f`` offsets
    :math:`(u, v)` only: each adds one strided slice of `dX` onto one
    strided slice of :math:`dA^{pad}` (no `np.add.at`). The padding is
    cut off at the end.

    With stride 1 the scatter is itself a convolution: :math:`dA^{prev}`
    is `dZ`, zero-padded by ``f - 1 - pad``, convolved with `W` turned
    by 180 degrees and its channel axes swapped. That is one more im2col
    and GEMM, which is faster here than the ``f*f`` scatter passes over
    memory unless `dZ` has many more channels than `A_prev`; this
    function picks that route when ``stride == 1``, ``pad <= f - 1``
    and ``n_C <= 2 * n_C_prev`` (a rule of thumb measured on one
    machine, see benchmarks/).

    Examples
    --------
    >>> A_prev = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> W = np.ones((2, 2, 1, 1))
    >>> Z, cache = conv_forward(A_prev, W, np.zeros((1, 1, 1, 1)),
    ...                         {"stride": 1, "pad": 0})
    >>> dA_prev, dW, db = conv_backward(np.ones_like(Z), cache)
    >>> dA_prev[0, :, :, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dW[:, :, 0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    dZ, A_prev, W, b, stride, pad = check_conv_backward_arguments(dZ, cache)

    dtype = np.result_type(dZ, A_prev)
    f, _, n_C_prev, n_C = W.shape
    _, n_H, n_W, _ = dZ.shape
    dZ_flat = np.ascontiguousarray(dZ, dtype=dtype).reshape(-1, n_C)
    W_flat = W.astype(dtype, copy=False).reshape(f * f * n_C_prev, n_C)
    A_prev_pad = _pad(A_prev.astype(dtype, copy=False), pad)

    X = _im2col(A_prev_pad, f, stride, n_H, n_W)
    dW = (X.T @ dZ_flat).reshape(W.shape)
    del X  # the largest array here: free it before dX is made
    db = dZ_flat.sum(axis=0).reshape(b.shape)

    # Measured here: the scatter's f*f passes over memory cost more than
    # a second im2col, unless dZ has many more channels than A_prev.
    if stride == 1 and pad <= f - 1 and n_C <= 2 * n_C_prev:
        W_t = W.astype(dtype, copy=False)
        dA_prev = _conv_transpose(dZ_flat, W_t, pad, A_prev.shape, n_H, n_W)
        return dA_prev, dW, db

    dX = dZ_flat @ W_flat.T
    dA_prev_pad = _col2im(dX, A_prev_pad.shape, f, stride, n_H, n_W)

    _, n_H_prev, n_W_prev, _ = A_prev.shape
    # Explicit bounds: `[pad:-pad]` would be empty when pad == 0.
    rows = slice(pad, pad + n_H_prev)
    cols = slice(pad, pad + n_W_prev)
    dA_prev = np.ascontiguousarray(dA_prev_pad[:, rows, cols, :])
    return dA_prev, dW, db


def _conv_transpose(dZ_flat, W, pad, A_prev_shape, n_H, n_W):
    """dA_prev for stride 1 as a convolution of dZ, with no scatter.

    With stride 1, input entry (y, x) met filter entry (u, v) in the
    output at (y + pad - u, x + pad - v). So dA_prev is dZ, padded by
    ``f - 1 - pad``, convolved with W turned by 180 degrees in space
    and with its two channel axes swapped. Needs ``pad <= f - 1``.
    """
    f, _, n_C_prev, n_C = W.shape
    m, n_H_prev, n_W_prev, _ = A_prev_shape
    dZ = dZ_flat.reshape(m, n_H, n_W, n_C)
    W_turned = W[::-1, ::-1].transpose(0, 1, 3, 2)

    X = _im2col(_pad(dZ, f - 1 - pad), f, 1, n_H_prev, n_W_prev)
    dA_prev = X @ W_turned.reshape(f * f * n_C, n_C_prev)
    return dA_prev.reshape(A_prev_shape)


def _pad(A, pad):
    """Zero-pad height and width; the array itself when `pad` is 0."""
    if pad == 0:
        return A
    m, n_H, n_W, n_C = A.shape
    A_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=A.dtype)
    A_pad[:, pad : pad + n_H, pad : pad + n_W, :] = A
    return A_pad


def _windows(A, f, stride, n_H, n_W):
    """View of shape (m, n_H, n_W, f, f, n_C): every window, no copy."""
    # sliding_window_view appends the window axes after the channels;
    # moving them before the channels gives the (u, v, k) order of W.
    windows = sliding_window_view(A, (f, f), axis=(1, 2))
    windows = windows[:, ::stride, ::stride][:, :n_H, :n_W]
    return windows.transpose(0, 1, 2, 4, 5, 3)


def _im2col(A_pad, f, stride, n_H, n_W):
    """The im2col matrix of shape (m*n_H*n_W, f*f*n_C): windows as rows."""
    m, _, _, n_C = A_pad.shape
    # One copy of the strided view: NumPy walks it far faster than
    # f*f separate slice assignments would.
    X = np.ascontiguousarray(_windows(A_pad, f, stride, n_H, n_W))
    return X.reshape(m * n_H * n_W, f * f * n_C)


def _col2im(dX, padded_shape, f, stride, n_H, n_W):
    """Add every window's gradient row of `dX` back onto its window."""
    m, _, _, n_C = padded_shape
    dX = dX.reshape(m, n_H, n_W, f, f, n_C)
    dA_pad = np.zeros(padded_shape, dtype=dX.dtype)

    for u, v, rows, cols in _offsets(f, stride, n_H, n_W):
        dA_pad[:, rows, cols, :] += dX[:, :, :, u, v, :]
    return dA_pad


def _offsets(f, stride, n_H, n_W):
    """Yield ``(u, v, rows, cols)`` for every offset inside a window.

    ``A[:, rows, cols]`` is the entry at offset ``(u, v)`` of every
    window at once, a strided slice of shape (m, n_H, n_W, ...). The
    offsets come in row-major order, which max pooling relies on.
    """
    for u in range(f):
        rows = slice(u, u + stride * (n_H - 1) + 1, stride)
        for v in range(f):
            cols = slice(v, v + stride * (n_W - 1) + 1, stride)
            yield u, v, rows, cols


# Pooling ---------------------------------------------------------------


def pool_forward(A_prev, hparameters, mode="max"):
    r"""Max- or average-pool every channel of a batch, vectorized.

    The same computation as `convstep.pool_forward`.

    Parameters
    ----------
    A_prev : ndarray of shape (m, n_H_prev, n_W_prev, n_C)
        The previous layer's activations.
    hparameters : dict
        ``{"f": f, "stride": s}``: window size and step, both >= 1.
    mode : {"max", "average"}, default "max"
        What each window is reduced to.

    Returns
    -------
    A : ndarray of shape (m, n_H, n_W, n_C)
        Where ``n_H = floor((n_H_prev - f) / s) + 1``, likewise ``n_W``,
        in the dtype of `A_prev` (integers become float64).
    cache : tuple
        ``(A_prev, hparameters)``, exactly as the reference returns it.

    Raises
    ------
    ValueError
        If `mode` is unknown, `A_prev` is not a non-empty 4-dimensional
        array, a key of `hparameters` is missing, unknown or out of
        range, or the window is larger than the input.
    TypeError
        If `A_prev` is not real or `hparameters` is not a dict.

    Notes
    -----
    Pooling multiplies nothing, so no im2col is needed. A square
    window's maximum is the maximum over its rows of the maximum along
    each row, so the reduction runs in two passes of `f` strided slices
    each, ``2*f`` array operations instead of ``f*f``:

    .. math::

        R[:, h, x, :] = \max_{u} A^{prev}[:, u + s h, x, :], \qquad
        A[:, h, w, :] = \max_{v} R[:, h, v + s w, :].

    The first pass slices whole rows of the input, long contiguous runs
    of memory that NumPy walks fastest; only the second pass, on the
    smaller `R`, strides between columns. Average pooling sums the same
    way and divides by ``f*f``. When the windows tile the input
    (``f == s``) the input could also be reshaped to
    ``(m, n_H, f, n_W, f, n_C)`` blocks and reduced over the two window
    axes; measured here, that reduction over non-adjacent axes is
    slower, so both cases take the two passes. A NaN in a window makes
    its maximum NaN, as in the reference.

    Examples
    --------
    >>> A_prev = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> A, cache = pool_forward(A_prev, {"f": 3, "stride": 1})
    >>> A[0, :, :, 0]
    array([[10., 11.],
           [14., 15.]])
    >>> A, cache = pool_forward(A_prev, {"f": 2, "stride": 2}, "average")
    >>> A[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    A_prev, f, stride = check_pool_arguments(A_prev, hparameters, mode)

    _, n_H_prev, n_W_prev, _ = A_prev.shape
    n_H = output_size_unchecked(n_H_prev, f, stride, 0)
    n_W = output_size_unchecked(n_W_prev, f, stride, 0)

    A = _pool_separable(A_prev, f, stride, n_H, n_W, mode)

    cache = (A_prev, hparameters)
    return A, cache


def _pool_separable(A_prev, f, stride, n_H, n_W, mode):
    """Reduce every f x f window: down the window's rows, then across."""
    combine = np.maximum if mode == "max" else np.add
    row_slices = _window_slices(f, stride, n_H)
    col_slices = _window_slices(f, stride, n_W)

    # Whole rows first: each slice is long runs of contiguous memory.
    by_rows = A_prev[:, row_slices[0]].copy()
    for rows in row_slices[1:]:
        combine(by_rows, A_prev[:, rows], out=by_rows)

    A = by_rows[:, :, col_slices[0]].copy()
    for cols in col_slices[1:]:
        combine(A, by_rows[:, :, cols], out=A)

    if mode == "average":
        A /= f * f
    return A


def _window_slices(f, stride, n_out):
    """Slice ``k`` picks entry ``k`` of each of the `n_out` windows."""
    return [slice(k, k + stride * (n_out - 1) + 1, stride) for k in range(f)]


def pool_backward(dA, cache, mode="max"):
    r"""Backpropagate through `pool_forward`, vectorized.

    The same computation as `convstep.pool_backward`, including ties:
    the gradient of a window goes to its *first* maximum in row-major
    order, as `convstep.create_mask_from_window` (and PyTorch) choose.

    Parameters
    ----------
    dA : ndarray of shape (m, n_H, n_W, n_C)
        Gradient of the loss with respect to the pooled output `A`.
    cache : tuple
        ``(A_prev, hparameters)`` as returned by either `pool_forward`.
    mode : {"max", "average"}, default "max"
        The mode the forward pass used.

    Returns
    -------
    dA_prev : ndarray of shape (m, n_H_prev, n_W_prev, n_C)
        Gradient with respect to `A_prev`.

    Raises
    ------
    ValueError
        If `mode` is unknown, or `dA` does not have the shape of the
        forward output.
    TypeError
        If `cache` is not a 2-tuple, or an array is not real.

    Notes
    -----
    Max pooling first recomputes every window's maximum in the two
    passes of `pool_forward`. A second pass visits the offsets inside a
    window in row-major order; the entry at offset :math:`(u, v)` wins
    its window if it equals the maximum and no earlier offset has won
    it yet, so the first of tied maxima keeps the gradient. The
    winners' slice of :math:`dA^{prev}` receives ``dA``. Where windows
    overlap (``stride < f``) the slices overlap and the gradients add
    up; the offsets with :math:`u, v < s` come first in their residue
    class modulo :math:`s`, so they may write instead of add.

    Average pooling spreads ``dA / (f*f)`` back the way the forward
    pass summed it, in two passes: across each window's columns into
    an array of whole rows, then down its rows into :math:`dA^{prev}`.

    As in the reference, the cache does not record the mode: passing a
    different `mode` than the forward pass used gives a wrong result
    without an error.

    Examples
    --------
    >>> A_prev = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    >>> A, cache = pool_forward(A_prev, {"f": 2, "stride": 1})
    >>> pool_backward(np.ones_like(A), cache)[0, :, :, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    dA, A_prev, f, stride = check_pool_backward_arguments(dA, cache, mode)

    dtype = np.result_type(dA, A_prev)
    dA = dA.astype(dtype, copy=False)
    dA_prev = np.zeros(A_prev.shape, dtype=dtype)

    if mode == "max":
        _max_pool_scatter(A_prev, dA, f, stride, dA_prev)
    else:
        _average_pool_spread(dA, f, stride, dA_prev)

    return dA_prev


def _max_pool_scatter(A_prev, dA, f, stride, dA_prev):
    """Add each window's gradient `dA` at its first maximum.

    Writes into `dA_prev`. Every array operation in the loop has an
    ``out=`` so that the loop over the f*f offsets allocates nothing.
    """
    _, n_H, n_W, _ = dA.shape
    maxima = _pool_separable(A_prev, f, stride, n_H, n_W, "max")
    # np.maximum propagates NaN, as np.argmax in the reference picks it.
    has_nan = bool(np.isnan(maxima).any())

    pending = np.ones(maxima.shape, dtype=bool)
    won = np.empty(maxima.shape, dtype=bool)
    # The same bytes read as 0 and 1: a uint8 times a float multiplies
    # faster than a bool times a float, which NumPy casts via a buffer.
    won_as_number = won.view(np.uint8)
    share = np.empty(maxima.shape, dtype=dA_prev.dtype)

    for u, v, rows, cols in _offsets(f, stride, n_H, n_W):
        candidate = A_prev[:, rows, cols, :]
        np.equal(candidate, maxima, out=won)
        if has_nan:
            won |= np.isnan(candidate) & np.isnan(maxima)
        # Only the first offset that holds the maximum wins its window.
        np.logical_and(won, pending, out=won)
        np.logical_xor(pending, won, out=pending)

        target = dA_prev[:, rows, cols, :]
        if u < stride and v < stride:
            # No earlier offset reaches these positions: write, no sum.
            np.multiply(won_as_number, dA, out=target)
        else:
            np.multiply(won_as_number, dA, out=share)
            target += share


def _average_pool_spread(dA, f, stride, dA_prev):
    """Add ``dA / (f*f)`` to every entry of every window of `dA_prev`."""
    m, n_H, n_W, n_C = dA.shape
    share = dA / (f * f)
    disjoint = stride >= f  # nothing to add up: write instead

    # Across each window's columns, into whole rows of dA_prev's width.
    by_rows = np.zeros((m, n_H, dA_prev.shape[2], n_C), dtype=dA_prev.dtype)
    for cols in _window_slices(f, stride, n_W):
        if disjoint:
            by_rows[:, :, cols] = share
        else:
            by_rows[:, :, cols] += share

    # Down each window's rows: whole rows, long contiguous runs.
    for rows in _window_slices(f, stride, n_H):
        if disjoint:
            dA_prev[:, rows] = by_rows
        else:
            dA_prev[:, rows] += by_rows
