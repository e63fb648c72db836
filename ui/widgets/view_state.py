"""A list that is cleared and filled again keeps the user's place: the chosen row, the branches
they opened or closed, and how far they had scrolled.

``remember`` before the refill, ``restore`` after it. Rows are recognised by the data under
``role`` in the first column (a database id) or, where a row has none, by its first column's
text, under their parents' keys.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

Path = tuple[Hashable, ...]


@dataclass(frozen=True)
class Place:
    current: Path | None
    expanded: frozenset[Path]
    collapsed: frozenset[Path]
    scroll: tuple[int, int]


def _key(item: QTreeWidgetItem, role: int) -> Hashable:
    value = item.data(0, role)
    return value if isinstance(value, Hashable) and value is not None else item.text(0)


def _path(item: QTreeWidgetItem, role: int) -> Path:
    keys: list[Hashable] = []
    node: QTreeWidgetItem | None = item
    while node is not None:
        keys.append(_key(node, role))
        node = node.parent()
    return tuple(reversed(keys))


def _items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    found: list[QTreeWidgetItem] = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        found.append(item)
        stack.extend(item.child(i) for i in range(item.childCount()))
    return found


def remember(tree: QTreeWidget, role: int = Qt.ItemDataRole.UserRole) -> Place:
    current = tree.currentItem()
    branches = [item for item in _items(tree) if item.childCount()]
    return Place(
        current=_path(current, role) if current is not None else None,
        expanded=frozenset(_path(i, role) for i in branches if i.isExpanded()),
        collapsed=frozenset(_path(i, role) for i in branches if not i.isExpanded()),
        scroll=(tree.horizontalScrollBar().value(), tree.verticalScrollBar().value()),
    )


def restore(tree: QTreeWidget, place: Place, role: int = Qt.ItemDataRole.UserRole) -> None:
    chosen: QTreeWidgetItem | None = None
    for item in _items(tree):
        path = _path(item, role)
        if path in place.expanded:
            item.setExpanded(True)
        elif path in place.collapsed:
            item.setExpanded(False)
        if path == place.current:
            chosen = item
    if chosen is not None:
        tree.setCurrentItem(chosen)  # scrolls to it: the scroll position is put back below
    tree.doItemsLayout()  # the scroll ranges of the new rows, not those of the empty list
    horizontal, vertical = place.scroll
    tree.horizontalScrollBar().setValue(horizontal)
    tree.verticalScrollBar().setValue(vertical)
