"""The command line: ``python -m convstep.check FILE [--timeout S]``."""

import argparse
import sys
from pathlib import Path

from convstep.check.child_process import DEFAULT_TIMEOUT
from convstep.check.formatting import format_report
from convstep.check.registry import FUNCTION_NAMES
from convstep.check.report import check_file


def _positive_seconds(text):
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text}")
    return seconds


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m convstep.check",
        description=(
            "Check your own implementation of the book's functions ("
            + ", ".join(FUNCTION_NAMES)
            + ") against the behaviour the book's tests demand."
        ),
        epilog=(
            "Exit status: 0 if every function found passes, 1 if one "
            "fails or nothing could be checked, 2 for a usage error."
        ),
    )
    parser.add_argument("path", help="your Python file, e.g. my_solution.py")
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        help=(
            "seconds allowed for loading the file and for each "
            f"function's checks (default {DEFAULT_TIMEOUT:g})"
        ),
    )
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    path = Path(arguments.path)
    if not path.is_file():
        parser.print_usage(sys.stderr)
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    if path.suffix == ".ipynb":
        parser.print_usage(sys.stderr)
        print(
            "error: that is a notebook; save its code as a .py file "
            "first: jupyter nbconvert --to script " + str(path),
            file=sys.stderr,
        )
        return 2

    print(f"Checking {path} ...", flush=True)
    report = check_file(path, timeout=arguments.timeout)
    print(format_report(report), end="")
    return report.exit_code
