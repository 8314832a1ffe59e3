"""Tests of ReLU, the dense layer and the softmax cross-entropy loss.

Gradients are held to the bound of test_gradcheck.py: a relative error
below GRADIENT_TOLERANCE against central differences in float64.
"""

import numpy as np
import pytest

from convstep import (
    dense_backward,
    dense_forward,
    numerical_gradient,
    relative_error,
    relu_backward,
    relu_forward,
    softmax,
    softmax_cross_entropy,
)

from support import read_only

GRADIENT_TOLERANCE = 1e-7


def away_from_zero(rng, shape):
    """Random values with |x| >= 0.1: no central difference crosses the
    kink of ReLU at 0."""
    x = rng.standard_normal(shape)
    return np.sign(x) * (0.1 + np.abs(x))


def random_dense_inputs(seed, shape=(3, 2, 2, 2), n_out=4):
    rng = np.random.default_rng(seed)
    n_prev = int(np.prod(shape[1:]))
    return (
        rng.standard_normal(shape),
        rng.standard_normal((n_prev, n_out)),
        rng.standard_normal((1, n_out)),
    )


# relu ------------------------------------------------------------------


def test_relu_forward_hand_computed():
    A, _ = relu_forward(np.array([[-1.5, 0.0], [2.0, -0.0]]))

    np.testing.assert_array_equal(A, [[0.0, 0.0], [2.0, 0.0]])


def test_relu_backward_passes_gradient_only_where_active():
    Z = np.array([-1.0, 0.0, 0.5, 3.0])
    _, cache = relu_forward(Z)

    dZ = relu_backward(np.array([10.0, 20.0, 30.0, 40.0]), cache)

    np.testing.assert_array_equal(dZ, [0.0, 0.0, 30.0, 40.0])


def test_relu_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    Z = away_from_zero(rng, (2, 3, 3, 4))
    G = rng.standard_normal(Z.shape)
    _, cache = relu_forward(Z)

    dZ = relu_backward(G, cache)
    numeric = numerical_gradient(lambda x: np.sum(G * relu_forward(x)[0]), Z)

    assert relative_error(dZ, numeric) < GRADIENT_TOLERANCE


def test_relu_keeps_float32():
    Z = np.array([-1.0, 2.0], dtype=np.float32)

    A, cache = relu_forward(Z)
    dZ = relu_backward(np.ones(2, dtype=np.float32), cache)

    assert A.dtype == np.float32
    assert dZ.dtype == np.float32


def test_relu_promotes_integers_to_float64():
    A, _ = relu_forward(np.array([-2, 3]))

    assert A.dtype == np.float64


def test_relu_leaves_its_inputs_alone():
    Z, dA = read_only(np.array([-1.0, 2.0]), np.array([5.0, 6.0]))

    _, cache = relu_forward(Z)
    relu_backward(dA, cache)

    np.testing.assert_array_equal(Z, [-1.0, 2.0])
    np.testing.assert_array_equal(dA, [5.0, 6.0])


def test_relu_backward_rejects_a_gradient_of_another_shape():
    _, cache = relu_forward(np.ones((2, 3)))

    with pytest.raises(ValueError, match=r"`dA` must have shape \(2, 3\)"):
        relu_backward(np.ones((3, 2)), cache)


def test_relu_forward_rejects_non_arrays():
    with pytest.raises(TypeError, match="`Z` must be a NumPy array"):
        relu_forward("1.0")


def test_relu_forward_rejects_complex_numbers():
    with pytest.raises(TypeError, match="`Z` must hold real numbers"):
        relu_forward(np.array([1 + 2j]))


# dense -----------------------------------------------------------------


def test_dense_forward_hand_computed():
    A_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([[0.5, 0.0, 1.0]])

    Z, _ = dense_forward(A_prev, W, b)

    np.testing.assert_array_equal(Z, [[5.5, 2.0, 0.0], [11.5, 4.0, -2.0]])


