"""Staff logins: argon2 hashes, sessions, lockout after repeated failures, all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import Settings
from bot.errors import ActionRefused
from bot.staff.accounts import authenticate, check_username, hash_password, login, logout
from storage.database import Database
from storage.repositories.audit import AuditLog
from storage.repositories.staff import StaffAccounts
from tests.bot.staff.staffing import PASSWORD, Clock, add_staff


async def _actions(database: Database) -> list[str]:
    async with database.transaction() as session:
        return [e.action for e in reversed(await AuditLog(session).recent(None))]


def test_passwords_are_argon2_and_not_too_short() -> None:
    assert hash_password("a long enough one").startswith("$argon2id$")
    with pytest.raises(ValueError, match="10 to 256"):
        hash_password("short")
    assert check_username(" Li.Ming ") == "li.ming"
    with pytest.raises(ValueError, match="lower-case"):
        check_username("李明")


async def test_login_makes_a_session_that_logout_ends(
    database: Database, settings: Settings, clock: Clock
) -> None:
    staff = await add_staff(database, "li", "county")
    done = await login(database, settings, "LI", PASSWORD, clock.now)
    assert done.staff == staff and done.csrf and done.token != done.csrf
    assert await authenticate(database, done.token, clock.now) == (staff, done.csrf)
    assert await authenticate(database, "forged", clock.now) is None
    expired = clock.now + timedelta(hours=settings.staff_session_hours)
    assert await authenticate(database, done.token, expired) is None
    await logout(database, done.token, staff, clock.now)
    assert await authenticate(database, done.token, clock.now) is None
    assert await _actions(database) == ["login", "logout"]


async def test_wrong_and_unknown_look_the_same(
    database: Database, settings: Settings, clock: Clock
) -> None:
    await add_staff(database, "li", "county")
    for name, password in (("li", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(ActionRefused) as refused:
            await login(database, settings, name, password, clock.now)
        assert refused.value.key == "staff.error.login"


async def test_lockout_after_repeated_failures_even_with_the_right_password(
    database: Database, clock: Clock
) -> None:
    settings = Settings(staff_max_failures=3, staff_lockout_minutes=15)
    await add_staff(database, "li", "county")
    keys = []
    for _ in range(3):
        with pytest.raises(ActionRefused) as refused:
            await login(database, settings, "li", "wrong password", clock.now)
        keys.append(refused.value.key)
    assert keys == ["staff.error.login", "staff.error.login", "staff.error.locked"]
    with pytest.raises(ActionRefused, match=r"staff\.error\.locked"):
        await login(database, settings, "li", PASSWORD, clock.advance(minutes=14))
    assert await login(database, settings, "li", PASSWORD, clock.advance(minutes=2))
    assert await _actions(database) == [
        "login_failed",
        "login_failed",
        "locked",
        "login_locked",
        "login",
    ]


async def test_a_disabled_account_cannot_log_in(
    database: Database, settings: Settings, clock: Clock
) -> None:
    staff = await add_staff(database, "li", "county")
    async with database.transaction() as session:
        await StaffAccounts(session).set_active(staff.id, False)
    with pytest.raises(ActionRefused, match=r"staff\.error\.login"):
        await login(database, settings, "li", PASSWORD, clock.now)
