"""Check a learner's own implementation against the book's behaviour.

Run it on a Python file that defines any of the book's functions::

    python -m convstep.check path/to/my_solution.py

Every function the file defines under one of the names in
`FUNCTION_NAMES` is put through the checks listed in `CHECKS`: tiny
cases computed by hand, output shapes, stride 2, ``pad = 0``,
overlapping pooling windows, tied maxima, numerical gradients, float32
and read-only inputs. The report says, per function, PASS or what is
wrong in plain words, with a hint aimed at the classic mistakes that
`convstep.pitfalls` collects. Functions the file does not define are
reported as "not found" and skipped.

The learner's code never runs in this process. Loading the file, and
then each function's checks, happen in a fresh Python process of
their own that is killed when it overruns its time, so a syntax error,
an exception, an endless loop, a crash or a stray ``exit()`` in the
file becomes a line of the report, never a traceback.

Exit status: 0 when every function found passes, 1 when one fails or
nothing could be checked (the file does not load, or defines none of
the functions), 2 for a usage error such as a missing file.
"""

import argparse
import importlib.util
import inspect
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import convstep
from convstep import fast
from convstep.gradcheck import numerical_gradient, relative_error

FUNCTION_NAMES = (
    "zero_pad",
    "conv_single_step",
    "conv_forward",
    "pool_forward",
    "conv_backward",
    "create_mask_from_window",
    "distribute_value",
    "pool_backward",
)

DEFAULT_TIMEOUT = 20.0
# What a correct float64 backward pass reaches against central
# differences, with room to spare (the book's tests use the same bound).
GRADIENT_TOLERANCE = 1e-7

PASS = "PASS"
FAIL = "FAIL"
NOT_FOUND = "not found"


# The registry of checks ------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One named behavioural check of one function.

    `run` takes the learner's function and returns None when it
    behaves, or a message saying what is wrong. The first line of its
    docstring is the `description` the book lists. An `essential`
    check tests the calling contract (what comes back, in what shape):
    when it fails, the function's other checks are skipped, since they
    would all fail for the same reason.
    """

    function: str
    name: str
    run: object
    essential: bool = False

    @property
    def description(self):
        return inspect.getdoc(self.run).split("\n\n")[0].replace("\n", " ")


CHECKS = {name: [] for name in FUNCTION_NAMES}


def _check(function, name, essential=False):
    """Register the decorated function as a check of `function`."""

    def register(run):
        CHECKS[function].append(Check(function, name, run, essential))
        return run

    return register


class _CheckFailedError(Exception):
    """A check's verdict, raised from a helper deep inside the check."""


# Helpers shared by the checks ------------------------------------------


def _rng(seed):
    return np.random.default_rng(seed)


def _read_only(*arrays):
    """Copies that raise if the learner's code writes into them."""
    copies = []
    for array in arrays:
        copy = np.array(array)
        copy.flags.writeable = False
        copies.append(copy)
    return copies


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _unpack(result, names, function):
    """Split a tuple result into its parts, or fail saying what came."""
    wanted = ", ".join(names)
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return result
    message = (
        f"{function} must return the tuple ({wanted}); it returned "
        f"{_describe(result)}. End it with `return {wanted}`."
    )
    if result is None:
        message += " (A function without a return statement gives None.)"
    raise _CheckFailedError(message)


def _array(value, what):
    """`value` if it is a numeric NumPy array, else fail."""
    if not isinstance(value, np.ndarray):
        hint = ""
        if value is None:
            hint = " Is the return statement missing?"
        raise _CheckFailedError(
            f"{what} should be a NumPy array but is {_describe(value)}.{hint}"
        )
    if value.dtype.kind not in "biuf":
        raise _CheckFailedError(
            f"{what} should hold numbers but has dtype {value.dtype}."
        )
    return value


def _shape(got, expected_shape, what, hint=None):
    if got.shape != tuple(expected_shape):
        message = (
            f"{what} has shape {got.shape}; it should have shape "
            f"{tuple(expected_shape)}."
        )
        extra = hint(got.shape, tuple(expected_shape)) if hint else None
        raise _CheckFailedError(message + (f" {extra}" if extra else ""))


def _output_size_hint(got, expected):
    """Name the missing + 1 of the output-size formula, if that is it."""
    if len(got) != 4 or got[0] != expected[0] or got[3] != expected[3]:
        return None
    too_small = [e - g for g, e in zip(got[1:3], expected[1:3], strict=True)]
    if too_small == [1, 1]:
        return (
            "It is too small by one in height and width: did you forget "
            "the + 1 in n_H = (n_H_prev + 2 * pad - f) // stride + 1? "
            "It counts the first window."
        )
    return None


def _grid(array):
    text = np.array2string(np.asarray(array), precision=4, suppress_small=True)
    return textwrap.indent(text, "    ")


def _values(got, expected, what, show=False, atol=1e-9):
    """Fail unless `got` equals `expected` up to rounding."""
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(all="ignore"):
        close = np.isclose(got, expected, rtol=1e-9, atol=atol)
    if close.all():
        return
    if np.isnan(got).any() and not np.isnan(expected).any():
        raise _CheckFailedError(
            f"{what} contains NaN. Did you start from np.empty() instead "
            f"of np.zeros()? np.empty leaves whatever was in memory."
        )
    if show:
        raise _CheckFailedError(
            f"{what} is wrong.\nExpected:\n{_grid(expected)}\n"
            f"Got:\n{_grid(got)}"
        )
    index = np.unravel_index(np.argmin(close), close.shape)
    raise _CheckFailedError(
        f"{what} is wrong: at index {tuple(int(i) for i in index)} it is "
        f"{got[index]:.6g} but should be {expected[index]:.6g}."
    )


def _dtype(got, what, wanted=np.float32):
    if got.dtype != wanted:
        raise _CheckFailedError(
            f"{what} is {got.dtype} for {np.dtype(wanted)} inputs. "
            f"np.zeros(shape) makes float64 unless you pass the dtype: "
            f"np.zeros(shape, dtype=A_prev.dtype), or np.zeros_like(...)."
        )


def _unchanged(arrays, originals, names):
    for array, original, name in zip(arrays, originals, names, strict=True):
        if not np.array_equal(array, original, equal_nan=True):
            raise _CheckFailedError(
                f"the function changed its input `{name}`. Work on a "
                f"copy, or build new arrays with np.zeros."
            )


