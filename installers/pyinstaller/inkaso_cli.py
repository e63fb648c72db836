"""Frozen entry point of ``inkaso`` (the command line); same as the console script."""

import sys

from desktop_app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
