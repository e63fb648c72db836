"""Values of invoice XML (KSeF, JPK) read into records, with the place named on every error."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from desktop_app.domain.money import normalize_currency, parse_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers import safe_xml
from desktop_app.importers.records import ImportFileError, Where


class Reader:
    """Reads required and optional values under one element, naming file and XPath on errors."""

    def __init__(self, file: str) -> None:
        self.file = file

    def where(self, element: etree._Element, *names: str) -> Where:
        return Where(self.file, xpath="/".join([safe_xml.path_of(element), *names]))

    def missing(self, element: etree._Element, *names: str) -> ImportFileError:
        return ImportFileError(
            _("The element {name} is missing").format(name=names[-1] if names else "?"),
            self.where(element, *names),
            field=names[-1] if names else None,
        )

    def required(self, element: etree._Element, *names: str) -> str:
        value = safe_xml.text(element, *names)
        if value is None:
            raise self.missing(element, *names)
        return value

    def date(self, element: etree._Element, *names: str) -> dt.date:
        value = self.required(element, *names)
        return self._date(value, element, names)

    def optional_date(self, element: etree._Element, *names: str) -> dt.date | None:
        value = safe_xml.text(element, *names)
        return None if value is None else self._date(value, element, names)

    def _date(self, value: str, element: etree._Element, names: tuple[str, ...]) -> dt.date:
        try:
            day = dt.date.fromisoformat(value[:10]) if len(value) in (10, 19, 20, 25) else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2200:
            raise ImportFileError(
                _("{value} is not a date (YYYY-MM-DD)").format(value=value[:40]),
                self.where(element, *names),
                field=names[-1],
            )
        return day

    def currency(self, element: etree._Element, *names: str) -> str:
        value = self.required(element, *names)
        try:
            return normalize_currency(value)
        except ValidationError as exc:
            raise ImportFileError(
                exc.message, self.where(element, *names), field=names[-1]
            ) from None

    def amount(
        self, element: etree._Element, currency: str, *names: str, allow_negative: bool = False
    ) -> int:
        value = self.required(element, *names)
        return self.amount_of(value, element, currency, names, allow_negative=allow_negative)

    def amount_of(
        self,
        value: str,
        element: etree._Element,
        currency: str,
        names: tuple[str, ...],
        *,
        allow_negative: bool = False,
    ) -> int:
        try:
            if "," in value:  # the schemas write a decimal point; a comma is a wrong file
                raise ValidationError(_("Not an amount: {text}").format(text=value[:40]))
            return parse_amount(value, currency, allow_negative=allow_negative)
        except ValidationError as exc:
            raise ImportFileError(
                exc.message, self.where(element, *names), field=names[-1]
            ) from None