def _and(names):
    names = list(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _errors_text(errors):
    return ", ".join(f"{name} {error:.1e}" for name, error in errors.items())


def _wrong(errors):
    # `not e < tol` also catches NaN.
    return {
        name: error
        for name, error in errors.items()
        if not error < GRADIENT_TOLERANCE
    }


# zero_pad --------------------------------------------------------------


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


# conv_single_step ------------------------------------------------------


def _number(z, what="the result"):
    """`z` as a float, if it is a single real number."""
    if isinstance(z, np.ndarray) and z.ndim > 0:
        hint = ""
        if z.size == 1:
            hint = (
                " The bias b is an array of shape (1, 1, 1), so s + b is"
                " one too: add b.item() instead of b."
            )
        raise _CheckFailedError(
            f"{what} should be a single number but is an array of "
            f"shape {z.shape}.{hint}"
        )
    if isinstance(z, (bool, np.bool_)) or not isinstance(
        z, (int, float, np.integer, np.floating, np.ndarray)
    ):
        raise _CheckFailedError(
            f"{what} should be a single number but is {_describe(z)}."
        )
    return float(np.asarray(z).item())


@_check("conv_single_step", "returns one number", essential=True)
def _single_step_contract(conv_single_step):
    """Returns a single number, not an array."""
    a = np.ones((2, 2, 1))

    _number(conv_single_step(a, a, np.zeros((1, 1, 1))))


@_check("conv_single_step", "hand-computed")
def _single_step_small(conv_single_step):
    """Multiplies, sums and adds the bias: 1 - 3 + 8 + 0.5 = 6.5."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1)
    W = np.array([[1.0, 0.0], [-1.0, 2.0]]).reshape(2, 2, 1)

    z = _number(conv_single_step(a, W, np.array([[[0.5]]])))

    if np.isclose(z, 6.0):
        raise _CheckFailedError(
            "the result is 6.0 but should be 6.5: add the bias."
        )
    _values(z, 6.5, "the result")


@_check("conv_single_step", "every channel")
def _single_step_channels(conv_single_step):
    """Sums over the window's height, width and all its channels."""
    rng = _rng(3)
    a, W = rng.standard_normal((2, 3, 3, 4))
    b = rng.standard_normal((1, 1, 1))

    z = _number(conv_single_step(a, W, b))

    _values(z, np.sum(a * W) + b.item(), "the result")


@_check("conv_single_step", "leaves its inputs alone")
def _single_step_read_only(conv_single_step):
    """Does not write into a_slice_prev, W or b."""
    rng = _rng(4)
    shapes = [(3, 3, 2), (3, 3, 2), (1, 1, 1)]
    originals = [rng.standard_normal(shape) for shape in shapes]
    arrays = _read_only(*originals)

    conv_single_step(*arrays)

    _unchanged(arrays, originals, ["a_slice_prev", "W", "b"])


# conv_forward ----------------------------------------------------------


def _conv_inputs(seed, shape=(2, 5, 7, 3), f=3, n_C=4, dtype=np.float64):
    rng = _rng(seed)
    A_prev = rng.standard_normal(shape).astype(dtype)
    W = rng.standard_normal((f, f, shape[3], n_C)).astype(dtype)
    b = rng.standard_normal((1, 1, 1, n_C)).astype(dtype)
    return A_prev, W, b


def _call_conv_forward(conv_forward, A_prev, W, b, stride, pad):
    """The learner's Z (checked shape) and cache, on copies of the data."""
    hparameters = {"stride": stride, "pad": pad}
    expected, _ = fast.conv_forward(A_prev, W, b, hparameters)
    result = conv_forward(A_prev.copy(), W.copy(), b.copy(), hparameters)
    Z, cache = _unpack(result, ("Z", "cache"), "conv_forward")
    Z = _array(Z, "Z")
    _shape(Z, expected.shape, "Z", _output_size_hint)
    return Z, cache, expected


def _conv_forward_matches(conv_forward, stride, pad, seed):
    A_prev, W, b = _conv_inputs(seed)
    Z, _, expected = _call_conv_forward(
        conv_forward, A_prev, W, b, stride, pad
    )
    try:
        _values(Z, expected, "Z")
    except _CheckFailedError as failure:
        return str(failure)
    return None


@_check("conv_forward", "returns (Z, cache)", essential=True)
def _conv_forward_contract(conv_forward):
    """Returns the pair (Z, cache), Z of shape (m, n_H, n_W, n_C)."""
    A_prev, W, b = _conv_inputs(5)

    _call_conv_forward(conv_forward, A_prev, W, b, stride=2, pad=1)


@_check("conv_forward", "the cache")
def _conv_forward_cache(conv_forward):
    """The cache is (A_prev, W, b, hparameters), as conv_backward reads."""
    A_prev, W, b = _conv_inputs(6)
    hparameters = {"stride": 1, "pad": 1}

    _, cache = _unpack(
        conv_forward(A_prev, W, b, hparameters), ("Z", "cache"), "conv_forward"
    )

    layout = "(A_prev, W, b, hparameters)"
    if not isinstance(cache, (tuple, list)) or len(cache) != 4:
        raise _CheckFailedError(
            f"the cache should be the tuple {layout}, which conv_backward "
            f"unpacks; it is {_describe(cache)}."
        )
    for item, original in zip(cache[:3], (A_prev, W, b), strict=True):
        if not (
            isinstance(item, np.ndarray) and np.array_equal(item, original)
        ):
            raise _CheckFailedError(
                f"the cache should be {layout}, in that order."
            )
    if not isinstance(cache[3], dict) or cache[3] != hparameters:
        raise _CheckFailedError("the cache's last item should be hparameters.")


@_check("conv_forward", "hand-computed, stride 1, pad 0")
def _conv_forward_small(conv_forward):
    """A 2 by 2 filter of ones over the 3 by 3 image 0..8."""
    A_prev = np.arange(9.0).reshape(1, 3, 3, 1)
    W, b = np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1))

    Z, _, _ = _call_conv_forward(conv_forward, A_prev, W, b, 1, 0)

    _values(Z[0, :, :, 0], [[8, 12], [20, 24]], "Z", show=True)


@_check("conv_forward", "hand-computed, stride 2, pad 1, bias")
def _conv_forward_small_strided(conv_forward):
    """The same image padded by 1, stride 2, bias 0.5."""
    A_prev = np.arange(9.0).reshape(1, 3, 3, 1)
    W, b = np.ones((2, 2, 1, 1)), np.full((1, 1, 1, 1), 0.5)

    Z, _, _ = _call_conv_forward(conv_forward, A_prev, W, b, 2, 1)

    expected = np.array([[0.5, 3.5], [9.5, 24.5]])
    if np.allclose(Z[0, :, :, 0], expected - 0.5):
        raise _CheckFailedError(
            "Z is short of the bias by 0.5 everywhere: add b."
        )
    _values(Z[0, :, :, 0], expected, "Z", show=True)


@_check("conv_forward", "many filters and channels")
def _conv_forward_random(conv_forward):
    """Random 2 by 5 by 7 by 3 input, 4 filters, stride 1, pad 1."""
    return _conv_forward_matches(conv_forward, stride=1, pad=1, seed=7)


