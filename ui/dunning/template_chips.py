"""The simple template editor: text with fields and conditions as chips, never braces.

Each chip is one object-replacement character drawn by :class:`ChipPainter`, so the cursor steps
over it and Backspace deletes it as one unit; what a chip stands for is kept in its character
format. The document is read back as the core's flat pieces (``template_blocks.Piece``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from PySide6.QtCore import QByteArray, QMimeData, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPyTextObject,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from desktop_app.messaging import template_blocks as tb

CHIP = QTextFormat.ObjectTypes.UserObject + 1
KIND = QTextFormat.Property.UserProperty + 1
DATA = QTextFormat.Property.UserProperty + 2
LABEL = QTextFormat.Property.UserProperty + 3
COLOUR = QTextFormat.Property.UserProperty + 4
OBJECT = "\ufffc"
#: the clipboard format that carries chips between chip editors
PIECES_MIME = "application/x-inkaso-template-pieces"
_PAD = 5.0
#: chip colours by kind: fields blue, conditions amber, advanced parts grey
_COLOURS = {"field": "#d6e6fb", "marker": "#fbe3b8", "code": "#e4e4e4"}


def piece_label(piece: tb.Field | tb.Code | tb.Marker, words: str | None = None) -> str:
    """A chip's text; ``words`` are the core's label when the caller knows the piece's context
    (which loop an ``endfor`` closes)."""
    words = tb.piece_label(piece) if words is None else words
    if isinstance(piece, tb.Field):
        return "«" + words + "»"
    if isinstance(piece, tb.Code) and not tb.is_named(piece.source):
        return "⚙ " + words
    # plumbing such as {% set %} is kept in the source and shown as a small mark only
    return words or "⚙"


def _format(piece: tb.Field | tb.Code | tb.Marker, words: str | None = None) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setObjectType(CHIP)
    fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignMiddle)
    if isinstance(piece, tb.Field):
        fmt.setProperty(KIND, "field")
        fmt.setProperty(DATA, piece.key)
    elif isinstance(piece, tb.Code):
        fmt.setProperty(KIND, "code")
        fmt.setProperty(DATA, piece.source)
        fmt.setToolTip(piece.source)
        # a loop or condition named in words reads as one: drawn as the conditions are
        fmt.setProperty(COLOUR, "marker" if tb.is_named(piece.source) else "code")
    else:
        fmt.setProperty(KIND, "marker")
        fmt.setProperty(DATA, f"{piece.part}:{piece.key}")
    fmt.setProperty(LABEL, piece_label(piece, words))
    return fmt


def _dump(piece: tb.Piece) -> list[str]:
    if isinstance(piece, tb.Text):
        return ["text", piece.text]
    if isinstance(piece, tb.Field):
        return ["field", piece.key]
    if isinstance(piece, tb.Code):
        return ["code", piece.source]
    return ["marker", f"{piece.part}:{piece.key}"]


def _load(item: list[str]) -> tb.Piece:
    kind, data = item
    if kind == "text":
        return tb.Text(str(data))
    if kind == "field" and data in tb.FIELD_BY_KEY:
        return tb.Field(data)
    if kind == "code":
        return tb.Code(str(data))
    part, _sep, key = str(data).partition(":")
    if kind == "marker" and key in tb.CONDITION_BY_KEY and part in ("0", "1", "2"):
        return tb.Marker(key, int(part))
    raise ValueError(kind)


def _piece(fmt: QTextFormat) -> tb.Field | tb.Code | tb.Marker:
    kind, data = fmt.property(KIND), str(fmt.property(DATA))
    if kind == "field":
        return tb.Field(data)
    if kind == "code":
        return tb.Code(data)
    part, _sep, key = data.partition(":")
    return tb.Marker(key, int(part))


class ChipPainter(QPyTextObject):
    """Draws a chip as a rounded label in the line."""

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        metrics = QFontMetricsF(doc.defaultFont())
        label = str(fmt.property(LABEL))
        return QSizeF(metrics.horizontalAdvance(label) + 2 * _PAD, metrics.height() + 2)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        pos: int,
        fmt: QTextFormat,
    ) -> None:
        rect = QRectF(rect)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        kind = str(fmt.property(COLOUR) or fmt.property(KIND))
        painter.fillPath(path, QColor(_COLOURS.get(kind, "#e4e4e4")))
        painter.setPen(QColor("#8a8a8a"))
        painter.drawPath(path)
        painter.setPen(QColor("#1a1a1a"))
        painter.setFont(doc.defaultFont())
        metrics = QFontMetricsF(doc.defaultFont())
        painter.drawText(
            QPointF(rect.left() + _PAD, rect.top() + 1 + metrics.ascent()), str(fmt.property(LABEL))
        )
        painter.restore()


class ChipEdit(QTextEdit):
    """Plain text with chips; ``pieces_changed`` after every edit."""

    pieces_changed = Signal()
    #: the user moved into this editor (the Insert field and Condition menus act on it)
    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(False)
        self._painter = ChipPainter(self)
        self.document().documentLayout().registerHandler(CHIP, self._painter)
        self.textChanged.connect(self.pieces_changed)
        self.cursorPositionChanged.connect(self._plain_after_chip)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def _plain_after_chip(self) -> None:
        # typing next to a chip would otherwise take the chip's format and become chips
        if self.currentCharFormat().objectType() == CHIP:
            self.setCurrentCharFormat(QTextCharFormat())

    def set_pieces(self, pieces: Sequence[tb.Piece]) -> None:
        blocked = self.blockSignals(True)
        try:
            self.clear()
            cursor = QTextCursor(self.document())
            for piece, words in zip(pieces, tb.labels(list(pieces)), strict=True):
                if isinstance(piece, tb.Text):
                    cursor.insertText(piece.text, QTextCharFormat())
                else:
                    cursor.insertText(OBJECT, _format(piece, words))
            self.document().clearUndoRedoStacks()
            self.moveCursor(QTextCursor.MoveOperation.Start)
        finally:
            self.blockSignals(blocked)

    def pieces(self) -> list[tb.Piece]:
        """The document as text and chips; a pasted replacement character without a chip's
        format is dropped."""
        return [piece for _pos, piece in self._positioned()]

    def pieces_in(self, start: int, end: int) -> list[tb.Piece]:
        """The text and chips between two cursor positions."""
        out: list[tb.Piece] = []
        for pos, piece in self._positioned():
            if isinstance(piece, tb.Text):
                part = piece.text[max(start - pos, 0) : max(end - pos, 0)]
                if part:
                    out.append(tb.Text(part))
            elif start <= pos < end:
                out.append(piece)
        return out

    def _positioned(self) -> Iterator[tuple[int, tb.Piece]]:
        block = self.document().begin()
        while block.isValid():
            if block.position() > 0:
                yield block.position() - 1, tb.Text("\n")
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.objectType() == CHIP:
                    for offset in range(fragment.length()):
                        yield fragment.position() + offset, _piece(fmt)
                else:
                    yield fragment.position(), tb.Text(fragment.text().replace(OBJECT, ""))
                it += 1
            block = block.next()

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copied text keeps its chips (as the core's pieces) for a paste in a chip editor."""
        # Qt's own text mime data lists a fixed set of formats: a plain QMimeData carries ours
        mime = QMimeData()
        mime.setText(self.textCursor().selection().toPlainText().replace(OBJECT, ""))
        cursor = self.textCursor()
        pieces = self.pieces_in(cursor.selectionStart(), cursor.selectionEnd())
        mime.setData(PIECES_MIME, QByteArray(json.dumps([_dump(p) for p in pieces]).encode()))
        return mime

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not source.hasFormat(PIECES_MIME):
            super().insertFromMimeData(source)
            return
        try:
            pieces = [_load(item) for item in json.loads(bytes(source.data(PIECES_MIME).data()))]
        except (ValueError, TypeError, KeyError):
            super().insertFromMimeData(source)
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        for piece in pieces:
            if isinstance(piece, tb.Text):
                cursor.insertText(piece.text, QTextCharFormat())
            else:
                cursor.insertText(OBJECT, _format(piece))
        cursor.setCharFormat(QTextCharFormat())
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def insert_piece(self, piece: tb.Field | tb.Code) -> None:
        cursor = self.textCursor()
        cursor.insertText(OBJECT, _format(piece))
        cursor.setCharFormat(QTextCharFormat())
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def wrap_in_condition(self, key: str) -> None:
        """The selection (or nothing) in each branch of the condition, between its markers."""
        cursor = self.textCursor()
        selected = self.pieces_in(cursor.selectionStart(), cursor.selectionEnd())
        plain = QTextCharFormat()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        for piece in [tb.Marker(key, 0), *selected, tb.Marker(key, 1), *selected]:
            if isinstance(piece, tb.Text):
                cursor.insertText(piece.text, plain)
            else:
                cursor.insertText(OBJECT, _format(piece))
        cursor.insertText(OBJECT, _format(tb.Marker(key, 2)))
        cursor.setCharFormat(plain)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
