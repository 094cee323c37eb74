"""`vetbot ask`, `vetbot eval`, `vetbot bench`: what the bot understands, how well and how fast."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Filled in with the understanding pipeline."""
