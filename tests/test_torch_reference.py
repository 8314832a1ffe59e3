"""The reference against PyTorch, an implementation written elsewhere.

PyTorch works channels-first (N, C, H, W) with weights (C_out, C_in,
kH, kW); the helpers below transpose between the two layouts. Without
torch these tests skip, except under CI=true, where a missing torch is
a failure: CI installs the CPU wheel on purpose.
"""

import os

import numpy as np
import pytest
from hypothesis import given

from convstep import conv_backward, conv_forward, pool_backward, pool_forward

from support import conv_arrays, conv_configs, pool_arrays, pool_configs

if os.environ.get("CI") == "true":
    import torch
else:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")

F = torch.nn.functional


def to_torch(array, requires_grad=False):
    """(m, n_H, n_W, n_C) NumPy array -> (N, C, H, W) float64 tensor."""
    # Contiguous copies: some CPU kernels refuse strided gradients.
    tensor = torch.tensor(np.ascontiguousarray(array.transpose(0, 3, 1, 2)))
    return tensor.requires_grad_(requires_grad)


def from_torch(tensor):
    """(N, C, H, W) tensor -> (m, n_H, n_W, n_C) NumPy array."""
    return np.transpose(tensor.detach().numpy(), (0, 2, 3, 1))


def torch_conv(A_prev, W, b, hparameters, dZ):
    """Z and its gradients from torch.nn.functional.conv2d and autograd."""
    x = to_torch(A_prev, requires_grad=True)
    weight = torch.tensor(
        np.ascontiguousarray(W.transpose(3, 2, 0, 1)), requires_grad=True
    )
    bias = torch.tensor(b.reshape(-1), requires_grad=True)

    Z = F.conv2d(
        x,
        weight,
        bias,
        stride=hparameters["stride"],
        padding=hparameters["pad"],
    )
    Z.backward(to_torch(dZ))

    return (
        from_torch(Z),
        from_torch(x.grad),
        np.transpose(weight.grad.numpy(), (2, 3, 1, 0)),
        bias.grad.numpy().reshape(1, 1, 1, -1),
    )


def torch_pool(A_prev, hparameters, mode, dA):
    """A and dA_prev from max_pool2d / avg_pool2d and autograd."""
    x = to_torch(A_prev, requires_grad=True)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d

    A = pool(x, kernel_size=hparameters["f"], stride=hparameters["stride"])
    A.backward(to_torch(dA))

    return from_torch(A), from_torch(x.grad)


@given(conv_configs())
def test_conv_agrees_with_torch(config):
    A_prev, W, b, hparameters = conv_arrays(config)
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    dZ = np.random.default_rng(config["seed"] + 1).standard_normal(Z.shape)

    gradients = conv_backward(dZ, cache)
    expected = torch_conv(A_prev, W, b, hparameters, dZ)

    for ours, theirs in zip((Z, *gradients), expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


@given(pool_configs())
def test_pool_agrees_with_torch(config):
    A_prev, hparameters = pool_arrays(config)
    mode = config["mode"]
    A, cache = pool_forward(A_prev, hparameters, mode)
    dA = np.random.default_rng(config["seed"] + 1).standard_normal(A.shape)

    dA_prev = pool_backward(dA, cache, mode)
    expected_A, expected_dA_prev = torch_pool(A_prev, hparameters, mode, dA)

    np.testing.assert_allclose(A, expected_A, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dA_prev, expected_dA_prev, atol=1e-12)


@given(pool_configs())
def test_max_pool_breaks_ties_like_torch(config):
    # Small integers make tied maxima in most windows; the gradient must
    # go to the same single element that PyTorch picks.
    rng = np.random.default_rng(config["seed"])
    c = config
    A_prev = rng.integers(
        0, 3, (c["m"], c["n_H_prev"], c["n_W_prev"], c["n_C"])
    )
    A_prev = A_prev.astype(np.float64)
    hparameters = {"f": c["f"], "stride": c["stride"]}
    A, cache = pool_forward(A_prev, hparameters, "max")
    dA = rng.standard_normal(A.shape)

    dA_prev = pool_backward(dA, cache, "max")
    _, expected = torch_pool(A_prev, hparameters, "max", dA)

    np.testing.assert_allclose(dA_prev, expected, atol=1e-12)


def test_float32_conv_agrees_with_torch_float32():
    config = {
        "m": 2,
        "n_H_prev": 6,
        "n_W_prev": 5,
        "n_C_prev": 3,
        "n_C": 4,
        "f": 3,
        "stride": 2,
        "pad": 1,
        "seed": 7,
    }
    A_prev, W, b, hparameters = conv_arrays(config, dtype=np.float32)
    Z, cache = conv_forward(A_prev, W, b, hparameters)
    dZ = np.ones_like(Z)

    gradients = conv_backward(dZ, cache)
    expected = torch_conv(A_prev, W, b, hparameters, dZ)

    for ours, theirs in zip((Z, *gradients), expected, strict=True):
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
