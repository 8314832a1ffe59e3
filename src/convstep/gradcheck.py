"""Numerical gradient checking with central differences.

A backward pass is trusted when it agrees with derivatives computed a
completely different way: by nudging each input up and down and
watching the loss. The checks here use the scalar loss
``L = sum(G * output)`` with a fixed random `G`, so that
``dL/d output = G`` and every output entry carries a different weight
(with ``G = 1`` a gradient routed to the wrong entry of a window could
go unnoticed).
"""

import numpy as np

from convstep._validation import as_float_array
from convstep.conv import conv_backward, conv_forward
from convstep.pool import pool_backward, pool_forward

DEFAULT_STEP = 1e-6


def numerical_gradient(f, x, h=DEFAULT_STEP):
    r"""Estimate the gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like `x` and returns a real number.
    x : ndarray
        The point at which to differentiate. It is not modified: `f`
        is evaluated on a float64 copy.
    h : float, default 1e-6
        The step. Too large and the estimate suffers from curvature
        (error of order h**2); too small and from rounding (order
        eps / h).

    Returns
    -------
    grad : ndarray of float64, shaped like `x`
        ``grad[j] = (f(x + h e_j) - f(x - h e_j)) / (2 h)``.

    Raises
    ------
    ValueError
        If `h` is not a positive finite number.
    TypeError
        If `f` is not callable or `x` is not real.

    Notes
    -----
    For each entry :math:`j` of `x`, with :math:`e_j` the array that is
    1 at :math:`j` and 0 elsewhere,

    .. math::

        \frac{\partial f}{\partial x_j} \approx
            \frac{f(x + h e_j) - f(x - h e_j)}{2 h} .

    The error of the difference itself is of order :math:`h^2`, and
    rounding adds one of order :math:`\varepsilon / h`. It calls `f`
    twice per entry of `x`: keep `x` small.

    Examples
    --------
    >>> numerical_gradient(lambda x: np.sum(x**2), np.array([1.0, -2.0]))
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"`f` must be callable, got {type(f).__name__}")
    if not (isinstance(h, (int, float)) and np.isfinite(h) and h > 0):
        raise ValueError(f"`h` must be a positive finite number, got {h!r}")
    point = as_float_array(x, "x").astype(np.float64, copy=True)

    grad = np.zeros_like(point)
    flat_point = point.reshape(-1)
    flat_grad = grad.reshape(-1)
    for j in range(flat_point.size):
        original = flat_point[j]
        flat_point[j] = original + h
        f_plus = f(point)
        flat_point[j] = original - h
        f_minus = f(point)
        flat_point[j] = original
        flat_grad[j] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """Size of the difference between two gradients, relative to them.

    Parameters
    ----------
    analytic, numeric : ndarray
        Two estimates of the same gradient, of one shape.

    Returns
    -------
    error : float
        ``||analytic - numeric|| / (||analytic|| + ||numeric||)``, in
        the Euclidean norm; 0.0 when both are exactly zero.

    Raises
    ------
    ValueError
        If the shapes differ.

    Notes
    -----
    Dividing by the sizes makes the measure independent of the scale of
    the loss, and the sum in the denominator keeps it bounded by 1.
    In float64 with central differences, a correct backward pass of a
    piecewise-linear layer typically reaches 1e-9 or less; 1e-7 is the
    bound the tests hold every layer to. An error near 1 means the two
    gradients have nothing in common.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([1.0]), np.array([3.0])), 3)
    0.5
    """
    analytic = as_float_array(analytic, "analytic")
    numeric = as_float_array(numeric, "numeric")
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"`analytic` has shape {analytic.shape} but `numeric` has "
            f"shape {numeric.shape}"
        )

    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)


def conv_gradient_errors(A_prev, W, b, hparameters, seed=0, h=DEFAULT_STEP):
    r"""Check `conv_backward` against central differences.

    Parameters
    ----------
    A_prev, W, b, hparameters
        Arguments of `conv_forward`; float64 is recommended, since
        central differences in float32 are too coarse to judge by.
    seed : int, default 0
        Seeds the random output weights `G` of the loss.
    h : float, default 1e-6
        The finite-difference step.

    Returns
    -------
    errors : dict
        ``{"dA_prev": e, "dW": e, "db": e}``, each the
        `relative_error` between `conv_backward` and the estimate.

    Raises
    ------
    ValueError, TypeError
        Whatever `conv_forward` raises for its arguments.

    Notes
    -----
    The loss is :math:`L = \sum G \odot Z` with a random :math:`G` of
    the shape of :math:`Z`, so that :math:`dZ = G` is handed to
    `conv_backward`, and every entry of :math:`Z` weighs differently in
    the loss. Each gradient is then compared with `numerical_gradient`
    of :math:`L` in the same variable.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> errors = conv_gradient_errors(
    ...     rng.standard_normal((1, 4, 4, 2)),
    ...     rng.standard_normal((3, 3, 2, 2)),
    ...     rng.standard_normal((1, 1, 1, 2)),
    ...     {"stride": 2, "pad": 1})
    >>> all(e < 1e-7 for e in errors.values())
    True
    """
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    G = np.random.default_rng(seed).standard_normal(Z.shape)
    dA_prev, dW, db = conv_backward(G, cache)
    A_prev, W, b, _ = cache

    def loss_of_A_prev(x):
        return np.sum(G * conv_forward(x, W, b, hparameters)[0])

    def loss_of_W(x):
        return np.sum(G * conv_forward(A_prev, x, b, hparameters)[0])

    def loss_of_b(x):
        return np.sum(G * conv_forward(A_prev, W, x, hparameters)[0])

    return {
        "dA_prev": relative_error(
            dA_prev, numerical_gradient(loss_of_A_prev, A_prev, h)
        ),
        "dW": relative_error(dW, numerical_gradient(loss_of_W, W, h)),
        "db": relative_error(db, numerical_gradient(loss_of_b, b, h)),
    }


def pool_gradient_errors(
    A_prev, hparameters, mode="max", seed=0, h=DEFAULT_STEP
):
    r"""Check `pool_backward` against central differences.

    Parameters
    ----------
    A_prev, hparameters, mode
        Arguments of `pool_forward`. For max pooling, no window should
        hold two values closer than `h`: the nudge would change which
        one wins, and the estimate would be meaningless there.
    seed : int, default 0
        Seeds the random output weights `G` of the loss.
    h : float, default 1e-6
        The finite-difference step.

    Returns
    -------
    errors : dict
        ``{"dA_prev": e}``, the `relative_error` between
        `pool_backward` and the estimate.

    Raises
    ------
    ValueError, TypeError
        Whatever `pool_forward` raises for its arguments.

    Notes
    -----
    As in `conv_gradient_errors`, the loss is
    :math:`L = \sum G \odot A` with a random :math:`G`, and
    :math:`dA = G` goes to `pool_backward`. Max pooling is not
    differentiable where a window's two largest values tie, which is
    why inputs with near-ties make the check fail without a bug.

    Examples
    --------
    >>> A_prev = np.random.default_rng(2).standard_normal((2, 5, 5, 3))
    >>> errors = pool_gradient_errors(A_prev, {"f": 3, "stride": 1})
    >>> errors["dA_prev"] < 1e-7
    True
    """
    A, cache = pool_forward(A_prev, hparameters, mode)
    G = np.random.default_rng(seed).standard_normal(A.shape)
    dA_prev = pool_backward(G, cache, mode)

    def loss(x):
        return np.sum(G * pool_forward(x, hparameters, mode)[0])

    numeric = numerical_gradient(loss, cache[0], h)
    return {"dA_prev": relative_error(dA_prev, numeric)}
