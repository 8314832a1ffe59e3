"""Tests of the learner self-check, `python -m convstep.check`.

Each broken solution below repeats one classic mistake (most of them
borrowed from `convstep.pitfalls`) and must get the right diagnosis,
not merely a failure. Every `check_file` call starts fresh Python
processes, so the files are kept small: one function each, mostly.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import convstep
from convstep.check import (
    CHECKS,
    FAIL,
    FUNCTION_NAMES,
    NOT_FOUND,
    PASS,
    check_file,
    format_report,
    run_checks,
)

# Short enough to keep the endless-loop test quick, long enough for a
# fresh interpreter to import NumPy on a busy machine.
SHORT_TIMEOUT = 3.0


def write(directory, text, name="my_solution.py"):
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def entry(report, function):
    (found,) = [f for f in report.functions if f.name == function]
    return found


def failures(report, function):
    """{check name: message} of the checks of `function` that failed."""
    return {r.name: r.message for r in entry(report, function).failures}


@pytest.fixture(scope="module")
def reference_report(tmp_path_factory):
    path = write(
        tmp_path_factory.mktemp("reference"), "from convstep import *"
    )
    return check_file(path)


# the catalogue of checks -----------------------------------------------


def test_every_function_has_checks_led_by_an_essential_one():
    assert list(CHECKS) == list(FUNCTION_NAMES)
    for checks in CHECKS.values():
        assert len(checks) >= 4
        assert checks[0].essential


def test_every_check_has_a_unique_name_and_a_description():
    for checks in CHECKS.values():
        names = [check.name for check in checks]
        assert len(set(names)) == len(names)
        assert all(check.description for check in checks)


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_the_reference_passes_every_check_in_process(name):
    results = run_checks(name, getattr(convstep, name))

    assert [r.message for r in results] == [None] * len(CHECKS[name])


def test_the_vectorized_twin_passes_too():
    for name in ("conv_forward", "conv_backward", "pool_forward"):
        results = run_checks(name, getattr(convstep.fast, name))
        assert all(result.passed for result in results), results


# the reference, through the child processes ----------------------------


def test_the_reference_file_passes_everything(reference_report):
    assert reference_report.load_error is None
    assert [f.status for f in reference_report.functions] == [PASS] * 8
    assert reference_report.exit_code == 0


def test_the_report_fits_a_terminal(reference_report):
    text = format_report(reference_report)

    assert "8 passed, 0 failed, 0 not found." in text
    assert max(len(line) for line in text.splitlines()) <= 79


def test_functions_not_defined_are_skipped_not_failed(tmp_path):
    path = write(tmp_path, "from convstep import zero_pad")

    report = check_file(path)

    assert entry(report, "zero_pad").status == PASS
    assert entry(report, "conv_forward").status == NOT_FOUND
    assert report.exit_code == 0
    assert "1 passed, 0 failed, 7 not found." in format_report(report)


# broken solutions get the right diagnosis ------------------------------


def test_stride_ignored_in_conv_backward(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import conv_backward_stride_ignored"
        " as conv_backward",
    )

    report = check_file(path)

    failed = failures(report, "conv_backward")
    assert "numerical gradients, stride 1, pad 1" not in failed
    message = failed["numerical gradients, stride 2"]
    assert "dA_prev and dW are wrong when stride = 2" in message
    assert "right when stride = 1" in message
    assert "h * stride" in message


def test_negative_slice_fails_when_pad_is_zero(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import conv_backward_negative_slice"
        " as conv_backward",
    )

    report = check_file(path)

    failed = failures(report, "conv_backward")
    assert "numerical gradients, stride 2" not in failed
    message = failed["numerical gradients, pad 0"]
    assert "fails when pad = 0" in message
    assert "X[pad:-pad]" in message


def test_mask_marking_all_ties(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import create_mask_marking_all_ties"
        " as create_mask_from_window",
    )

    report = check_file(path)

    failed = failures(report, "create_mask_from_window")
    assert list(failed) == ["ties"]
    assert "should mark only the first" in failed["ties"]


def test_pool_backward_passing_gradient_to_every_tie(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import pool_backward_ties_counted_twice"
        " as pool_backward",
    )

    report = check_file(path)

    failed = failures(report, "pool_backward")
    assert list(failed) == ["max: tied maxima"]
    assert (
        "two tied maxima both received the gradient"
        in failed["max: tied maxima"]
    )


def test_pool_backward_overwriting_overlapping_windows(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import pool_backward_overwrites"
        " as pool_backward",
    )

    report = check_file(path)

    failed = failures(report, "pool_backward")
    assert "max: hand-computed" not in failed
    assert "add it with +=" in failed["overlapping windows"]
    assert "where windows overlap" in failed["numerical gradients, average"]


def test_float_of_the_bias_array(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import conv_single_step_float_of_array"
        " as conv_single_step",
    )

    report = check_file(path)

    message = failures(report, "conv_single_step")["returns one number"]
    assert "float() of an array" in message
    assert "b.item()" in message


def test_output_size_without_the_plus_one(tmp_path):
    path = write(
        tmp_path,
        """
        import numpy as np


        def conv_forward(A_prev, W, b, hparameters):
            stride, pad = hparameters["stride"], hparameters["pad"]
            m, n_H_prev, n_W_prev, _ = A_prev.shape
            f, _, _, n_C = W.shape
            n_H = (n_H_prev + 2 * pad - f) // stride
            n_W = (n_W_prev + 2 * pad - f) // stride
            A = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            Z = np.zeros((m, n_H, n_W, n_C))
            for h in range(n_H):
                for w in range(n_W):
                    rows = slice(h * stride, h * stride + f)
                    cols = slice(w * stride, w * stride + f)
                    window = A[:, rows, cols, :, None]
                    Z[:, h, w, :] = np.sum(window * W, axis=(1, 2, 3))
            Z += b[0, 0, 0]
            return Z, (A_prev, W, b, hparameters)
        """,
    )

    report = check_file(path)

    message = failures(report, "conv_forward")["returns (Z, cache)"]
    assert "too small by one in height and width" in message
    assert "+ 1" in message


def test_conv_forward_returning_only_Z(tmp_path):
    path = write(
        tmp_path,
        """
        from convstep import conv_forward as reference


        def conv_forward(A_prev, W, b, hparameters):
            return reference(A_prev, W, b, hparameters)[0]
        """,
    )

    report = check_file(path)

    failed = failures(report, "conv_forward")
    message = failed["returns (Z, cache)"]
    assert "must return the tuple (Z, cache)" in message
    assert "it returned an array of shape" in message
    skipped = [r for r in entry(report, "conv_forward").results if r.skipped]
    assert len(skipped) == len(CHECKS["conv_forward"]) - 1


def test_an_exception_names_the_learners_line(tmp_path):
    path = write(
        tmp_path,
        """
        def distribute_value(dz, shape):
            raise RuntimeError("not written yet")
        """,
    )

    report = check_file(path)

    message = failures(report, "distribute_value")[
        "returns an array of the shape"
    ]
    assert "raised RuntimeError: not written yet" in message
    assert "line 3 of my_solution.py" in message


def test_nan_in_the_output(tmp_path):
    path = write(
        tmp_path,
        """
        import numpy as np


        def zero_pad(X, pad):
            shape = (X.shape[0], X.shape[1] + 2 * pad, X.shape[2] + 2 * pad)
            return np.full(shape + X.shape[3:], np.nan, dtype=X.dtype)
        """,
    )

    report = check_file(path)

    assert "contains NaN" in failures(report, "zero_pad")["pad = 0"]


def test_an_endless_loop_times_out_and_the_rest_is_checked(tmp_path):
    path = write(
        tmp_path,
        """
        from convstep import zero_pad


        def pool_forward(A_prev, hparameters, mode="max"):
            while True:
                pass
        """,
    )

    report = check_file(path, timeout=SHORT_TIMEOUT)

    looping = entry(report, "pool_forward")
    assert looping.status == FAIL
    assert looping.problem.startswith(f"timed out after {SHORT_TIMEOUT:g} s")
    assert "returns (A, cache)" in looping.problem
    assert entry(report, "zero_pad").status == PASS


def test_prints_in_the_learners_code_stay_out_of_the_report(tmp_path):
    path = write(
        tmp_path,
        """
        import convstep

        print("loading my solution")


        def zero_pad(X, pad):
            print("debugging zero_pad")
            return convstep.zero_pad(X, pad)
        """,
    )

    report = check_file(path)

    assert entry(report, "zero_pad").status == PASS
    assert "debugging" not in format_report(report)


def test_a_crash_of_the_process_is_reported(tmp_path):
    path = write(
        tmp_path,
        """
        import os


        def zero_pad(X, pad):
            os._exit(3)
        """,
    )

    report = check_file(path)

    problem = entry(report, "zero_pad").problem
    assert "stopped without an answer (exit code 3)" in problem


def test_a_name_that_is_not_a_function(tmp_path):
    path = write(tmp_path, "zero_pad = 3\n")

    report = check_file(path)

    assert entry(report, "zero_pad").status == FAIL
    assert "not a function" in entry(report, "zero_pad").problem


# files that do not load ------------------------------------------------


def test_a_syntax_error(tmp_path):
    path = write(tmp_path, "def zero_pad(X, pad)\n    return X\n")

    report = check_file(path)

    assert "syntax error" in report.load_error
    assert "line 1 of my_solution.py" in report.load_error
    assert report.functions == []
    assert report.exit_code == 1


def test_an_exception_while_loading(tmp_path):
    path = write(tmp_path, "import numpy as np\n\nscale = 1 / 0\n")

    report = check_file(path)

    assert "raised ZeroDivisionError" in report.load_error
    assert "line 3 of my_solution.py" in report.load_error
    assert report.exit_code == 1


def test_a_notebook_saved_with_its_ipython_commands(tmp_path):
    source = (
        "import numpy as np\n"
        "get_ipython().run_line_magic('matplotlib', 'inline')\n"
        "def zero_pad(X, pad):\n"
        "    return X\n"
    )
    path = write(tmp_path, source)

    report = check_file(path)

    assert "raised NameError" in report.load_error
    assert "get_ipython() lines" in report.load_error
    assert "import numpy as np" not in report.load_error


def test_an_endless_loop_while_loading(tmp_path):
    path = write(tmp_path, "while True:\n    pass\n")

    report = check_file(path, timeout=SHORT_TIMEOUT)

    assert "while loading the file" in report.load_error
    assert 'if __name__ == "__main__":' in report.load_error
    assert report.exit_code == 1


def test_an_empty_file_has_no_functions(tmp_path):
    path = write(tmp_path, "")

    report = check_file(path)

    assert [f.status for f in report.functions] == [NOT_FOUND] * 8
    assert report.exit_code == 1
    assert "No functions found" in format_report(report)


# the command line ------------------------------------------------------


def run_cli(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "convstep.check", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_cli_exits_0_when_every_function_found_passes(tmp_path):
    path = write(tmp_path, "from convstep import distribute_value")

    completed = run_cli(path)

    assert completed.returncode == 0, completed.stdout
    assert "distribute_value ......" in completed.stdout
    assert completed.stderr == ""


def test_cli_exits_1_when_a_function_fails(tmp_path):
    path = write(
        tmp_path,
        "from convstep.pitfalls import create_mask_marking_all_ties"
        " as create_mask_from_window",
    )

    completed = run_cli(path)

    assert completed.returncode == 1
    assert "create_mask_from_window ..." in completed.stdout
    assert "FAIL" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr


def test_cli_exits_2_for_a_missing_file(tmp_path):
    completed = run_cli(tmp_path / "nowhere.py")

    assert completed.returncode == 2
    assert "no such file" in completed.stderr
    assert completed.stdout == ""


def test_cli_rejects_a_timeout_that_is_not_positive(tmp_path):
    path = write(tmp_path, "")

    completed = run_cli(path, "--timeout", "0")

    assert completed.returncode == 2
    assert "--timeout" in completed.stderr


def test_an_independent_correct_implementation_passes():
    def distribute_value(dz, shape):
        dz = np.asarray(dz)
        return np.full(shape, dz / (shape[0] * shape[1]), dtype=dz.dtype)

    results = run_checks("distribute_value", distribute_value)

    assert all(result.passed for result in results), results
