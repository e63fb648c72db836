"""What every command handler receives: parsed arguments, the database, output helpers."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services.database import open_database

Handler = Callable[["Context"], int]


@dataclass
class Context:
    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.args.db)
        return self._db

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def today(self, name: str = "today") -> dt.date:
        value = getattr(self.args, name, None)
        return parse_date(value, "--" + name.replace("_", "-")) if value else dt.date.today()

    def emit_json(self, data: Any) -> None:
        json.dump(data, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], right: set[int]) -> None:
        """Plain aligned columns; numbers (indexes in ``right``) aligned right."""
        materialised = [list(map(str, r)) for r in rows]
        widths = [len(h) for h in headers]
        for row in materialised:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

        def fmt(cells: Sequence[str]) -> str:
            return "  ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        self.line(fmt(headers))
        self.line("  ".join("-" * w for w in widths))
        for row in materialised:
            self.line(fmt(row))

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            _("{option}: {value} is not a date (use YYYY-MM-DD)").format(option=option, value=text),
            field=option,
        ) from exc


def json_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def today_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("treat this date as today (default: the real date)")
    )
