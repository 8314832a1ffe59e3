"""Argument checks shared by the loop reference and the fast twin.

Every public function checks its arguments here, before any work, so
that a mistake is reported in the caller's words ("`stride` must be a
positive integer, got 0") rather than as an index error deep inside a
loop. Keeping the checks in one place also guarantees that
`convstep.fast` rejects exactly what the reference rejects.
"""

import numbers

import numpy as np

POOL_MODES = ("max", "average")


def as_float_array(x, name, ndim=None):
    """Return `x` as a floating-point array, without copying if possible.

    Floating arrays keep their dtype (float32 stays float32); booleans
    and integers are promoted to float64, since the arithmetic of a
    network is never integer arithmetic.
    """
    if isinstance(x, np.ndarray):
        array = x
    elif isinstance(x, (numbers.Number, np.generic, list, tuple)):
        array = np.asarray(x)
    else:
        raise TypeError(
            f"`{name}` must be a NumPy array, got {type(x).__name__}"
        )

    kind = array.dtype.kind
    if kind in "biu":
        array = array.astype(np.float64)
    elif kind != "f":
        raise TypeError(
            f"`{name}` must hold real numbers, got dtype {array.dtype}"
        )

    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"`{name}` must have {ndim} dimensions, got {array.ndim} "
            f"(shape {array.shape})"
        )
    if array.size == 0:
        raise ValueError(
            f"`{name}` must not be empty, got shape {array.shape}"
        )
    return array


def check_positive_int(value, name):
    """Return `value` as an int, or raise if it is not a positive int."""
    if not _is_integer(value) or value < 1:
        raise _integer_error(value, name, "a positive integer")
    return int(value)


def check_nonnegative_int(value, name):
    """Return `value` as an int, or raise if it is not an int >= 0."""
    if not _is_integer(value) or value < 0:
        raise _integer_error(value, name, "a non-negative integer")
    return int(value)


def _is_integer(value):
    # bool is an int subclass, but `stride=True` is surely a mistake.
    return isinstance(value, numbers.Integral) and not isinstance(
        value, (bool, np.bool_)
    )


def _integer_error(value, name, wanted):
    error = ValueError if isinstance(value, numbers.Real) else TypeError
    return error(f"`{name}` must be {wanted}, got {value!r}")


def read_hparameters(hparameters, keys, function):
    """Return the values of `keys` from the `hparameters` dictionary.

    Unknown keys are rejected too: a misspelt or misplaced key (say
    `pad` given to pooling) would otherwise be silently ignored.
    """
    if not isinstance(hparameters, dict):
        raise TypeError(
            f"`hparameters` must be a dict, got {type(hparameters).__name__}"
        )

    missing = [key for key in keys if key not in hparameters]
    if missing:
        raise ValueError(
            f"`hparameters` is missing {_quoted(missing)}; {function} "
            f"needs {_quoted(keys)}"
        )
    unknown = [key for key in hparameters if key not in keys]
    if unknown:
        raise ValueError(
            f"`hparameters` has unknown {_quoted(unknown)}; {function} "
            f"takes only {_quoted(keys)}"
        )
    return tuple(hparameters[key] for key in keys)


def _quoted(keys):
    return ", ".join(repr(key) for key in keys)


def check_mode(mode):
    """Raise unless `mode` names a pooling mode."""
    if not isinstance(mode, str) or mode not in POOL_MODES:
        raise ValueError(f"`mode` must be 'max' or 'average', got {mode!r}")


def check_window_fits(n_prev, f, pad, axis):
    """Raise if an `f`-wide window does not fit the padded input."""
    room = n_prev + 2 * pad
    if f > room:
        if pad == 0:
            where = f"the input {axis} {n_prev}"
        else:
            where = f"the padded input {axis} {n_prev} + 2*{pad} = {room}"
        raise ValueError(f"window of size f={f} is larger than {where}")


def check_same_shape(array, expected, name, what):
    """Raise unless `array` has the `expected` shape."""
    if array.shape != tuple(expected):
        raise ValueError(
            f"`{name}` must have shape {tuple(expected)} to match "
            f"{what}, got {array.shape}"
        )


def check_conv_arguments(A_prev, W, b, hparameters):
    """Check the arguments of `conv_forward` and return them normalised.

    Returns
    -------
    A_prev, W, b : ndarray
        The inputs as floating arrays of one common dtype.
    stride, pad : int
    """
    stride, pad = read_hparameters(
        hparameters, ("stride", "pad"), "conv_forward"
    )
    stride = check_positive_int(stride, "stride")
    pad = check_nonnegative_int(pad, "pad")

    A_prev = as_float_array(A_prev, "A_prev", ndim=4)
    W = as_float_array(W, "W", ndim=4)
    b = as_float_array(b, "b", ndim=4)

    f, f_width, n_C_prev_of_W, n_C = W.shape
    if f != f_width:
        raise ValueError(
            f"`W` must hold square filters (f, f, n_C_prev, n_C), got "
            f"shape {W.shape}"
        )
    if A_prev.shape[3] != n_C_prev_of_W:
        raise ValueError(
            f"`A_prev` has {A_prev.shape[3]} channels but `W` expects "
            f"n_C_prev={n_C_prev_of_W} (A_prev {A_prev.shape}, W {W.shape})"
        )
    check_same_shape(b, (1, 1, 1, n_C), "b", f"W's n_C={n_C}")

    _, n_H_prev, n_W_prev, _ = A_prev.shape
    check_window_fits(n_H_prev, f, pad, "height")
    check_window_fits(n_W_prev, f, pad, "width")

    dtype = np.result_type(A_prev, W, b)
    return (
        A_prev.astype(dtype, copy=False),
        W.astype(dtype, copy=False),
        b.astype(dtype, copy=False),
        stride,
        pad,
    )


