"""Hypothesis strategies, array factories and the book build."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


@st.composite
def conv_configs(draw, max_size=7, max_channels=3):
    """Shapes and hyperparameters of a valid `conv_forward` call."""
    f = draw(st.integers(1, 4))
    pad = draw(st.integers(0, 2))
    smallest = max(1, f - 2 * pad)
    return {
        "m": draw(st.integers(1, 2)),
        "n_H_prev": draw(st.integers(smallest, max_size)),
        "n_W_prev": draw(st.integers(smallest, max_size)),
        "n_C_prev": draw(st.integers(1, max_channels)),
        "n_C": draw(st.integers(1, max_channels)),
        "f": f,
        "stride": draw(st.integers(1, 3)),
        "pad": pad,
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@st.composite
def pool_configs(draw, max_size=7):
    """Shapes and hyperparameters of a valid `pool_forward` call."""
    f = draw(st.integers(1, 4))
    return {
        "m": draw(st.integers(1, 2)),
        "n_H_prev": draw(st.integers(f, max_size)),
        "n_W_prev": draw(st.integers(f, max_size)),
        "n_C": draw(st.integers(1, 3)),
        "f": f,
        "stride": draw(st.integers(1, 3)),
        "mode": draw(st.sampled_from(["max", "average"])),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def conv_arrays(config, dtype=np.float64):
    """Random `A_prev, W, b, hparameters` for a `conv_configs` draw."""
    rng = np.random.default_rng(config["seed"])
    c = config
    A_prev = rng.standard_normal(
        (c["m"], c["n_H_prev"], c["n_W_prev"], c["n_C_prev"])
    )
    W = rng.standard_normal((c["f"], c["f"], c["n_C_prev"], c["n_C"]))
    b = rng.standard_normal((1, 1, 1, c["n_C"]))
    hparameters = {"stride": c["stride"], "pad": c["pad"]}
    return (
        A_prev.astype(dtype),
        W.astype(dtype),
        b.astype(dtype),
        hparameters,
    )


def pool_arrays(config, dtype=np.float64):
    """Random `A_prev, hparameters` for a `pool_configs` draw."""
    rng = np.random.default_rng(config["seed"])
    c = config
    A_prev = rng.standard_normal(
        (c["m"], c["n_H_prev"], c["n_W_prev"], c["n_C"])
    )
    hparameters = {"f": c["f"], "stride": c["stride"]}
    return A_prev.astype(dtype), hparameters


def read_only(*arrays):
    """Copies of `arrays` that raise if anything writes to them."""
    copies = []
    for array in arrays:
        copy = np.array(array)
        copy.flags.writeable = False
        copies.append(copy)
    return copies


def build_book(output, *builder):
    """Build the book into `output` with the venv's jupyter-book.

    ``-W --keep-going``: a single warning, or a cell that raises, fails
    the calling test with the end of the build's log. `builder` adds
    arguments, e.g. ``"--builder", "pdflatex"``.
    """
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--path-output",
        str(output),
        "-W",
        "--keep-going",
        *builder,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        log = (result.stdout + result.stderr)[-6000:]
        pytest.fail(f"{' '.join(command)} failed:\n{log}", pytrace=False)