@_check("conv_forward", "stride 2")
def _conv_forward_stride(conv_forward):
    """The same with stride 2, and stride 3 without padding."""
    for stride, pad in [(2, 1), (3, 0)]:
        problem = _conv_forward_matches(conv_forward, stride, pad, seed=8)
        if problem is None:
            continue
        if _conv_forward_matches(conv_forward, 1, pad, seed=8) is None:
            return (
                f"Z is wrong when stride = {stride} and right when "
                f"stride = 1. Does each window start at h * stride "
                f"(vert_start = h * stride)? {problem}"
            )
        return f"with stride = {stride}, pad = {pad}: {problem}"
    return None


@_check("conv_forward", "keeps float32")
def _conv_forward_float32(conv_forward):
    """float32 inputs give a float32 Z."""
    A_prev, W, b = _conv_inputs(9, dtype=np.float32)

    Z, _, _ = _call_conv_forward(conv_forward, A_prev, W, b, 1, 1)

    _dtype(Z, "Z")


@_check("conv_forward", "leaves its inputs alone")
def _conv_forward_read_only(conv_forward):
    """Does not write into A_prev, W or b."""
    originals = _conv_inputs(10)
    arrays = _read_only(*originals)

    conv_forward(*arrays, {"stride": 2, "pad": 1})

    _unchanged(arrays, originals, ["A_prev", "W", "b"])


# pool_forward ----------------------------------------------------------


def _call_pool_forward(pool_forward, A_prev, f, stride, mode):
    hparameters = {"f": f, "stride": stride}
    expected, _ = fast.pool_forward(A_prev, hparameters, mode)
    result = pool_forward(A_prev.copy(), hparameters, mode)
    A, cache = _unpack(result, ("A", "cache"), "pool_forward")
    A = _array(A, "A")
    _shape(A, expected.shape, "A", _output_size_hint)
    return A, cache, expected


def _pool_forward_matches(pool_forward, f, stride, mode):
    A_prev = _rng(11).standard_normal((2, 7, 6, 3))
    A, _, expected = _call_pool_forward(pool_forward, A_prev, f, stride, mode)
    try:
        _values(A, expected, f"A ({mode} pooling)")
    except _CheckFailedError as failure:
        return str(failure)
    return None


def _sixteen():
    return np.arange(16.0).reshape(1, 4, 4, 1)


@_check("pool_forward", "returns (A, cache)", essential=True)
def _pool_forward_contract(pool_forward):
    """Returns the pair (A, cache), A of shape (m, n_H, n_W, n_C)."""
    A_prev = _rng(12).standard_normal((2, 7, 6, 3))

    _call_pool_forward(pool_forward, A_prev, f=3, stride=2, mode="max")


@_check("pool_forward", "the cache")
def _pool_forward_cache(pool_forward):
    """The cache is (A_prev, hparameters), as pool_backward reads."""
    A_prev, hparameters = _sixteen(), {"f": 2, "stride": 2}

    _, cache = _unpack(
        pool_forward(A_prev, hparameters, "max"),
        ("A", "cache"),
        "pool_forward",
    )

    if (
        not isinstance(cache, (tuple, list))
        or len(cache) != 2
        or not isinstance(cache[0], np.ndarray)
        or not np.array_equal(cache[0], A_prev)
        or not isinstance(cache[1], dict)
        or cache[1] != hparameters
    ):
        raise _CheckFailedError(
            f"the cache should be the tuple (A_prev, hparameters), which "
            f"pool_backward unpacks; it is {_describe(cache)}."
        )


@_check("pool_forward", "hand-computed, max and average")
def _pool_forward_small(pool_forward):
    """2 by 2 windows, stride 2, over the 4 by 4 image 0..15."""
    cases = {"max": [[5, 7], [13, 15]], "average": [[2.5, 4.5], [10.5, 12.5]]}
    for mode, expected in cases.items():
        A, _, _ = _call_pool_forward(pool_forward, _sixteen(), 2, 2, mode)
        _values(A[0, :, :, 0], expected, f"A ({mode} pooling)", show=True)


@_check("pool_forward", "overlapping windows")
def _pool_forward_overlap(pool_forward):
    """3 by 3 windows with stride 1 over the same image."""
    A, _, _ = _call_pool_forward(pool_forward, _sixteen(), 3, 1, "max")

    _values(A[0, :, :, 0], [[10, 11], [14, 15]], "A (max pooling)", show=True)


@_check("pool_forward", "each channel on its own")
def _pool_forward_channels(pool_forward):
    """Pools every channel separately: a channel of -X pools to -min."""
    A_prev = np.concatenate([_sixteen(), -_sixteen()], axis=3)

    A, _, _ = _call_pool_forward(pool_forward, A_prev, 2, 2, "max")

    try:
        _values(A[0, :, :, 1], [[0, -2], [-8, -10]], "channel 1 of A", True)
    except _CheckFailedError as failure:
        raise _CheckFailedError(
            f"{failure}\nPool each channel on its own: take the window "
            f"A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]."
        ) from None


@_check("pool_forward", "stride 2, odd sizes")
def _pool_forward_stride(pool_forward):
    """Random 2 by 7 by 6 by 3 input, f = 3, stride 2, both modes."""
    for mode in ("max", "average"):
        problem = _pool_forward_matches(pool_forward, 3, 2, mode)
        if problem is None:
            continue
        if _pool_forward_matches(pool_forward, 3, 1, mode) is None:
            return (
                f"A is wrong when stride = 2 and right when stride = 1. "
                f"Does each window start at h * stride? {problem}"
            )
        return problem
    return None


@_check("pool_forward", "keeps float32")
def _pool_forward_float32(pool_forward):
    """A float32 input gives a float32 A."""
    A_prev = _sixteen().astype(np.float32)

    A, _, _ = _call_pool_forward(pool_forward, A_prev, 2, 1, "average")

    _dtype(A, "A")


@_check("pool_forward", "leaves its input alone")
def _pool_forward_read_only(pool_forward):
    """Does not write into A_prev."""
    original = _rng(13).standard_normal((1, 4, 4, 2))
    (A_prev,) = _read_only(original)

    pool_forward(A_prev, {"f": 2, "stride": 1}, "max")

    _unchanged([A_prev], [original], ["A_prev"])


# conv_backward ---------------------------------------------------------


def _call_conv_backward(conv_backward, dZ, cache):
    """The learner's three gradients, shapes checked, on copies."""
    A_prev, W, b, hparameters = cache
    copies = (A_prev.copy(), W.copy(), b.copy(), dict(hparameters))
    result = conv_backward(dZ.copy(), copies)
    gradients = _unpack(result, ("dA_prev", "dW", "db"), "conv_backward")
    names = ("dA_prev", "dW", "db")
    for gradient, variable, name in zip(
        gradients, cache[:3], names, strict=True
    ):
        _shape(_array(gradient, name), variable.shape, name, _unpad_hint)
    return gradients


def _unpad_hint(got, expected):
    if 0 in got:
        return f"An axis is empty. {_UNPAD_HINT}"
    if len(got) == 4 and got[1] > expected[1] and got[2] > expected[2]:
        return "It still has the padding: cut it off at the end."
    return None


