"""The staff console's guard: session cookie, CSRF token, same-origin check, as dependencies.

Pages without a session redirect to the login page; API calls answer 401. Every request that
changes something must carry the session's CSRF token in `X-CSRF-Token` and, when the browser
says where it comes from (`Origin`), come from this host. The cookie is HttpOnly and
SameSite=Strict, so another site can neither read it nor send it along.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import LANGUAGES, catalogue
from bot.staff.accounts import Login, authenticate
from bot.staff.desk import Desk
from bot.web.services import Services, ServicesDep
from storage.models.base import utcnow
from storage.repositories.staff import StaffAccount

Found = TypeVar("Found")
Shown = TypeVar("Shown")
Key = TypeVar("Key")
Shows = TypeVar("Shows", contravariant=True)

COOKIE = "vetbot_staff"
LANG_COOKIE = "vetbot_staff_lang"
CSRF_HEADER = "x-csrf-token"

Clock = Callable[[], datetime]


def get_clock(request: Request) -> Clock:
    """The app's clock (tests give `create_app` one they control)."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in LANGUAGES else "zh"


def staff_text(lang: str, key: str, **params: object) -> str:
    return catalogue().text(lang, key, **params)


@dataclass(frozen=True)
class Console:
    """One authenticated console request: who, their CSRF token, the desk, the time."""

    staff: StaffAccount
    csrf: str
    token: str
    desk: Desk
    services: Services
    now: datetime
    lang: str

    async def shown(
        self,
        act: Callable[[AsyncSession], Awaitable[Found]],
        show: Callable[[AsyncSession, Found], Awaitable[Shown]],
    ) -> Shown:
        """Do `act` (a lookup or a change, checked and audited by the staff code) and `show`
        what it found, in one transaction: the answer is what was committed."""
        async with self.services.database.transaction() as session:
            return await show(session, await act(session))

    async def revealed(
        self,
        reveal: Callable[[AsyncSession, Desk, StaffAccount, Key, datetime], Awaitable[Found]],
        key: Key,
        detail: Detail[Found],
    ) -> dict[str, Any]:
        """`reveal` the record `key` names (the staff code checks the member may and audits it)
        and show it unmasked by `detail`, in one transaction: a ticket, a request, a visit."""
        return await self.shown(
            lambda s: reveal(s, self.desk, self.staff, key, self.now),
            lambda s, found: detail(self, s, found, revealed=True),
        )


class Detail(Protocol[Shows]):
    """How the console shows one record: personal data masked, or `revealed`."""

    def __call__(
        self, c: Console, session: AsyncSession, found: Shows, /, *, revealed: bool
    ) -> Awaitable[dict[str, Any]]: ...


class NotLoggedIn(Exception):
    """No valid session: pages redirect to the login page, the API answers 401."""


async def _console(request: Request, services: Services, clock: Clock) -> Console:
    token = request.cookies.get(COOKIE, "")
    now = clock()
    found = await authenticate(services.database, token, now)
    if found is None:
        raise NotLoggedIn()
    staff, csrf = found
    desk = Desk.of(services.knowledge.current.kb, services.settings)
    return Console(staff, csrf, token, desk, services, now, language(request))


async def console(request: Request, services: ServicesDep, clock: ClockDep) -> Console:
    """For reading: a valid session."""
    return await _console(request, services, clock)


async def acting(request: Request, services: ServicesDep, clock: ClockDep) -> Console:
    """For changing: a valid session, its CSRF token, and no other site's Origin."""
    same_origin(request)
    found = await _console(request, services, clock)
    sent = request.headers.get(CSRF_HEADER, "")
    if not secrets.compare_digest(sent.encode(), found.csrf.encode()):
        raise HTTPException(403, staff_text(found.lang, "staff.error.csrf"))
    return found


def same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is None:
        return  # not sent by every browser for same-origin requests; the CSRF token still is
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(403, staff_text(language(request), "staff.error.csrf"))


ConsoleDep = Annotated[Console, Depends(console)]
ActingDep = Annotated[Console, Depends(acting)]


def set_session_cookie(request: Request, response: Response, login: Login, hours: float) -> None:
    """The session cookie; the browser keeps it as long as the session lasts (`hours`)."""
    response.set_cookie(
        COOKIE,
        login.token,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
