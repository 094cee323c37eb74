"""The web chat page at `/`: static files, no build step, and the browser's signed identity."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.web.callers import BrowserDep

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def page(request: Request, caller: BrowserDep) -> HTMLResponse:
    # A browser without a cookie we signed gets a new identity here, before it says anything.
    # The cookie is HttpOnly: the page never reads it; the server alone says who it is.
    response = HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))
    caller.remember(request, response)
    response.headers["Cache-Control"] = "no-cache"
    return response