def _conv_gradient_errors(conv_backward, stride, pad, seed=20):
    """Relative errors of the learner's gradients against numerical ones.

    The loss is sum(G * Z) with random G; its numerical derivatives use
    the package's vectorized conv_forward, so they are quick.
    """
    A_prev, W, b = _conv_inputs(seed, shape=(2, 5, 6, 2), f=3, n_C=3)
    hparameters = {"stride": stride, "pad": pad}
    Z, cache = fast.conv_forward(A_prev, W, b, hparameters)
    G = _rng(seed + 1).standard_normal(Z.shape)

    def loss(A_prev=A_prev, W=W, b=b):
        return np.sum(G * fast.conv_forward(A_prev, W, b, hparameters)[0])

    numeric = {
        "dA_prev": numerical_gradient(lambda x: loss(A_prev=x), A_prev),
        "dW": numerical_gradient(lambda x: loss(W=x), W),
        "db": numerical_gradient(lambda x: loss(b=x), b),
    }
    gradients = _call_conv_backward(conv_backward, G, cache)
    return {
        name: relative_error(np.asarray(gradient, dtype=float), numeric[name])
        for name, gradient in zip(numeric, gradients, strict=True)
    }


_STRIDE_HINT = (
    "Does your window start at h * stride (vert_start = h * stride), in "
    "the backward pass as in the forward pass?"
)
_UNPAD_HINT = (
    "Does your code cut the padding off with X[pad:-pad]? For pad = 0 "
    "that slice is empty; use X[pad:pad + n_H_prev]."
)


def _conv_gradient_verdict(conv_backward, stride, pad):
    """None if the gradients are right for (stride, pad), else why not.

    A wrong result is compared with the same case at stride 1, and
    at pad 1: right there and wrong here points at the mistake.
    """

    def wrong_for(stride, pad):
        return _wrong(_conv_gradient_errors(conv_backward, stride, pad))

    wrong = wrong_for(stride, pad)
    if not wrong:
        return None
    verb = "is" if len(wrong) == 1 else "are"
    message = (
        f"{_and(wrong)} {verb} wrong when stride = {stride}, pad = {pad} "
        f"(relative error {_errors_text(wrong)}; a correct backward pass "
        f"stays below {GRADIENT_TOLERANCE:.0e})"
    )
    if stride > 1 and not wrong_for(1, pad):
        return f"{message}, and right when stride = 1. {_STRIDE_HINT}"
    if pad == 0 and not wrong_for(stride, 1):
        return f"{message}, and right when pad = 1. {_UNPAD_HINT}"
    return message + "."


@_check("conv_backward", "returns (dA_prev, dW, db)", essential=True)
def _conv_backward_contract(conv_backward):
    """Returns three arrays shaped like A_prev, W and b."""
    A_prev, W, b = _conv_inputs(21)
    Z, cache = fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})

    _call_conv_backward(conv_backward, np.ones_like(Z), cache)


@_check("conv_backward", "hand-computed, stride 1, pad 0")
def _conv_backward_small(conv_backward):
    """dZ of ones through a 2 by 2 filter of ones over the image 0..8."""
    A_prev = np.arange(9.0).reshape(1, 3, 3, 1)
    W, b = np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1))
    _, cache = fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 0})

    dA_prev, dW, db = _call_conv_backward(
        conv_backward, np.ones((1, 2, 2, 1)), cache
    )

    # Each input counts once per window covering it; each weight sees
    # the 2 by 2 block it slides over; db sums dZ.
    _values(dA_prev[0, :, :, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]], "dA_prev")
    _values(dW[:, :, 0, 0], [[8, 12], [20, 24]], "dW", show=True)
    _values(db, 4.0 * np.ones_like(db), "db")


@_check("conv_backward", "numerical gradients, stride 1, pad 1")
def _conv_backward_gradients(conv_backward):
    """dA_prev, dW, db agree with central differences."""
    return _conv_gradient_verdict(conv_backward, stride=1, pad=1)


@_check("conv_backward", "numerical gradients, stride 2")
def _conv_backward_stride(conv_backward):
    """The same with stride 2, pad 1."""
    return _conv_gradient_verdict(conv_backward, stride=2, pad=1)


@_check("conv_backward", "numerical gradients, pad 0")
def _conv_backward_no_padding(conv_backward):
    """The same with stride 1 and no padding at all."""
    try:
        return _conv_gradient_verdict(conv_backward, stride=1, pad=0)
    except _CheckFailedError as failure:
        raise _CheckFailedError(f"fails when pad = 0: {failure}") from None
    except ValueError as error:
        if not _empty_broadcast(str(error)):
            raise
        raise _CheckFailedError(
            f"fails when pad = 0 (ValueError: {error}). {_UNPAD_HINT}"
        ) from None


@_check("conv_backward", "odd sizes, stride 3, pad 2")
def _conv_backward_odd(conv_backward):
    """The same with stride 3 and pad 2: windows skip some inputs."""
    return _conv_gradient_verdict(conv_backward, stride=3, pad=2)


@_check("conv_backward", "keeps float32")
def _conv_backward_float32(conv_backward):
    """float32 inputs give float32 gradients."""
    A_prev, W, b = _conv_inputs(22, dtype=np.float32)
    Z, cache = fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})

    gradients = _call_conv_backward(conv_backward, np.ones_like(Z), cache)

    for gradient, name in zip(gradients, ("dA_prev", "dW", "db"), strict=True):
        _dtype(gradient, name)


@_check("conv_backward", "leaves its inputs alone")
def _conv_backward_read_only(conv_backward):
    """Does not write into dZ or the cache's arrays."""
    originals = _conv_inputs(23)
    hparameters = {"stride": 2, "pad": 1}
    Z, _ = fast.conv_forward(*originals, hparameters)
    dZ, A_prev, W, b = _read_only(np.ones_like(Z), *originals)

    conv_backward(dZ, (A_prev, W, b, hparameters))

    _unchanged(
        [dZ, A_prev, W, b],
        [np.ones_like(Z), *originals],
        ["dZ", "A_prev", "W", "b"],
    )


# create_mask_from_window -----------------------------------------------


def _mask(create_mask_from_window, x):
    mask = _array(create_mask_from_window(x.copy()), "the mask")
    _shape(mask, x.shape, "the mask")
    if not np.isin(mask, [0, 1]).all():
        raise _CheckFailedError(
            "the mask should hold only True and False (or 1, 0)."
        )
    return mask.astype(bool)


@_check("create_mask_from_window", "returns a mask", essential=True)
def _mask_contract(create_mask_from_window):
    """Returns an array of booleans shaped like the window."""
    _mask(create_mask_from_window, _rng(30).standard_normal((3, 2)))