def test_dense_forward_flattens_in_row_major_order():
    A_prev, W, b = random_dense_inputs(seed=1)

    Z, _ = dense_forward(A_prev, W, b)

    np.testing.assert_allclose(Z, A_prev.reshape(3, 8) @ W + b)


def test_dense_backward_hand_computed():
    A_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, -1.0], [2.0, 0.5]])
    _, cache = dense_forward(A_prev, W, np.zeros((1, 2)))

    dA_prev, dW, db = dense_backward(np.array([[1.0, 0.0], [0.0, 2.0]]), cache)

    np.testing.assert_array_equal(dA_prev, [[1.0, 2.0], [-2.0, 1.0]])
    np.testing.assert_array_equal(dW, [[1.0, 6.0], [2.0, 8.0]])
    np.testing.assert_array_equal(db, [[1.0, 2.0]])


def test_dense_backward_returns_the_input_shape():
    A_prev, W, b = random_dense_inputs(seed=2)
    Z, cache = dense_forward(A_prev, W, b)

    dA_prev, dW, db = dense_backward(np.ones_like(Z), cache)

    assert dA_prev.shape == A_prev.shape
    assert dW.shape == W.shape
    assert db.shape == b.shape


@pytest.mark.parametrize(
    "shape", [(3, 5), (1, 4), (2, 3, 3, 2)], ids=["2-d", "batch of 1", "4-d"]
)
def test_dense_backward_matches_numerical_gradients(shape):
    A_prev, W, b = random_dense_inputs(seed=3, shape=shape)
    Z, cache = dense_forward(A_prev, W, b)
    G = np.random.default_rng(4).standard_normal(Z.shape)

    dA_prev, dW, db = dense_backward(G, cache)

    def loss(A_prev, W, b):
        return np.sum(G * dense_forward(A_prev, W, b)[0])

    errors = {
        "dA_prev": relative_error(
            dA_prev, numerical_gradient(lambda x: loss(x, W, b), A_prev)
        ),
        "dW": relative_error(
            dW, numerical_gradient(lambda x: loss(A_prev, x, b), W)
        ),
        "db": relative_error(
            db, numerical_gradient(lambda x: loss(A_prev, W, x), b)
        ),
    }
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_dense_keeps_float32():
    A_prev, W, b = (x.astype(np.float32) for x in random_dense_inputs(seed=5))

    Z, cache = dense_forward(A_prev, W, b)
    grads = dense_backward(np.ones_like(Z), cache)

    assert Z.dtype == np.float32
    assert [g.dtype for g in grads] == [np.float32] * 3


def test_dense_leaves_its_inputs_alone():
    originals = random_dense_inputs(seed=6)
    A_prev, W, b = read_only(*originals)

    Z, cache = dense_forward(A_prev, W, b)
    (dZ,) = read_only(np.ones_like(Z))
    dense_backward(dZ, cache)

    for array, original in zip((A_prev, W, b), originals, strict=True):
        np.testing.assert_array_equal(array, original)


def test_dense_forward_rejects_a_feature_count_that_misses_W():
    with pytest.raises(ValueError, match="`A_prev` has 8 features per"):
        dense_forward(np.ones((2, 2, 2, 2)), np.ones((6, 3)), np.ones((1, 3)))


def test_dense_forward_rejects_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"`b` must have shape \(1, 3\)"):
        dense_forward(np.ones((2, 4)), np.ones((4, 3)), np.ones((1, 4)))


def test_dense_forward_rejects_one_dimensional_input():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        dense_forward(np.ones(4), np.ones((4, 3)), np.ones((1, 3)))


def test_dense_forward_rejects_weights_that_are_not_a_matrix():
    with pytest.raises(ValueError, match="`W` must have 2 dimensions"):
        dense_forward(np.ones((2, 4)), np.ones((4, 3, 1)), np.ones((1, 3)))


