"""A small CNN built only from the book's functions, and its training.

The network reads an 8x8 grey-scale digit and scores the ten classes:

    conv 3x3, pad 1, 16 filters -> ReLU -> max pool 2x2 -> dense 10
    -> softmax cross-entropy

Every layer is a `convstep` function; this module only wires them
together, initialises the parameters, and runs minibatch gradient
descent with momentum. The data are the handwritten digits that ship
inside scikit-learn (1,797 images, no download), split into a training
and a held-out test set, stratified by class. One seed fixes
everything: the split, the initial parameters and the order of the
minibatches, so a run can be repeated number for number.

The convolution and pooling come from `convstep.fast` by default;
``fast=False`` runs the same network on the readable loop versions of
`convstep.conv` and `convstep.pool`, which give the same numbers up to
rounding but take minutes instead of seconds.
"""

import math
import numbers
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

from convstep import conv, fast, pool
from convstep._validation import (
    as_float_array,
    check_labels,
    check_positive_int,
)
from convstep.layers import (
    dense_backward,
    dense_forward,
    relu_backward,
    relu_forward,
    softmax_cross_entropy,
)

CONV_HPARAMETERS = {"stride": 1, "pad": 1}
POOL_HPARAMETERS = {"f": 2, "stride": 2}
N_CLASSES = 10

FAST_KERNELS = SimpleNamespace(
    conv_forward=fast.conv_forward,
    conv_backward=fast.conv_backward,
    pool_forward=fast.pool_forward,
    pool_backward=fast.pool_backward,
)
LOOP_KERNELS = SimpleNamespace(
    conv_forward=conv.conv_forward,
    conv_backward=conv.conv_backward,
    pool_forward=pool.pool_forward,
    pool_backward=pool.pool_backward,
)


# Data ------------------------------------------------------------------


