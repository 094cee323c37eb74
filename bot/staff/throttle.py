"""Slowing down password guessing at the staff login, per source address and per name.

    per name, from one address   `staff_max_failures` attempts in a row, then "locked" until
                                 the window of `staff_lockout_minutes` ends
    per address, any names       `staff_max_failures_per_address` wrong passwords in a
                                 window, then every login from there waits for the next one

A name is counted whether or not an account has it, so an unknown name locks exactly like a
real one and no answer tells which names exist. It is counted per address, so whoever guesses
from elsewhere locks out only themselves, never the colleague at the station's computer. The
counts are rate counts in the database (every server process sees them), under keyed hashes:
the table names neither the login names nor the addresses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.privacy.sealing import data_key
from storage.repositories.limits import RateCounts

ATTEMPTS = "login"  # attempts at one name from one address, until one succeeds
FAILURES = "login_address"  # wrong passwords from one address, whatever the name
PURPOSE = "staff logins"


class LoginThrottle:
    """The login counts of one transaction at one moment."""

    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self._counts = RateCounts(session)
        self._settings = settings
        self._now = now
        self._window = timedelta(minutes=settings.staff_lockout_minutes)

    async def address_blocked(self, address: str) -> bool:
        """Whether too many wrong passwords came from `address` in this window."""
        failures = await self._counts.count(
            FAILURES, self._address(address), self._window, self._now
        )
        return failures >= self._settings.staff_max_failures_per_address

    async def attempt(self, name: str, address: str) -> int:
        """Count an attempt at `name` from `address`; the attempts in a row, this one included
        (more than `staff_max_failures`: locked)."""
        return await self._counts.hit(ATTEMPTS, self._pair(name, address), self._window, self._now)

    async def failed(self, address: str) -> None:
        await self._counts.hit(FAILURES, self._address(address), self._window, self._now)

    async def succeeded(self, name: str, address: str) -> None:
        await self._counts.forget(ATTEMPTS, self._pair(name, address))

    async def unlock(self, name: str) -> None:
        """Forget the attempts at `name` from every address (`vetbot staff unlock`)."""
        await self._counts.forget(ATTEMPTS, self._name(name))

    def _name(self, name: str) -> str:
        return data_key(self._settings).fingerprint(PURPOSE, f"name:{name}")

    def _address(self, address: str) -> str:
        return data_key(self._settings).fingerprint(PURPOSE, f"address:{address}")

    def _pair(self, name: str, address: str) -> str:
        # The name's hash first, so that `unlock` finds every address by its prefix.
        return self._name(name) + self._address(address)
