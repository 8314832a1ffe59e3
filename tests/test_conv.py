"""Tests of `conv_single_step`, `conv_forward` and `conv_backward`."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convstep import (
    conv_backward,
    conv_forward,
    conv_single_step,
    output_size,
    pool_forward,
)
from convstep.pitfalls import (
    conv_backward_negative_slice,
    conv_backward_stride_ignored,
    conv_forward_without_plus_one,
    conv_single_step_float_of_array,
)

from support import conv_arrays, conv_configs, read_only

# A 3x3 image 0..8 and a 2x2 filter of ones: small enough to check the
# expected numbers below with a pencil.
IMAGE = np.arange(9.0).reshape(1, 3, 3, 1)
ONES_FILTER = np.ones((2, 2, 1, 1))
NO_BIAS = np.zeros((1, 1, 1, 1))


# conv_single_step ------------------------------------------------------


def test_conv_single_step_multiplies_sums_and_adds_bias():
    a = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1)
    W = np.array([[1.0, 0.0], [-1.0, 2.0]]).reshape(2, 2, 1)

    z = conv_single_step(a, W, np.array([[[0.5]]]))

    assert z == 1 - 3 + 8 + 0.5


def test_conv_single_step_returns_a_python_float():
    a = np.ones((2, 2, 3), dtype=np.float32)

    z = conv_single_step(a, a, np.zeros((1, 1, 1), dtype=np.float32))

    assert type(z) is float
    assert z == 12.0


def test_float_of_array_pitfall_fails_on_current_numpy():
    a = np.ones((2, 2, 1))

    with pytest.raises((TypeError, DeprecationWarning)):
        conv_single_step_float_of_array(a, a, np.zeros((1, 1, 1)))


# conv_forward ----------------------------------------------------------


def test_conv_forward_without_padding_hand_computed():
    Z, _ = conv_forward(IMAGE, ONES_FILTER, NO_BIAS, {"stride": 1, "pad": 0})

    np.testing.assert_array_equal(Z[0, :, :, 0], [[8, 12], [20, 24]])


def test_conv_forward_with_stride_and_padding_hand_computed():
    # Padded to 5x5; windows start at rows and columns 0 and 2.
    b = np.full((1, 1, 1, 1), 0.5)

    Z, _ = conv_forward(IMAGE, ONES_FILTER, b, {"stride": 2, "pad": 1})

    np.testing.assert_array_equal(Z[0, :, :, 0], [[0.5, 3.5], [9.5, 24.5]])


def test_conv_forward_pitfall_without_plus_one_loses_the_last_windows():
    hparameters = {"stride": 2, "pad": 1}
    b = np.full((1, 1, 1, 1), 0.5)
    Z, _ = conv_forward(IMAGE, ONES_FILTER, b, hparameters)

    Z_short = conv_forward_without_plus_one(IMAGE, ONES_FILTER, b, hparameters)

    assert Z.shape == (1, 2, 2, 1)
    assert Z_short.shape == (1, 1, 1, 1)
    np.testing.assert_array_equal(Z_short, Z[:, :1, :1, :])


def test_conv_forward_many_filters_make_many_channels():
    W = np.stack([np.ones((2, 2, 1)), -np.ones((2, 2, 1))], axis=-1)

    Z, _ = conv_forward(
        IMAGE, W, np.zeros((1, 1, 1, 2)), {"stride": 1, "pad": 0}
    )

    np.testing.assert_array_equal(Z[..., 1], -Z[..., 0])


@given(conv_configs())
def test_conv_forward_output_shape_follows_the_formula(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    c = config

    Z, _ = conv_forward(A_prev, W, b, hparameters)

    assert Z.shape == (
        c["m"],
        output_size(c["n_H_prev"], c["f"], c["stride"], c["pad"]),
        output_size(c["n_W_prev"], c["f"], c["stride"], c["pad"]),
        c["n_C"],
    )


@given(conv_configs(), st.floats(-3, 3), st.floats(-3, 3))
def test_conv_forward_is_linear_in_A_prev(config, alpha, beta):
    A1, W, _, hparameters = conv_arrays(config)
    A2 = np.random.default_rng(1).standard_normal(A1.shape)
    b = np.zeros((1, 1, 1, W.shape[3]))

    def conv(A):
        return conv_forward(A, W, b, hparameters)[0]

    np.testing.assert_allclose(
        conv(alpha * A1 + beta * A2),
        alpha * conv(A1) + beta * conv(A2),
        atol=1e-10,
    )


@given(conv_configs(), st.floats(-3, 3), st.floats(-3, 3))
def test_conv_forward_is_linear_in_W(config, alpha, beta):
    A_prev, W1, _, hparameters = conv_arrays(config)
    W2 = np.random.default_rng(2).standard_normal(W1.shape)
    b = np.zeros((1, 1, 1, W1.shape[3]))

    def conv(W):
        return conv_forward(A_prev, W, b, hparameters)[0]

    np.testing.assert_allclose(
        conv(alpha * W1 + beta * W2),
        alpha * conv(W1) + beta * conv(W2),
        atol=1e-10,
    )


@given(conv_configs(), st.integers(1, 2))
def test_conv_forward_is_translation_equivariant(config, shift):
    # Cropping `shift * stride` rows and columns off the top left of the
    # input crops `shift` off the output: the same filter everywhere.
    config = {**config, "n_H_prev": 10, "n_W_prev": 10, "pad": 0}
    A_prev, W, b, hparameters = conv_arrays(config)
    crop = shift * config["stride"]

    Z, _ = conv_forward(A_prev, W, b, hparameters)
    Z_cropped, _ = conv_forward(A_prev[:, crop:, crop:], W, b, hparameters)

    n_H, n_W = Z_cropped.shape[1:3]
    np.testing.assert_allclose(
        Z_cropped, Z[:, shift : shift + n_H, shift : shift + n_W], atol=1e-12
    )


@given(conv_configs())
def test_average_pooling_is_a_convolution_with_a_uniform_filter(config):
    room = config["f"] + 2 * config["pad"]
    config = {**config, "n_H_prev": room, "n_W_prev": room + 1, "pad": 0}
    A_prev, _, _, _ = conv_arrays(config)
    n_C, f, stride = config["n_C_prev"], config["f"], config["stride"]
    W = np.zeros((f, f, n_C, n_C))
    for c in range(n_C):
        W[:, :, c, c] = 1 / f**2

    Z, _ = conv_forward(
        A_prev, W, np.zeros((1, 1, 1, n_C)), {"stride": stride, "pad": 0}
    )
    A, _ = pool_forward(A_prev, {"f": f, "stride": stride}, "average")

    np.testing.assert_allclose(Z, A, atol=1e-12)


# conv_backward ---------------------------------------------------------


def test_conv_backward_without_padding_hand_computed():
    _, cache = conv_forward(
        IMAGE, ONES_FILTER, NO_BIAS, {"stride": 1, "pad": 0}
    )

    dA_prev, dW, db = conv_backward(np.ones((1, 2, 2, 1)), cache)

    # Each input is counted once per window that covers it.
    np.testing.assert_array_equal(
        dA_prev[0, :, :, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    )
    # Each filter weight sees the 2x2 corner block it slides over.
    np.testing.assert_array_equal(dW[:, :, 0, 0], [[8, 12], [20, 24]])
    np.testing.assert_array_equal(db.ravel(), [4])


def test_conv_backward_honours_the_stride():
    # Stride 2, pad 1: the four windows tile the padded 4x4 corner, so
    # every input lies in exactly one window.
    _, cache = conv_forward(
        IMAGE, ONES_FILTER, NO_BIAS, {"stride": 2, "pad": 1}
    )
    dZ = np.ones((1, 2, 2, 1))

    dA_prev, dW, db = conv_backward(dZ, cache)

    np.testing.assert_array_equal(dA_prev[0, :, :, 0], np.ones((3, 3)))
    np.testing.assert_array_equal(dW[:, :, 0, 0], [[4, 8], [8, 16]])
    np.testing.assert_array_equal(db.ravel(), [4])
    wrong_dA_prev, _, _ = conv_backward_stride_ignored(dZ, cache)
    assert not np.array_equal(wrong_dA_prev, dA_prev)


def test_conv_backward_works_without_padding():
    _, cache = conv_forward(
        IMAGE, ONES_FILTER, NO_BIAS, {"stride": 1, "pad": 0}
    )
    dZ = np.ones((1, 2, 2, 1))

    dA_prev, _, _ = conv_backward(dZ, cache)

    assert dA_prev.shape == IMAGE.shape
    with pytest.raises(ValueError, match="broadcast"):
        conv_backward_negative_slice(dZ, cache)


@given(conv_configs())
def test_conv_backward_is_the_adjoint_of_conv_forward(config):
    # <conv(A), G> = <A, dA_prev(G)> and <conv_W(W), G> = <W, dW(G)>:
    # the backward pass is the transpose of the (linear) forward pass.
    A_prev, W, _, hparameters = conv_arrays(config)
    b = np.zeros((1, 1, 1, W.shape[3]))
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    G = np.random.default_rng(3).standard_normal(Z.shape)

    dA_prev, dW, _ = conv_backward(G, cache)

    np.testing.assert_allclose(np.sum(Z * G), np.sum(A_prev * dA_prev))
    np.testing.assert_allclose(np.sum(Z * G), np.sum(W * dW))


@given(conv_configs())
def test_conv_backward_db_is_the_sum_of_dZ(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    dZ = np.random.default_rng(4).standard_normal(Z.shape)

    _, _, db = conv_backward(dZ, cache)

    np.testing.assert_allclose(db, dZ.sum(axis=(0, 1, 2), keepdims=True))


@given(conv_configs())
def test_conv_gradients_have_the_shapes_of_their_variables(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    Z, cache = conv_forward(A_prev, W, b, hparameters)

    dA_prev, dW, db = conv_backward(np.ones_like(Z), cache)

    assert (dA_prev.shape, dW.shape, db.shape) == (
        A_prev.shape,
        W.shape,
        b.shape,
    )


# dtypes and data safety ------------------------------------------------


def test_conv_keeps_float32_through_forward_and_backward():
    A_prev, W, b, hparameters = conv_arrays(
        {
            "m": 1,
            "n_H_prev": 4,
            "n_W_prev": 4,
            "n_C_prev": 2,
            "n_C": 2,
            "f": 3,
            "stride": 1,
            "pad": 1,
            "seed": 5,
        },
        dtype=np.float32,
    )

    Z, cache = conv_forward(A_prev, W, b, hparameters)
    gradients = conv_backward(np.ones_like(Z), cache)

    assert Z.dtype == np.float32
    assert [g.dtype for g in gradients] == [np.float32] * 3


def test_conv_promotes_integer_input_to_float64():
    Z, _ = conv_forward(
        IMAGE.astype(np.int64),
        ONES_FILTER.astype(np.int64),
        NO_BIAS.astype(np.int64),
        {"stride": 1, "pad": 0},
    )

    assert Z.dtype == np.float64


def test_conv_mixes_float32_and_float64_into_float64():
    Z, _ = conv_forward(
        IMAGE.astype(np.float32), ONES_FILTER, NO_BIAS, {"stride": 1, "pad": 0}
    )

    assert Z.dtype == np.float64


@given(conv_configs())
def test_conv_never_writes_to_its_inputs_or_cache(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    A_prev, W, b = read_only(A_prev, W, b)
    originals = [A_prev.copy(), W.copy(), b.copy()]

    Z, cache = conv_forward(A_prev, W, b, hparameters)
    dZ = np.ones_like(Z)
    dZ.flags.writeable = False
    conv_backward(dZ, cache)

    for array, original in zip(cache[:3], originals, strict=True):
        np.testing.assert_array_equal(array, original)


def test_conv_propagates_nan():
    A_prev = IMAGE.copy()
    A_prev[0, 0, 0, 0] = np.nan

    Z, _ = conv_forward(A_prev, ONES_FILTER, NO_BIAS, {"stride": 1, "pad": 0})

    assert np.isnan(Z[0, 0, 0, 0])
    assert not np.isnan(Z[0, 1, 1, 0])