@_check("create_mask_from_window", "the maximum")
def _mask_maximum(create_mask_from_window):
    """Marks the single maximum, also when every value is negative."""
    for x in ([[1.0, 4.0], [2.0, -1.0]], [[-3.0, -1.0], [-2.0, -5.0]]):
        x = np.array(x)
        mask = _mask(create_mask_from_window, x)
        _values(mask, [[False, True], [False, False]], "the mask", show=True)


@_check("create_mask_from_window", "ties")
def _mask_ties(create_mask_from_window):
    """Of tied maxima, marks only the first (in row-major order)."""
    x = np.array([[0.0, 5.0, 1.0], [5.0, 2.0, 5.0], [0.0, 0.0, 0.0]])

    mask = _mask(create_mask_from_window, x)

    if mask.sum() > 1:
        raise _CheckFailedError(
            f"the mask marks {mask.sum()} tied maxima; it should mark only "
            f"the first. x == np.max(x) marks every maximum, and each then "
            f"receives the whole gradient. Mark the one at np.argmax(x)."
        )
    _values(mask[0, 1], True, "the mask at (0, 1), the first maximum")


@_check("create_mask_from_window", "leaves its input alone")
def _mask_read_only(create_mask_from_window):
    """Does not write into x."""
    original = _rng(31).standard_normal((2, 2))
    (x,) = _read_only(original)

    create_mask_from_window(x)

    _unchanged([x], [original], ["x"])


# distribute_value ------------------------------------------------------


def _distributed(distribute_value, dz, shape):
    a = _array(distribute_value(dz, shape), "the result")
    _shape(a, shape, "the result")
    return a


@_check("distribute_value", "returns an array of the shape", essential=True)
def _distribute_contract(distribute_value):
    """Returns an array of the given shape."""
    _distributed(distribute_value, 2.0, (2, 3))


@_check("distribute_value", "hand-computed")
def _distribute_small(distribute_value):
    """dz = 6 over a 2 by 3 window gives 1 everywhere."""
    a = _distributed(distribute_value, 6.0, (2, 3))

    if np.allclose(a, 6.0):
        raise _CheckFailedError(
            "every entry is dz itself: divide it by n_H * n_W, the "
            "number of entries that shared in the average."
        )
    if np.allclose(a, 1.5) or np.allclose(a, 6.0 / 9):
        raise _CheckFailedError(
            "the entries are not dz / 6: divide by n_H * n_W, not by "
            "n_H * n_H or n_W * n_W."
        )
    _values(a, np.ones((2, 3)), "the result", show=True)


@_check("distribute_value", "a NumPy number")
def _distribute_numpy_scalar(distribute_value):
    """Accepts dz as a NumPy number, as pool_backward passes it."""
    a = _distributed(distribute_value, np.float64(2.0), (2, 2))

    _values(a, np.full((2, 2), 0.5), "the result", show=True)


@_check("distribute_value", "keeps float32")
def _distribute_float32(distribute_value):
    """A float32 dz gives a float32 array."""
    a = _distributed(distribute_value, np.float32(1.0), (2, 2))

    if a.dtype != np.float32:
        raise _CheckFailedError(
            f"the result is {a.dtype} for a float32 dz. np.ones(shape) is "
            f"float64; np.full(shape, dz / (n_H * n_W)) keeps dz's dtype."
        )


# pool_backward ---------------------------------------------------------


def _call_pool_backward(pool_backward, dA, A_prev, f, stride, mode):
    """The learner's dA_prev for a forward pass cached by the package."""
    cache = (A_prev.copy(), {"f": f, "stride": stride})
    result = pool_backward(dA.copy(), cache, mode)
    if isinstance(result, tuple):
        raise _CheckFailedError(
            f"pool_backward must return the array dA_prev alone; it "
            f"returned {_describe(result)}."
        )
    dA_prev = _array(result, "dA_prev")
    _shape(dA_prev, A_prev.shape, "dA_prev")
    return dA_prev


def _overwrite_hint(what):
    return (
        f"{what}\nWhere windows overlap (stride < f), an input gets "
        f"gradient from several windows: add it with +=, never assign "
        f"it with =."
    )


def _pool_gradient_errors(pool_backward, mode):
    """Relative error of dA_prev against central differences, by config.

    Random inputs have no ties, so the numerical derivative of max
    pooling is well defined there.
    """
    errors = {}
    A_prev = _rng(40).standard_normal((1, 7, 6, 2))
    for f, stride in [(2, 2), (3, 1), (3, 2), (2, 3)]:
        hparameters = {"f": f, "stride": stride}
        G, numeric = _pool_numeric_gradient(A_prev, hparameters, mode)
        dA_prev = _call_pool_backward(
            pool_backward, G, A_prev, f, stride, mode
        )
        errors[(f, stride)] = relative_error(
            np.asarray(dA_prev, dtype=float), numeric
        )
    return errors


def _pool_numeric_gradient(A_prev, hparameters, mode):
    """Random output weights G, and d sum(G * A) / d A_prev numerically."""
    A, _ = fast.pool_forward(A_prev, hparameters, mode)
    G = _rng(41).standard_normal(A.shape)

    def loss(x):
        return np.sum(G * fast.pool_forward(x, hparameters, mode)[0])

    return G, numerical_gradient(loss, A_prev)


def _pool_gradient_check(pool_backward, mode):
    errors = _pool_gradient_errors(pool_backward, mode)
    wrong = {k: e for k, e in errors.items() if not e < GRADIENT_TOLERANCE}
    if not wrong:
        return None
    where = _and(
        f"f = {f}, stride = {s} ({e:.1e})" for (f, s), e in wrong.items()
    )
    message = (
        f"dA_prev ({mode} pooling) is wrong for {where} (relative error in "
        f"brackets)"
    )
    right = set(errors) - set(wrong)
    if (
        right
        and all(s < f for f, s in wrong)
        and all(s >= f for f, s in right)
    ):
        return _overwrite_hint(
            message + ", where windows overlap, and right where they do not."
        )
    if (
        right
        and all(s > 1 for _, s in wrong)
        and all(s == 1 for _, s in right)
    ):
        return (
            f"{message}, when stride > 1, and right when stride = 1. Does "
            f"your window start at h * stride?"
        )
    return message + "."


@_check("pool_backward", "returns dA_prev", essential=True)
def _pool_backward_contract(pool_backward):
    """Returns one array shaped like A_prev, in both modes."""
    A_prev = _rng(42).standard_normal((2, 7, 6, 3))
    for mode in ("max", "average"):
        A, _ = fast.pool_forward(A_prev, {"f": 3, "stride": 2}, mode)
        _call_pool_backward(pool_backward, np.ones_like(A), A_prev, 3, 2, mode)


