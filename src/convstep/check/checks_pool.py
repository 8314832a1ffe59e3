"""The checks of `pool_forward`, `create_mask_from_window`,
`distribute_value` and `pool_backward`.

The expected values come from the package's vectorized functions
(`convstep.fast`) and, for the backward pass, from numerical gradients.
"""

import numpy as np

from convstep import fast
from convstep.check.helpers import (
    GRADIENT_TOLERANCE,
    _and,
    _array,
    _describe,
    _dtype,
    _output_size_hint,
    _read_only,
    _rng,
    _shape,
    _unchanged,
    _unpack,
    _values,
)
from convstep.check.registry import _check, _CheckFailedError
from convstep.gradcheck import numerical_gradient, relative_error

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
