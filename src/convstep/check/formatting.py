"""The report as text for a terminal, at most 79 columns wide."""

import re
import textwrap

import convstep
from convstep.check.registry import CHECKS, FUNCTION_NAMES
from convstep.check.report import FAIL, NOT_FOUND, PASS

# A space on either side of an operator: "stride = 2", "h * stride".
_OPERATOR = re.compile(r"(?<=\S) (=|\*|\+|-|//|/) (?=\S)")
# Code quoted in backticks.
_CODE = re.compile(r"`[^`]*`")
_KEEP = "\x00"


def _wrap(text, indent):
    """Wrap each line of `text`; lines that start with a space are kept.

    A line never breaks beside an operator, so that "stride = 2" and
    "h * stride" stay whole, nor inside code quoted in backticks.
    """
    lines = []
    for line in text.splitlines():
        if line.startswith(" "):
            lines.append(indent + line)
            continue
        glued = _OPERATOR.sub(rf"{_KEEP}\1{_KEEP}", line)
        glued = _CODE.sub(lambda code: code[0].replace(" ", _KEEP), glued)
        wrapped = textwrap.wrap(
            glued,
            width=79,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        lines.extend(part.replace(_KEEP, " ") for part in wrapped)
    return lines


def format_report(report):
    """The report as text for a terminal, at most 79 columns wide."""
    lines = [
        f"Self-check of {report.path.name}, convstep {convstep.__version__}",
        "",
    ]
    if report.load_error:
        lines += _wrap(f"Could not check the file: {report.load_error}", "")
        return "\n".join(lines) + "\n"

    for function in report.functions:
        lines += _function_lines(function)
    lines.append("")
    if not report.found:
        names = ", ".join(FUNCTION_NAMES)
        lines += _wrap(
            f"No functions found: the file defines none of {names}. "
            f"Check the spelling, and that they are defined at the top "
            f"level of the file (not inside another function).",
            "",
        )
    else:
        counts = {PASS: 0, FAIL: 0, NOT_FOUND: 0}
        for function in report.functions:
            counts[function.status] += 1
        lines.append(
            f"{counts[PASS]} passed, {counts[FAIL]} failed, "
            f"{counts[NOT_FOUND]} not found."
        )
    return "\n".join(lines) + "\n"


def _function_lines(function):
    title = f"{function.name} ".ljust(32, ".")
    if function.status == NOT_FOUND:
        return [f"{title} not found (skipped)"]
    if function.status == PASS:
        return [f"{title} PASS ({len(function.results)} checks)"]

    total = len(CHECKS[function.name])
    failed = len(function.failures)
    lines = [f"{title} FAIL ({failed} of {total} checks failed)"]
    if function.problem:
        lines = [f"{title} FAIL"]
    for result in function.failures:
        lines.append(f"  [x] {result.name}")
        lines += _wrap(result.message, "      ")
    if function.problem:
        lines += _wrap(function.problem, "  ")
    skipped = [r for r in function.results if r.skipped]
    if skipped:
        lines += _wrap(
            f"({len(skipped)} more checks not run until "
            f"'{function.failures[0].name}' passes.)",
            "  ",
        )
    return lines
