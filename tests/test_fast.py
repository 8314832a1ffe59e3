"""`convstep.fast` against the loop reference it must agree with.

Every test runs the same call through both implementations. Tolerances:
float64 results agree to rtol 1e-10 (only the order of additions
differs); float32 results to rtol 1e-4 with atol 1e-4, since a float32
sum of up to 48 products of standard normals carries rounding errors
near 1e-5 whose relative size grows when the sum cancels to near 0.
"""

import numpy as np
import pytest
from hypothesis import given

from convstep import conv, fast, pool

from support import (
    conv_arrays,
    conv_configs,
    pool_arrays,
    pool_configs,
    read_only,
)

FLOAT64 = {"rtol": 1e-10, "atol": 1e-10}
FLOAT32 = {"rtol": 1e-4, "atol": 1e-4}
# A small convolution with stride and padding, for one-off checks.
_SMALL_CONV = {
    "m": 2,
    "n_H_prev": 5,
    "n_W_prev": 4,
    "n_C_prev": 2,
    "n_C": 3,
    "f": 3,
    "stride": 2,
    "pad": 1,
    "seed": 3,
}


def assert_all_close(actual, expected, tolerance):
    """Element-wise closeness of two equally long sequences of arrays."""
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a.shape == e.shape
        assert a.dtype == e.dtype
        np.testing.assert_allclose(a, e, **tolerance)


def conv_both(A_prev, W, b, hparameters, dZ_seed=0):
    """(Z, dA_prev, dW, db) from the reference and from fast."""
    results = []
    for module in (conv, fast):
        Z, cache = module.conv_forward(A_prev, W, b, hparameters)
        dZ = np.random.default_rng(dZ_seed).standard_normal(Z.shape)
        results.append((Z, *module.conv_backward(dZ.astype(Z.dtype), cache)))
    return results


def pool_both(A_prev, hparameters, mode, dA_seed=0):
    """(A, dA_prev) from the reference and from fast."""
    results = []
    for module in (pool, fast):
        A, cache = module.pool_forward(A_prev, hparameters, mode)
        dA = np.random.default_rng(dA_seed).standard_normal(A.shape)
        results.append(
            (A, module.pool_backward(dA.astype(A.dtype), cache, mode))
        )
    return results


# Convolution -----------------------------------------------------------


@given(conv_configs())
def test_fast_conv_matches_reference_in_float64(config):
    reference, vectorized = conv_both(*conv_arrays(config))

    assert_all_close(vectorized, reference, FLOAT64)


@given(conv_configs())
def test_fast_conv_matches_reference_in_float32(config):
    reference, vectorized = conv_both(*conv_arrays(config, np.float32))

    assert_all_close(vectorized, reference, FLOAT32)
    assert [r.dtype for r in vectorized] == [np.float32] * 4


def test_fast_conv_with_overlapping_stride_and_padding_matches_reference():
    # Larger than the hypothesis shapes: many windows overlap each input.
    config = {
        "m": 2,
        "n_H_prev": 9,
        "n_W_prev": 8,
        "n_C_prev": 3,
        "n_C": 4,
        "f": 4,
        "stride": 2,
        "pad": 2,
        "seed": 5,
    }
    reference, vectorized = conv_both(*conv_arrays(config))

    assert_all_close(vectorized, reference, FLOAT64)


@pytest.mark.parametrize(
    ("n_C_prev", "n_C", "pad"),
    [(3, 4, 1), (1, 4, 1), (2, 2, 3)],
    ids=["dZ as a convolution", "scatter: many filters", "scatter: big pad"],
)
def test_fast_conv_backward_with_stride_one_matches_reference(
    n_C_prev, n_C, pad
):
    # Stride 1 has two routes to dA_prev; each parameter set takes one.
    config = {
        "m": 2,
        "n_H_prev": 6,
        "n_W_prev": 7,
        "n_C_prev": n_C_prev,
        "n_C": n_C,
        "f": 3,
        "stride": 1,
        "pad": pad,
        "seed": 7,
    }
    reference, vectorized = conv_both(*conv_arrays(config))

    assert_all_close(vectorized, reference, FLOAT64)