def test_dense_backward_rejects_a_gradient_of_another_shape():
    _, cache = dense_forward(np.ones((2, 4)), np.ones((4, 3)), np.ones((1, 3)))

    with pytest.raises(ValueError, match=r"`dZ` must have shape \(2, 3\)"):
        dense_backward(np.ones((3, 2)), cache)


def test_dense_backward_rejects_a_foreign_cache():
    with pytest.raises(TypeError, match="`cache` must be the tuple"):
        dense_backward(np.ones((2, 3)), (np.ones((2, 4)), np.ones((4, 3))))


# softmax and the loss --------------------------------------------------


def test_softmax_rows_are_probabilities():
    logits = np.random.default_rng(7).standard_normal((4, 5))

    p = softmax(logits)

    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_softmax_survives_huge_logits():
    # exp(1000) overflows float64; any warning fails the test too.
    p = softmax(np.array([[1000.0, 0.0, -1000.0], [1e4, 1e4, 1e4]]))

    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])


def test_cross_entropy_of_uniform_scores_is_log_of_class_count():
    loss, _ = softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9]))

    assert loss == pytest.approx(np.log(10))


def test_cross_entropy_gradient_hand_computed():
    # Scores (0, log 3) give probabilities (1/4, 3/4).
    logits = np.array([[0.0, np.log(3.0)]])

    loss, dlogits = softmax_cross_entropy(logits, np.array([0]))

    assert loss == pytest.approx(np.log(4.0))
    np.testing.assert_allclose(dlogits, [[0.25 - 1.0, 0.75]])


def test_cross_entropy_gradient_matches_numerical_gradient():
    rng = np.random.default_rng(8)
    logits = 3 * rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])

    _, dlogits = softmax_cross_entropy(logits, y)
    numeric = numerical_gradient(
        lambda x: softmax_cross_entropy(x, y)[0], logits
    )

    assert relative_error(dlogits, numeric) < GRADIENT_TOLERANCE


def test_cross_entropy_is_exact_for_huge_logits():
    # log(softmax) would give log(0) = -inf for the true class here:
    # its probability e^-1000 underflows to 0.
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])

    loss, dlogits = softmax_cross_entropy(logits, np.array([1, 1]))

    assert loss == pytest.approx(500.0)
    np.testing.assert_allclose(dlogits, [[0.5, -0.5], [0.0, 0.0]], atol=1e-12)


def test_cross_entropy_gradient_rows_sum_to_zero():
    logits = np.random.default_rng(9).standard_normal((6, 3))

    _, dlogits = softmax_cross_entropy(logits, np.array([0, 1, 2, 0, 1, 2]))

    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-15)


def test_cross_entropy_keeps_float32():
    logits = np.array([[1.0, 2.0]], dtype=np.float32)

    loss, dlogits = softmax_cross_entropy(logits, np.array([1]))

    assert type(loss) is float
    assert dlogits.dtype == np.float32


def test_cross_entropy_leaves_its_inputs_alone():
    logits, y = read_only(np.array([[1.0, 2.0, 3.0]]), np.array([2]))

    softmax_cross_entropy(logits, y)

    np.testing.assert_array_equal(logits, [[1.0, 2.0, 3.0]])


def test_cross_entropy_rejects_float_labels():
    with pytest.raises(TypeError, match="`y` must hold integer class"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


@pytest.mark.parametrize("bad", [-1, 3])
def test_cross_entropy_rejects_labels_out_of_range(bad):
    with pytest.raises(ValueError, match=rf"labels in 0..2 .*got {bad}"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, bad]))


def test_cross_entropy_rejects_one_label_too_many():
    with pytest.raises(ValueError, match=r"`y` must have shape \(2,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_cross_entropy_rejects_one_dimensional_logits():
    with pytest.raises(ValueError, match="`logits` must have 2 dimensions"):
        softmax_cross_entropy(np.zeros(3), np.array([0]))
