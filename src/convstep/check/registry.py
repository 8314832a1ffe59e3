"""The registry of checks: what a check is, and the list per function.

The check modules (`checks_padding`, `checks_conv`, `checks_pool`)
register their checks with the `_check` decorator when they are
imported; importing anything from `convstep.check` imports them all,
so `CHECKS` is complete wherever it is read, in a child process too.
"""

import inspect
from dataclasses import dataclass

FUNCTION_NAMES = (
    "zero_pad",
    "conv_single_step",
    "conv_forward",
    "pool_forward",
    "conv_backward",
    "create_mask_from_window",
    "distribute_value",
    "pool_backward",
)


@dataclass(frozen=True)
class Check:
    """One named behavioural check of one function.

    `run` takes the learner's function and returns None when it
    behaves, or a message saying what is wrong. The first line of its
    docstring is the `description` the book lists. An `essential`
    check tests the calling contract (what comes back, in what shape):
    when it fails, the function's other checks are skipped, since they
    would all fail for the same reason.
    """

    function: str
    name: str
    run: object
    essential: bool = False

    @property
    def description(self):
        return inspect.getdoc(self.run).split("\n\n")[0].replace("\n", " ")


CHECKS = {name: [] for name in FUNCTION_NAMES}


def _check(function, name, essential=False):
    """Register the decorated function as a check of `function`."""

    def register(run):
        CHECKS[function].append(Check(function, name, run, essential))
        return run

    return register


class _CheckFailedError(Exception):
    """A check's verdict, raised from a helper deep inside the check."""
