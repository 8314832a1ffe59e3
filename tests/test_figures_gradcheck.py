"""Tests of the chapter "Checking gradients"'s figures and tables."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from convstep import numerical_gradient
from convstep.figures.gradcheck import (
    CURVES,
    NB_HYPHEN,
    error_table,
    one_sided_gradient,
    step_size_errors,
    step_size_figure,
)

matplotlib.use("Agg")

STEPS = (1e-2, 1e-5, 1e-10)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def errors():
    return step_size_errors(STEPS)


def test_one_sided_gradient_has_first_order_error():
    # d/dx x**3 at 1 is 3; forward differences give 3 + 3h + h**2.
    grad = one_sided_gradient(lambda x: np.sum(x**3), np.ones(1), 1e-2)

    assert grad[0] == pytest.approx(3.0301, abs=1e-9)


def test_one_sided_gradient_leaves_its_argument_alone():
    x = np.array([1.0, 2.0])

    one_sided_gradient(lambda v: np.sum(v**2), x, 1e-3)

    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_step_size_errors_give_one_error_per_step_and_curve(errors):
    assert list(errors) == list(CURVES)
    assert all(values.shape == (len(STEPS),) for values in errors.values())


def test_central_differences_beat_one_sided_at_a_moderate_step(errors):
    assert errors[CURVES[0]][1] < 1e-8 < errors[CURVES[1]][1]


def test_float32_is_unusable_at_the_float64_default_step(errors):
    # At h = 1e-5 the float32 loss changes by less than its rounding.
    assert errors[CURVES[2]][1] > 1e-3


def test_linear_loss_has_no_truncation_error(errors):
    assert errors[CURVES[3]][0] < 1e-12


def test_step_size_figure_plots_the_computed_errors(errors):
    fig = step_size_figure(STEPS, errors)

    assert isinstance(fig, Figure)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    for name in CURVES:
        np.testing.assert_array_equal(lines[name].get_ydata(), errors[name])
        np.testing.assert_array_equal(lines[name].get_xdata(), STEPS)


def test_error_table_marks_failures():
    table = error_table(
        [
            ("conv_backward", "s=1", {"dA_prev": 1e-10, "dW": 2e-10}),
            ("bad", "s=2", {"dA_prev": 1e-10, "dW": 0.5}),
        ]
    )
    lines = table.replace(NB_HYPHEN, "-").splitlines()

    assert len(lines) == 4
    assert lines[2].endswith("| 1.0e-10 | 2.0e-10 | - |")
    assert lines[3].endswith("| 1.0e-10 | **5.0e-01** | - |")


def test_error_table_lists_every_gradient_with_its_error():
    error = numerical_gradient(lambda x: float(np.sum(x)), np.ones(2))[0]

    table = error_table([("f", "-", {"dA": error - 1.0, "db": 0.25})])
    table = table.replace(NB_HYPHEN, "-")

    assert f"| `dA` {error - 1.0:.1e} | - | **2.5e-01** |" in table
