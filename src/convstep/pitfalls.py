"""Deliberately wrong versions of the classic mistakes.

Nothing here is for use. Each function repeats one mistake that is
common in loop implementations of this exercise, so that the book can
run it live next to the correct version, and the tests can prove that
their checks catch it. Each function's docstring names the mistake and
the line where it lives; everything else is written as in the
reference, and no arguments are checked.
"""

import numpy as np

from convstep.pool import create_mask_from_window


def output_size_without_plus_one(n_prev, f, stride=1, pad=0):
    """Mistake: forgets the ``+ 1`` (the first window) in the formula."""
    return (n_prev + 2 * pad - f) // stride


def conv_forward_without_plus_one(A_prev, W, b, hparameters):
    """Mistake: the output size, and so the loops, lack the ``+ 1``.

    The loops stop one window short in both directions, so the last
    row and column of `Z` are never computed, and the input pixels that
    only they would have seen never matter. Returns `Z` only, no cache.
    """
    stride, pad = hparameters["stride"], hparameters["pad"]
    f, _, _, n_C = W.shape
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    n_H = output_size_without_plus_one(n_H_prev, f, stride, pad)  # mistake
    n_W = output_size_without_plus_one(n_W_prev, f, stride, pad)
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))

    for i in range(m):
        for h in range(n_H):
            rows = slice(h * stride, h * stride + f)
            for w in range(n_W):
                cols = slice(w * stride, w * stride + f)
                window = A_prev_pad[i, rows, cols, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * W[..., c]) + b[0, 0, 0, c]

    return Z


def _pool_forward_loop(A_prev, hparameters, mode, size):
    """Pooling forward as in the classic exercise, with no checks.

    Any `mode` other than ``"max"`` falls through to the average, and
    keys of `hparameters` other than ``"f"`` and ``"stride"`` are never
    read. `size` computes the output size from ``(n_prev, f, stride)``.
    """
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = size(n_H_prev, f, stride)
    n_W = size(n_W_prev, f, stride)
    A = np.zeros((m, n_H, n_W, n_C))

    for i in range(m):
        for h in range(n_H):
            rows = slice(h * stride, h * stride + f)
            for w in range(n_W):
                cols = slice(w * stride, w * stride + f)
                for c in range(n_C):
                    window = A_prev[i, rows, cols, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(window)
                    else:  # mistake: every other string means average
                        A[i, h, w, c] = np.mean(window)

    return A


def pool_forward_unchecked(A_prev, hparameters, mode="max"):
    """Mistake: a misspelt `mode` or an unknown key is silently ignored.

    ``mode="Max"`` or ``"mean"`` gives average pooling, and a ``"pad"``
    in `hparameters` is never read. Returns `A` only, no cache.
    """
    return _pool_forward_loop(
        A_prev,
        hparameters,
        mode,
        lambda n_prev, f, stride: (n_prev - f) // stride + 1,
    )


def pool_forward_without_plus_one(A_prev, hparameters, mode="max"):
    """Mistake: the output size, and so the loops, lack the ``+ 1``.

    The last row and column of windows are never computed; global
    pooling (``f`` equal to the input size) computes nothing at all.
    Returns `A` only, no cache.
    """
    return _pool_forward_loop(
        A_prev, hparameters, mode, output_size_without_plus_one
    )


def conv_single_step_float_of_array(a_slice_prev, W, b):
    """Mistake: ``float(b)`` on the bias, an array of shape (1, 1, 1).

    NumPy 1.25 deprecated converting an array with ndim > 0 to a scalar
    and NumPy 2.4 refuses it with a `TypeError`.
    """
    return float(np.sum(a_slice_prev * W) + float(b))


def conv_backward_stride_ignored(dZ, cache):
    """Mistake: the backward window slides by 1 whatever the stride.

    The window starts at ``h`` instead of ``h * stride``. With stride 1
    this is right, which is why the bug survives casual testing.
    """
    A_prev, W, _, hparameters = cache
    pad = hparameters["pad"]
    f = W.shape[0]
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    _, n_H, n_W, n_C = dZ.shape
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_prev_pad = np.zeros_like(A_prev_pad)
    dW = np.zeros_like(W)
    db = np.zeros((1, 1, 1, n_C), dtype=W.dtype)

    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = (i, slice(h, h + f), slice(w, w + f))  # mistake
                for c in range(n_C):
                    g = dZ[i, h, w, c]
                    dA_prev_pad[window] += W[:, :, :, c] * g
                    dW[:, :, :, c] += A_prev_pad[window] * g
                    db[:, :, :, c] += g

    rows = slice(pad, pad + n_H_prev)
    cols = slice(pad, pad + n_W_prev)
    return dA_prev_pad[:, rows, cols, :], dW, db


def conv_backward_negative_slice(dZ, cache):
    """Mistake: strips the padding with ``[pad:-pad]``.

    For ``pad = 0`` the slice ``[0:-0]`` is ``[0:0]``: empty. Copying it
    into `dA_prev` then fails with a broadcasting error.
    """
    A_prev, W, _, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    _, n_H, n_W, n_C = dZ.shape
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_prev_pad = np.zeros_like(A_prev_pad)
    dA_prev = np.zeros_like(A_prev)
    dW = np.zeros_like(W)
    db = np.zeros((1, 1, 1, n_C), dtype=W.dtype)

    for i in range(A_prev.shape[0]):
        for h in range(n_H):
            for w in range(n_W):
                rows = slice(h * stride, h * stride + f)
                cols = slice(w * stride, w * stride + f)
                for c in range(n_C):
                    g = dZ[i, h, w, c]
                    dA_prev_pad[i, rows, cols] += W[:, :, :, c] * g
                    dW[:, :, :, c] += A_prev_pad[i, rows, cols] * g
                    db[:, :, :, c] += g
        dA_prev[i] = dA_prev_pad[i, pad:-pad, pad:-pad, :]  # mistake

    return dA_prev, dW, db


def create_mask_marking_all_ties(x):
    """Mistake: ``x == max(x)`` marks every tied maximum, not one."""
    return x == np.max(x)


def _pool_backward_with_mask(dA, cache, mode, make_mask, accumulate=True):
    """Pooling backward with a swappable mask and update rule.

    With ``make_mask=create_mask_marking_all_ties`` a gradient is handed
    to every tied maximum; with ``accumulate=False`` a window overwrites
    (``=``) what an overlapping window already put there instead of
    adding to it (``+=``).
    """
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    _, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros_like(A_prev)

    for i in range(A_prev.shape[0]):
        for h in range(n_H):
            for w in range(n_W):
                rows = slice(h * stride, h * stride + f)
                cols = slice(w * stride, w * stride + f)
                for c in range(n_C):
                    window = (i, rows, cols, c)
                    if mode == "max":
                        share = make_mask(A_prev[window]) * dA[i, h, w, c]
                    else:
                        share = np.full((f, f), dA[i, h, w, c] / (f * f))
                    if accumulate:
                        dA_prev[window] += share
                    else:
                        dA_prev[window] = share  # mistake

    return dA_prev


def pool_backward_ties_counted_twice(dA, cache, mode="max"):
    """Mistake: every tied maximum of a window receives the gradient."""
    return _pool_backward_with_mask(
        dA, cache, mode, create_mask_marking_all_ties
    )


def pool_backward_overwrites(dA, cache, mode="max"):
    """Mistake: overlapping windows overwrite each other's gradient."""
    return _pool_backward_with_mask(
        dA, cache, mode, create_mask_from_window, accumulate=False
    )
