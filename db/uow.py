"""Unit of work: one session, one transaction, committed only when the block ends cleanly."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from db.engine import WRITE_OPTION, is_sqlite

#: what the user is told instead of an exception the database raised (the exception itself when
#: it is not a database fault); the core supplies it, in the user's language
Explain = Callable[[Exception], Exception]
#: a check of the rows about to be written, run before every flush
FlushCheck = Callable[[Session], None]


def _unchanged(exc: Exception) -> Exception:
    return exc


@dataclass
class Database:
    """An opened, migrated database: the thing services receive."""

    engine: Engine
    url: URL
    explain: Explain = _unchanged
    flush_checks: Sequence[FlushCheck] = ()
    _factory: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        for check in self.flush_checks:
            event.listen(self._factory, "before_flush", _before_flush(check))

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; nothing it does is committed."""
        with self._factory() as session:
            try:
                yield session
            except Exception as exc:
                mapped = self.explain(exc)
                if mapped is exc:
                    raise
                raise mapped from exc
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing unit of work: commit on success, roll back everything on any exception.

        Faults the database reports (busy, full, damaged, a constraint) leave as the
        sentence :attr:`explain` gives them, wherever the transaction was begun."""
        with self._factory() as session:
            try:
                session.connection(execution_options={WRITE_OPTION: True})
                yield session
                session.commit()
            except Exception as exc:
                session.rollback()
                mapped = self.explain(exc)
                if mapped is exc:
                    raise
                raise mapped from exc
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _before_flush(check: FlushCheck) -> Callable[..., None]:
    def listener(session: Session, _context: Any, _instances: Any) -> None:
        check(session)

    return listener
