"""Figures and tables of the chapter "Checking gradients".

The step-size figure is drawn from errors that
`convstep.numerical_gradient` and `convstep.relative_error` compute on a
small convolution, so the curves are the package's own numbers, not a
sketch.
"""

import numpy as np

from convstep.conv import conv_backward, conv_forward
from convstep.figures.grid import WINDOW_COLORS, new_figure
from convstep.gradcheck import numerical_gradient, relative_error
from convstep.layers import softmax_cross_entropy

# The convolution whose dW the step-size figure checks: stride 2 and
# padding 1, so that nothing about it is a special case.
STEP_HPARAMETERS = {"stride": 2, "pad": 1}
CURVES = (
    "central, float64",
    "one-sided, float64",
    "central, float32",
    "central, float64, linear loss",
)


def one_sided_gradient(f, x, h):
    """Estimate a gradient by forward differences.

    The chapter compares this with the central differences of
    `convstep.numerical_gradient`.

    Parameters
    ----------
    f : callable
        Takes an array shaped like `x` and returns a real number.
    x : ndarray
        The point; not modified.
    h : float
        The step.

    Returns
    -------
    grad : ndarray of float64, shaped like `x`
        ``grad[j] = (f(x + h e_j) - f(x)) / h``.

    Examples
    --------
    >>> g = one_sided_gradient(lambda x: np.sum(x**2), np.ones(2), 1e-3)
    >>> np.round(g, 3)
    array([2.001, 2.001])
    """
    point = np.array(x, dtype=np.float64)
    f_at_x = f(point)

    grad = np.zeros_like(point)
    flat_point, flat_grad = point.reshape(-1), grad.reshape(-1)
    for j in range(flat_point.size):
        original = flat_point[j]
        flat_point[j] = original + h
        flat_grad[j] = (f(point) - f_at_x) / h
        flat_point[j] = original
    return grad


def step_size_problem(seed=0):
    """The small convolution that `step_size_errors` checks.

    Parameters
    ----------
    seed : int, default 0
        Seeds the inputs, filters, biases, labels and weights `G`.

    Returns
    -------
    problem : dict
        ``A_prev`` (2, 5, 5, 3), ``W`` (3, 3, 3, 2), ``b`` (1, 1, 1, 2),
        all float64; ``y``, one label per example among the 18 entries
        of its output ``Z`` (2, 3, 3, 2); and ``G``, random weights
        shaped like ``Z``.
    """
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((2, 5, 5, 3))
    W = 0.5 * rng.standard_normal((3, 3, 3, 2))
    b = rng.standard_normal((1, 1, 1, 2))
    Z, _ = conv_forward(A_prev, W, b, STEP_HPARAMETERS)
    return {
        "A_prev": A_prev,
        "W": W,
        "b": b,
        "y": rng.integers(0, Z[0].size, size=Z.shape[0]),
        "G": rng.standard_normal(Z.shape),
    }


def step_size_errors(steps, seed=0):
    """Relative error of `conv_backward`'s dW for each step size.

    Parameters
    ----------
    steps : sequence of float
        The steps `h` to try.
    seed : int, default 0
        Passed to `step_size_problem`.

    Returns
    -------
    errors : dict of ndarray
        One array of relative errors per name in `CURVES`. The first
        three use a curved loss, the softmax cross-entropy of the
        flattened output ``Z``; the last uses the linear loss
        ``sum(G * Z)``, for which central differences have no
        truncation error at all. "float32" evaluates the loss in
        float32 (the analytic gradient stays float64).
    """
    p = step_size_problem(seed)
    A_prev, b, y, G = p["A_prev"], p["b"], p["y"], p["G"]
    m = A_prev.shape[0]

    def curved_loss(W, dtype=np.float64):
        Z, _ = conv_forward(
            A_prev.astype(dtype), W.astype(dtype), b.astype(dtype),
            STEP_HPARAMETERS,
        )  # fmt: skip
        return softmax_cross_entropy(Z.reshape(m, -1), y)[0]

    def linear_loss(W):
        return np.sum(G * conv_forward(A_prev, W, b, STEP_HPARAMETERS)[0])

    Z, cache = conv_forward(A_prev, p["W"], b, STEP_HPARAMETERS)
    _, dlogits = softmax_cross_entropy(Z.reshape(m, -1), y)
    _, dW_curved, _ = conv_backward(dlogits.reshape(Z.shape), cache)
    _, dW_linear, _ = conv_backward(G, cache)

    def float32_loss(W):
        return curved_loss(W, np.float32)

    estimates = {
        CURVES[0]: (dW_curved, curved_loss, numerical_gradient),
        CURVES[1]: (dW_curved, curved_loss, one_sided_gradient),
        CURVES[2]: (dW_curved, float32_loss, numerical_gradient),
        CURVES[3]: (dW_linear, linear_loss, numerical_gradient),
    }
    return {
        name: np.array(
            [
                relative_error(analytic, estimate(loss, p["W"], h))
                for h in steps
            ]
        )
        for name, (analytic, loss, estimate) in estimates.items()
    }