class DigitsSplit(NamedTuple):
    """Training and test images and labels.

    `X_train` and `X_test` have shape (m, 8, 8, 1) with values in
    [0, 1]; `y_train` and `y_test` hold the digits 0..9 as integers.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(test_fraction=0.25, seed=0, dtype=np.float32):
    """Load scikit-learn's digits and split them, stratified by class.

    Parameters
    ----------
    test_fraction : float, default 0.25
        The share of each class held out for testing, in (0, 1).
    seed : int, default 0
        Seeds the split; the same seed gives the same split.
    dtype : dtype, default float32
        The dtype of the images.

    Returns
    -------
    split : DigitsSplit
        Images of shape (m, 8, 8, 1), scaled from 0..16 to [0, 1], and
        integer labels of shape (m,). 1,797 images in all.

    Raises
    ------
    ImportError
        If scikit-learn is not installed (``pip install convstep[cnn]``).
    ValueError
        If `test_fraction` is not strictly between 0 and 1.

    Examples
    --------
    >>> split = load_digits_split(seed=0)
    >>> split.X_train.shape, split.X_test.shape
    ((1347, 8, 8, 1), (450, 8, 8, 1))
    >>> float(split.X_train.max())
    1.0
    """
    _check_fraction(test_fraction, "test_fraction")
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - depends on the env
        raise ImportError(
            "the digits data come with scikit-learn: "
            "pip install 'convstep[cnn]'"
        ) from error

    digits = load_digits()
    # Pixels are counts of 0..16 in a 4x4 block of the original scan.
    X = (digits.images / 16.0).astype(dtype)[..., np.newaxis]
    y = digits.target.astype(np.int64)

    rng = np.random.default_rng(seed)
    train, test = stratified_split(y, test_fraction, rng)
    return DigitsSplit(X[train], y[train], X[test], y[test])


def stratified_split(y, test_fraction, rng):
    """Indices of a random split that keeps each class's share.

    Parameters
    ----------
    y : ndarray of int, shape (m,)
        The labels.
    test_fraction : float
        The share of each class that goes to the test set, rounded to
        the nearest whole example per class.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    train, test : ndarray of int
        Disjoint indices into `y` that together cover it, each in a
        random order.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    >>> train, test = stratified_split(y, 0.5, np.random.default_rng(0))
    >>> np.sort(y[test])
    array([0, 0, 1, 1])
    """
    _check_fraction(test_fraction, "test_fraction")

    train, test = [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = round(test_fraction * members.size)
        test.append(members[:n_test])
        train.append(members[n_test:])

    # Shuffle across classes too, so any prefix is a fair sample.
    return (
        rng.permutation(np.concatenate(train)),
        rng.permutation(np.concatenate(test)),
    )


# The network -----------------------------------------------------------


def init_parameters(
    input_shape=(8, 8, 1),
    n_filters=16,
    f=3,
    n_classes=N_CLASSES,
    seed=0,
    dtype=np.float32,
):
    r"""Random initial weights and zero biases for the network.

    Parameters
    ----------
    input_shape : tuple of 3 ints, default (8, 8, 1)
        ``(n_H_prev, n_W_prev, n_C_prev)`` of one input image. Height
        and width must be even, for the 2x2 pooling.
    n_filters : int, default 16
        Number of convolution filters.
    f : int, default 3
        Filter size; odd, so that padding ``(f - 1) / 2`` keeps the
        image size.
    n_classes : int, default 10
        Number of output classes.
    seed : int or numpy.random.SeedSequence, default 0
        Seeds the weights.
    dtype : dtype, default float32

    Returns
    -------
    parameters : dict of ndarray
        ``W1`` of shape (f, f, n_C_prev, n_filters), ``b1`` of shape
        (1, 1, 1, n_filters), ``W2`` of shape
        (n_H_prev/2 * n_W_prev/2 * n_filters, n_classes) and ``b2`` of
        shape (1, n_classes).

    Notes
    -----
    He initialisation: each weight is drawn from
    :math:`\mathcal{N}(0, 2 / n_{in})`, where :math:`n_{in}` is the
    number of inputs of one unit (:math:`f^2 n_C^{prev}` for the
    convolution). The variance of the activations then stays roughly
    constant from layer to layer behind a ReLU.

    Examples
    --------
    >>> parameters = init_parameters(seed=0)
    >>> for name, p in parameters.items():
    ...     print(name, p.shape)
    W1 (3, 3, 1, 16)
    b1 (1, 1, 1, 16)
    W2 (256, 10)
    b2 (1, 10)
    """
    n_H_prev, n_W_prev, n_C_prev = _check_input_shape(input_shape)
    n_filters = check_positive_int(n_filters, "n_filters")
    f = check_positive_int(f, "f")
    if f % 2 == 0:
        raise ValueError(f"`f` must be odd, got {f}")
    n_classes = check_positive_int(n_classes, "n_classes")

    n_dense = (n_H_prev // 2) * (n_W_prev // 2) * n_filters
    rng = np.random.default_rng(seed)

    def he_normal(shape, n_in):
        return (rng.standard_normal(shape) * math.sqrt(2 / n_in)).astype(dtype)

    return {
        "W1": he_normal((f, f, n_C_prev, n_filters), f * f * n_C_prev),
        "b1": np.zeros((1, 1, 1, n_filters), dtype=dtype),
        "W2": he_normal((n_dense, n_classes), n_dense),
        "b2": np.zeros((1, n_classes), dtype=dtype),
    }


def forward(X, parameters, fast=True):
    """Run the network on a batch of images.

    Parameters
    ----------
    X : ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
        The images.
    parameters : dict of ndarray
        As returned by `init_parameters`.
    fast : bool, default True
        Use `convstep.fast` for the convolution and the pooling; False
        uses the loop reference.

    Returns
    -------
    logits : ndarray of shape (m, n_classes)
        One unnormalised score per class.
    caches : tuple
        The caches of the four layers, what `backward` needs.

    Examples
    --------
    >>> X = np.zeros((2, 8, 8, 1), dtype=np.float32)
    >>> logits, caches = forward(X, init_parameters(seed=0))
    >>> logits.shape, logits.dtype
    ((2, 10), dtype('float32'))
    """
    kernels = _kernels(fast)
    W1, b1 = parameters["W1"], parameters["b1"]
    pad = (W1.shape[0] - 1) // 2

    Z1, conv_cache = kernels.conv_forward(
        X, W1, b1, {**CONV_HPARAMETERS, "pad": pad}
    )
    A1, relu_cache = relu_forward(Z1)
    P1, pool_cache = kernels.pool_forward(A1, POOL_HPARAMETERS, "max")
    logits, dense_cache = dense_forward(P1, parameters["W2"], parameters["b2"])

    caches = (conv_cache, relu_cache, pool_cache, dense_cache)
    return logits, caches


def backward(dlogits, caches, fast=True):
    """Backpropagate a gradient of the logits through the network.

    Parameters
    ----------
    dlogits : ndarray of shape (m, n_classes)
        Gradient of the loss with respect to the logits.
    caches : tuple
        As returned by `forward`.
    fast : bool, default True
        As in `forward`; either choice accepts the other's caches.

    Returns
    -------
    grads : dict of ndarray
        The gradients of the loss, with the keys and shapes of the
        parameters.
    """
    kernels = _kernels(fast)
    conv_cache, relu_cache, pool_cache, dense_cache = caches

    dP1, dW2, db2 = dense_backward(dlogits, dense_cache)
    dA1 = kernels.pool_backward(dP1, pool_cache, "max")
    dZ1 = relu_backward(dA1, relu_cache)
    _, dW1, db1 = kernels.conv_backward(dZ1, conv_cache)

    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def loss_and_gradients(X, y, parameters, fast=True):
    """The mean cross-entropy on a batch, and its gradients.

    Parameters
    ----------
    X : ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
    y : ndarray of int, shape (m,)
    parameters : dict of ndarray
    fast : bool, default True

    Returns
    -------
    loss : float
    grads : dict of ndarray
        Keyed like `parameters`.
    """
    logits, caches = forward(X, parameters, fast)
    loss, dlogits = softmax_cross_entropy(logits, y)
    grads = backward(dlogits, caches, fast)
    return loss, grads


def evaluate(X, y, parameters, fast=True):
    """Mean loss and accuracy of the network on a labelled set.

    Parameters
    ----------
    X : ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
    y : ndarray of int, shape (m,)
    parameters : dict of ndarray
    fast : bool, default True

    Returns
    -------
    loss : float
        Mean cross-entropy.
    accuracy : float
        Share of the images whose highest score is the true class.
    """
    logits, _ = forward(X, parameters, fast)
    loss, _ = softmax_cross_entropy(logits, y)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y))
    return loss, accuracy


def predict(X, parameters, fast=True):
    """The most likely class of each image.

    Returns
    -------
    labels : ndarray of int, shape (m,)
    """
    logits, _ = forward(X, parameters, fast)
    return np.argmax(logits, axis=1)


# Training --------------------------------------------------------------


def sgd_momentum_step(parameters, grads, velocity, lr, momentum):
    r"""One step of gradient descent with momentum.

    Parameters
    ----------
    parameters, grads, velocity : dict of ndarray
        Keyed alike; `velocity` starts at zeros.
    lr : float
        The learning rate :math:`\eta`.
    momentum : float
        :math:`\mu`, the share of the previous step kept.

    Returns
    -------
    parameters, velocity : dict of ndarray
        New dictionaries; the arguments are left unchanged.

    Notes
    -----
    .. math::

        v \leftarrow \mu v - \eta \, g, \qquad
        \theta \leftarrow \theta + v

    Examples
    --------
    >>> p, v = sgd_momentum_step({"w": np.array([1.0])},
    ...     {"w": np.array([2.0])}, {"w": np.array([0.0])}, 0.1, 0.9)
    >>> p["w"], v["w"]
    (array([0.8]), array([-0.2]))
    """
    new_velocity = {
        name: momentum * velocity[name] - lr * grads[name]
        for name in parameters
    }
    new_parameters = {
        name: parameters[name] + new_velocity[name] for name in parameters
    }
    return new_parameters, new_velocity


@dataclass(frozen=True)
class Progress:
    """What `train` tells its callback after each minibatch.

    Attributes
    ----------
    epoch, epochs : int
        The current epoch (from 1) and the total.
    batch, batches : int
        Minibatches done in this epoch (from 1) and their number.
    loss : float
        Mean training loss over this epoch's minibatches so far.
    record : dict or None
        On the last minibatch of an epoch, that epoch's entry of the
        history (a dict with the same keys, one value each); else None.
    """

    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float
    record: dict | None = None


def train(
    data,
    epochs=15,
    batch_size=32,
    lr=0.05,
    momentum=0.9,
    n_filters=16,
    seed=0,
    fast=True,
    callback=None,
):
    """Train the network with minibatch SGD with momentum.

    Parameters
    ----------
    data : DigitsSplit or tuple
        ``(X_train, y_train, X_test, y_test)``, e.g. from
        `load_digits_split`; images of shape (m, n_H, n_W, n_C).
    epochs : int, default 15
        Passes over the training set.
    batch_size : int, default 32
        Images per gradient step; the last batch of an epoch may be
        smaller.
    lr : float, default 0.05
        The learning rate.
    momentum : float, default 0.9
        In [0, 1).
    n_filters : int, default 16
        Convolution filters.
    seed : int, default 0
        Seeds the initial parameters and the order of the minibatches.
        With the same data, the same seed gives the same parameters.
    fast : bool, default True
        Use `convstep.fast`; False runs on the loop reference (slow).
    callback : callable, optional
        Called as ``callback(progress)`` with a `Progress` after every
        minibatch, e.g. to draw a progress bar.

    Returns
    -------
    parameters : dict of ndarray
        The trained parameters, in the dtype of `X_train`.
    history : dict of list
        One entry per epoch under each of the keys ``"epoch"``,
        ``"loss"`` (mean training loss over the epoch's minibatches),
        ``"train_accuracy"``, ``"test_loss"``, ``"test_accuracy"`` and
        ``"seconds"`` (time since the start of training). Only
        ``"seconds"`` differs between two runs with the same seed.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range, or the data do not fit
        together.
    TypeError
        If an argument has the wrong type.
    """
    data = _check_data(data)
    X_train, y_train = data[0], data[1]
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    _check_positive_number(lr, "lr")
    _check_fraction(momentum, "momentum", allow_zero=True)
    _kernels(fast)
    if callback is not None and not callable(callback):
        raise TypeError(
            f"`callback` must be callable, got {type(callback).__name__}"
        )

    init_seed, order_seed = np.random.SeedSequence(seed).spawn(2)
    parameters = init_parameters(
        X_train.shape[1:],
        n_filters=n_filters,
        seed=init_seed,
        dtype=X_train.dtype,
    )
    velocity = {name: np.zeros_like(p) for name, p in parameters.items()}
    order_rng = np.random.default_rng(order_seed)
    m = X_train.shape[0]
    batches = math.ceil(m / batch_size)
    history = {key: [] for key in _HISTORY_KEYS}
    start = time.perf_counter()

    for epoch in range(1, epochs + 1):
        order = order_rng.permutation(m)
        loss_sum = 0.0
        for batch in range(1, batches + 1):
            rows = order[(batch - 1) * batch_size : batch * batch_size]
            loss, grads = loss_and_gradients(
                X_train[rows], y_train[rows], parameters, fast
            )
            parameters, velocity = sgd_momentum_step(
                parameters, grads, velocity, lr, momentum
            )
            loss_sum += loss

            record = None
            if batch == batches:
                record = _epoch_record(
                    epoch, loss_sum / batches, parameters, data, fast, start
                )
                for key in _HISTORY_KEYS:
                    history[key].append(record[key])
            if callback is not None:
                callback(
                    Progress(
                        epoch, epochs, batch, batches, loss_sum / batch, record
                    )
                )

    return parameters, history


_HISTORY_KEYS = (
    "epoch",
    "loss",
    "train_accuracy",
    "test_loss",
    "test_accuracy",
    "seconds",
)


def _epoch_record(epoch, loss, parameters, data, fast, start):
    X_train, y_train, X_test, y_test = data
    _, train_accuracy = evaluate(X_train, y_train, parameters, fast)
    test_loss, test_accuracy = evaluate(X_test, y_test, parameters, fast)
    return {
        "epoch": epoch,
        "loss": loss,
        "train_accuracy": train_accuracy,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "seconds": time.perf_counter() - start,
    }


# Argument checks -------------------------------------------------------


def _kernels(fast):
    if not isinstance(fast, (bool, np.bool_)):
        raise TypeError(f"`fast` must be True or False, got {fast!r}")
    return FAST_KERNELS if fast else LOOP_KERNELS


def _check_data(data):
    if not isinstance(data, tuple) or len(data) != 4:
        raise TypeError(
            "`data` must be a tuple (X_train, y_train, X_test, y_test), "
            f"got {type(data).__name__}"
        )
    X_train, y_train, X_test, y_test = data
    X_train = as_float_array(X_train, "X_train", ndim=4)
    X_test = as_float_array(X_test, "X_test", ndim=4)
    if X_test.shape[1:] != X_train.shape[1:]:
        raise ValueError(
            f"`X_test` images have shape {X_test.shape[1:]} but `X_train` "
            f"images have shape {X_train.shape[1:]}"
        )
    y_train = check_labels(y_train, X_train.shape[0], N_CLASSES)
    y_test = check_labels(y_test, X_test.shape[0], N_CLASSES)
    return X_train, y_train, X_test, y_test


def _check_input_shape(input_shape):
    if not isinstance(input_shape, tuple) or len(input_shape) != 3:
        raise ValueError(
            "`input_shape` must be a tuple (n_H_prev, n_W_prev, n_C_prev), "
            f"got {input_shape!r}"
        )
    n_H_prev, n_W_prev, n_C_prev = (
        check_positive_int(n, f"input_shape[{i}]")
        for i, n in enumerate(input_shape)
    )
    if n_H_prev % 2 or n_W_prev % 2:
        raise ValueError(
            "`input_shape` must have an even height and width for the "
            f"2x2 pooling, got {input_shape!r}"
        )
    return n_H_prev, n_W_prev, n_C_prev


def _check_positive_number(value, name):
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(
            f"`{name}` must be a real number, got {type(value).__name__}"
        )
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"`{name}` must be a positive finite number, got {value!r}"
        )


def _check_fraction(value, name, allow_zero=False):
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(
            f"`{name}` must be a real number, got {type(value).__name__}"
        )
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value < 1):
        interval = "[0, 1)" if allow_zero else "(0, 1)"
        raise ValueError(f"`{name}` must lie in {interval}, got {value!r}")