@_check("pool_backward", "max: hand-computed")
def _pool_backward_small(pool_backward):
    """Each gradient goes to its window's maximum (image 0..15, 2 by 2)."""
    dA = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)

    dA_prev = _call_pool_backward(pool_backward, dA, _sixteen(), 2, 2, "max")

    expected = np.zeros((4, 4))
    expected[1::2, 1::2] = [[1, 2], [3, 4]]
    _values(dA_prev[0, :, :, 0], expected, "dA_prev", show=True)


@_check("pool_backward", "max: tied maxima")
def _pool_backward_ties(pool_backward):
    """A window with two equal maxima passes its gradient to one."""
    A_prev = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    dA = np.ones((1, 1, 1, 1))

    dA_prev = _call_pool_backward(pool_backward, dA, A_prev, 2, 2, "max")

    if np.isclose(dA_prev.sum(), 2.0):
        raise _CheckFailedError(
            "two tied maxima both received the gradient, so the window "
            "passed back twice what it got. Your mask marks every maximum "
            "(x == np.max(x)); keep only the first (np.argmax)."
        )
    _values(dA_prev[0, :, :, 0], [[0, 1], [0, 0]], "dA_prev", show=True)


@_check("pool_backward", "overlapping windows")
def _pool_backward_overlap(pool_backward):
    """2 by 2 windows, stride 1: a peak in all four collects all four."""
    A_prev = np.zeros((1, 3, 3, 1))
    A_prev[0, 1, 1, 0] = 9.0
    dA = np.ones((1, 2, 2, 1))
    expected = {
        "max": [[0, 0, 0], [0, 4, 0], [0, 0, 0]],
        "average": [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]],
    }
    for mode, values in expected.items():
        dA_prev = _call_pool_backward(pool_backward, dA, A_prev, 2, 1, mode)
        try:
            _values(dA_prev[0, :, :, 0], values, f"dA_prev ({mode})", True)
        except _CheckFailedError as failure:
            if dA_prev[0, 1, 1, 0] < values[1][1]:
                raise _CheckFailedError(
                    _overwrite_hint(str(failure))
                ) from None
            raise


@_check("pool_backward", "numerical gradients, max")
def _pool_backward_max_gradients(pool_backward):
    """Agrees with central differences for four (f, stride) pairs."""
    return _pool_gradient_check(pool_backward, "max")


@_check("pool_backward", "numerical gradients, average")
def _pool_backward_average_gradients(pool_backward):
    """The same for average pooling."""
    return _pool_gradient_check(pool_backward, "average")


@_check("pool_backward", "keeps float32")
def _pool_backward_float32(pool_backward):
    """float32 inputs give a float32 dA_prev."""
    A_prev = _sixteen().astype(np.float32)
    dA = np.ones((1, 3, 3, 1), dtype=np.float32)

    for mode in ("max", "average"):
        dA_prev = _call_pool_backward(pool_backward, dA, A_prev, 2, 1, mode)
        _dtype(dA_prev, f"dA_prev ({mode})")


@_check("pool_backward", "leaves its inputs alone")
def _pool_backward_read_only(pool_backward):
    """Does not write into dA or A_prev."""
    originals = [np.ones((1, 3, 3, 2)), _rng(43).standard_normal((1, 4, 4, 2))]
    for mode in ("max", "average"):
        dA, A_prev = _read_only(*originals)
        pool_backward(dA, (A_prev, {"f": 2, "stride": 1}), mode)
        _unchanged([dA, A_prev], originals, ["dA", "A_prev"])


# Explaining exceptions -------------------------------------------------

_FLOAT_OF_ARRAY = (
    "only 0-dimensional arrays",
    "only length-1 arrays",
    "only size-1 arrays",
    "ndim > 0 to a scalar",
)


def _empty_broadcast(text):
    """Whether a broadcasting error involves an empty slice."""
    shapes = re.findall(r"shape \(([^)]*)\)", text)
    return "broadcast" in text and any(
        "0" in [dim.strip() for dim in shape.split(",")] for shape in shapes
    )


def _exception_hint(error):
    """A hint for the exceptions that the classic mistakes raise."""
    text = str(error)
    if any(marker in text for marker in _FLOAT_OF_ARRAY):
        return (
            "float() of an array: b has shape (1, 1, 1), and NumPy refuses "
            "(or, before 2.4, warns) to turn an array with dimensions into "
            "a number. Use b.item(), which reads its one number."
        )
    if "cannot be interpreted as an integer" in text:
        return (
            "A size or an index is a float: compute sizes with // (integer "
            "division) or int(...), not /."
        )
    if "read-only" in text:
        return (
            "The function writes into an array it was given (the checker "
            "passes read-only inputs to catch this). Work on a copy, or "
            "build new arrays with np.zeros."
        )
    if _empty_broadcast(text):
        return (
            "An empty slice: X[pad:-pad] is empty when pad = 0. Use "
            "X[pad:pad + n_H_prev] to cut off the padding."
        )
    if "broadcast" in text:
        return (
            "Two arrays of different shapes met: print the shape of the "
            "window you slice and of what you assign to it."
        )
    return _HINTS_BY_TYPE.get(type(error))


_HINTS_BY_TYPE = {
    NameError: (
        "The file uses a name it never defines or imports: is `import "
        "numpy as np` at the top, and is every helper it calls defined in "
        "the same file (or imported from convstep)?"
    ),
    UnboundLocalError: "A variable is used before anything is assigned to it.",
    RecursionError: "The function calls itself without end.",
    IndexError: (
        "An index runs past the end of an array: check the ranges of "
        "your loops and where each window ends (vert_end = vert_start + f)."
    ),
    KeyError: (
        "hparameters holds 'stride' and 'pad' for a convolution, 'f' and "
        "'stride' for pooling."
    ),
    SystemExit: "The function called exit(): return a value instead.",
}


def _where(error, files):
    """'line N of FILE: CODE' for the last frame of `error` in `files`."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename in files
    ]
    if isinstance(error, SyntaxError) and error.filename in files:
        code = (error.text or "").strip()
        return f"line {error.lineno} of {Path(error.filename).name}: {code}"
    if not frames:
        return None
    frame = frames[-1]
    code = (frame.line or "").strip()
    return f"line {frame.lineno} of {Path(frame.filename).name}: {code}"


def explain_exception(error, files=()):
    """Describe an exception in the learner's code in plain words.

    Parameters
    ----------
    error : BaseException
        What the learner's code raised (or warned, under an "error"
        warnings filter).
    files : collection of str
        Source files whose lines are worth quoting: the learner's.

    Returns
    -------
    message : str
        The exception's type and text, the learner's line it came
        from, and a hint when it is a known mistake.

    Examples
    --------
    >>> explain_exception(TypeError("only 0-dimensional arrays can be "
    ...                             "converted to Python scalars"))[:48]
    'raised TypeError: only 0-dimensional arrays can '
    """
    verb = "warned" if isinstance(error, Warning) else "raised"
    text = str(error)
    if len(text) > 300:
        text = text[:300] + " ..."
    message = f"{verb} {type(error).__name__}: {text}"
    where = _where(error, set(files))
    if where:
        message += f"\n(at {where})"
    hint = _exception_hint(error)
    if hint:
        message += f"\n{hint}"
    return message


# Running the checks in this process ------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: passed, failed with a message, skipped."""

    name: str
    message: str | None = None
    skipped: bool = False

    @property
    def passed(self):
        return self.message is None and not self.skipped


