"""The checks of `conv_single_step`, `conv_forward` and `conv_backward`.

The expected values come from the package's vectorized functions
(`convstep.fast`) and, for the backward pass, from numerical gradients.
"""

import numpy as np

from convstep import fast
from convstep.check.explain import _empty_broadcast
from convstep.check.helpers import (
    GRADIENT_TOLERANCE,
    _and,
    _array,
    _describe,
    _dtype,
    _errors_text,
    _output_size_hint,
    _read_only,
    _rng,
    _shape,
    _unchanged,
    _unpack,
    _values,
    _wrong,
)
from convstep.check.registry import _check, _CheckFailedError
from convstep.gradcheck import numerical_gradient, relative_error

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
