"""The few colours Inkaso adds to the platform palette, chosen to read on light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def _palette() -> QPalette:
    return QApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    base = (palette or _palette()).color(QPalette.ColorRole.Base)
    return base.lightness() < 128


def overdue_text(palette: QPalette | None = None) -> QColor:
    """Red for overdue money: strong on white paper, softer on a dark base so it stays legible."""
    return QColor("#ef5350") if is_dark(palette) else QColor("#c62828")


def overdue_row(palette: QPalette | None = None) -> QColor:
    """A faint red wash behind overdue rows that keeps the palette's own text colour readable."""
    pal = palette or _palette()
    base = pal.color(QPalette.ColorRole.Base)
    red = QColor("#e53935")
    share = 0.22 if is_dark(pal) else 0.10
    return QColor(
        round(base.red() * (1 - share) + red.red() * share),
        round(base.green() * (1 - share) + red.green() * share),
        round(base.blue() * (1 - share) + red.blue() * share),
    )


def credit_text(palette: QPalette | None = None) -> QColor:
    return QColor("#66bb6a") if is_dark(palette) else QColor("#2e7d32")


def muted_text(palette: QPalette | None = None) -> QColor:
    pal = palette or _palette()
    return pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    else:  # pixel-sized fonts (some platform themes)
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))
    font.setBold(bold)
    return font


def fitting_size(wanted: QSize) -> QSize:
    """``wanted``, shrunk to fit the screen (office laptops still have 1366x768)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry()
    return QSize(
        min(wanted.width(), int(room.width() * 0.95)),
        min(wanted.height(), int(room.height() * 0.92)),
    )


def amber_text(palette: QPalette | None = None) -> QColor:
    """The amber of a traffic light: a warning that is not yet red."""
    return QColor("#ffb300") if is_dark(palette) else QColor("#e65100")
