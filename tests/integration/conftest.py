from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.pg_server import temporary_cluster


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A live PostgreSQL server. The test command installs one, so its absence is a failure;
    INKASO_SKIP_POSTGRES=1 lets a developer without it skip these tests knowingly."""
    if os.environ.get("INKASO_SKIP_POSTGRES") == "1":
        pytest.skip("INKASO_SKIP_POSTGRES=1")
    with temporary_cluster() as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server for each test."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(
        pg_server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def env(db, db_path, cli):  # type: ignore[no-untyped-def]
    """A database with SMTP and SMS pointed at real servers on loopback."""
    from tests.integration.dunning_env import dunning_env

    with dunning_env(db, db_path, cli) as environment:
        yield environment
