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
from desktop_app.domain.dates import check_date
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
        """The option's date, or the real date when the option was left out (an empty value
        is a mistake, not "today": a script that lost its variable must not do a real run)."""
        value = getattr(self.args, name, None)
        if value is None:
            return dt.date.today()
        return parse_date(value, "--" + name.replace("_", "-"))

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
    """Every date option of the CLI: ISO form, within the days Inkaso accepts."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            _("{option}: {value} is not a date (use YYYY-MM-DD)").format(option=option, value=text),
            field=option,
        ) from exc
    return check_date(day, option)


def parse_moment(text: str, option: str) -> dt.datetime:
    """A date and time (``--now``); naive or with an offset, as the caller decides."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            _("{option}: {value} is not a date and time (use YYYY-MM-DDTHH:MM)").format(
                option=option, value=text
            ),
            field=option,
        ) from exc
    check_date(moment.date(), option)
    return moment


#: the largest row id the databases can hold (SQLite's INTEGER, PostgreSQL's bigint)
MAX_ID = 2**63 - 1


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for an integer option: a value outside [low, high] is a usage error
    (exit 2) instead of an overflow deep in the database."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{value} is not a whole number between {low} and {high}").format(
                    value=text[:40], low=low, high=high
                )
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("{value} is not between {low} and {high}").format(
                    value=text[:40], low=low, high=high
                )
            )
        return value

    return parse


#: the most rows a list prints (``--limit``)
MAX_ROWS = 1_000_000

#: a row id given on the command line (outbox, task, user, contractor ids)
record_id = whole_number(1, MAX_ID)


def json_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def today_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("treat this date as today (default: the real date)")
    )
