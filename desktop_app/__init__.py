"""Inkaso core: everything that works without a window."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inkaso")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"
