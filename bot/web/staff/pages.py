"""The staff console's pages under /staff: one HTML shell per page, filled by `staff.js` from
the JSON API. The shell carries the page's wording (the catalogue's `staff.*` sentences in the
member's language) and the CSRF token, and is served only to a logged-in member who may see
what it shows.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot.errors import ActionRefused, NotVisible
from bot.messages import catalogue
from bot.staff import cases
from bot.staff import tickets as work
from bot.staff.permissions import may_read_audit
from bot.web.page import STATIC
from bot.web.params import CaseNumber, RowId
from bot.web.staff.api import router as api_router
from bot.web.staff.auth import Console, ConsoleDep, NotLoggedIn, language, staff_text
from bot.web.staff.cases import router as casework_router

SHELL = STATIC / "staff.html"
# No-store, no framing, the CSP: `bot/web/headers.py` sets them on every console response.

router = APIRouter(prefix="/staff", include_in_schema=False)


def shell(
    lang: str,
    page: str,
    *,
    csrf: str = "",
    ticket: int | str = 0,
    status: int = 200,
    scripts: tuple[str, ...] = (),
) -> HTMLResponse:
    """The console's page `page`; `scripts` are further files under /static that the page
    needs beside `staff.js` (an admin page's own code), loaded after it."""
    # The console's own sentences, and the names of request and visit states.
    texts = {
        key.removeprefix("staff."): text
        for key, text in catalogue().texts[lang].items()
        if key.startswith(("staff.", "state.", "visit."))
    }
    # JSON inside <script> must not be able to close the tag.
    data = json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")
    html = (
        SHELL.read_text(encoding="utf-8")
        .replace("{{lang}}", "zh-CN" if lang == "zh" else "en")
        .replace("{{page}}", page)
        .replace("{{csrf}}", csrf)
        .replace("{{ticket}}", escape(str(ticket)))
        .replace("{{title}}", escape(texts["title"]))
        .replace("{{texts}}", data)
        .replace("{{scripts}}", "".join(_script(name) for name in scripts))
    )
    return HTMLResponse(html, status_code=status)


def _script(name: str) -> str:
    if not (STATIC / name).is_file():
        raise FileNotFoundError(f"bot/web/static/{name} is missing")
    return f'  <script src="/static/{escape(name)}"></script>\n'


@router.get("/login")
async def login_page(request: Request) -> Response:
    return shell(language(request), "login")


@router.get("")
@router.get("/")
async def queue_page(c: ConsoleDep) -> Response:
    return shell(c.lang, "queue", csrf=c.csrf)


@router.get("/tickets/{ticket_id}")
async def ticket_page(ticket_id: RowId, c: ConsoleDep) -> Response:
    async with c.services.database.transaction() as session:
        await work.seen(session, c.desk, c.staff, ticket_id, c.now)  # NotVisible: 404
    return shell(c.lang, "ticket", csrf=c.csrf, ticket=ticket_id)


@router.get("/requests/{number}")
async def request_page(number: CaseNumber, c: ConsoleDep) -> Response:
    async with c.services.database.transaction() as session:
        await cases.request(session, c.desk, c.staff, number)  # NotVisible: 404
    return shell(c.lang, "request", csrf=c.csrf, ticket=number)


@router.get("/ratings")
async def ratings_page(c: ConsoleDep) -> Response:
    return shell(c.lang, "ratings", csrf=c.csrf)


@router.get("/audit")
async def audit_page(c: ConsoleDep) -> Response:
    if not may_read_audit(c.staff):
        return _not_found(c)
    return shell(c.lang, "audit", csrf=c.csrf)


def _not_found(c: Console) -> Response:
    return shell(c.lang, "missing", csrf=c.csrf, status=404)


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _not_logged_in(request: Request, exc: Exception) -> Response:
    if _api(request):
        detail = staff_text(language(request), "staff.error.session")
        return JSONResponse({"detail": detail}, 401)
    return RedirectResponse("/staff/login", status_code=303)


async def _not_visible(request: Request, exc: Exception) -> Response:
    lang = language(request)
    if _api(request):
        return JSONResponse({"detail": staff_text(lang, "staff.error.not_found")}, 404)
    return shell(lang, "missing", status=404)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActionRefused)
    body: dict[str, Any] = {"detail": staff_text(language(request), exc.key), "key": exc.key}
    return JSONResponse(body, 409)


def install(app: FastAPI) -> None:
    """Mount the console's pages and API on `app`."""
    app.include_router(api_router)
    app.include_router(casework_router)
    app.include_router(router)
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.add_exception_handler(NotVisible, _not_visible)
    app.add_exception_handler(ActionRefused, _refused)
