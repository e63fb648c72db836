"""Frozen entry point of ``inkaso-gui`` (the window); same as the gui script."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
