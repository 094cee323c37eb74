"""A second connection pool on a test database: what another server process would have."""

from __future__ import annotations

from storage.database import Database


def twin(database: Database) -> Database:
    """A new `Database` on the same data (same file, or same PostgreSQL schema)."""
    url = database.url.render_as_string(hide_password=False)
    return Database(url, search_path=database.search_path)
