"""The admin's pages of the console under /staff/admin: one router module per page."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount every admin page and its API on `app`."""
