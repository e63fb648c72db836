"""The cycle collector runs on the GUI thread: a worker that allocates never frees Qt objects."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui.garbage import GuiThreadCollector


class _Window:
    """A Python object in a reference cycle with a Qt object, as a window and its lambdas are."""

    def __init__(self) -> None:
        self.qt = QObject()
        self.me = self


def _allocate_like_a_worker(rows: list[list[int]]) -> None:
    """Rows it keeps (as a query's result): past the collection threshold many times over."""
    rows.extend([n] for n in range(20_000))


def test_cycles_are_collected_on_the_gui_thread_when_a_worker_allocates(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=10)
    try:
        freed_on: list[str] = []
        window = _Window()
        weakref.finalize(window, lambda: freed_on.append(threading.current_thread().name))
        del window
        rows: list[list[int]] = []
        worker = threading.Thread(target=_allocate_like_a_worker, args=(rows,), name="worker")
        worker.start()
        worker.join()
        assert freed_on == []  # without the collector the worker would have freed the window
        qtbot.waitUntil(lambda: freed_on == [threading.main_thread().name])
    finally:
        collector.stop()


def test_stopping_gives_automatic_collection_back_as_it_was(qtbot: QtBot) -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector = GuiThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
        gc.disable()
        collector = GuiThreadCollector()
        collector.stop()
        assert not gc.isenabled()  # the package's own collector (tests/gui/conftest.py) stays on
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_stopping_frees_what_piled_up_on_the_gui_thread_first(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=60_000)  # no tick before the stop
    freed_on: list[str] = []
    window = _Window()
    weakref.finalize(window, lambda: freed_on.append(threading.current_thread().name))
    del window
    collector.stop()
    assert freed_on == [threading.main_thread().name]