def test_fast_conv_promotes_integers_to_float64():
    A_prev = np.arange(18).reshape(1, 3, 3, 2)
    W = np.ones((2, 2, 2, 1), dtype=np.int32)
    b = np.zeros((1, 1, 1, 1), dtype=np.int64)

    Z, cache = fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 0})
    gradients = fast.conv_backward(np.ones_like(Z), cache)

    assert Z.dtype == np.float64
    assert [g.dtype for g in gradients] == [np.float64] * 3


def test_fast_conv_backward_mixes_float32_and_float64_like_reference():
    A_prev, W, b, hparameters = conv_arrays(_SMALL_CONV, np.float32)
    Z, cache = conv.conv_forward(A_prev, W, b, hparameters)
    dZ = np.ones(Z.shape, dtype=np.float64)

    expected = conv.conv_backward(dZ, cache)
    actual = fast.conv_backward(dZ, cache)

    assert_all_close(actual, expected, FLOAT64)


def test_fast_conv_propagates_nan_like_reference():
    A_prev, W, b, hparameters = conv_arrays(_SMALL_CONV)
    A_prev[0, 1, 1, 0] = np.nan

    Z_reference, _ = conv.conv_forward(A_prev, W, b, hparameters)
    Z_fast, _ = fast.conv_forward(A_prev, W, b, hparameters)

    np.testing.assert_array_equal(np.isnan(Z_fast), np.isnan(Z_reference))


# Pooling ---------------------------------------------------------------


@given(pool_configs())
def test_fast_pool_matches_reference_in_float64(config):
    A_prev, hparameters = pool_arrays(config)

    reference, vectorized = pool_both(A_prev, hparameters, config["mode"])

    assert_all_close(vectorized, reference, FLOAT64)


@given(pool_configs())
def test_fast_pool_matches_reference_in_float32(config):
    A_prev, hparameters = pool_arrays(config, np.float32)

    reference, vectorized = pool_both(A_prev, hparameters, config["mode"])

    assert_all_close(vectorized, reference, FLOAT32)
    assert [r.dtype for r in vectorized] == [np.float32] * 2


@given(pool_configs())
def test_fast_max_pool_sends_ties_where_reference_does(config):
    # Inputs from {0, 1, 2} make most windows hold tied maxima, and an
    # integer-valued dA makes every sum exact: results must be equal.
    rng = np.random.default_rng(config["seed"])
    A_prev, hparameters = pool_arrays(config)
    A_prev = rng.integers(0, 3, A_prev.shape).astype(np.float64)
    A, _ = pool.pool_forward(A_prev, hparameters, "max")
    dA = rng.integers(1, 5, A.shape).astype(np.float64)

    gradients = []
    for module in (pool, fast):
        _, cache = module.pool_forward(A_prev, hparameters, "max")
        gradients.append(module.pool_backward(dA, cache, "max"))

    np.testing.assert_array_equal(gradients[1], gradients[0])


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("n_H_prev", [6, 7, 8])
def test_fast_pool_with_tiling_windows_crops_the_remainder(mode, n_H_prev):
    # Disjoint windows are written in place; 7 and 8 leave rows that no
    # window covers, whose gradient must stay 0.
    A_prev = np.random.default_rng(n_H_prev).standard_normal(
        (2, n_H_prev, 7, 3)
    )

    reference, vectorized = pool_both(A_prev, {"f": 3, "stride": 3}, mode)

    assert_all_close(vectorized, reference, FLOAT64)


def test_fast_max_pool_with_a_large_window_matches_reference():
    # 169 offsets, each overlapping window shares most of its entries.
    A_prev = np.random.default_rng(1).standard_normal((1, 14, 13, 2))

    reference, vectorized = pool_both(A_prev, {"f": 13, "stride": 1}, "max")

    assert_all_close(vectorized, reference, FLOAT64)


