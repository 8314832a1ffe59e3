"""Check a learner's own implementation against the book's behaviour.

Run it on a Python file that defines any of the book's functions::

    python -m convstep.check path/to/my_solution.py

Every function the file defines under one of the names in
`FUNCTION_NAMES` is put through the checks listed in `CHECKS`: tiny
cases computed by hand, output shapes, stride 2, ``pad = 0``,
overlapping pooling windows, tied maxima, numerical gradients, float32
and read-only inputs. The report says, per function, PASS or what is
wrong in plain words, with a hint aimed at the classic mistakes that
`convstep.pitfalls` collects. Functions the file does not define are
reported as "not found" and skipped.

The learner's code never runs in this process. Loading the file, and
then each function's checks, happen in a fresh Python process of
their own that is killed when it overruns its time, so a syntax error,
an exception, an endless loop, a crash or a stray ``exit()`` in the
file becomes a line of the report, never a traceback.

Exit status: 0 when every function found passes, 1 when one fails or
nothing could be checked (the file does not load, or defines none of
the functions), 2 for a usage error such as a missing file.

The package, in the order a check runs:

* `registry`: what a check is, and `CHECKS`, the checks per function;
* `helpers`: calling the learner's function and judging what it gives;
* `checks_padding`, `checks_conv`, `checks_pool`: the checks
  themselves, one module per module of the package they mirror;
* `explain`: an exception from the learner's code, in plain words;
* `in_process`: running one function's checks in this process;
* `child_process`: running them in a fresh Python process, timed;
* `report`: checking a whole file, one process per function;
* `formatting`: the report as text;
* `cli` and `__main__`: the command line.
"""

# Importing the check modules registers their checks in `CHECKS`. Any
# import from this package (the child process's too) runs this file
# first, so no one ever sees a partial registry.
from convstep.check import checks_conv, checks_padding, checks_pool
from convstep.check.child_process import DEFAULT_TIMEOUT
from convstep.check.cli import main
from convstep.check.explain import explain_exception
from convstep.check.formatting import format_report
from convstep.check.helpers import GRADIENT_TOLERANCE
from convstep.check.in_process import CheckResult, run_check, run_checks
from convstep.check.registry import CHECKS, FUNCTION_NAMES, Check
from convstep.check.report import (
    FAIL,
    NOT_FOUND,
    PASS,
    FileReport,
    FunctionReport,
    check_file,
)

__all__ = [
    "CHECKS",
    "DEFAULT_TIMEOUT",
    "FAIL",
    "FUNCTION_NAMES",
    "GRADIENT_TOLERANCE",
    "NOT_FOUND",
    "PASS",
    "Check",
    "CheckResult",
    "FileReport",
    "FunctionReport",
    "check_file",
    "checks_conv",
    "checks_padding",
    "checks_pool",
    "explain_exception",
    "format_report",
    "main",
    "run_check",
    "run_checks",
]
