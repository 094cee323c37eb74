"""`vetbot settings`: every setting, from its one declaration in `bot.config.Settings`.

The README's configuration table is this command's `--markdown` output, and a test keeps the
two equal, so a setting cannot be added without being documented.
"""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from bot.config import Settings, get_settings

ENV_PREFIX = "VETBOT_"


def rows(current: Settings | None = None) -> list[tuple[str, str, str]]:
    """(environment variable, default or current value, description) for every setting.
    Secrets are never shown: only whether they are set."""
    out = []
    for name, field in Settings.model_fields.items():
        value = getattr(current, name) if current is not None else field.default
        if isinstance(value, SecretStr):
            shown = ("(set)" if value.get_secret_value() else "(not set)") if current else ""
        else:
            shown = str(value)
        out.append((ENV_PREFIX + name.upper(), shown, field.description or ""))
    return out


def markdown() -> str:
    lines = ["| variable | default | what it is |", "|---|---|---|"]
    for variable, default, description in rows():
        if default.startswith("/"):  # an installed path says nothing to a reader
            default = "(the shipped `policies/`)" if variable.endswith("POLICIES_DIR") else ""
        shown = f"`{default}`" if default and not default.startswith("(") else default
        lines.append(f"| `{variable}` | {shown} | {description} |")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    @app.command()
    def settings(
        as_markdown: Annotated[
            bool, typer.Option("--markdown", help="Print the README's table of settings.")
        ] = False,
    ) -> None:
        """Show every setting, its value here (secrets hidden) and what it does. 查看配置。"""
        if as_markdown:
            typer.echo(markdown(), nl=False)
            return
        table = Table(title="vetbot settings (environment or .env)")
        for column in ("variable", "value", "what it is"):
            table.add_column(column)
        for row in rows(get_settings()):
            table.add_row(*row)
        Console().print(table)
