"""Tests of the small CNN: data, gradients, training, reproducibility.

Training runs here are short and on small subsets; the full run's
accuracy and time are measured by `python -m convstep.train`, never by
a timed test.
"""

import numpy as np
import pytest

from convstep import conv_forward, numerical_gradient, relative_error
from convstep.model import (
    DigitsSplit,
    Progress,
    evaluate,
    init_parameters,
    load_digits_split,
    loss_and_gradients,
    predict,
    sgd_momentum_step,
    stratified_split,
    train,
)

from support import read_only

GRADIENT_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


@pytest.fixture(scope="module")
def small_digits(digits):
    """300 training and 100 test images: enough to see learning."""
    X_train, y_train, X_test, y_test = digits
    return DigitsSplit(
        X_train[:300], y_train[:300], X_test[:100], y_test[:100]
    )


def tiny_network(seed=0):
    """Two 4x4 images, 2 filters and 3 classes, in float64.

    The first filter's negative bias leaves some pooling windows with
    no active unit at all: only there does ReLU's backward pass matter
    (elsewhere the max-pool winner is active anyway), so only there can
    the check catch a ReLU that lets every gradient through.
    """
    rng = np.random.default_rng(seed)
    parameters = init_parameters(
        (4, 4, 1), n_filters=2, n_classes=3, seed=seed, dtype=np.float64
    )
    parameters["b1"] = np.array([-0.5, 0.2]).reshape(1, 1, 1, 2)
    parameters["b2"] = 0.1 * rng.standard_normal(parameters["b2"].shape)
    X = rng.standard_normal((2, 4, 4, 1))
    y = np.array([0, 2])
    return X, y, parameters


def pre_activations(X, parameters):
    Z1, _ = conv_forward(
        X, parameters["W1"], parameters["b1"], {"stride": 1, "pad": 1}
    )
    return Z1


# data ------------------------------------------------------------------


def test_split_holds_every_digit_once(digits):
    assert digits.X_train.shape == (1347, 8, 8, 1)
    assert digits.X_test.shape == (450, 8, 8, 1)
    assert digits.X_train.dtype == np.float32
    assert digits.X_train.min() == 0.0
    assert digits.X_train.max() == 1.0


def test_split_is_stratified(digits):
    train_counts = np.bincount(digits.y_train, minlength=10)
    test_counts = np.bincount(digits.y_test, minlength=10)

    expected_test = np.round(0.25 * (train_counts + test_counts))

    np.testing.assert_array_equal(test_counts, expected_test)


def test_same_seed_gives_the_same_split(digits):
    again = load_digits_split(seed=0)

    np.testing.assert_array_equal(again.y_test, digits.y_test)
    np.testing.assert_array_equal(again.X_test, digits.X_test)


def test_other_seed_gives_another_split(digits):
    other = load_digits_split(seed=1)

    assert not np.array_equal(other.y_test, digits.y_test)


def test_stratified_split_covers_each_index_exactly_once():
    y = np.repeat(np.arange(3), [5, 7, 9])

    train_rows, test_rows = stratified_split(y, 0.3, np.random.default_rng(0))

    np.testing.assert_array_equal(
        np.sort(np.concatenate([train_rows, test_rows])), np.arange(21)
    )
    np.testing.assert_array_equal(np.bincount(y[test_rows]), [2, 2, 3])


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_split_rejects_a_fraction_outside_zero_one(fraction):
    with pytest.raises(ValueError, match=r"`test_fraction` must lie in"):
        load_digits_split(test_fraction=fraction)


# parameters and gradients ----------------------------------------------


def test_init_parameters_shapes_and_dtype():
    parameters = init_parameters((8, 8, 1), n_filters=4, n_classes=10)

    shapes = {name: p.shape for name, p in parameters.items()}
    assert shapes == {
        "W1": (3, 3, 1, 4),
        "b1": (1, 1, 1, 4),
        "W2": (4 * 4 * 4, 10),
        "b2": (1, 10),
    }
    assert all(p.dtype == np.float32 for p in parameters.values())


def test_init_parameters_is_reproducible():
    first, second = init_parameters(seed=3), init_parameters(seed=3)

    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


def test_init_parameters_rejects_an_even_filter_size():
    with pytest.raises(ValueError, match="`f` must be odd, got 4"):
        init_parameters(f=4)


def test_init_parameters_rejects_an_odd_image_size():
    with pytest.raises(ValueError, match="even height and width"):
        init_parameters((7, 8, 1))


@pytest.mark.parametrize("fast", [False, True], ids=["loops", "fast"])
def test_network_gradients_match_numerical_gradients(fast):
    X, y, parameters = tiny_network()
    Z1 = pre_activations(X, parameters)
    window_max = Z1.reshape(2, 2, 2, 2, 2, 2).max(axis=(2, 4))
    assert np.any(window_max < 0), "no window for ReLU's backward pass"
    assert np.abs(Z1).min() > 1e-3, "a unit sits at the kink"

    _, grads = loss_and_gradients(X, y, parameters, fast)

    def loss_with(name, value):
        changed = {**parameters, name: value}
        return loss_and_gradients(X, y, changed, fast)[0]

    errors = {
        name: relative_error(
            grads[name],
            numerical_gradient(lambda v, n=name: loss_with(n, v), p),
        )
        for name, p in parameters.items()
    }
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_fast_and_loop_networks_agree():
    X, y, parameters = tiny_network(seed=1)

    loss_fast, grads_fast = loss_and_gradients(X, y, parameters, fast=True)
    loss_loops, grads_loops = loss_and_gradients(X, y, parameters, fast=False)

    assert loss_fast == pytest.approx(loss_loops, rel=1e-12)
    for name in parameters:
        np.testing.assert_allclose(
            grads_fast[name], grads_loops[name], rtol=1e-10, atol=1e-14
        )


