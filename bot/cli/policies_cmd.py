"""`vetbot policies …`: validate the YAML admins edit, and ask a running server to reload it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from bot.config import get_settings
from policies.loader import problems_of

app = typer.Typer(
    help="Check and reload the knowledge base. 检查、重新加载知识库。", no_args_is_help=True
)
err = Console(stderr=True)


@app.command("check")
def check(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Policies folder (kb/, stations.yaml, requests.yaml); default: the configured one."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors too.")] = False,
) -> None:
    """Validate every YAML file; print `file:line: message` for each problem; exit 1 on errors."""
    root = folder or get_settings().policies_dir
    if not root.is_dir():
        err.print(f"[red]{root} is not a folder.[/red] Give the policies folder that holds kb/.")
        raise typer.Exit(2)
    problems = problems_of(root)
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    for problem in problems:
        typer.echo(str(problem), err=True)
    failed = bool(errors) or (strict and bool(warnings))
    if failed:
        err.print(
            f"[red]✗ {len(errors)} error(s), {len(warnings)} warning(s).[/red] "
            "Fix the lines above; the running bot keeps its last good knowledge base meanwhile. "
            "知识库有错误，请按上面的行号修改。"
        )
        raise typer.Exit(1)
    err.print(f"[green]✓ knowledge base OK[/green] ({len(warnings)} warning(s)). 知识库检查通过。")


@app.command("reload")
def reload(
    url: Annotated[
        str | None,
        typer.Option(
            help="The running server; by default http://VETBOT_HOST:VETBOT_PORT of this machine."
        ),
    ] = None,
) -> None:
    """Ask the running server (on this machine) to load the YAML again now."""
    settings = get_settings()
    base = url or f"http://{settings.host}:{settings.port}"
    try:
        response = httpx.post(f"{base.rstrip('/')}/api/admin/reload", timeout=60)
    except httpx.HTTPError as exc:
        err.print(f"[red]No server answered at {base}[/red] ({exc}). Is `vetbot serve` running?")
        raise typer.Exit(2) from exc
    body = response.json()
    if response.status_code == 422:
        for line in body.get("errors", []):
            typer.echo(line, err=True)
        err.print("[red]✗ not reloaded;[/red] the server keeps its last good knowledge base.")
        raise typer.Exit(1)
    if response.status_code != 200:
        err.print(f"[red]✗ the server answered {response.status_code}:[/red] {body.get('detail')}")
        raise typer.Exit(1)
    state = "reloaded" if body["reloaded"] else "unchanged"
    err.print(f"[green]✓ knowledge base {state}[/green] (fingerprint {body['fingerprint']}).")
