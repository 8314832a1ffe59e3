"""Tests of `pool_forward`, `pool_backward` and their two helpers."""

import numpy as np
import pytest
from hypothesis import given

from convstep import (
    create_mask_from_window,
    distribute_value,
    output_size,
    pool_backward,
    pool_forward,
)
from convstep.pitfalls import (
    create_mask_marking_all_ties,
    pool_backward_overwrites,
    pool_backward_ties_counted_twice,
    pool_forward_unchecked,
    pool_forward_without_plus_one,
)

from support import pool_arrays, pool_configs, read_only

IMAGE = np.arange(16.0).reshape(1, 4, 4, 1)
# One large value in the middle: every 2x2 window with stride 1 holds it.
PEAK = np.zeros((1, 3, 3, 1))
PEAK[0, 1, 1, 0] = 9.0
TIED = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)


# pool_forward ----------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("max", [[5, 7], [13, 15]]), ("average", [[2.5, 4.5], [10.5, 12.5]])],
)
def test_pool_forward_hand_computed(mode, expected):
    A, _ = pool_forward(IMAGE, {"f": 2, "stride": 2}, mode)

    np.testing.assert_array_equal(A[0, :, :, 0], expected)


def test_pool_forward_with_overlapping_windows_hand_computed():
    A, _ = pool_forward(IMAGE, {"f": 3, "stride": 1}, "max")

    np.testing.assert_array_equal(A[0, :, :, 0], [[10, 11], [14, 15]])


@pytest.mark.parametrize("mode", ["Max", "mean", "maximum"])
def test_unchecked_pool_pitfall_turns_a_misspelt_mode_into_average(mode):
    hparameters = {"f": 2, "stride": 2}
    average, _ = pool_forward(IMAGE, hparameters, "average")

    A = pool_forward_unchecked(IMAGE, hparameters, mode)

    np.testing.assert_array_equal(A, average)
    with pytest.raises(ValueError, match="mode"):
        pool_forward(IMAGE, hparameters, mode)


def test_unchecked_pool_pitfall_ignores_a_pad_it_is_given():
    hparameters = {"f": 2, "stride": 2, "pad": 1}
    unpadded, _ = pool_forward(IMAGE, {"f": 2, "stride": 2}, "max")

    A = pool_forward_unchecked(IMAGE, hparameters, "max")

    np.testing.assert_array_equal(A, unpadded)
    with pytest.raises(ValueError, match="pad"):
        pool_forward(IMAGE, hparameters, "max")


def test_pool_pitfall_without_plus_one_drops_the_last_windows():
    A, _ = pool_forward(IMAGE, {"f": 2, "stride": 2}, "max")

    A_short = pool_forward_without_plus_one(IMAGE, {"f": 2, "stride": 2})

    assert A_short.shape == (1, 1, 1, 1)
    np.testing.assert_array_equal(A_short, A[:, :1, :1, :])
    global_pool = {"f": 4, "stride": 1}
    assert pool_forward_without_plus_one(IMAGE, global_pool).size == 0


def test_pool_forward_pools_each_channel_on_its_own():
    A_prev = np.concatenate([IMAGE, -IMAGE], axis=3)

    A, _ = pool_forward(A_prev, {"f": 2, "stride": 2}, "max")

    np.testing.assert_array_equal(A[0, :, :, 1], [[0, -2], [-8, -10]])


@given(pool_configs())
def test_pool_forward_output_shape_follows_the_formula(config):
    A_prev, hparameters = pool_arrays(config)
    c = config

    A, _ = pool_forward(A_prev, hparameters, c["mode"])

    assert A.shape == (
        c["m"],
        output_size(c["n_H_prev"], c["f"], c["stride"]),
        output_size(c["n_W_prev"], c["f"], c["stride"]),
        c["n_C"],
    )


@given(pool_configs())
def test_pool_forward_lies_between_window_extremes(config):
    A_prev, hparameters = pool_arrays(config)

    maxima, _ = pool_forward(A_prev, hparameters, "max")
    means, _ = pool_forward(A_prev, hparameters, "average")

    assert np.all(means <= maxima + 1e-12)


# helpers ---------------------------------------------------------------


def test_mask_marks_the_single_maximum():
    x = np.array([[1.0, 4.0], [2.0, -1.0]])

    np.testing.assert_array_equal(
        create_mask_from_window(x), [[False, True], [False, False]]
    )


def test_mask_marks_only_the_first_of_tied_maxima():
    x = np.array([[0.0, 5.0, 1.0], [5.0, 2.0, 5.0], [0.0, 0.0, 0.0]])

    mask = create_mask_from_window(x)

    assert mask.sum() == 1
    assert mask[0, 1]
    assert create_mask_marking_all_ties(x).sum() == 3


