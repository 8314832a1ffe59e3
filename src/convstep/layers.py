"""The pieces around the convolution: ReLU, dense, softmax cross-entropy.

With these and the convolution and pooling layers, a whole network can
be written down: conv -> ReLU -> max pool -> dense -> softmax. Each
layer follows the same contract as `conv_forward` and `conv_backward`:
the forward pass returns ``(output, cache)``, the backward pass takes
``(d_output, cache)`` and returns the gradients. The loss is the end of
the chain, so it returns the loss and its gradient in one call.
"""

import numpy as np

from convstep._validation import (
    as_float_array,
    check_dense_arguments,
    check_dense_backward_arguments,
    check_labels,
    check_same_shape,
)


def relu_forward(Z):
    r"""Apply the rectified linear unit, entry by entry.

    Parameters
    ----------
    Z : ndarray of any shape, e.g. (m, n_H, n_W, n_C)
        Pre-activations, such as the output of `conv_forward`.

    Returns
    -------
    A : ndarray, shaped like `Z`
        ``max(Z, 0)``, in the dtype of `Z` (integers become float64).
    cache : ndarray
        `Z` itself, what `relu_backward` needs.

    Raises
    ------
    ValueError
        If `Z` is empty.
    TypeError
        If `Z` does not hold real numbers.

    Notes
    -----
    .. math::

        A = \max(Z, 0)

    Examples
    --------
    >>> A, cache = relu_forward(np.arange(-2.0, 3.0))
    >>> A
    array([0., 0., 0., 1., 2.])
    """
    Z = as_float_array(Z, "Z")

    A = np.maximum(Z, 0)

    cache = Z
    return A, cache


def relu_backward(dA, cache):
    r"""Backpropagate through `relu_forward`.

    Parameters
    ----------
    dA : ndarray, shaped like the forward input
        Gradient of the loss with respect to the output `A`.
    cache : ndarray
        `Z`, as returned by `relu_forward`.

    Returns
    -------
    dZ : ndarray, shaped like `dA`
        Gradient with respect to `Z`.

    Raises
    ------
    ValueError
        If `dA` and the cached `Z` differ in shape.
    TypeError
        If an array does not hold real numbers.

    Notes
    -----
    The gradient passes where the unit was active and stops where it
    was not:

    .. math::

        dZ = dA \odot [Z > 0]

    ReLU has no derivative at :math:`Z = 0`; like PyTorch, this takes
    it to be 0 there.

    Examples
    --------
    >>> A, cache = relu_forward(np.arange(-2.0, 3.0))
    >>> relu_backward(np.ones(5), cache)
    array([0., 0., 0., 1., 1.])
    """
    Z = as_float_array(cache, "cache")
    dA = as_float_array(dA, "dA")
    check_same_shape(dA, Z.shape, "dA", "the forward input Z")

    dtype = np.result_type(dA, Z)
    dZ = np.where(Z > 0, dA, 0).astype(dtype, copy=False)
    return dZ


def dense_forward(A_prev, W, b):
    r"""Flatten each example, then apply a fully connected layer.

    Parameters
    ----------
    A_prev : ndarray of shape (m, n_H, n_W, n_C) or (m, n_prev)
        The previous layer's activations. Any shape ``(m, ...)`` works:
        each example is flattened to ``n_prev`` features first.
    W : ndarray of shape (n_prev, n_out)
        The weights, one column per output unit.
    b : ndarray of shape (1, n_out)
        One bias per output unit.

    Returns
    -------
    Z : ndarray of shape (m, n_out)
        The layer's output, in the common dtype of the inputs (float32
        stays float32; integers become float64).
    cache : tuple
        ``(A_prev, W, b)``, what `dense_backward` needs; `A_prev` keeps
        its original shape.

    Raises
    ------
    ValueError
        If `A_prev` has fewer than two dimensions, its number of
        features per example is not ``W.shape[0]``, or `b` is not of
        shape ``(1, n_out)``.
    TypeError
        If an array does not hold real numbers.

    Notes
    -----
    Flattening ``(n_H, n_W, n_C)`` in row-major (C) order lists the
    channels of one position together. With :math:`X` the flattened
    input, of shape ``(m, n_prev)``,

    .. math::

        Z = X W + b.

    Examples
    --------
    >>> A_prev = np.arange(8.0).reshape(2, 2, 2, 1)
    >>> W = np.ones((4, 1))
    >>> Z, cache = dense_forward(A_prev, W, np.array([[0.5]]))
    >>> Z
    array([[ 6.5],
           [22.5]])
    """
    A_prev, W, b = check_dense_arguments(A_prev, W, b)

    m = A_prev.shape[0]
    X = A_prev.reshape(m, -1)

    Z = X @ W + b

    cache = (A_prev, W, b)
    return Z, cache