def check_pool_arguments(A_prev, hparameters, mode):
    """Check the arguments of `pool_forward` and return them normalised.

    Returns
    -------
    A_prev : ndarray
    f, stride : int
    """
    check_mode(mode)
    f, stride = read_hparameters(hparameters, ("f", "stride"), "pooling")
    f = check_positive_int(f, "f")
    stride = check_positive_int(stride, "stride")

    A_prev = as_float_array(A_prev, "A_prev", ndim=4)
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    check_window_fits(n_H_prev, f, 0, "height")
    check_window_fits(n_W_prev, f, 0, "width")
    return A_prev, f, stride


def _unpack_cache(cache, length, layout):
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(
            f"`cache` must be the tuple {layout} returned by the forward "
            f"pass, got {_describe(cache)}"
        )
    return cache


def _describe(value):
    if isinstance(value, tuple):
        return f"a tuple of length {len(value)}"
    return f"a {type(value).__name__}"


def check_conv_backward_arguments(dZ, cache):
    """Check the arguments of `conv_backward` and return them normalised.

    Returns
    -------
    dZ, A_prev, W, b : ndarray
    stride, pad : int
    """
    A_prev, W, b, hparameters = _unpack_cache(
        cache, 4, "(A_prev, W, b, hparameters)"
    )
    A_prev, W, b, stride, pad = check_conv_arguments(A_prev, W, b, hparameters)

    dZ = as_float_array(dZ, "dZ", ndim=4)
    expected = conv_output_shape(A_prev.shape, W.shape, stride, pad)
    check_same_shape(dZ, expected, "dZ", "the forward output Z")
    return dZ, A_prev, W, b, stride, pad


def check_pool_backward_arguments(dA, cache, mode):
    """Check the arguments of `pool_backward` and return them normalised.

    Returns
    -------
    dA, A_prev : ndarray
    f, stride : int
    """
    A_prev, hparameters = _unpack_cache(cache, 2, "(A_prev, hparameters)")
    A_prev, f, stride = check_pool_arguments(A_prev, hparameters, mode)

    dA = as_float_array(dA, "dA", ndim=4)
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    expected = (
        m,
        output_size_unchecked(n_H_prev, f, stride, 0),
        output_size_unchecked(n_W_prev, f, stride, 0),
        n_C,
    )
    check_same_shape(dA, expected, "dA", "the forward output A")
    return dA, A_prev, f, stride


def output_size_unchecked(n_prev, f, stride, pad):
    """The output-size formula, for arguments already checked."""
    return (n_prev + 2 * pad - f) // stride + 1


def conv_output_shape(A_prev_shape, W_shape, stride, pad):
    """Shape of Z for checked arguments: (m, n_H, n_W, n_C)."""
    m, n_H_prev, n_W_prev, _ = A_prev_shape
    f, _, _, n_C = W_shape
    return (
        m,
        output_size_unchecked(n_H_prev, f, stride, pad),
        output_size_unchecked(n_W_prev, f, stride, pad),
        n_C,
    )


def check_dense_arguments(A_prev, W, b):
    """Check the arguments of `dense_forward` and return them normalised.

    Returns
    -------
    A_prev, W, b : ndarray
        The inputs as floating arrays of one common dtype; `A_prev`
        keeps its shape (flattening is the layer's first step).
    """
    A_prev = as_float_array(A_prev, "A_prev")
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=2)

    if A_prev.ndim < 2:
        raise ValueError(
            f"`A_prev` must have at least 2 dimensions (m, ...), got "
            f"{A_prev.ndim} (shape {A_prev.shape})"
        )
    n_prev = int(np.prod(A_prev.shape[1:]))
    if n_prev != W.shape[0]:
        raise ValueError(
            f"`A_prev` has {n_prev} features per example but `W` expects "
            f"n_prev={W.shape[0]} (A_prev {A_prev.shape}, W {W.shape})"
        )
    check_same_shape(b, (1, W.shape[1]), "b", f"W's n_out={W.shape[1]}")

    dtype = np.result_type(A_prev, W, b)
    return (
        A_prev.astype(dtype, copy=False),
        W.astype(dtype, copy=False),
        b.astype(dtype, copy=False),
    )


def check_dense_backward_arguments(dZ, cache):
    """Check the arguments of `dense_backward` and return them normalised.

    Returns
    -------
    dZ, A_prev, W, b : ndarray
    """
    A_prev, W, b = _unpack_cache(cache, 3, "(A_prev, W, b)")
    A_prev, W, b = check_dense_arguments(A_prev, W, b)

    dZ = as_float_array(dZ, "dZ", ndim=2)
    expected = (A_prev.shape[0], W.shape[1])
    check_same_shape(dZ, expected, "dZ", "the forward output Z")
    return dZ, A_prev, W, b


def check_labels(y, m, n_classes):
    """Return `y` as an int array of shape (m,) with values in range.

    Class labels are counted, not measured: floats are rejected rather
    than rounded, so that a mix-up of labels and scores is caught.
    """
    if not isinstance(y, (np.ndarray, list, tuple)):
        raise TypeError(f"`y` must be a NumPy array, got {type(y).__name__}")
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(
            f"`y` must hold integer class labels, got dtype {y.dtype}"
        )
    check_same_shape(y, (m,), "y", "one label per row of `logits`")

    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"`y` must hold labels in 0..{n_classes - 1} (one per column "
            f"of `logits`), got {bad}"
        )
    return y
