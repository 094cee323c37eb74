"""The `vetbot` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

import typer

from bot.cli import (
    insights_cmd,
    policies_cmd,
    privacy_cmd,
    report_cmd,
    requests_cmd,
    server_cmd,
    settings_cmd,
    staff_cmd,
    understanding_cmd,
)

app = typer.Typer(
    name="vetbot",
    help="vetbot: policy answers, requests, bookings and staff handoff for veterans. "
    "退役军人服务助手。",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(policies_cmd.app, name="policies")
app.add_typer(staff_cmd.app, name="staff")
app.add_typer(privacy_cmd.app, name="privacy")
understanding_cmd.register(app)
server_cmd.register(app)
requests_cmd.register(app)
settings_cmd.register(app)
report_cmd.register(app)
insights_cmd.register(app)


def main() -> None:
    app()
