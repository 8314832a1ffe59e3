"""Numerical gradient checks of every backward pass.

The bound: in float64 with central differences (h = 1e-6), a correct
backward pass of these piecewise-linear layers reaches a relative error
near 1e-10; every check below must stay under GRADIENT_TOLERANCE.
"""

import numpy as np
import pytest

from convstep import (
    conv_forward,
    conv_gradient_errors,
    numerical_gradient,
    pool_forward,
    pool_gradient_errors,
    relative_error,
)
from convstep.pitfalls import (
    conv_backward_stride_ignored,
    pool_backward_overwrites,
)

GRADIENT_TOLERANCE = 1e-7


def random_conv_inputs(seed, n_H_prev=5, n_W_prev=6, n_C_prev=2, n_C=3, f=3):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((2, n_H_prev, n_W_prev, n_C_prev)),
        rng.standard_normal((f, f, n_C_prev, n_C)),
        rng.standard_normal((1, 1, 1, n_C)),
    )


# the checker itself ----------------------------------------------------


def test_numerical_gradient_of_a_quadratic():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])

    grad = numerical_gradient(lambda v: np.sum(v**2), x)

    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8)


def test_numerical_gradient_leaves_its_point_alone():
    x = np.array([1.0, 2.0])
    x.flags.writeable = False

    numerical_gradient(lambda v: np.sum(v**3), x)

    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error_is_zero_for_equal_gradients():
    g = np.array([1.0, -2.0, 3.0])

    assert relative_error(g, g.copy()) == 0.0


def test_relative_error_of_two_zero_gradients_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_relative_error_ignores_the_scale_of_the_loss():
    a, b = np.array([1.0, 2.0]), np.array([1.1, 2.0])

    assert relative_error(a, b) == pytest.approx(
        relative_error(1e6 * a, 1e6 * b)
    )


def test_relative_error_is_one_for_opposite_gradients():
    g = np.array([1.0, 2.0])

    assert relative_error(g, -g) == pytest.approx(1.0)


# every backward pass ---------------------------------------------------


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("pad", [0, 1, 2])
def test_conv_backward_matches_numerical_gradients(stride, pad):
    A_prev, W, b = random_conv_inputs(seed=10 * stride + pad)

    errors = conv_gradient_errors(A_prev, W, b, {"stride": stride, "pad": pad})

    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize(
    ("f", "stride"),
    [(2, 2), (3, 3), (2, 1), (3, 1), (3, 2), (2, 3)],
    ids=[
        "2x2/2",
        "3x3/3",
        "2x2/1 overlap",
        "3x3/1 overlap",
        "3x3/2 overlap",
        "2x2/3 gaps",
    ],
)
def test_pool_backward_matches_numerical_gradients(mode, f, stride):
    A_prev = np.random.default_rng(f * 10 + stride).standard_normal(
        (2, 7, 6, 3)
    )

    errors = pool_gradient_errors(A_prev, {"f": f, "stride": stride}, mode)

    assert errors["dA_prev"] < GRADIENT_TOLERANCE


def test_gradient_check_catches_the_ignored_stride():
    A_prev, W, b = random_conv_inputs(seed=1)
    hparameters = {"stride": 2, "pad": 1}
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    G = np.random.default_rng(0).standard_normal(Z.shape)

    wrong_dA_prev, _, _ = conv_backward_stride_ignored(G, cache)
    numeric = numerical_gradient(
        lambda x: np.sum(G * conv_forward(x, W, b, hparameters)[0]), A_prev
    )

    assert relative_error(wrong_dA_prev, numeric) > 0.1


def test_gradient_check_catches_overwriting_overlapping_windows():
    A_prev = np.random.default_rng(2).standard_normal((1, 5, 5, 2))
    hparameters = {"f": 3, "stride": 1}
    A, cache = pool_forward(A_prev, hparameters, "average")
    G = np.random.default_rng(0).standard_normal(A.shape)

    wrong = pool_backward_overwrites(G, cache, "average")
    numeric = numerical_gradient(
        lambda x: np.sum(G * pool_forward(x, hparameters, "average")[0]),
        A_prev,
    )

    assert relative_error(wrong, numeric) > 0.1