def dense_backward(dZ, cache):
    r"""Backpropagate through `dense_forward`.

    Parameters
    ----------
    dZ : ndarray of shape (m, n_out)
        Gradient of the loss with respect to the output `Z`.
    cache : tuple
        ``(A_prev, W, b)`` as returned by `dense_forward`.

    Returns
    -------
    dA_prev : ndarray shaped like the forward `A_prev`
        Gradient with respect to `A_prev`, unflattened again, so it can
        go straight into `pool_backward`.
    dW : ndarray of shape (n_prev, n_out)
        Gradient with respect to `W`.
    db : ndarray of shape (1, n_out)
        Gradient with respect to `b`.

    Raises
    ------
    ValueError
        If `dZ` does not have the shape of the forward output, or the
        cache holds arrays that `dense_forward` would reject.
    TypeError
        If `cache` is not a 3-tuple, or an array is not real.

    Notes
    -----
    With :math:`X` the flattened input,

    .. math::

        dX = dZ \, W^\top, \qquad
        dW = X^\top dZ, \qquad
        db = \sum_{i} dZ[i, :].

    Examples
    --------
    >>> A_prev = np.arange(8.0).reshape(2, 2, 2, 1)
    >>> Z, cache = dense_forward(A_prev, np.ones((4, 1)), np.zeros((1, 1)))
    >>> dA_prev, dW, db = dense_backward(np.ones((2, 1)), cache)
    >>> dA_prev.shape
    (2, 2, 2, 1)
    >>> dW.ravel()
    array([ 4.,  6.,  8., 10.])
    >>> db
    array([[2.]])
    """
    dZ, A_prev, W, _ = check_dense_backward_arguments(dZ, cache)

    m = A_prev.shape[0]
    X = A_prev.reshape(m, -1)
    dtype = np.result_type(dZ, A_prev)

    dX = dZ @ W.T
    dW = X.T @ dZ
    db = np.sum(dZ, axis=0, keepdims=True)

    dA_prev = dX.reshape(A_prev.shape).astype(dtype, copy=False)
    return dA_prev, dW.astype(dtype, copy=False), db.astype(dtype, copy=False)


def softmax(logits):
    r"""Turn each row of scores into probabilities that sum to 1.

    Parameters
    ----------
    logits : ndarray of shape (m, n_classes)
        Unnormalised scores, one row per example.

    Returns
    -------
    probabilities : ndarray of shape (m, n_classes)
        In the dtype of `logits` (integers become float64).

    Raises
    ------
    ValueError
        If `logits` is not a non-empty 2-dimensional array.
    TypeError
        If `logits` does not hold real numbers.

    Notes
    -----
    .. math::

        p[i, k] = \frac{e^{z[i, k] - \max_j z[i, j]}}
                       {\sum_j e^{z[i, j] - \max_j z[i, j]}}

    Subtracting the row's maximum changes nothing mathematically but
    keeps every exponent at most 0, so nothing overflows.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 1000.0 + np.log(3.0)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    logits = as_float_array(logits, "logits", ndim=2)

    return np.exp(_log_softmax(logits))


def softmax_cross_entropy(logits, y):
    r"""Mean cross-entropy of a softmax, and its gradient.

    Parameters
    ----------
    logits : ndarray of shape (m, n_classes)
        Unnormalised scores, such as the output of `dense_forward`.
    y : ndarray of int, shape (m,)
        The true class of each example, in ``0 .. n_classes - 1``.

    Returns
    -------
    loss : float
        The mean over the batch of :math:`-\log p[i, y_i]`.
    dlogits : ndarray of shape (m, n_classes)
        Gradient of `loss` with respect to `logits`, in the dtype of
        `logits` (integers become float64).

    Raises
    ------
    ValueError
        If `logits` is not a non-empty 2-dimensional array, `y` does
        not have shape ``(m,)``, or a label is out of range.
    TypeError
        If `logits` is not real, or `y` does not hold integers.

    Notes
    -----
    The log-probabilities are computed with the log-sum-exp trick,
    never as ``log(softmax(z))``, which gives ``log(0) = -inf`` as soon
    as one score is far below the largest:

    .. math::

        \log p[i, k] = z[i, k] - \max_j z[i, j]
            - \log \sum_j e^{z[i, j] - \max_j z[i, j]},

        L = -\frac{1}{m} \sum_{i} \log p[i, y_i],
        \qquad
        \frac{\partial L}{\partial z[i, k]}
            = \frac{1}{m} \left(p[i, k] - [k = y_i]\right).

    Examples
    --------
    >>> logits = np.array([[0.0, 0.0], [0.0, np.log(3.0)]])
    >>> loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1]))
    >>> round(loss, 4)  # -(log 0.5 + log 0.75) / 2
    0.4904
    >>> dlogits
    array([[-0.25 ,  0.25 ],
           [ 0.125, -0.125]])
    """
    logits = as_float_array(logits, "logits", ndim=2)
    m, n_classes = logits.shape
    y = check_labels(y, m, n_classes)

    log_p = _log_softmax(logits)
    rows = np.arange(m)
    loss = -float(np.mean(log_p[rows, y]))

    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1
    dlogits /= m
    return loss, dlogits


def _log_softmax(logits):
    # Shifting by the row maximum keeps exp() from overflowing.
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
