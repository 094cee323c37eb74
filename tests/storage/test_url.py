"""The database URLs admins write map to the async drivers; nonsense says what to write."""

from __future__ import annotations

import pytest

from storage.url import async_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///vetbot.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///vetbot.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
    ],
)
def test_plain_urls_get_async_drivers(given: str, driver: str) -> None:
    assert async_url(given).drivername == driver


def test_url_keeps_path_host_and_database() -> None:
    url = async_url("postgresql://vet:pw@db.example:5433/vetbot")
    assert (url.host, url.port, url.database, url.username) == ("db.example", 5433, "vetbot", "vet")
    assert async_url("sqlite:////var/lib/vetbot.db").database == "/var/lib/vetbot.db"


def test_nonsense_url_says_what_to_write() -> None:
    with pytest.raises(ValueError, match="sqlite:///"):
        async_url("not a url")
