"""`python -m experiments COMMAND ...`: the `conflictsim` command, for the research commands."""

import sys

from conflictsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
