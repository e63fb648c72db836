"""An amount field in the user's language: "1 234,56" in Polish, "1,234.56" in English."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.domain.money import format_amount, parse_local_amount
from desktop_app.errors import ValidationError

#: shown greyed in an empty field, in the language's own form
_EXAMPLE_MINOR = 123456


class AmountEdit(QLineEdit):
    """Reads what was typed with the core's ``parse_local_amount`` (so the GUI accepts exactly
    what the rules accept) and, once the user leaves the field, shows it back in the language's
    form, so "1234.5" becomes "1 234,50" in Polish."""

    def __init__(
        self,
        currency: str = "PLN",
        parent: QWidget | None = None,
        *,
        allow_negative: bool = False,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._currency = currency
        self._allow_negative = allow_negative
        self._placeholder = placeholder
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self._tidy)
        self._show_placeholder()

    @property
    def currency(self) -> str:
        return self._currency

    def set_currency(self, currency: str) -> None:
        """Another currency (its decimals may differ): the typed amount is kept as typed."""
        self._currency = currency
        self._show_placeholder()

    def minor(self) -> int:
        """The amount in minor units; a ValidationError with a sentence when it is not one."""
        return parse_local_amount(self.text(), self._currency, allow_negative=self._allow_negative)

    def minor_or_none(self) -> int | None:
        """None for an empty field (an optional amount), otherwise like :meth:`minor`."""
        return self.minor() if self.text().strip() else None

    def set_minor(self, minor: int | None) -> None:
        self.setText("" if minor is None else format_amount(minor, self._currency))

    def _tidy(self) -> None:
        try:
            minor = self.minor_or_none()
        except ValidationError:
            return  # left as typed, for the dialog to explain
        if minor is not None:
            self.set_minor(minor)

    def _show_placeholder(self) -> None:
        self.setPlaceholderText(self._placeholder or format_amount(_EXAMPLE_MINOR, self._currency))