@pytest.mark.parametrize("stride", [1, 2])
def test_fast_max_pool_treats_nan_like_reference(stride):
    # np.argmax in the reference counts the first NaN as the maximum.
    A_prev = np.random.default_rng(2).standard_normal((1, 5, 5, 2))
    A_prev[0, 1, 2, 0] = np.nan
    A_prev[0, 2, 1, 0] = np.nan
    A_prev[0, 3, 3, 1] = np.nan
    hparameters = {"f": 2, "stride": stride}

    reference, vectorized = pool_both(A_prev, hparameters, "max")

    # assert_allclose counts NaN == NaN, so NaNs must sit in one place.
    assert_all_close(vectorized, reference, FLOAT64)


def test_fast_pool_promotes_integers_to_float64():
    A_prev = np.arange(16).reshape(1, 4, 4, 1)

    A, cache = fast.pool_forward(A_prev, {"f": 2, "stride": 2})
    dA_prev = fast.pool_backward(np.ones_like(A), cache)

    assert A.dtype == np.float64
    assert dA_prev.dtype == np.float64


# Contracts shared with the reference -----------------------------------


@given(conv_configs())
def test_conv_caches_are_interchangeable(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    Z, reference_cache = conv.conv_forward(A_prev, W, b, hparameters)
    _, fast_cache = fast.conv_forward(A_prev, W, b, hparameters)
    dZ = np.random.default_rng(config["seed"]).standard_normal(Z.shape)

    expected = conv.conv_backward(dZ, reference_cache)

    assert_all_close(
        fast.conv_backward(dZ, reference_cache), expected, FLOAT64
    )
    assert_all_close(conv.conv_backward(dZ, fast_cache), expected, FLOAT64)


@given(pool_configs())
def test_pool_caches_are_interchangeable(config):
    A_prev, hparameters = pool_arrays(config)
    mode = config["mode"]
    A, reference_cache = pool.pool_forward(A_prev, hparameters, mode)
    _, fast_cache = fast.pool_forward(A_prev, hparameters, mode)
    dA = np.random.default_rng(config["seed"]).standard_normal(A.shape)

    expected = [pool.pool_backward(dA, reference_cache, mode)]

    assert_all_close(
        [fast.pool_backward(dA, reference_cache, mode)], expected, FLOAT64
    )
    assert_all_close(
        [pool.pool_backward(dA, fast_cache, mode)], expected, FLOAT64
    )


@given(conv_configs())
def test_fast_conv_never_writes_to_its_inputs(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    originals = [A_prev.copy(), W.copy(), b.copy()]
    A_prev, W, b = read_only(A_prev, W, b)

    Z, cache = fast.conv_forward(A_prev, W, b, hparameters)
    (dZ,) = read_only(np.ones_like(Z))
    fast.conv_backward(dZ, cache)

    for array, original in zip((A_prev, W, b), originals, strict=True):
        np.testing.assert_array_equal(array, original)
    assert hparameters == {"stride": config["stride"], "pad": config["pad"]}


@given(pool_configs())
def test_fast_pool_never_writes_to_its_inputs(config):
    A_prev, hparameters = pool_arrays(config)
    original = A_prev.copy()
    (A_prev,) = read_only(A_prev)

    A, cache = fast.pool_forward(A_prev, hparameters, config["mode"])
    (dA,) = read_only(np.ones_like(A))
    fast.pool_backward(dA, cache, config["mode"])

    np.testing.assert_array_equal(A_prev, original)


def test_fast_exports_the_four_layer_functions():
    assert sorted(fast.__all__) == [
        "conv_backward",
        "conv_forward",
        "pool_backward",
        "pool_forward",
    ]


# Bad input: the same exception, the same message -----------------------

A = np.zeros((2, 5, 5, 3))
W = np.zeros((3, 3, 3, 4))
B = np.zeros((1, 1, 1, 4))
CONV = {"stride": 1, "pad": 1}
POOL = {"f": 2, "stride": 2}
Z, CONV_CACHE = conv.conv_forward(A, W, B, CONV)
P, POOL_CACHE = pool.pool_forward(A, POOL)

# Each entry: the function's name and its arguments, one mistake each.
BAD_CALLS = {
    "conv_forward A_prev not 4-D": (
        "conv_forward",
        (np.zeros((5, 5, 3)), W, B, CONV),
    ),
    "conv_forward A_prev of strings": (
        "conv_forward",
        (np.full((2, 5, 5, 3), "a"), W, B, CONV),
    ),
    "conv_forward A_prev a list of lists": (
        "conv_forward",
        ([[1.0]], W, B, CONV),
    ),
    "conv_forward A_prev a string": ("conv_forward", ("A", W, B, CONV)),
    "conv_forward channel mismatch": (
        "conv_forward",
        (np.zeros((2, 5, 5, 2)), W, B, CONV),
    ),
    "conv_forward bias mismatch": (
        "conv_forward",
        (A, W, np.zeros((1, 1, 1, 3)), CONV),
    ),
    "conv_forward filters not square": (
        "conv_forward",
        (A, np.zeros((3, 2, 3, 4)), B, CONV),
    ),
    "conv_forward zero stride": (
        "conv_forward",
        (A, W, B, {"stride": 0, "pad": 1}),
    ),
    "conv_forward bool stride": (
        "conv_forward",
        (A, W, B, {"stride": True, "pad": 1}),
    ),
    "conv_forward string pad": (
        "conv_forward",
        (A, W, B, {"stride": 1, "pad": "1"}),
    ),
    "conv_forward window larger than padded input": (
        "conv_forward",
        (A, np.zeros((8, 8, 3, 4)), B, CONV),
    ),
    "conv_forward missing key": ("conv_forward", (A, W, B, {"stride": 1})),
    "conv_forward unknown key": (
        "conv_forward",
        (A, W, B, {"stride": 1, "pad": 0, "f": 3}),
    ),
    "conv_forward hparameters not a dict": ("conv_forward", (A, W, B, (1, 1))),
    "conv_forward empty batch": (
        "conv_forward",
        (np.zeros((0, 5, 5, 3)), W, B, CONV),
    ),
    "conv_backward dZ of the wrong shape": (
        "conv_backward",
        (np.zeros((2, 4, 4, 4)), CONV_CACHE),
    ),
    "conv_backward dZ complex": (
        "conv_backward",
        (Z.astype(complex), CONV_CACHE),
    ),
    "conv_backward cache too short": ("conv_backward", (Z, CONV_CACHE[:3])),
    "conv_backward cache a list": ("conv_backward", (Z, list(CONV_CACHE))),
    "conv_backward cache with a corrupt array": (
        "conv_backward",
        (Z, (A[..., :2], W, B, CONV)),
    ),
    "pool_forward unknown mode": ("pool_forward", (A, POOL, "min")),
    "pool_forward mode not a string": ("pool_forward", (A, POOL, None)),
    "pool_forward A_prev not 4-D": ("pool_forward", (np.zeros((5, 5)), POOL)),
    "pool_forward zero f": ("pool_forward", (A, {"f": 0, "stride": 1})),
    "pool_forward float stride": (
        "pool_forward",
        (A, {"f": 2, "stride": 1.5}),
    ),
    "pool_forward window larger than input": (
        "pool_forward",
        (A, {"f": 6, "stride": 1}),
    ),
    "pool_forward given a pad": (
        "pool_forward",
        (A, {"f": 2, "stride": 2, "pad": 1}),
    ),
    "pool_backward unknown mode": ("pool_backward", (P, POOL_CACHE, "avg")),
    "pool_backward dA of the wrong shape": (
        "pool_backward",
        (np.zeros((2, 3, 3, 3)), POOL_CACHE),
    ),
    "pool_backward cache malformed": ("pool_backward", (P, (A,))),
    "pool_backward cache with bad hparameters": (
        "pool_backward",
        (P, (A, {"f": 2})),
    ),
}


def raised_by(function, arguments):
    """The exception that ``function(*arguments)`` raises."""
    with pytest.raises((TypeError, ValueError)) as info:
        function(*arguments)
    return info.value


@pytest.mark.parametrize(
    ("name", "arguments"), BAD_CALLS.values(), ids=BAD_CALLS.keys()
)
def test_fast_rejects_bad_input_exactly_as_reference(name, arguments):
    reference = pool if name.startswith("pool") else conv

    expected = raised_by(getattr(reference, name), arguments)
    actual = raised_by(getattr(fast, name), arguments)

    assert type(actual) is type(expected)
    assert str(actual) == str(expected)
