"""The card's strip about the payer: its stars with their reasons, and its credibility (the last
VAT White List check kept, the traffic light and why), with a button to check the registry now."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.credibility import Light, WhiteListEntry
from desktop_app.i18n import _
from desktop_app.services.contractor_insight import Insight
from ui import formatting, theme
from ui.entry.terms_suggestion import terms_text

LIGHT_NAMES = {
    Light.GREEN: "green",
    Light.AMBER: "amber",
    Light.RED: "red",
}


def light_colour(light: Light) -> QColor:
    if light is Light.GREEN:
        return theme.credit_text()
    if light is Light.AMBER:
        return theme.amber_text()
    return theme.overdue_text()


def light_text(light: Light) -> str:
    if light is Light.GREEN:
        return _("Green: no warning signs")
    if light is Light.AMBER:
        return _("Amber: check before granting deferred payment")
    return _("Red: prepayment advised")


def _bullets(lines: tuple[str, ...] | list[str]) -> str:
    return "<br>".join(f"• {html.escape(line)}" for line in lines)


def entry_html(entry: WhiteListEntry | None) -> str:
    """What the registry answered, as kept (the request id is the proof the check was made)."""
    if entry is None:
        return html.escape(_("Never checked in the VAT White List."))
    rows: list[tuple[str, str]] = [(_("Checked on"), formatting.date(entry.checked_on))]
    if entry.found:
        rows.append((_("VAT status"), entry.status or "?"))
        rows.append((_("Registered name"), entry.name or ""))
        accounts = "<br>".join(html.escape(a) for a in entry.accounts) or html.escape(_("none"))
    else:
        rows.append((_("VAT status"), _("not on the White List")))
        accounts = ""
    rows.append((_("Request id"), entry.request_id))
    cells = "".join(
        f"<tr><td style='padding-right:10px'>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    if entry.found:
        label = _("Accounts")
        cells += (
            f"<tr><td style='padding-right:10px'>{html.escape(label)}</td><td>{accounts}</td></tr>"
        )
    return f"<table cellspacing='0'>{cells}</table>"


class InsightPanel(QWidget):
    """Filled by :meth:`set_insight`; ``check_requested`` asks the card to query the registry."""

    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stars_label = QLabel(formatting.NOT_RATED)
        self.stars_label.setFont(theme.scaled_font(self.font(), 1.6))
        self.stars_label.setAccessibleName(_("Payer rating"))
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.terms_label = QLabel()
        self.terms_label.setWordWrap(True)
        rating_box = QGroupBox(_("Payer rating"))
        rating_layout = QVBoxLayout(rating_box)
        rating_layout.addWidget(self.stars_label)
        rating_layout.addWidget(self.reasons_label, 1)

        self.light_label = QLabel()
        self.light_label.setTextFormat(Qt.TextFormat.RichText)
        self.entry_label = QLabel()
        self.entry_label.setTextFormat(Qt.TextFormat.RichText)
        self.entry_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.credibility_reasons = QLabel()
        self.credibility_reasons.setWordWrap(True)
        self.credibility_reasons.setTextFormat(Qt.TextFormat.RichText)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.check_button = QPushButton(_("&Check now"))
        self.check_button.setToolTip(_("Ask the VAT White List about this NIP today"))
        self.check_button.setAutoDefault(False)
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.check_requested)
        credibility_box = QGroupBox(_("Credibility"))
        top = QHBoxLayout()
        top.addWidget(self.light_label, 1)
        top.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        details = QHBoxLayout()
        details.addWidget(self.entry_label, 0, Qt.AlignmentFlag.AlignTop)
        details.addSpacing(16)
        details.addWidget(self.credibility_reasons, 1, Qt.AlignmentFlag.AlignTop)
        credibility_layout = QVBoxLayout(credibility_box)
        credibility_layout.addLayout(top)
        credibility_layout.addLayout(details)
        # whether to grant deferred payment is this box's question: the suggested terms answer it
        credibility_layout.addWidget(self.terms_label)
        credibility_layout.addWidget(self.status_label)
        self.status_label.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(rating_box, 2)
        layout.addWidget(credibility_box, 3)
        # the card's tables scroll; the check's details do not, so they keep their height
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.insight: Insight | None = None

    def set_insight(self, insight: Insight) -> None:
        self.insight = insight
        stars = insight.rating.stars
        self.stars_label.setText(formatting.stars(stars))
        self.stars_label.setToolTip(
            _("Not rated yet") if stars is None else _("{n} of 5 stars").format(n=stars)
        )
        self.reasons_label.setText(_bullets(insight.reasons))
        terms = insight.terms
        self.terms_label.setText(terms_text(terms) if terms is not None else "")
        pal = self.terms_label.palette()
        warn = terms is not None and terms.prepayment
        pal.setColor(
            QPalette.ColorRole.WindowText, theme.amber_text() if warn else theme.muted_text()
        )
        self.terms_label.setPalette(pal)
        light = insight.summary.light
        colour = light_colour(light).name()
        self.light_label.setText(
            f"<span style='color:{colour}; font-size:18pt'>●</span> "
            f"<b>{html.escape(light_text(light))}</b>"
        )
        self.light_label.setProperty("light", LIGHT_NAMES[light])
        self.entry_label.setText(entry_html(insight.entry))
        self.credibility_reasons.setText(_bullets(insight.summary.reasons))
        self.check_button.setEnabled(bool(insight.nip))
        if not insight.nip:
            self.check_button.setToolTip(_("The contractor has no NIP to check"))

    def set_checking(self, checking: bool) -> None:
        self.check_button.setEnabled(not checking and bool(self.insight and self.insight.nip))
        self.show_status(_("Asking the VAT White List…") if checking else "")

    def show_status(self, text: str, *, error: bool = False) -> None:
        """A line under the box: the registry's failure as its plain sentence, never a dialog."""
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        pal = self.status_label.palette()
        colour = theme.overdue_text() if error else theme.muted_text()
        pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.status_label.setPalette(pal)
