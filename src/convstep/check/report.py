"""Checking a file, one child process per function, into a report."""

from dataclasses import dataclass, field
from pathlib import Path

from convstep.check.child_process import DEFAULT_TIMEOUT, _run_child
from convstep.check.in_process import CheckResult
from convstep.check.registry import CHECKS, FUNCTION_NAMES

PASS = "PASS"
FAIL = "FAIL"
NOT_FOUND = "not found"


@dataclass
class FunctionReport:
    """What the checks found about one function of the learner's file.

    `status` is PASS, FAIL or NOT_FOUND; `problem` says why the checks
    could not all run (a timeout, a crash, not a function).
    """

    name: str
    status: str
    results: list = field(default_factory=list)
    problem: str | None = None

    @property
    def failures(self):
        return [r for r in self.results if not r.passed and not r.skipped]


@dataclass
class FileReport:
    """The outcome of `check_file`."""

    path: Path
    functions: list = field(default_factory=list)
    load_error: str | None = None

    @property
    def found(self):
        return [f for f in self.functions if f.status != NOT_FOUND]

    @property
    def exit_code(self):
        """0 if every function found passes, else 1."""
        if self.load_error or not self.found:
            return 1
        return 0 if all(f.status == PASS for f in self.found) else 1


def check_file(path, timeout=DEFAULT_TIMEOUT):
    """Check every book function that the Python file at `path` defines.

    Parameters
    ----------
    path : str or Path
        A learner's Python file.
    timeout : float, default 20
        Seconds allowed for loading the file, and then for each
        function's checks, each in a process of its own.

    Returns
    -------
    report : FileReport
        Per function: PASS, FAIL with the failed checks' messages, or
        NOT_FOUND; `format_report` turns it into text.
    """
    path = Path(path)
    report = FileReport(path=path)

    outcome = _run_child(path, None, timeout)
    first = outcome.messages[0] if outcome.messages else None
    if first is None:
        report.load_error = _child_problem(
            outcome, timeout, None, loading=True
        )
        return report
    if first[0] == "load_error":
        report.load_error = first[1]
        return report

    _, callables, kinds = first
    for name in FUNCTION_NAMES:
        if name in callables:
            report.functions.append(_check_function(path, name, timeout))
        elif name in kinds:
            problem = (
                f"is defined, but is not a function: it is of type "
                f"{kinds[name]}"
            )
            report.functions.append(FunctionReport(name, FAIL, [], problem))
        else:
            report.functions.append(FunctionReport(name, NOT_FOUND))
    return report


def _check_function(path, name, timeout):
    outcome = _run_child(path, name, timeout)
    results = []
    for message in outcome.messages:
        if message[0] == "load_error":
            return FunctionReport(name, FAIL, [], message[1])
        if message[0] == "result":
            results.append(CheckResult(*message[1:]))
    done = outcome.messages and outcome.messages[-1][0] == "done"
    if done:
        status = PASS if all(r.passed for r in results) else FAIL
        return FunctionReport(name, status, results)

    loaded = any(message[0] == "loaded" for message in outcome.messages)
    running = _running_check(name, results) if loaded else None
    problem = _child_problem(outcome, timeout, running, loading=not loaded)
    return FunctionReport(name, FAIL, results, problem)


def _running_check(name, results):
    """The check that was running when the child stopped answering.

    The child reports each check when it ends, so it is the first one
    without a result.
    """
    if len(results) < len(CHECKS[name]):
        return CHECKS[name][len(results)].name
    return None


def _child_problem(outcome, timeout, running, loading=False):
    during = f" during the check '{running}'" if running else ""
    if loading:
        during = " while loading the file"
    if outcome.timed_out and loading:
        return (
            f"timed out after {timeout:g} s{during}. Code at the top level "
            f"of the file runs when it is loaded: put your own tests under "
            f'`if __name__ == "__main__":`.'
        )
    if outcome.timed_out:
        return (
            f"timed out after {timeout:g} s{during}: is there a loop that "
            f"never ends, such as a while loop whose condition never "
            f"changes?"
        )
    message = (
        f"the process running it stopped without an answer (exit code "
        f"{outcome.exit_code}){during}: does the code call os._exit(), or "
        f"crash Python?"
    )
    last_words = outcome.stderr.strip().splitlines()
    if last_words:
        message += f" It said: {last_words[-1]}"
    return message
