"""The convolution layer: one step, the forward pass, the backward pass.

These are the readable reference versions: plain loops over examples,
output positions and filters, in the order the equations are written.
`convstep.fast` computes the same results with array operations.
"""

import numpy as np

from convstep._validation import (
    as_float_array,
    check_conv_arguments,
    check_conv_backward_arguments,
    check_same_shape,
    conv_output_shape,
)
from convstep.padding import zero_pad


def conv_single_step(a_slice_prev, W, b):
    r"""Apply one filter to one window: multiply, sum, add the bias.

    Parameters
    ----------
    a_slice_prev : ndarray of shape (f, f, n_C_prev)
        One window of the (padded) input.
    W : ndarray of shape (f, f, n_C_prev)
        One filter.
    b : ndarray with one element, e.g. of shape (1, 1, 1)
        The filter's bias.

    Returns
    -------
    z : float
        ``sum(a_slice_prev * W) + b``, as a Python float.

    Raises
    ------
    ValueError
        If the window and the filter differ in shape, or `b` does not
        hold exactly one number.
    TypeError
        If an argument is not an array of real numbers.

    Notes
    -----
    .. math::

        z = \sum_{u=0}^{f-1} \sum_{v=0}^{f-1} \sum_{k=0}^{n_C^{prev}-1}
            a[u, v, k] \, W[u, v, k] + b

    The bias is read with ``b.item()``; ``float(b)`` on an array with
    more than zero dimensions is deprecated since NumPy 1.25.

    Examples
    --------
    >>> a = np.ones((2, 2, 1))
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1)
    >>> conv_single_step(a, W, np.array([[[0.5]]]))
    10.5
    """
    a_slice_prev = as_float_array(a_slice_prev, "a_slice_prev", ndim=3)
    W = as_float_array(W, "W", ndim=3)
    b = as_float_array(b, "b")
    check_same_shape(W, a_slice_prev.shape, "W", "a_slice_prev")
    if b.size != 1:
        raise ValueError(
            f"`b` must hold exactly one number, got shape {b.shape}"
        )

    s = np.sum(a_slice_prev * W)
    return float(s) + b.item()


def conv_forward(A_prev, W, b, hparameters):
    r"""Convolve a batch of images with a bank of filters.

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
        ``n_W``. Its dtype is the common dtype of the inputs (float32
        stays float32; integers become float64).
    cache : tuple
        ``(A_prev, W, b, hparameters)``, what `conv_backward` needs.

    Raises
    ------
    ValueError
        If a shape does not fit (dimensions, channels, bias, square
        filters, a window larger than the padded input), or a key of
        `hparameters` is missing, unknown or out of range.
    TypeError
        If an array holds something other than real numbers, or
        `hparameters` is not a dict.

    Notes
    -----
    Like every deep-learning library, "convolution" here is a
    cross-correlation: the filter is not flipped. With the padded input
    :math:`A^{pad}`,

    .. math::

        Z[i, h, w, c] = \sum_{u, v, k}
            A^{pad}[i, h s + u, w s + v, k] \, W[u, v, k, c] + b[c].

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

    f = W.shape[0]
    m, n_H, n_W, n_C = conv_output_shape(A_prev.shape, W.shape, stride, pad)
    Z = np.zeros((m, n_H, n_W, n_C), dtype=A_prev.dtype)
    A_prev_pad = zero_pad(A_prev, pad)

    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                a_slice_prev = a_prev_pad[
                    vert_start:vert_end, horiz_start:horiz_end, :
                ]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(
                        a_slice_prev, W[:, :, :, c], b[:, :, :, c]
                    )

    cache = (A_prev, W, b, hparameters)
    return Z, cache


def conv_backward(dZ, cache):
    r"""Backpropagate through `conv_forward`.

    Parameters
    ----------
    dZ : ndarray of shape (m, n_H, n_W, n_C)
        Gradient of the loss with respect to the output `Z`.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` as returned by `conv_forward`.

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
    Each output entry :math:`Z[i, h, w, c]` touched one window, so its
    gradient flows back to that window and that filter:

    .. math::

        dA^{pad}[i, h s + u, w s + v, k] \mathrel{+}=
            W[u, v, k, c] \, dZ[i, h, w, c]

        dW[u, v, k, c] \mathrel{+}=
            A^{pad}[i, h s + u, w s + v, k] \, dZ[i, h, w, c]

        db[c] \mathrel{+}= dZ[i, h, w, c]

    The window starts at ``h * stride``, exactly as in the forward pass;
    the padding is cut off at the end with explicit bounds, which also
    works for ``pad = 0`` (``X[pad:-pad]`` would be empty there).

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
    >>> db.ravel()
    array([4.])
    """
    dZ, A_prev, W, b, stride, pad = check_conv_backward_arguments(dZ, cache)

    dtype = np.result_type(dZ, A_prev)
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f = W.shape[0]
    _, n_H, n_W, n_C = dZ.shape
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = np.zeros(A_prev_pad.shape, dtype=dtype)
    dW = np.zeros(W.shape, dtype=dtype)
    db = np.zeros(b.shape, dtype=dtype)

    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                window = (
                    slice(vert_start, vert_end),
                    slice(horiz_start, horiz_end),
                    slice(None),
                )
                for c in range(n_C):
                    g = dZ[i, h, w, c]
                    da_prev_pad[window] += W[:, :, :, c] * g
                    dW[:, :, :, c] += a_prev_pad[window] * g
                    db[:, :, :, c] += g

    # Explicit bounds: `[pad:-pad]` would be empty when pad == 0.
    rows = slice(pad, pad + n_H_prev)
    cols = slice(pad, pad + n_W_prev)
    dA_prev = dA_prev_pad[:, rows, cols, :].copy()
    return dA_prev, dW, db