def test_mask_of_a_constant_window_marks_its_first_entry():
    mask = create_mask_from_window(np.ones((3, 3)))

    assert mask.sum() == 1
    assert mask[0, 0]


def test_distribute_value_shares_the_gradient_equally():
    np.testing.assert_array_equal(
        distribute_value(6.0, (2, 3)), np.ones((2, 3))
    )


def test_distribute_value_keeps_float32():
    assert distribute_value(np.float32(1), (2, 2)).dtype == np.float32


# pool_backward ---------------------------------------------------------


def test_max_pool_backward_routes_to_the_winner():
    _, cache = pool_forward(IMAGE, {"f": 2, "stride": 2}, "max")
    dA = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)

    dA_prev = pool_backward(dA, cache, "max")

    expected = np.zeros((4, 4))
    expected[1, 1], expected[1, 3], expected[3, 1], expected[3, 3] = 1, 2, 3, 4
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], expected)


def test_average_pool_backward_with_overlapping_windows_accumulates():
    _, cache = pool_forward(PEAK, {"f": 2, "stride": 1}, "average")

    dA_prev = pool_backward(np.ones((1, 2, 2, 1)), cache, "average")

    np.testing.assert_array_equal(
        dA_prev[0, :, :, 0],
        [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]],
    )


def test_max_pool_backward_with_overlapping_windows_accumulates():
    _, cache = pool_forward(PEAK, {"f": 2, "stride": 1}, "max")
    dA = np.ones((1, 2, 2, 1))

    dA_prev = pool_backward(dA, cache, "max")

    # All four windows pick the peak, so it collects all four gradients.
    assert dA_prev[0, 1, 1, 0] == 4.0
    assert pool_backward_overwrites(dA, cache)[0, 1, 1, 0] == 1.0


def test_max_pool_backward_sends_a_tie_to_one_element():
    _, cache = pool_forward(TIED, {"f": 2, "stride": 2}, "max")
    dA = np.ones((1, 1, 1, 1))

    dA_prev = pool_backward(dA, cache, "max")

    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[0, 1], [0, 0]])
    assert pool_backward_ties_counted_twice(dA, cache).sum() == 2.0


@given(pool_configs())
def test_pool_backward_conserves_the_total_gradient(config):
    # Every output passes its whole gradient back, split or not.
    A_prev, hparameters = pool_arrays(config)
    # Rounding makes ties common, the case that leaks or doubles mass.
    A_prev = np.round(A_prev)
    mode = config["mode"]
    A, cache = pool_forward(A_prev, hparameters, mode)
    dA = np.random.default_rng(6).standard_normal(A.shape)

    dA_prev = pool_backward(dA, cache, mode)

    np.testing.assert_allclose(dA_prev.sum(), dA.sum(), atol=1e-12)


@given(pool_configs())
def test_pool_backward_has_the_shape_of_its_input(config):
    A_prev, hparameters = pool_arrays(config)
    A, cache = pool_forward(A_prev, hparameters, config["mode"])

    dA_prev = pool_backward(np.ones_like(A), cache, config["mode"])

    assert dA_prev.shape == A_prev.shape


# dtypes and data safety ------------------------------------------------


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_keeps_float32_through_forward_and_backward(mode):
    A_prev = IMAGE.astype(np.float32)

    A, cache = pool_forward(A_prev, {"f": 2, "stride": 1}, mode)
    dA_prev = pool_backward(np.ones_like(A), cache, mode)

    assert (A.dtype, dA_prev.dtype) == (np.float32, np.float32)


def test_pool_promotes_integer_input_to_float64():
    A, _ = pool_forward(IMAGE.astype(np.int16), {"f": 2, "stride": 2})

    assert A.dtype == np.float64


@given(pool_configs())
def test_pool_never_writes_to_its_inputs_or_cache(config):
    (A_prev,) = read_only(pool_arrays(config)[0])
    hparameters = pool_arrays(config)[1]
    original = A_prev.copy()

    A, cache = pool_forward(A_prev, hparameters, config["mode"])
    (dA,) = read_only(np.ones_like(A))
    pool_backward(dA, cache, config["mode"])

    np.testing.assert_array_equal(cache[0], original)


def test_max_pool_propagates_nan():
    A_prev = IMAGE.copy()
    A_prev[0, 0, 0, 0] = np.nan

    A, _ = pool_forward(A_prev, {"f": 2, "stride": 2}, "max")

    assert np.isnan(A[0, 0, 0, 0])
    assert not np.isnan(A[0, 1, 1, 0])
