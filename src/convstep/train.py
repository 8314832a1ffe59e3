"""Train the book's small CNN from the command line.

Usage::

    python -m convstep.train                 # the book's run, seed 0
    python -m convstep.train --epochs 5 --seed 1
    python -m convstep.train --loops --limit 100 --epochs 1

A progress bar goes to standard error, one line per finished epoch
stays on screen, and the last line on standard output gives the test
accuracy and the training time. Run with the defaults, it trains
exactly the network of the chapter "Putting it together: a small CNN"
and prints the same accuracy.
"""

import argparse
import sys
import time

import numpy as np

from convstep.model import DigitsSplit, load_digits_split, predict, train

BAR_WIDTH = 24


def parse_arguments(argv=None):
    """Read the command line; `argv` defaults to ``sys.argv[1:]``."""
    parser = argparse.ArgumentParser(
        prog="python -m convstep.train",
        description=(
            "Train a conv -> ReLU -> max pool -> dense -> softmax network, "
            "built from convstep's functions, on scikit-learn's 8x8 "
            "handwritten digits, and report its test accuracy."
        ),
    )
    parser.add_argument(
        "--epochs", type=int, default=15, help="passes over the data (15)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds the split, the weights and the batch order (0)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, help="images per step (32)"
    )
    parser.add_argument(
        "--lr", type=float, default=0.05, help="learning rate (0.05)"
    )
    parser.add_argument(
        "--momentum", type=float, default=0.9, help="momentum (0.9)"
    )
    parser.add_argument(
        "--loops",
        action="store_true",
        help="use the readable loop versions instead of convstep.fast "
        "(slow: combine with --limit)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="keep only the first N training and N test images, "
        "for a quick check",
    )
    return parser, parser.parse_args(argv)


def limit_split(data, n):
    """The first `n` training and `n` test examples of a split.

    The split is already in random order, so a prefix is a random
    sample (not exactly stratified).
    """
    X_train, y_train, X_test, y_test = data
    return DigitsSplit(X_train[:n], y_train[:n], X_test[:n], y_test[:n])


class ProgressBar:
    """Draws `train`'s progress on one line of a text stream."""

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, progress):
        if progress.record is None:
            done = BAR_WIDTH * progress.batch // progress.batches
            bar = "#" * done + "." * (BAR_WIDTH - done)
            line = (
                f"epoch {progress.epoch:>3}/{progress.epochs} [{bar}] "
                f"{progress.batch:>3}/{progress.batches}  "
                f"loss {progress.loss:.4f}"
            )
            end = ""
        else:
            record = progress.record
            line = (
                f"epoch {progress.epoch:>3}/{progress.epochs}  "
                f"loss {record['loss']:.4f}  "
                f"train {100 * record['train_accuracy']:5.1f} %  "
                f"test {100 * record['test_accuracy']:5.1f} %  "
                f"{record['seconds']:6.1f} s"
            )
            end = "\n"
        # \r returns to the start of the line; the padding wipes any
        # longer line drawn before.
        self.stream.write(f"\r{line:<72}{end}")
        self.stream.flush()


def main(argv=None):
    """Run the training; return the process's exit status."""
    parser, args = parse_arguments(argv)
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be a positive integer, got {args.limit}")

    data = load_digits_split(seed=args.seed)
    if args.limit is not None:
        data = limit_split(data, args.limit)
    fast = not args.loops

    start = time.perf_counter()
    try:
        parameters, _ = train(
            data,
            epochs=args.epochs,
            batch_size=args.batch_size,
            lr=args.lr,
            momentum=args.momentum,
            seed=args.seed,
            fast=fast,
            callback=ProgressBar(sys.stderr),
        )
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    seconds = time.perf_counter() - start

    correct = int(
        np.sum(predict(data.X_test, parameters, fast) == data.y_test)
    )
    total = data.y_test.size
    path = "fast path" if fast else "loop reference"
    print(
        f"test accuracy: {100 * correct / total:.2f} % ({correct}/{total}) "
        f"after {args.epochs} epoch{'s' if args.epochs != 1 else ''} "
        f"in {seconds:.1f} s "
        f"({path}, seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