def run_check(check, function):
    """Run one check on `function`, in this process.

    Exceptions from the learner's code become messages; warnings are
    errors here, so that a deprecated call (``float`` of an array on
    NumPy < 2.4) is caught on every NumPy.
    """
    files = {getattr(getattr(function, "__code__", None), "co_filename", "")}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            message = check.run(function)
    except _CheckFailedError as failure:
        message = str(failure)
    except (Exception, SystemExit) as error:
        message = explain_exception(error, files)
    return CheckResult(check.name, message)


def run_checks(name, function):
    """Run every check of the function called `name`, in this process.

    Nothing here guards against endless loops: `check_file` runs this
    in a child process with a timeout.

    Parameters
    ----------
    name : str
        One of `FUNCTION_NAMES`.
    function : callable
        An implementation of it.

    Returns
    -------
    results : list of CheckResult
        One per check, in the order of ``CHECKS[name]``.

    Examples
    --------
    >>> results = run_checks("zero_pad", convstep.zero_pad)
    >>> all(result.passed for result in results)
    True
    """
    return list(_run_checks(name, function))


def _run_checks(name, function):
    blocked = None
    for check in CHECKS[name]:
        if blocked is not None:
            yield CheckResult(
                check.name, f"not run until '{blocked}' passes", True
            )
            continue
        result = run_check(check, function)
        if check.essential and not result.passed:
            blocked = check.name
        yield result


# Running the learner's code in child processes -------------------------

# Each child is a fresh interpreter started with subprocess: nothing is
# shared with this process, it works on every platform, and unlike
# multiprocessing's "spawn" it never re-imports this process's main
# script (which breaks from a notebook cell, stdin or an unguarded
# script). It speaks JSON, one message a line, on a copy of its stdout
# made before the learner's code could print anything.
_CHILD_CODE = (
    "import sys; from convstep.check import _child; _child(*sys.argv[1:])"
)
_MODULE_NAME = "convstep_learner_solution"
_FINAL_MESSAGES = ("done", "found", "load_error")


def _load(path):
    """Import the learner's file as a module; errors propagate."""
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module
    # The file may import a helper module that sits beside it.
    sys.path.insert(0, str(Path(path).parent))
    spec.loader.exec_module(module)
    return module


def _private_channel():
    """A text stream to the parent, on a copy of stdout.

    Then stdin, stdout and stderr go to the null device: the learner's
    debugging prints would otherwise be mixed into the messages, and
    an input() fails at once instead of waiting for the timeout.
    """
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return channel


def _child(path, name=None):
    """A child process: load the file, then report `name`'s checks.

    With no `name` it only reports which functions the file defines.
    Every message is a JSON list whose first item says what it is.
    """
    channel = _private_channel()

    def send(*message):
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    try:
        module = _load(path)
    except BaseException as error:  # the learner's code may raise anything
        send("load_error", _load_error(error, path))
        return

    if name is None:
        defined = [n for n in FUNCTION_NAMES if hasattr(module, n)]
        kinds = {n: type(getattr(module, n)).__name__ for n in defined}
        callables = [n for n in defined if callable(getattr(module, n))]
        send("found", callables, kinds)
        return

    function = getattr(module, name)
    send("loaded")
    for result in _run_checks(name, function):
        send("result", result.name, result.message, result.skipped)
    send("done")


def _load_error(error, path):
    if isinstance(error, SyntaxError):
        where = _where(error, {str(path)}) or f"line {error.lineno}"
        return f"the file has a syntax error ({error.msg}) at {where}"
    return "loading the file " + explain_exception(error, {str(path)})


@dataclass
class _ChildOutcome:
    messages: list = field(default_factory=list)
    timed_out: bool = False
    exit_code: int | None = None
    stderr: str = ""


