"""Tests of the command line `python -m convstep.train`.

Each run is a real subprocess, so that the entry point, its arguments
and its output are tested as a user meets them; all but one train on
a small subset (--limit). That one is the book's own run, in full.
"""

import io
import re
import subprocess
import sys

import numpy as np
import pytest

from convstep.model import Progress, load_digits_split, predict, train
from convstep.train import ProgressBar

# Issue 6's target for the network of book/cnn.md, held out test split.
TARGET_ACCURACY = 0.97

ACCURACY_LINE = re.compile(
    r"^test accuracy: (\d+\.\d\d) % \((\d+)/(\d+)\) after (\d+) epochs? "
    r"in \d+\.\d s \((fast path|loop reference), seed (\d+)\)$"
)


def run_cli(*arguments):
    # Bytes, decoded by hand: text mode would turn the bar's \r into \n.
    result = subprocess.run(
        [sys.executable, "-m", "convstep.train", *arguments],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode(),
        result.stderr.decode(),
    )


def test_one_short_epoch_prints_the_accuracy_line():
    result = run_cli("--epochs", "1", "--limit", "150", "--seed", "3")

    assert result.returncode == 0, result.stderr
    match = ACCURACY_LINE.match(result.stdout.strip())
    assert match, result.stdout
    percent, correct, total, epochs, path, seed = match.groups()
    assert (total, epochs, path, seed) == ("150", "1", "fast path", "3")
    assert float(percent) == pytest.approx(100 * int(correct) / 150, abs=0.01)


def test_the_books_training_run_reaches_the_target_accuracy():
    # The defaults are the run of book/cnn.md: 15 epochs, seed 0, the
    # fast path. A few seconds here; never timed.
    result = run_cli()

    assert result.returncode == 0, result.stderr
    match = ACCURACY_LINE.match(result.stdout.strip())
    assert match, result.stdout
    correct, total = int(match.group(2)), int(match.group(3))
    assert correct / total >= TARGET_ACCURACY

    # The command line prints what the library computes.
    data = load_digits_split(seed=0)
    parameters, _ = train(data, epochs=15, seed=0)
    predicted = predict(data.X_test, parameters)
    assert int(np.sum(predicted == data.y_test)) == correct


def test_progress_goes_to_standard_error():
    result = run_cli("--epochs", "2", "--limit", "64", "--batch-size", "16")

    assert result.returncode == 0, result.stderr
    assert "\r" in result.stderr
    assert "epoch   2/2 [" in result.stderr
    assert re.search(r"epoch   2/2  loss \d\.\d{4}  train", result.stderr)
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("test accuracy:")


def test_loops_option_trains_on_the_loop_reference():
    result = run_cli(
        "--loops", "--epochs", "1", "--limit", "12", "--batch-size", "6"
    )

    assert result.returncode == 0, result.stderr
    assert "(loop reference, seed 0)" in result.stdout


def test_bad_learning_rate_is_reported_in_the_library_words():
    result = run_cli("--epochs", "1", "--limit", "10", "--lr", "0")

    assert result.returncode == 2
    assert "`lr` must be a positive finite number, got 0.0" in result.stderr


def test_limit_must_be_positive():
    result = run_cli("--limit", "0")

    assert result.returncode == 2
    assert "--limit must be a positive integer, got 0" in result.stderr


def test_progress_bar_redraws_one_line_until_the_epoch_ends():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    record = {
        "loss": 0.25,
        "train_accuracy": 0.9,
        "test_accuracy": 0.875,
        "seconds": 1.5,
    }

    bar(Progress(1, 2, 1, 2, 0.5))
    bar(Progress(1, 2, 2, 2, 0.25, record))

    first, second = stream.getvalue().split("\r")[1:]
    assert first.startswith("epoch   1/2 [" + "#" * 12 + "." * 12 + "]")
    assert "\n" not in first
    assert second.rstrip() == (
        "epoch   1/2  loss 0.2500  train  90.0 %  test  87.5 %     1.5 s"
    )
    assert second.endswith("\n")
