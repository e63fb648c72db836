"""Ready column mappings for exports of popular Polish programs (the README lists their columns).

Each preset lists the titles its program writes in the header row; where versions of the
program differ, every spelling is listed. Encodings and separators are left to detection: the
same program writes windows-1250 or UTF-8 depending on its version and the export chosen. A user
whose export differs writes a mapping file (the README shows the format) or saves a preset of
their own. A ready mapping's description is a message id: show it through ``_()``.
"""

from __future__ import annotations

from desktop_app.i18n import N_
from desktop_app.importers.column_mapping import ColumnMapping

PRESETS: dict[str, ColumnMapping] = {
    m.name: m
    for m in (
        ColumnMapping(
            name="subiekt-rozrachunki",
            kind="invoice",
            description=N_("Subiekt GT / nexo: receivables list (Rozrachunki), CSV export"),
            columns={
                "number": ("Dokument", "Numer dokumentu"),
                "issue_date": ("Data wystawienia", "Data dokumentu"),
                "due_date": ("Termin płatności", "Termin"),
                "buyer_name": ("Kontrahent", "Nazwa kontrahenta"),
                "buyer_nip": ("NIP",),
                "buyer_code": ("Symbol kontrahenta", "Symbol"),
                "gross": ("Kwota", "Wartość brutto"),
                "remaining": ("Pozostało", "Pozostało do zapłaty"),
                "currency": ("Waluta",),
            },
        ),
        ColumnMapping(
            name="optima-preliminarz",
            kind="invoice",
            description=N_(
                "Comarch ERP Optima: payment schedule (Preliminarz płatności), CSV export"
            ),
            columns={
                "number": ("Numer dokumentu", "Dokument"),
                "issue_date": ("Data dokumentu", "Data wystawienia"),
                "due_date": ("Termin płatności", "Termin"),
                "buyer_code": ("Kod podmiotu", "Akronim"),
                "buyer_name": ("Nazwa podmiotu", "Podmiot"),
                "buyer_nip": ("NIP",),
                "gross": ("Kwota", "Kwota dokumentu"),
                "remaining": ("Pozostaje", "Pozostało"),
                "currency": ("Waluta",),
                "street": ("Ulica",),
                "postal_code": ("Kod pocztowy",),
                "city": ("Miejscowość", "Miasto"),
            },
        ),
        ColumnMapping(
            name="fakturownia",
            kind="invoice",
            description=N_("Fakturownia: invoice list, XLSX or CSV export"),
            columns={
                "number": ("Numer",),
                "issue_date": ("Data wystawienia",),
                "due_date": ("Termin płatności",),
                "buyer_name": ("Nabywca", "Nazwa nabywcy"),
                "buyer_nip": ("NIP nabywcy",),
                "street": ("Ulica nabywcy",),
                "postal_code": ("Kod pocztowy nabywcy",),
                "city": ("Miasto nabywcy",),
                "email": ("Email nabywcy", "E-mail nabywcy"),
                "phone": ("Telefon nabywcy",),
                "gross": ("Wartość brutto", "Brutto"),
                "paid": ("Zapłacono", "Kwota opłacona"),
                "paid_date": ("Data płatności",),
                "currency": ("Waluta",),
                "corrects": ("Faktura korygowana",),
            },
        ),
        ColumnMapping(
            name="mbank-historia",
            kind="bank",
            description=N_("mBank: operations history (historia operacji), CSV export"),
            columns={
                "date": ("#Data księgowania", "#Data operacji"),
                "title": ("#Tytuł", "#Opis operacji"),
                "payer": ("#Nadawca/Odbiorca",),
                "payer_account": ("#Numer konta",),
                "amount": ("#Kwota",),
            },
        ),
    )
}
