"""The pooling layer: max and average pooling, forward and backward.

Readable reference versions with plain loops; `convstep.fast` computes
the same results with array operations.
"""

import numpy as np

from convstep._validation import (
    as_float_array,
    check_pool_arguments,
    check_pool_backward_arguments,
    check_positive_int,
    output_size_unchecked,
)


def pool_forward(A_prev, hparameters, mode="max"):
    r"""Max- or average-pool every channel of a batch of images.

    Parameters
    ----------
    A_prev : ndarray of shape (m, n_H_prev, n_W_prev, n_C)
        The previous layer's activations.
    hparameters : dict
        ``{"f": f, "stride": s}``: window size and step, both >= 1.
        Windows overlap when ``s < f``. Pooling takes no padding.
    mode : {"max", "average"}, default "max"
        What each window is reduced to.

    Returns
    -------
    A : ndarray of shape (m, n_H, n_W, n_C)
        Where ``n_H = floor((n_H_prev - f) / s) + 1``, likewise ``n_W``;
        the channel count is unchanged and so is the dtype (integers
        become float64).
    cache : tuple
        ``(A_prev, hparameters)``, what `pool_backward` needs.

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
    Each channel is pooled on its own, and there is nothing to learn:

    .. math::

        A[i, h, w, c] = \max_{0 \le u, v < f}
            A^{prev}[i, h s + u, w s + v, c]

    or the mean over the same window for ``mode="average"``.

    Examples
    --------
    >>> A_prev = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> A, cache = pool_forward(A_prev, {"f": 2, "stride": 2})
    >>> A[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> A, cache = pool_forward(A_prev, {"f": 2, "stride": 2}, "average")
    >>> A[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    A_prev, f, stride = check_pool_arguments(A_prev, hparameters, mode)

    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = output_size_unchecked(n_H_prev, f, stride, 0)
    n_W = output_size_unchecked(n_W_prev, f, stride, 0)
    reduce = np.max if mode == "max" else np.mean
    A = np.zeros((m, n_H, n_W, n_C), dtype=A_prev.dtype)

    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_prev_slice = A_prev[
                        i, vert_start:vert_end, horiz_start:horiz_end, c
                    ]
                    A[i, h, w, c] = reduce(a_prev_slice)

    cache = (A_prev, hparameters)
    return A, cache


def create_mask_from_window(x):
    """Mark the one entry of a window that max pooling passed on.

    Parameters
    ----------
    x : ndarray of shape (f, f)
        One pooling window.

    Returns
    -------
    mask : ndarray of bool, shape (f, f)
        True at exactly one position: the first maximum of `x` in
        row-major order.

    Raises
    ------
    ValueError
        If `x` is not a non-empty 2-dimensional array.
    TypeError
        If `x` does not hold real numbers.

    Notes
    -----
    When a window holds tied maxima, the gradient must go to one of
    them only; ``x == x.max()`` would mark all of them and hand out the
    gradient several times. Taking the first in row-major order is what
    PyTorch does too. A NaN counts as the maximum, as in `np.max`.

    Examples
    --------
    >>> create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
    array([[False,  True],
           [False, False]])
    """
    x = as_float_array(x, "x", ndim=2)

    mask = np.zeros(x.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(x), x.shape)] = True
    return mask


def distribute_value(dz, shape):
    r"""Spread one gradient evenly over an average-pooling window.

    Parameters
    ----------
    dz : float or ndarray with one element
        The gradient of one output of average pooling.
    shape : tuple of two ints
        ``(n_H, n_W)``, the window's shape.

    Returns
    -------
    a : ndarray of shape `shape`
        Every entry equals ``dz / (n_H * n_W)``: each input of the window
        contributed that share to the average. A float32 `dz` gives a
        float32 array, a Python number a float64 one.

    Raises
    ------
    ValueError
        If `dz` holds more than one number, or `shape` is not two
        positive integers.
    TypeError
        If `dz` is not a real number.

    Notes
    -----
    The window's average is
    :math:`a = \frac{1}{n_H n_W} \sum_{u, v} x[u, v]`, so
    :math:`\partial a / \partial x[u, v] = 1 / (n_H n_W)` for every
    entry, and the chain rule hands each one
    :math:`dz / (n_H n_W)`.

    Examples
    --------
    >>> distribute_value(2.0, (2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    dz = as_float_array(dz, "dz")
    if dz.size != 1:
        raise ValueError(
            f"`dz` must hold exactly one number, got shape {dz.shape}"
        )
    if not isinstance(shape, tuple) or len(shape) != 2:
        raise ValueError(f"`shape` must be a tuple (n_H, n_W), got {shape!r}")
    n_H = check_positive_int(shape[0], "shape[0]")
    n_W = check_positive_int(shape[1], "shape[1]")

    share = dz.reshape(()) / (n_H * n_W)
    return np.full((n_H, n_W), share, dtype=dz.dtype)


def pool_backward(dA, cache, mode="max"):
    r"""Backpropagate through `pool_forward`.

    Parameters
    ----------
    dA : ndarray of shape (m, n_H, n_W, n_C)
        Gradient of the loss with respect to the pooled output `A`.
    cache : tuple
        ``(A_prev, hparameters)`` as returned by `pool_forward`.
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
    Max pooling passes each gradient to the one entry that won its
    window (see `create_mask_from_window`); average pooling shares it
    equally (see `distribute_value`). Where windows overlap
    (``stride < f``) an input can receive gradient from several
    windows, so contributions are added, never overwritten:

    .. math::

        dA^{prev}[i, h s + u, w s + v, c] \mathrel{+}=
            M_{ihwc}[u, v] \, dA[i, h, w, c]

    The cache does not record the mode, so passing a different `mode`
    than the forward pass used gives a wrong result without an error.

    Examples
    --------
    >>> A_prev = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    >>> A, cache = pool_forward(A_prev, {"f": 2, "stride": 1})
    >>> pool_backward(np.ones_like(A), cache)[0, :, :, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    dA, A_prev, f, stride = check_pool_backward_arguments(dA, cache, mode)

    _, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape, dtype=np.result_type(dA, A_prev))

    for i in range(A_prev.shape[0]):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    window = (
                        i,
                        slice(vert_start, vert_end),
                        slice(horiz_start, horiz_end),
                        c,
                    )
                    g = dA[i, h, w, c]
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[window])
                        dA_prev[window] += mask * g
                    else:
                        dA_prev[window] += distribute_value(g, (f, f))

    return dA_prev
