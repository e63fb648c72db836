"""The suggested payment terms with their reason and an "Accept" button, in the new-invoice and
contractor dialogs; accepting fills the terms, which the user may still change."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.domain.credit_policy import SuggestedTerms
from desktop_app.i18n import _
from ui import theme


def terms_text(terms: SuggestedTerms) -> str:
    return _("Suggested terms: {reason}").format(reason=terms.reason)


class TermsSuggestion(QWidget):
    """Hidden until :meth:`set_terms`; ``accepted`` carries the suggested days (0: prepayment)."""

    accepted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.accept_button = QPushButton(_("&Accept"))
        self.accept_button.setToolTip(_("Use the suggested terms; you may still change them"))
        self.accept_button.setAutoDefault(False)
        self.accept_button.clicked.connect(self._accept)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.accept_button)
        self.terms: SuggestedTerms | None = None
        self.hide()

    def set_terms(self, terms: SuggestedTerms | None) -> None:
        self.terms = terms
        self.setVisible(terms is not None)
        if terms is None:
            return
        self.label.setText(terms_text(terms))
        pal = self.label.palette()
        colour = theme.amber_text() if terms.prepayment else theme.muted_text()
        pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.label.setPalette(pal)

    def _accept(self) -> None:
        if self.terms is not None:
            self.accepted.emit(self.terms.days)
