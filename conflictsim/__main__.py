"""`python -m conflictsim ...` is the `conflictsim` command."""

import sys

from conflictsim.cli import main

sys.exit(main())
