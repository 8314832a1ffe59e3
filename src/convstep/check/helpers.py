"""Helpers shared by the checks: calling, unpacking and judging.

Each helper either returns what it was asked for or raises
`_CheckFailedError` with a message for the learner.
"""

import textwrap

import numpy as np

from convstep.check.registry import _CheckFailedError

# What a correct float64 backward pass reaches against central
# differences, with room to spare (the book's tests use the same bound).
GRADIENT_TOLERANCE = 1e-7


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
