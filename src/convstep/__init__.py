"""convstep: the building blocks of a convolutional network, in NumPy.

The readable loop versions live in `convstep.padding`, `convstep.conv`
and `convstep.pool`; the numerical gradient checker in
`convstep.gradcheck`. Every public name is available from the package
itself::

    from convstep import conv_forward, conv_backward
"""

from importlib.metadata import version

from convstep.conv import conv_backward, conv_forward, conv_single_step
from convstep.gradcheck import (
    conv_gradient_errors,
    numerical_gradient,
    pool_gradient_errors,
    relative_error,
)
from convstep.layers import (
    dense_backward,
    dense_forward,
    relu_backward,
    relu_forward,
    softmax,
    softmax_cross_entropy,
)
from convstep.padding import output_size, zero_pad
from convstep.pool import (
    create_mask_from_window,
    distribute_value,
    pool_backward,
    pool_forward,
)

__version__ = version("convstep")

__all__ = [
    "conv_backward",
    "conv_forward",
    "conv_gradient_errors",
    "conv_single_step",
    "create_mask_from_window",
    "dense_backward",
    "dense_forward",
    "distribute_value",
    "numerical_gradient",
    "output_size",
    "pool_backward",
    "pool_forward",
    "pool_gradient_errors",
    "relative_error",
    "relu_backward",
    "relu_forward",
    "softmax",
    "softmax_cross_entropy",
    "zero_pad",
]