def step_size_figure(steps, errors):
    """Draw relative error against step size, on log-log axes.

    Parameters
    ----------
    steps : sequence of float
        The steps `h`, as given to `step_size_errors`.
    errors : dict of ndarray
        What `step_size_errors` returned.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One line with markers per curve. Dashed guide lines of slope 2
        and 1 mark the truncation error of central and one-sided
        differences, a dotted line of slope -1 the rounding error of
        float64; a grey band marks the errors (1e-7 and above) at which
        a check fails. The horizontal axis runs from large steps on the
        left to small ones on the right.
    """
    steps = np.asarray(steps, dtype=float)
    styles = dict(zip(CURVES, ("o-", "s-", "^-", "d-"), strict=True))

    fig, (ax,) = new_figure(width_per_axis=7.0, height=4.6)
    ax.axhspan(1e-7, 2.0, color="#E4E4E4", zorder=0, label="fails (1e-7)")
    for index, (name, values) in enumerate(errors.items()):
        ax.loglog(
            steps,
            values,
            styles.get(name, "o-"),
            color=WINDOW_COLORS[index % len(WINDOW_COLORS)],
            label=name,
            markersize=5,
        )

    # Guide lines, offset from the curves they follow so both show:
    # truncation over the largest steps, rounding over the smallest.
    n_guide = min(4, steps.size)
    big, small = steps[:n_guide], steps[-n_guide:]
    central = errors[CURVES[0]]
    one_sided = errors[CURVES[1]]
    truncation_2 = 0.1 * central[0] * (big / big[0]) ** 2
    truncation_1 = 10 * one_sided[0] * (big / big[0])
    rounding = 10 * central[-1] * small[-1] / small
    ax.loglog(big, truncation_2, "k--", lw=0.9)
    ax.loglog(big, truncation_1, "k--", lw=0.9)
    ax.loglog(small, rounding, "k:", lw=1.2)
    middle = n_guide // 2
    ax.text(big[middle], truncation_2[middle] / 30,
            "truncation ∝ h²\n(central)", fontsize=9, ha="center",
            va="top")  # fmt: skip
    ax.text(big[middle], 3 * truncation_1[middle],
            "truncation ∝ h (one-sided)", fontsize=9, ha="left",
            va="bottom")  # fmt: skip
    ax.text(small[middle], 3 * rounding[middle],
            "rounding ∝ ε/h (float64)", fontsize=9, ha="right",
            va="bottom")  # fmt: skip

    ax.set_xlim(steps.max() * 3, steps.min() / 3)
    ax.set_ylim(1e-16, 2.0)
    ax.set_xlabel("step h (smaller to the right)")
    ax.set_ylabel("relative error of dW")
    ax.grid(True, which="major", color="#DDDDDD", linewidth=0.6)
    ax.legend(loc="lower left", fontsize=9)
    return fig


def error_table(rows, bound=1e-7):
    """Gradient-check results as a Markdown table.

    Parameters
    ----------
    rows : sequence of tuple
        ``(function, setting, errors)``: what was checked, in which
        configuration, and a dict of the relative error of each
        gradient it returns. The keys ``"dW"`` and ``"db"`` get columns
        of their own; any other key is the gradient of the input, and
        is named in its cell unless it is ``"dA_prev"``.
    bound : float, default 1e-7
        Errors at or above it fail, and are written in bold.

    Returns
    -------
    table : str
        A pipe table with one line per row: the input gradient's error
        and those of dW and db (a dash where the function has none).
        Numbers are written with a non-breaking hyphen in the exponent,
        so that a narrow column cannot split them.

    Examples
    --------
    >>> rows = [("relu_backward", "(2, 3)", {"dZ": 1e-11, "db": 0.5})]
    >>> print(error_table(rows).replace(NB_HYPHEN, "-"))
    | function | setting | dA_prev | dW | db |
    |:--|:--|--:|--:|--:|
    | `relu_backward` | (2, 3) | `dZ` 1.0e-11 | - | **5.0e-01** |
    """

    def number(error):
        text = f"{error:.1e}".replace("-", NB_HYPHEN)
        return text if error < bound else f"**{text}**"

    lines = [
        "| function | setting | dA_prev | dW | db |",
        "|:--|:--|--:|--:|--:|",
    ]
    for function, setting, errors in rows:
        inputs = [
            number(error) if name == "dA_prev" else f"`{name}` {number(error)}"
            for name, error in errors.items()
            if name not in ("dW", "db")
        ]
        cells = [
            ", ".join(inputs) or "-",
            *(number(errors[k]) if k in errors else "-" for k in ("dW", "db")),
        ]
        lines.append(
            f"| `{function}` | {setting} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


NB_HYPHEN = "\u2011"
