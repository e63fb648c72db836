"""A letter's PDF inside the app: preview (QtPdf), print (QPrintDialog), save.

Printing renders each page of the QPdfDocument to an image at the printer's resolution and
paints it on the page, so what is printed is what the preview shows, on any printer driver.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QVBoxLayout, QWidget

from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from ui.errors import show_error

log = logging.getLogger(__name__)


class PdfPreview(QWidget):
    """Shows a PDF from bytes, all pages, fit to the width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None
        self.pdf = b""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def show_pdf(self, pdf: bytes) -> None:
        self.clear()
        self.pdf = pdf
        # the document reads from the buffer for as long as it is open: keep it alive
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def clear(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self.pdf = b""


def print_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint the document's pages (the printer's page range, else all) on ``printer``."""
    count = document.pageCount()
    first, last = printer.fromPage(), printer.toPage()
    pages = range(first - 1, last) if first > 0 and last >= first else range(count)
    pages = range(max(pages.start, 0), min(pages.stop, count))
    painter = QPainter()
    if not painter.begin(printer):
        raise ValidationError(_("The printer could not be started"))
    try:
        dpi = printer.resolution()
        for n, page in enumerate(pages):
            if n:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, size)
            area = QRectF(painter.viewport())
            scale = min(area.width() / size.width(), area.height() / size.height())
            target = QRectF(0, 0, size.width() * scale, size.height() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(pages)


def print_with_dialog(document: QPdfDocument, parent: QWidget) -> bool:
    """Ask for a printer and print; False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print letter"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        print_pages(document, printer)
    except ValidationError as exc:
        show_error(exc, parent)
        return False
    return True


def save_with_dialog(pdf: bytes, suggested: str, parent: QWidget) -> Path | None:
    """Ask where to save the PDF and write it there; None when the user cancelled."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Save letter as"), suggested, _("PDF documents (*.pdf)")
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        show_error(
            ValidationError(
                _("Cannot write {path}: {reason}").format(path=str(path), reason=exc.strerror)
            ),
            parent,
        )
        return None
    return path


def file_name_for(reference: str) -> str:
    """A letter's reference (WZ/2026/12/01/7) as a file name (WZ-2026-12-01-7.pdf)."""
    return reference.replace("/", "-").replace("\\", "-") + ".pdf"
