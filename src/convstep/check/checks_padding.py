"""The checks of `zero_pad`."""

import numpy as np

from convstep.check.helpers import (
    _array,
    _dtype,
    _read_only,
    _rng,
    _shape,
    _unchanged,
    _values,
)
from convstep.check.registry import _check


def _pad_hint(got, expected):
    if len(got) == 4 and (got[0], got[3]) != (expected[0], expected[3]):
        return (
            "Only height and width are padded, never the batch or the "
            "channels: np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))."
        )
    return None


@_check("zero_pad", "returns the padded array", essential=True)
def _zero_pad_contract(zero_pad):
    """Returns an array of shape (m, n_H + 2 * pad, n_W + 2 * pad, n_C)."""
    X = _rng(0).standard_normal((2, 3, 4, 3))

    X_pad = _array(zero_pad(X, 2), "the result")

    _shape(X_pad, (2, 7, 8, 3), "the result", _pad_hint)


@_check("zero_pad", "hand-computed, pad = 1")
def _zero_pad_small(zero_pad):
    """Frames a 2 by 3 image with one ring of zeros."""
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).reshape(1, 2, 3, 1)
    expected = np.zeros((4, 5))
    expected[1:3, 1:4] = X[0, :, :, 0]

    X_pad = _array(zero_pad(X, 1), "the result")

    _shape(X_pad, (1, 4, 5, 1), "the result", _pad_hint)
    _values(X_pad[0, :, :, 0], expected, "the padded image", show=True)


@_check("zero_pad", "pad = 0")
def _zero_pad_zero(zero_pad):
    """With pad = 0 returns an array equal to the input."""
    X = _rng(1).standard_normal((1, 3, 3, 2))

    X_pad = _array(zero_pad(X, 0), "the result")

    _shape(X_pad, X.shape, "the result")
    _values(X_pad, X, "the result")


@_check("zero_pad", "keeps float32")
def _zero_pad_float32(zero_pad):
    """A float32 input gives a float32 result."""
    X = np.ones((1, 2, 2, 1), dtype=np.float32)

    _dtype(_array(zero_pad(X, 1), "the result"), "the result")


@_check("zero_pad", "leaves its input alone")
def _zero_pad_read_only(zero_pad):
    """Does not write into X."""
    original = _rng(2).standard_normal((1, 2, 2, 1))
    (X,) = _read_only(original)

    zero_pad(X, 1)

    _unchanged([X], [original], ["X"])
