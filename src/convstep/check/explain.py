"""Explaining an exception raised in the learner's code, with a hint."""

import re
import traceback
from pathlib import Path

_FLOAT_OF_ARRAY = (
    "only 0-dimensional arrays",
    "only length-1 arrays",
    "only size-1 arrays",
    "ndim > 0 to a scalar",
)


def _empty_broadcast(text):
    """Whether a broadcasting error involves an empty slice."""
    shapes = re.findall(r"shape \(([^)]*)\)", text)
    return "broadcast" in text and any(
        "0" in [dim.strip() for dim in shape.split(",")] for shape in shapes
    )


def _exception_hint(error):
    """A hint for the exceptions that the classic mistakes raise."""
    text = str(error)
    if any(marker in text for marker in _FLOAT_OF_ARRAY):
        return (
            "float() of an array: b has shape (1, 1, 1), and NumPy refuses "
            "(or, before 2.4, warns) to turn an array with dimensions into "
            "a number. Use b.item(), which reads its one number."
        )
    if isinstance(error, NameError) and error.name == "get_ipython":
        return (
            "The file was saved from a notebook and still holds its "
            "IPython commands (get_ipython() lines, from %matplotlib or "
            "%autoreload): delete them, they run only inside Jupyter."
        )
    if "cannot be interpreted as an integer" in text:
        return (
            "A size or an index is a float: compute sizes with // (integer "
            "division) or int(...), not /."
        )
    if "read-only" in text:
        return (
            "The function writes into an array it was given (the checker "
            "passes read-only inputs to catch this). Work on a copy, or "
            "build new arrays with np.zeros."
        )
    if _empty_broadcast(text):
        return (
            "An empty slice: X[pad:-pad] is empty when pad = 0. Use "
            "X[pad:pad + n_H_prev] to cut off the padding."
        )
    if "broadcast" in text:
        return (
            "Two arrays of different shapes met: print the shape of the "
            "window you slice and of what you assign to it."
        )
    return _HINTS_BY_TYPE.get(type(error))


_HINTS_BY_TYPE = {
    NameError: (
        "The file uses a name it never defines or imports: is `import "
        "numpy as np` at the top, and is every helper it calls defined in "
        "the same file (or imported from convstep)?"
    ),
    UnboundLocalError: "A variable is used before anything is assigned to it.",
    RecursionError: "The function calls itself without end.",
    IndexError: (
        "An index runs past the end of an array: check the ranges of "
        "your loops and where each window ends (vert_end = vert_start + f)."
    ),
    KeyError: (
        "hparameters holds 'stride' and 'pad' for a convolution, 'f' and "
        "'stride' for pooling."
    ),
    SystemExit: "The function called exit(): return a value instead.",
}


def _where(error, files):
    """'line N of FILE: CODE' for the last frame of `error` in `files`."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename in files
    ]
    if isinstance(error, SyntaxError) and error.filename in files:
        code = (error.text or "").strip()
        return f"line {error.lineno} of {Path(error.filename).name}: {code}"
    if not frames:
        return None
    frame = frames[-1]
    code = (frame.line or "").strip()
    return f"line {frame.lineno} of {Path(frame.filename).name}: {code}"


def explain_exception(error, files=()):
    """Describe an exception in the learner's code in plain words.

    Parameters
    ----------
    error : BaseException
        What the learner's code raised (or warned, under an "error"
        warnings filter).
    files : collection of str
        Source files whose lines are worth quoting: the learner's.

    Returns
    -------
    message : str
        The exception's type and text, the learner's line it came
        from, and a hint when it is a known mistake.

    Examples
    --------
    >>> explain_exception(TypeError("only 0-dimensional arrays can be "
    ...                             "converted to Python scalars"))[:48]
    'raised TypeError: only 0-dimensional arrays can '
    """
    verb = "warned" if isinstance(error, Warning) else "raised"
    text = str(error)
    if len(text) > 300:
        text = text[:300] + " ..."
    message = f"{verb} {type(error).__name__}: {text}"
    where = _where(error, set(files))
    if where:
        message += f"\n(at {where})"
    hint = _exception_hint(error)
    if hint:
        message += f"\n{hint}"
    return message
