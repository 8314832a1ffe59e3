"""Tests of the chapter "Making it fast"'s figures and tables."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from convstep import fast
from convstep.figures.fast import (
    benchmark_table,
    conv_case_shape,
    conv_flops,
    im2col_figure,
    ratios_figure,
    strides_figure,
)

matplotlib.use("Agg")


def results(with_torch=True):
    """A small stand-in for what benchmarks/bench.py --json writes."""
    rows = []
    for case in ("conv 2x8x8x3->4 f3 s1 p1", "maxpool 2x8x8x3 f2 s2"):
        for dtype in ("float64", "float32"):
            for pass_ in ("forward", "forward+backward"):
                rows.append(
                    {
                        "case": case,
                        "dtype": dtype,
                        "pass": pass_,
                        "fast_s": 0.002,
                        "torch_s": 0.003 if with_torch else None,
                        "torch_over_fast": 1.5 if with_torch else None,
                        "peak_bytes": 3 * 2**20,
                    }
                )
    return {"rows": rows}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def written(ax):
    return [float(text.get_text()) for text in ax.texts]


def test_strides_figure_returns_a_figure_with_two_panels():
    fig = strides_figure()

    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2


def test_strides_figure_writes_byte_addresses_of_a_float64_image():
    fig = strides_figure(n=4, f=2, stride=2, window=(0, 1), offset=(1, 1))

    assert written(fig.axes[0]) == [8.0 * k for k in range(16)]


def test_strides_figure_labels_the_window_views_strides():
    fig = strides_figure(n=5, f=3, stride=2)

    labels = " ".join(t.get_text() for t in fig.axes[1].texts)
    # sigma_W = 8 and sigma_H = 40 bytes; the window steps are s times.
    for text in ("+8 bytes", "+40 bytes", "+16 bytes", "+80 bytes"):
        assert text in labels


def test_im2col_figure_writes_the_packages_im2col_matrix():
    x = np.arange(1.0, 17.0).reshape(4, 4)

    fig = im2col_figure(x, 2, 1, highlight=(0, 4))

    X = fast._im2col(x[None, :, :, None], 2, 1, 3, 3)
    assert isinstance(fig, Figure)
    assert written(fig.axes[0]) == x.ravel().tolist()
    assert written(fig.axes[1]) == X.ravel().tolist()


def test_conv_case_shape_reads_a_bench_label():
    shape = conv_case_shape("conv 16x56x56x64->64 f3 s1 p1")

    assert shape == {
        "m": 16,
        "n_H_prev": 56,
        "n_W_prev": 56,
        "n_C_prev": 64,
        "n_C": 64,
        "f": 3,
        "stride": 1,
        "pad": 1,
    }


def test_conv_case_shape_rejects_a_pooling_label():
    with pytest.raises(ValueError, match="`label`"):
        conv_case_shape("maxpool 32x32x32x16 f2 s2")


def test_conv_flops_counts_two_per_term_of_the_forward_sum():
    shape = conv_case_shape("conv 2x5x5x3->4 f3 s2 p1")

    # n_H = n_W = floor((5 + 2 - 3) / 2) + 1 = 3.
    assert conv_flops(shape) == 2 * 2 * 3 * 3 * 3 * 3 * 3 * 4


def test_benchmark_table_has_a_line_per_case_and_pass():
    table = benchmark_table(results())

    lines = table.splitlines()
    assert len(lines) == 2 + 4
    assert lines[2] == (
        "| conv 2x8x8x3\N{RIGHTWARDS ARROW}4 f3 s1 p1 | forward "
        "| 2.00 | 1.50 | 2.00 | 1.50 "
        "| 3.0 |"
    )


def test_benchmark_table_without_torch_marks_missing_ratios():
    table = benchmark_table(results(with_torch=False))

    assert "| 2.00 | n/a |" in table.splitlines()[2]


def test_ratios_figure_draws_one_bar_per_row():
    fig = ratios_figure(results())

    assert isinstance(fig, Figure)
    assert len(fig.axes[0].patches) == 8


def test_ratios_figure_without_torch_says_so():
    fig = ratios_figure(results(with_torch=False))

    assert "not installed" in fig.axes[0].texts[0].get_text()