def test_sgd_momentum_step_leaves_its_arguments_alone():
    parameters = {"w": read_only(np.array([1.0, 2.0]))[0]}
    grads = {"w": read_only(np.array([0.5, -0.5]))[0]}
    velocity = {"w": read_only(np.array([0.1, 0.0]))[0]}

    new_parameters, new_velocity = sgd_momentum_step(
        parameters, grads, velocity, lr=0.1, momentum=0.5
    )

    np.testing.assert_allclose(new_velocity["w"], [0.0, 0.05])
    np.testing.assert_allclose(new_parameters["w"], [1.0, 2.05])
    np.testing.assert_array_equal(parameters["w"], [1.0, 2.0])


# training --------------------------------------------------------------


def test_training_reduces_the_loss(small_digits):
    start = init_parameters(seed=0)
    loss_before, _ = evaluate(
        small_digits.X_train, small_digits.y_train, start
    )

    parameters, history = train(small_digits, epochs=4, seed=0)
    loss_after, accuracy = evaluate(
        small_digits.X_train, small_digits.y_train, parameters
    )

    assert loss_after < 0.5 * loss_before
    assert history["loss"][-1] < history["loss"][0]
    assert accuracy > 0.5


def test_training_is_reproducible_from_its_seed(small_digits):
    first, first_history = train(small_digits, epochs=2, seed=5)
    second, second_history = train(small_digits, epochs=2, seed=5)

    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    for key in ("loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert first_history[key] == second_history[key]


def test_another_seed_trains_other_parameters(small_digits):
    first, _ = train(small_digits, epochs=1, seed=5)
    second, _ = train(small_digits, epochs=1, seed=6)

    assert not np.array_equal(first["W1"], second["W1"])


def test_training_keeps_the_dtype_and_leaves_the_data_alone(small_digits):
    data = DigitsSplit(*read_only(*small_digits))

    parameters, _ = train(data, epochs=1)

    assert all(p.dtype == np.float32 for p in parameters.values())
    np.testing.assert_array_equal(data.X_train, small_digits.X_train)


def test_history_has_one_entry_per_epoch(small_digits):
    _, history = train(small_digits, epochs=3)

    assert history["epoch"] == [1, 2, 3]
    assert all(len(values) == 3 for values in history.values())
    assert history["seconds"] == sorted(history["seconds"])


def test_callback_sees_every_minibatch_and_each_epoch_record(small_digits):
    seen = []

    _, history = train(
        small_digits, epochs=2, batch_size=100, callback=seen.append
    )

    assert [(p.epoch, p.batch, p.batches) for p in seen] == [
        (1, 1, 3),
        (1, 2, 3),
        (1, 3, 3),
        (2, 1, 3),
        (2, 2, 3),
        (2, 3, 3),
    ]
    assert all(isinstance(p, Progress) for p in seen)
    records = [p.record for p in seen if p.record is not None]
    assert [r["test_accuracy"] for r in records] == history["test_accuracy"]


def test_predict_matches_the_reported_accuracy(small_digits):
    parameters, history = train(small_digits, epochs=1)

    labels = predict(small_digits.X_test, parameters)

    assert labels.shape == (100,)
    assert np.mean(labels == small_digits.y_test) == pytest.approx(
        history["test_accuracy"][-1]
    )


@pytest.mark.parametrize(
    ("argument", "value", "error", "message"),
    [
        ("lr", 0.0, ValueError, "`lr` must be a positive finite number"),
        ("lr", float("nan"), ValueError, "`lr` must be a positive finite"),
        ("momentum", 1.0, ValueError, r"`momentum` must lie in \[0, 1\)"),
        ("epochs", 0, ValueError, "`epochs` must be a positive integer"),
        ("batch_size", 2.5, ValueError, "`batch_size` must be a positive"),
        ("callback", "print", TypeError, "`callback` must be callable"),
        ("fast", "yes", TypeError, "`fast` must be True or False"),
    ],
)
def test_train_rejects_bad_hyperparameters(
    small_digits, argument, value, error, message
):
    with pytest.raises(error, match=message):
        train(small_digits, **{argument: value})


def test_train_rejects_labels_that_are_not_digits(small_digits):
    X_train, y_train, X_test, y_test = small_digits
    bad = DigitsSplit(X_train, y_train + 10, X_test, y_test)

    with pytest.raises(ValueError, match=r"`y` must hold labels in 0..9"):
        train(bad, epochs=1)


def test_train_rejects_data_that_is_not_a_four_tuple(small_digits):
    with pytest.raises(TypeError, match="`data` must be a tuple"):
        train(small_digits[:2])
