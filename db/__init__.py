"""Persistence: SQLAlchemy 2 models, engine, unit of work and Alembic migrations."""
