"""The web chat page at `/`: static files, no build step, and a stable anonymous cookie id."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.web.chat_api import COOKIE

STATIC = Path(__file__).parent / "static"
ONE_YEAR = 365 * 24 * 3600

router = APIRouter(include_in_schema=False)


@router.get("/")
async def page(request: Request) -> HTMLResponse:
    # The page reads the cookie to send its user_id, so it is not HttpOnly; it carries no
    # authority beyond "this browser's own anonymous conversation".
    response = HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))
    if not request.cookies.get(COOKIE):
        response.set_cookie(
            COOKIE, f"w{secrets.token_urlsafe(18)}", max_age=ONE_YEAR, samesite="lax"
        )
    response.headers["Cache-Control"] = "no-cache"
    return response
