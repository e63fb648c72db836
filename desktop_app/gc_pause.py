"""Bulk work without Python's cycle collector running in the middle of it.

Loading a dunning run's state and planning it build hundreds of thousands of small objects
(items, history records, actions) with no reference cycles among them. Each one counts towards
the collector's thresholds, so the collector kept walking every live object (millions once the
state is loaded): on the 20,000 / 500,000 demo it was half of a first run's planning time and
tripled a quiet day's. Reference counting frees these objects all the same; the collector
resumes (if it was on) as soon as the work is done.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collection_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with automatic collection off; it is switched back on only if it was on (the
    GUI keeps it off and collects on its own thread)."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
