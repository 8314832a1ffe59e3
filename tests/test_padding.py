"""Tests of `zero_pad` and `output_size`."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convstep import output_size, zero_pad
from convstep.pitfalls import output_size_without_plus_one


def window_starts(n_prev, f, stride, pad):
    """Every start of a window that fits, counted one by one."""
    return list(range(0, n_prev + 2 * pad - f + 1, stride))


def test_zero_pad_surrounds_each_image_with_zeros():
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).reshape(1, 2, 3, 1)

    padded = zero_pad(X, 1)[0, :, :, 0]

    expected = np.array(
        [
            [0, 0, 0, 0, 0],
            [0, 1, 2, 3, 0],
            [0, 4, 5, 6, 0],
            [0, 0, 0, 0, 0],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(padded, expected)


@given(
    m=st.integers(1, 3),
    n_H=st.integers(1, 5),
    n_W=st.integers(1, 5),
    n_C=st.integers(1, 3),
    pad=st.integers(0, 3),
)
def test_zero_pad_grows_only_height_and_width(m, n_H, n_W, n_C, pad):
    X = np.random.default_rng(0).standard_normal((m, n_H, n_W, n_C))

    padded = zero_pad(X, pad)

    assert padded.shape == (m, n_H + 2 * pad, n_W + 2 * pad, n_C)
    np.testing.assert_array_equal(
        padded[:, pad : pad + n_H, pad : pad + n_W], X
    )
    assert np.count_nonzero(padded) == np.count_nonzero(X)


def test_zero_pad_keeps_float32():
    X = np.ones((1, 2, 2, 1), dtype=np.float32)

    assert zero_pad(X, 2).dtype == np.float32


def test_zero_pad_promotes_integers_to_float64():
    X = np.ones((1, 2, 2, 1), dtype=np.int32)

    assert zero_pad(X, 1).dtype == np.float64


def test_zero_pad_by_zero_returns_a_new_equal_array():
    X = np.ones((1, 2, 2, 1))

    padded = zero_pad(X, 0)

    np.testing.assert_array_equal(padded, X)
    assert not np.shares_memory(padded, X)


def test_zero_pad_leaves_its_input_alone():
    X = np.arange(8.0).reshape(1, 2, 2, 2)
    X.flags.writeable = False

    zero_pad(X, 2)

    np.testing.assert_array_equal(X, np.arange(8.0).reshape(1, 2, 2, 2))


@pytest.mark.parametrize(
    ("n_prev", "f", "stride", "pad", "expected"),
    [
        (5, 3, 1, 0, 3),  # "valid": shrinks by f - 1
        (5, 3, 1, 1, 5),  # "same" for f = 3
        (7, 3, 2, 0, 3),
        (6, 3, 2, 0, 2),  # the floor: the last start, 4, would overflow
        (4, 4, 1, 0, 1),  # one window covers everything
        (1, 3, 1, 1, 1),
    ],
)
def test_output_size_hand_computed(n_prev, f, stride, pad, expected):
    assert output_size(n_prev, f, stride, pad) == expected


@given(
    n_prev=st.integers(1, 30),
    f=st.integers(1, 7),
    stride=st.integers(1, 5),
    pad=st.integers(0, 3),
)
def test_output_size_counts_the_windows_that_fit(n_prev, f, stride, pad):
    if f > n_prev + 2 * pad:
        with pytest.raises(ValueError, match="is larger than the"):
            output_size(n_prev, f, stride, pad)
    else:
        starts = window_starts(n_prev, f, stride, pad)
        assert output_size(n_prev, f, stride, pad) == len(starts)


def test_output_size_off_by_one_pitfall_is_caught():
    assert output_size_without_plus_one(5, 3) != len(window_starts(5, 3, 1, 0))
