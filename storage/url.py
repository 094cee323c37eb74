"""Turn the database URL an admin writes into the async SQLAlchemy URL the engine needs."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# Admins write the plain forms they know from other tools; the engine needs async drivers.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
}


def async_url(url: str) -> URL:
    """`sqlite:///…` -> sqlite+aiosqlite, `postgresql://…` -> postgresql+asyncpg, else as given."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:  # SQLAlchemy's message does not say what to write instead
        raise ValueError(
            f"VETBOT_DATABASE_URL {url!r} is not a database URL; "
            "use sqlite:///path/to/file.db or postgresql://user@host/dbname"
        ) from exc
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"
