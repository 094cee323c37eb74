"""The admin's pages of the console under /staff/admin: one router module per page."""

from __future__ import annotations

from fastapi import FastAPI

from bot.web.admin import kb, privacy, reports, unanswered


def install(app: FastAPI) -> None:
    """Mount every admin page and its API on `app`."""
    app.include_router(kb.router)
    app.include_router(reports.router)
    app.include_router(unanswered.router)
    app.include_router(privacy.router)
