"""Running the checks of one function in this process.

Nothing here guards against endless loops or crashes: `check_file`
runs these in a child process with a timeout (`child_process`).
"""

import warnings
from dataclasses import dataclass

from convstep.check.explain import explain_exception
from convstep.check.registry import CHECKS, _CheckFailedError


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: passed, failed with a message, skipped."""

    name: str
    message: str | None = None
    skipped: bool = False

    @property
    def passed(self):
        return self.message is None and not self.skipped


def run_check(check, function):
    """Run one check on `function`, in this process.

    Exceptions from the learner's code become messages; warnings are
    errors here, so that a deprecated call (``float`` of an array on
    NumPy < 2.4) is caught on every NumPy.
    """
    files = {getattr(getattr(function, "__code__", None), "co_filename", "")}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            message = check.run(function)
    except _CheckFailedError as failure:
        message = str(failure)
    except (Exception, SystemExit) as error:
        message = explain_exception(error, files)
    return CheckResult(check.name, message)


def run_checks(name, function):
    """Run every check of the function called `name`, in this process.

    Nothing here guards against endless loops: `check_file` runs this
    in a child process with a timeout.

    Parameters
    ----------
    name : str
        One of `FUNCTION_NAMES`.
    function : callable
        An implementation of it.

    Returns
    -------
    results : list of CheckResult
        One per check, in the order of ``CHECKS[name]``.

    Examples
    --------
    >>> import convstep
    >>> results = run_checks("zero_pad", convstep.zero_pad)
    >>> all(result.passed for result in results)
    True
    """
    return list(_run_checks(name, function))


def _run_checks(name, function):
    blocked = None
    for check in CHECKS[name]:
        if blocked is not None:
            yield CheckResult(
                check.name, f"not run until '{blocked}' passes", True
            )
            continue
        result = run_check(check, function)
        if check.essential and not result.passed:
            blocked = check.name
        yield result
