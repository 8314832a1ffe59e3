"""``python -m convstep.check FILE``: check a learner's file."""

import sys

from convstep.check.cli import main

if __name__ == "__main__":
    sys.exit(main())
