"""Running the learner's code in child processes, with a timeout."""

import importlib.util
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import convstep
from convstep.check.explain import _where, explain_exception
from convstep.check.in_process import _run_checks
from convstep.check.registry import FUNCTION_NAMES

# Seconds allowed for loading the file, and then for each function's
# checks, each in a child process of its own.
DEFAULT_TIMEOUT = 20.0

# Each child is a fresh interpreter started with subprocess: nothing is
# shared with this process, it works on every platform, and unlike
# multiprocessing's "spawn" it never re-imports this process's main
# script (which breaks from a notebook cell, stdin or an unguarded
# script). It speaks JSON, one message a line, on a copy of its stdout
# made before the learner's code could print anything.
_CHILD_CODE = (
    "import sys; from convstep.check.child_process import _child; "
    "_child(*sys.argv[1:])"
)
_MODULE_NAME = "convstep_learner_solution"
_FINAL_MESSAGES = ("done", "found", "load_error")


def _load(path):
    """Import the learner's file as a module; errors propagate."""
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module
    # The file may import a helper module that sits beside it.
    sys.path.insert(0, str(Path(path).parent))
    spec.loader.exec_module(module)
    return module


def _private_channel():
    """A text stream to the parent, on a copy of stdout.

    Then stdin, stdout and stderr go to the null device: the learner's
    debugging prints would otherwise be mixed into the messages, and
    an input() fails at once instead of waiting for the timeout.
    """
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return channel


def _child(path, name=None):
    """A child process: load the file, then report `name`'s checks.

    With no `name` it only reports which functions the file defines.
    Every message is a JSON list whose first item says what it is.
    """
    channel = _private_channel()

    def send(*message):
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    try:
        module = _load(path)
    except BaseException as error:  # the learner's code may raise anything
        send("load_error", _load_error(error, path))
        return

    if name is None:
        defined = [n for n in FUNCTION_NAMES if hasattr(module, n)]
        kinds = {n: type(getattr(module, n)).__name__ for n in defined}
        callables = [n for n in defined if callable(getattr(module, n))]
        send("found", callables, kinds)
        return

    function = getattr(module, name)
    send("loaded")
    for result in _run_checks(name, function):
        send("result", result.name, result.message, result.skipped)
    send("done")


def _load_error(error, path):
    if isinstance(error, SyntaxError):
        where = _where(error, {str(path)}) or f"line {error.lineno}"
        return f"the file has a syntax error ({error.msg}) at {where}"
    return "loading the file " + explain_exception(error, {str(path)})


@dataclass
class _ChildOutcome:
    messages: list = field(default_factory=list)
    timed_out: bool = False
    exit_code: int | None = None
    stderr: str = ""


def _child_environment():
    """This environment, with convstep importable in the child for sure."""
    environment = dict(os.environ)
    package_root = str(Path(convstep.__file__).resolve().parents[1])
    paths = [package_root, environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return environment


def _read_lines(stream, lines):
    """Move the child's lines into a queue; None marks the end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _run_child(path, name, timeout):
    """Run `_child` in a new interpreter; kill it when it overruns."""
    command = [sys.executable, "-c", _CHILD_CODE, str(path)]
    if name is not None:
        command.append(name)
    outcome = _ChildOutcome()
    lines = queue.Queue()
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=_child_environment(),
            text=True,
            encoding="utf-8",
        )
        # A thread reads, so that the wait for a line can have a
        # deadline on every platform (select() cannot wait on pipes
        # on Windows).
        reader = threading.Thread(
            target=_read_lines, args=(process.stdout, lines), daemon=True
        )
        reader.start()
        try:
            _collect(outcome, lines, deadline)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            reader.join()
            process.stdout.close()
        outcome.exit_code = process.returncode
        stderr.seek(0)
        outcome.stderr = stderr.read().decode("utf-8", "replace")
    return outcome


def _collect(outcome, lines, deadline):
    """Gather the child's messages until its last one, its end or the
    deadline, whichever comes first."""
    while True:
        left = deadline - time.monotonic()
        try:
            line = lines.get(timeout=left) if left > 0 else None
        except queue.Empty:
            line = None
        if line is None:
            # No line in time, or the child closed its end: it stopped.
            outcome.timed_out = time.monotonic() >= deadline
            return
        try:
            message = json.loads(line)
        except ValueError:
            continue
        outcome.messages.append(message)
        if message[0] in _FINAL_MESSAGES:
            return
