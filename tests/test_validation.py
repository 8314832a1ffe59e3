"""Every bad argument gets a clear error that names it, before any work.

Each case calls one public function with one mistake and states the
exception and the words the message must contain.
"""

import numpy as np
import pytest

from convstep import (
    conv_backward,
    conv_forward,
    conv_single_step,
    create_mask_from_window,
    distribute_value,
    numerical_gradient,
    output_size,
    pool_backward,
    pool_forward,
    relative_error,
    zero_pad,
)

A = np.zeros((2, 5, 5, 3))
W = np.zeros((3, 3, 3, 4))
B = np.zeros((1, 1, 1, 4))
CONV = {"stride": 1, "pad": 1}
POOL = {"f": 2, "stride": 2}
Z, CONV_CACHE = conv_forward(A, W, B, CONV)
P, POOL_CACHE = pool_forward(A, POOL)

CASES = {
    # zero_pad
    "zero_pad X not 4-D": (
        lambda: zero_pad(np.zeros((5, 5)), 1),
        ValueError,
        r"`X` must have 4 dimensions, got 2",
    ),
    "zero_pad negative pad": (
        lambda: zero_pad(A, -1),
        ValueError,
        r"`pad` must be a non-negative integer, got -1",
    ),
    "zero_pad fractional pad": (
        lambda: zero_pad(A, 1.5),
        ValueError,
        r"`pad` must be a non-negative integer, got 1.5",
    ),
    "zero_pad pad is a string": (
        lambda: zero_pad(A, "1"),
        TypeError,
        r"`pad` must be a non-negative integer, got '1'",
    ),
    "zero_pad X of strings": (
        lambda: zero_pad(np.full((1, 1, 1, 1), "a"), 1),
        TypeError,
        r"`X` must hold real numbers, got dtype <U1",
    ),
    "zero_pad X complex": (
        lambda: zero_pad(np.zeros((1, 1, 1, 1), complex), 1),
        TypeError,
        r"`X` must hold real numbers",
    ),
    "zero_pad X not an array": (
        lambda: zero_pad("image", 1),
        TypeError,
        r"`X` must be a NumPy array, got str",
    ),
    "zero_pad X empty": (
        lambda: zero_pad(np.zeros((0, 5, 5, 3)), 1),
        ValueError,
        r"`X` must not be empty, got shape \(0, 5, 5, 3\)",
    ),
    # output_size
    "output_size window too large": (
        lambda: output_size(3, 5, 1, 0),
        ValueError,
        r"f=5 is larger than the input size 3$",
    ),
    "output_size zero stride": (
        lambda: output_size(5, 3, 0, 0),
        ValueError,
        r"`stride` must be a positive integer, got 0",
    ),
    "output_size zero n_prev": (
        lambda: output_size(0, 1),
        ValueError,
        r"`n_prev` must be a positive integer, got 0",
    ),
    # conv_single_step
    "conv_single_step shapes differ": (
        lambda: conv_single_step(np.zeros((3, 3, 2)), np.zeros((3, 3, 1)), 0),
        ValueError,
        r"`W` must have shape \(3, 3, 2\) to match a_slice_prev",
    ),
    "conv_single_step bias of two numbers": (
        lambda: conv_single_step(
            np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), np.zeros(2)
        ),
        ValueError,
        r"`b` must hold exactly one number, got shape \(2,\)",
    ),
    "conv_single_step window not 3-D": (
        lambda: conv_single_step(np.zeros((3, 3)), np.zeros((3, 3)), 0),
        ValueError,
        r"`a_slice_prev` must have 3 dimensions, got 2",
    ),
    # conv_forward
    "conv_forward A_prev not 4-D": (
        lambda: conv_forward(np.zeros((5, 5, 3)), W, B, CONV),
        ValueError,
        r"`A_prev` must have 4 dimensions, got 3",
    ),
    "conv_forward W not 4-D": (
        lambda: conv_forward(A, np.zeros((3, 3, 3)), B, CONV),
        ValueError,
        r"`W` must have 4 dimensions, got 3",
    ),
    "conv_forward channel mismatch": (
        lambda: conv_forward(np.zeros((2, 5, 5, 2)), W, B, CONV),
        ValueError,
        r"`A_prev` has 2 channels but `W` expects n_C_prev=3",
    ),
    "conv_forward bias mismatch": (
        lambda: conv_forward(A, W, np.zeros((1, 1, 1, 3)), CONV),
        ValueError,
        r"`b` must have shape \(1, 1, 1, 4\) to match W's n_C=4",
    ),
    "conv_forward bias flat": (
        lambda: conv_forward(A, W, np.zeros(4), CONV),
        ValueError,
        r"`b` must have 4 dimensions, got 1",
    ),
    "conv_forward filters not square": (
        lambda: conv_forward(A, np.zeros((3, 2, 3, 4)), B, CONV),
        ValueError,
        r"`W` must hold square filters",
    ),
    "conv_forward zero stride": (
        lambda: conv_forward(A, W, B, {"stride": 0, "pad": 1}),
        ValueError,
        r"`stride` must be a positive integer, got 0",
    ),
    "conv_forward float stride": (
        lambda: conv_forward(A, W, B, {"stride": 2.0, "pad": 1}),
        ValueError,
        r"`stride` must be a positive integer, got 2.0",
    ),
    "conv_forward bool stride": (
        lambda: conv_forward(A, W, B, {"stride": True, "pad": 1}),
        ValueError,
        r"`stride` must be a positive integer, got True",
    ),
    "conv_forward negative pad": (
        lambda: conv_forward(A, W, B, {"stride": 1, "pad": -2}),
        ValueError,
        r"`pad` must be a non-negative integer, got -2",
    ),
    "conv_forward window larger than padded input": (
        lambda: conv_forward(A, np.zeros((8, 8, 3, 4)), B, CONV),
        ValueError,
        r"f=8 is larger than the padded input height 5 \+ 2\*1",
    ),
    "conv_forward missing key": (
        lambda: conv_forward(A, W, B, {"stride": 1}),
        ValueError,
        r"`hparameters` is missing 'pad'",
    ),
    "conv_forward unknown key": (
        lambda: conv_forward(A, W, B, {"stride": 1, "pad": 0, "f": 3}),
        ValueError,
        r"`hparameters` has unknown 'f'",
    ),
    "conv_forward hparameters not a dict": (
        lambda: conv_forward(A, W, B, (1, 1)),
        TypeError,
        r"`hparameters` must be a dict, got tuple",
    ),
    "conv_forward empty batch": (
        lambda: conv_forward(np.zeros((0, 5, 5, 3)), W, B, CONV),
        ValueError,
        r"`A_prev` must not be empty",
    ),
    "conv_forward no filters": (
        lambda: conv_forward(A, np.zeros((3, 3, 3, 0)), B, CONV),
        ValueError,
        r"`W` must not be empty",
    ),
    # conv_backward
    "conv_backward dZ of the wrong shape": (
        lambda: conv_backward(np.zeros((2, 4, 4, 4)), CONV_CACHE),
        ValueError,
        r"`dZ` must have shape \(2, 5, 5, 4\) to match the forward output",
    ),
    "conv_backward dZ not 4-D": (
        lambda: conv_backward(np.zeros((5, 5, 4)), CONV_CACHE),
        ValueError,
        r"`dZ` must have 4 dimensions, got 3",
    ),
    "conv_backward cache too short": (
        lambda: conv_backward(Z, CONV_CACHE[:3]),
        TypeError,
        r"`cache` must be the tuple \(A_prev, W, b, hparameters\)"
        r".*got a tuple of length 3",
    ),
    "conv_backward cache a list": (
        lambda: conv_backward(Z, list(CONV_CACHE)),
        TypeError,
        r"`cache` must be the tuple .* got a list",
    ),
    "conv_backward cache with a corrupt array": (
        lambda: conv_backward(Z, (A[..., :2], W, B, CONV)),
        ValueError,
        r"`A_prev` has 2 channels but `W` expects n_C_prev=3",
    ),
    # pool_forward
    "pool_forward unknown mode": (
        lambda: pool_forward(A, POOL, "min"),
        ValueError,
        r"`mode` must be 'max' or 'average', got 'min'",
    ),
    "pool_forward mode with capital": (
        lambda: pool_forward(A, POOL, "Max"),
        ValueError,
        r"`mode` must be 'max' or 'average', got 'Max'",
    ),
    "pool_forward A_prev not 4-D": (
        lambda: pool_forward(np.zeros((5, 5)), POOL),
        ValueError,
        r"`A_prev` must have 4 dimensions, got 2",
    ),
    "pool_forward zero f": (
        lambda: pool_forward(A, {"f": 0, "stride": 1}),
        ValueError,
        r"`f` must be a positive integer, got 0",
    ),
    "pool_forward negative stride": (
        lambda: pool_forward(A, {"f": 2, "stride": -1}),
        ValueError,
        r"`stride` must be a positive integer, got -1",
    ),
    "pool_forward window larger than input": (
        lambda: pool_forward(A, {"f": 6, "stride": 1}),
        ValueError,
        r"f=6 is larger than the input height 5$",
    ),
    "pool_forward missing key": (
        lambda: pool_forward(A, {"f": 2}),
        ValueError,
        r"`hparameters` is missing 'stride'",
    ),
    "pool_forward given a pad": (
        lambda: pool_forward(A, {"f": 2, "stride": 2, "pad": 1}),
        ValueError,
        r"`hparameters` has unknown 'pad'",
    ),
    # pool_backward
    "pool_backward unknown mode": (
        lambda: pool_backward(P, POOL_CACHE, "avg"),
        ValueError,
        r"`mode` must be 'max' or 'average', got 'avg'",
    ),
    "pool_backward dA of the wrong shape": (
        lambda: pool_backward(np.zeros((2, 3, 3, 3)), POOL_CACHE),
        ValueError,
        r"`dA` must have shape \(2, 2, 2, 3\) to match the forward output",
    ),
    "pool_backward cache malformed": (
        lambda: pool_backward(P, (A,)),
        TypeError,
        r"`cache` must be the tuple \(A_prev, hparameters\)",
    ),
    "pool_backward cache with bad hparameters": (
        lambda: pool_backward(P, (A, {"f": 2})),
        ValueError,
        r"`hparameters` is missing 'stride'",
    ),
    # helpers
    "create_mask_from_window not 2-D": (
        lambda: create_mask_from_window(np.zeros((2, 2, 1))),
        ValueError,
        r"`x` must have 2 dimensions, got 3",
    ),
    "create_mask_from_window empty": (
        lambda: create_mask_from_window(np.zeros((0, 2))),
        ValueError,
        r"`x` must not be empty",
    ),
    "distribute_value shape of three": (
        lambda: distribute_value(1.0, (2, 2, 2)),
        ValueError,
        r"`shape` must be a tuple \(n_H, n_W\), got \(2, 2, 2\)",
    ),
    "distribute_value zero-size shape": (
        lambda: distribute_value(1.0, (0, 2)),
        ValueError,
        r"`shape\[0\]` must be a positive integer, got 0",
    ),
    "distribute_value dz an array": (
        lambda: distribute_value(np.ones(2), (2, 2)),
        ValueError,
        r"`dz` must hold exactly one number, got shape \(2,\)",
    ),
    "distribute_value dz a string": (
        lambda: distribute_value("1", (2, 2)),
        TypeError,
        r"`dz` must be a NumPy array, got str",
    ),
    # gradient checking
    "numerical_gradient f not callable": (
        lambda: numerical_gradient(3, np.ones(2)),
        TypeError,
        r"`f` must be callable, got int",
    ),
    "numerical_gradient zero step": (
        lambda: numerical_gradient(np.sum, np.ones(2), h=0.0),
        ValueError,
        r"`h` must be a positive finite number, got 0.0",
    ),
    "relative_error shapes differ": (
        lambda: relative_error(np.ones(2), np.ones(3)),
        ValueError,
        r"`analytic` has shape \(2,\) but `numeric` has shape",
    ),
}


@pytest.mark.parametrize(
    ("call", "error", "message"), CASES.values(), ids=CASES.keys()
)
def test_bad_argument_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_errors_come_before_any_work():
    # A bad mode must be reported even when the arrays are huge: the
    # checks run first, so this returns at once instead of pooling.
    huge = np.broadcast_to(np.float64(0), (1000, 1000, 1000, 1))

    with pytest.raises(ValueError, match="`mode`"):
        pool_forward(huge, POOL, "median")
