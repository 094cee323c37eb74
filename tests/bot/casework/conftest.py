"""Casework tests book and file on the same fixed date as the flow tests."""

from __future__ import annotations

from tests.bot.flows.conftest import engine

__all__ = ["engine"]
