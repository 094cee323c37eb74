"""Staff accounts: argon2 password hashes, logins with lockout, and console sessions.

A login makes a random session token (the cookie) and a CSRF token; only the session token's
SHA-256 is stored. Attempts are counted per name and source address, and wrong passwords per
address (`throttle.py`): an unknown name is answered exactly like a real one, locked state
included, and nobody can lock a colleague out from elsewhere. New passwords must not be common,
short of different characters, or made of the username (`weak_password`). Every login, failure
and logout of an account goes to the audit log.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import ActionRefused
from bot.staff.audit import audit
from bot.staff.throttle import LoginThrottle
from storage.database import Database
from storage.repositories.staff import (
    ROLES,
    Role,
    StaffAccount,
    StaffAccounts,
    StaffSessions,
    is_role,
)

MIN_PASSWORD = 10
MAX_PASSWORD = 256
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so that case takes as long as a wrong password.
_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Login:
    staff: StaffAccount
    token: str  # the cookie's value; never stored
    csrf: str
    expires_at: datetime


def hash_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return _hasher.hash(password)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not 2 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise ValueError("a username is 2-64 characters: lower-case letters, digits, . _ -")
    return name


def check_role(role: str) -> Role:
    if not is_role(role):
        raise ValueError(f"role must be one of: {', '.join(ROLES)}")
    return role


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


async def login(
    database: Database,
    settings: Settings,
    username: str,
    password: str,
    now: datetime,
    *,
    address: str = "",
) -> Login:
    """A new session for the account, or `ActionRefused`: 'staff.error.login' for a wrong name
    or password alike, 'staff.error.locked' after too many attempts at one name from `address`
    (an unknown name locks the same way), 'staff.error.too_many' while `address` is slowed
    down (see `throttle.py`)."""
    name = username.strip().lower()[:64]
    async with database.transaction() as session:
        throttle = LoginThrottle(session, settings, now)
        found = await StaffAccounts(session).credentials(name)
        account = found[0] if found is not None and found[0].active else None
        hashed = found[1] if found is not None and account is not None else _UNKNOWN

        async def record(action: str) -> None:
            if account is not None:
                await audit(session, account, action, now, station_id=account.station_id)

        if await throttle.address_blocked(address):
            refused = "staff.error.too_many"
            await record("login_locked")
        elif (attempts := await throttle.attempt(name, address)) > settings.staff_max_failures:
            refused = "staff.error.locked"
            await record("login_locked")
        # An unknown name is checked against a hash too: it takes as long as a wrong password.
        elif await asyncio.to_thread(_verify, hashed, password[:MAX_PASSWORD]) and account:
            await throttle.succeeded(name, address)
            done = await _opened(session, settings, account, now)
            await record("login")
            return done
        else:
            await throttle.failed(address)
            locked = attempts >= settings.staff_max_failures
            await record("locked" if locked else "login_failed")
            refused = "staff.error.locked" if locked else "staff.error.login"
    # Raised after the transaction, so the counts and the audit entry are kept.
    raise ActionRefused(refused)


async def _opened(
    session: AsyncSession, settings: Settings, account: StaffAccount, now: datetime
) -> Login:
    """A new console session for `account`."""
    await StaffAccounts(session).logged_in(account.id)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + timedelta(hours=settings.staff_session_hours)
    await StaffSessions(session).add(token_hash(token), account.id, csrf, expires)
    return Login(account, token, csrf, expires)


async def authenticate(
    database: Database, token: str, now: datetime
) -> tuple[StaffAccount, str] | None:
    """The account and CSRF token behind a session cookie, if it is valid."""
    if not token or len(token) > 128:
        return None
    async with database.transaction() as session:
        return await StaffSessions(session).find(token_hash(token), now)


async def logout(database: Database, token: str, staff: StaffAccount, now: datetime) -> None:
    async with database.transaction() as session:
        await StaffSessions(session).end(token_hash(token))
        await audit(session, staff, "logout", now, station_id=staff.station_id)