def _child_environment():
    """This environment, with convstep importable in the child for sure."""
    environment = dict(os.environ)
    package_root = str(Path(convstep.__file__).resolve().parents[1])
    paths = [package_root, environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return environment


def _read_lines(stream, lines):
    """Move the child's lines into a queue; None marks the end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _run_child(path, name, timeout):
    """Run `_child` in a new interpreter; kill it when it overruns."""
    command = [sys.executable, "-c", _CHILD_CODE, str(path)]
    if name is not None:
        command.append(name)
    outcome = _ChildOutcome()
    lines = queue.Queue()
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=_child_environment(),
            text=True,
            encoding="utf-8",
        )
        # A thread reads, so that the wait for a line can have a
        # deadline on every platform (select() cannot wait on pipes
        # on Windows).
        reader = threading.Thread(
            target=_read_lines, args=(process.stdout, lines), daemon=True
        )
        reader.start()
        try:
            _collect(outcome, lines, deadline)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            reader.join()
            process.stdout.close()
        outcome.exit_code = process.returncode
        stderr.seek(0)
        outcome.stderr = stderr.read().decode("utf-8", "replace")
    return outcome


def _collect(outcome, lines, deadline):
    """Gather the child's messages until its last one, its end or the
    deadline, whichever comes first."""
    while True:
        left = deadline - time.monotonic()
        try:
            line = lines.get(timeout=left) if left > 0 else None
        except queue.Empty:
            line = None
        if line is None:
            # No line in time, or the child closed its end: it stopped.
            outcome.timed_out = time.monotonic() >= deadline
            return
        try:
            message = json.loads(line)
        except ValueError:
            continue
        outcome.messages.append(message)
        if message[0] in _FINAL_MESSAGES:
            return


# Reports ---------------------------------------------------------------


@dataclass
class FunctionReport:
    """What the checks found about one function of the learner's file.

    `status` is PASS, FAIL or NOT_FOUND; `problem` says why the checks
    could not all run (a timeout, a crash, not a function).
    """

    name: str
    status: str
    results: list = field(default_factory=list)
    problem: str | None = None

    @property
    def failures(self):
        return [r for r in self.results if not r.passed and not r.skipped]


@dataclass
class FileReport:
    """The outcome of `check_file`."""

    path: Path
    functions: list = field(default_factory=list)
    load_error: str | None = None

    @property
    def found(self):
        return [f for f in self.functions if f.status != NOT_FOUND]

    @property
    def exit_code(self):
        """0 if every function found passes, else 1."""
        if self.load_error or not self.found:
            return 1
        return 0 if all(f.status == PASS for f in self.found) else 1


def check_file(path, timeout=DEFAULT_TIMEOUT):
    """Check every book function that the Python file at `path` defines.

    Parameters
    ----------
    path : str or Path
        A learner's Python file.
    timeout : float, default 20
        Seconds allowed for loading the file, and then for each
        function's checks, each in a process of its own.

    Returns
    -------
    report : FileReport
        Per function: PASS, FAIL with the failed checks' messages, or
        NOT_FOUND; `format_report` turns it into text.
    """
    path = Path(path)
    report = FileReport(path=path)

    outcome = _run_child(path, None, timeout)
    first = outcome.messages[0] if outcome.messages else None
    if first is None:
        report.load_error = _child_problem(
            outcome, timeout, None, loading=True
        )
        return report
    if first[0] == "load_error":
        report.load_error = first[1]
        return report

    _, callables, kinds = first
    for name in FUNCTION_NAMES:
        if name in callables:
            report.functions.append(_check_function(path, name, timeout))
        elif name in kinds:
            problem = (
                f"is defined, but is not a function: it is of type "
                f"{kinds[name]}"
            )
            report.functions.append(FunctionReport(name, FAIL, [], problem))
        else:
            report.functions.append(FunctionReport(name, NOT_FOUND))
    return report


def _check_function(path, name, timeout):
    outcome = _run_child(path, name, timeout)
    results = []
    for message in outcome.messages:
        if message[0] == "load_error":
            return FunctionReport(name, FAIL, [], message[1])
        if message[0] == "result":
            results.append(CheckResult(*message[1:]))
    done = outcome.messages and outcome.messages[-1][0] == "done"
    if done:
        status = PASS if all(r.passed for r in results) else FAIL
        return FunctionReport(name, status, results)

    loaded = any(message[0] == "loaded" for message in outcome.messages)
    running = _running_check(name, results) if loaded else None
    problem = _child_problem(outcome, timeout, running, loading=not loaded)
    return FunctionReport(name, FAIL, results, problem)


def _running_check(name, results):
    """The check that was running when the child stopped answering.

    The child reports each check when it ends, so it is the first one
    without a result.
    """
    if len(results) < len(CHECKS[name]):
        return CHECKS[name][len(results)].name
    return None


def _child_problem(outcome, timeout, running, loading=False):
    during = f" during the check '{running}'" if running else ""
    if loading:
        during = " while loading the file"
    if outcome.timed_out and loading:
        return (
            f"timed out after {timeout:g} s{during}. Code at the top level "
            f"of the file runs when it is loaded: put your own tests under "
            f'`if __name__ == "__main__":`.'
        )
    if outcome.timed_out:
        return (
            f"timed out after {timeout:g} s{during}: is there a loop that "
            f"never ends, such as a while loop whose condition never "
            f"changes?"
        )
    message = (
        f"the process running it stopped without an answer (exit code "
        f"{outcome.exit_code}){during}: does the code call os._exit(), or "
        f"crash Python?"
    )
    last_words = outcome.stderr.strip().splitlines()
    if last_words:
        message += f" It said: {last_words[-1]}"
    return message


# A space on either side of an operator: "stride = 2", "h * stride".
_OPERATOR = re.compile(r"(?<=\S) (=|\*|\+|-|//|/) (?=\S)")
# Code quoted in backticks.
_CODE = re.compile(r"`[^`]*`")
_KEEP = "\x00"


def _wrap(text, indent):
    """Wrap each line of `text`; lines that start with a space are kept.

    A line never breaks beside an operator, so that "stride = 2" and
    "h * stride" stay whole, nor inside code quoted in backticks.
    """
    lines = []
    for line in text.splitlines():
        if line.startswith(" "):
            lines.append(indent + line)
            continue
        glued = _OPERATOR.sub(rf"{_KEEP}\1{_KEEP}", line)
        glued = _CODE.sub(lambda code: code[0].replace(" ", _KEEP), glued)
        wrapped = textwrap.wrap(
            glued,
            width=79,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        lines.extend(part.replace(_KEEP, " ") for part in wrapped)
    return lines


def format_report(report):
    """The report as text for a terminal, at most 79 columns wide."""
    lines = [
        f"Self-check of {report.path.name}, convstep {convstep.__version__}",
        "",
    ]
    if report.load_error:
        lines += _wrap(f"Could not check the file: {report.load_error}", "")
        return "\n".join(lines) + "\n"

    for function in report.functions:
        lines += _function_lines(function)
    lines.append("")
    if not report.found:
        names = ", ".join(FUNCTION_NAMES)
        lines += _wrap(
            f"No functions found: the file defines none of {names}. "
            f"Check the spelling, and that they are defined at the top "
            f"level of the file (not inside another function).",
            "",
        )
    else:
        counts = {PASS: 0, FAIL: 0, NOT_FOUND: 0}
        for function in report.functions:
            counts[function.status] += 1
        lines.append(
            f"{counts[PASS]} passed, {counts[FAIL]} failed, "
            f"{counts[NOT_FOUND]} not found."
        )
    return "\n".join(lines) + "\n"


def _function_lines(function):
    title = f"{function.name} ".ljust(32, ".")
    if function.status == NOT_FOUND:
        return [f"{title} not found (skipped)"]
    if function.status == PASS:
        return [f"{title} PASS ({len(function.results)} checks)"]

    total = len(CHECKS[function.name])
    failed = len(function.failures)
    lines = [f"{title} FAIL ({failed} of {total} checks failed)"]
    if function.problem:
        lines = [f"{title} FAIL"]
    for result in function.failures:
        lines.append(f"  [x] {result.name}")
        lines += _wrap(result.message, "      ")
    if function.problem:
        lines += _wrap(function.problem, "  ")
    skipped = [r for r in function.results if r.skipped]
    if skipped:
        lines += _wrap(
            f"({len(skipped)} more checks not run until "
            f"'{function.failures[0].name}' passes.)",
            "  ",
        )
    return lines


# Command line ----------------------------------------------------------


def _positive_seconds(text):
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text}")
    return seconds


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m convstep.check",
        description=(
            "Check your own implementation of the book's functions ("
            + ", ".join(FUNCTION_NAMES)
            + ") against the behaviour the book's tests demand."
        ),
        epilog=(
            "Exit status: 0 if every function found passes, 1 if one "
            "fails or nothing could be checked, 2 for a usage error."
        ),
    )
    parser.add_argument("path", help="your Python file, e.g. my_solution.py")
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        help=(
            "seconds allowed for loading the file and for each "
            f"function's checks (default {DEFAULT_TIMEOUT:g})"
        ),
    )
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    path = Path(arguments.path)
    if not path.is_file():
        parser.print_usage(sys.stderr)
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    if path.suffix == ".ipynb":
        parser.print_usage(sys.stderr)
        print(
            "error: that is a notebook; save its code as a .py file "
            "first: jupyter nbconvert --to script " + str(path),
            file=sys.stderr,
        )
        return 2

    print(f"Checking {path} ...", flush=True)
    report = check_file(path, timeout=arguments.timeout)
    print(format_report(report), end="")
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
