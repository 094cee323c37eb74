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


@app.command("add-phrasing")
def add_phrasing(
    entry_id: Annotated[str, typer.Argument(help="The entry, e.g. preferential.card.")],
    questions: Annotated[
        list[str], typer.Argument(help="One or more questions to add as its phrasings.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    folder: Annotated[
        Path | None,
        typer.Option("--policies", help="Policies folder; default: the configured one."),
    ] = None,
) -> None:
    """Add phrasings to an entry as a reviewed edit: show the diff, ask, check, write.

    The same path as the console's: comments and layout of the file are kept; the checks of
    `vetbot policies check` and the held-out evaluation run on the result; the edit is refused
    if one fails or accuracy drops, and the write is recorded in the audit log as you.
    添加问法：先显示差异，确认后检查并写入。"""
    import getpass

    from rich.syntax import Syntax

    from bot.cli.running import with_database
    from policies.editing import Applied, EditError, Editor, Who
    from policies.editing_audit import apply

    settings = get_settings()
    root = folder or settings.policies_dir
    if not root.is_dir():
        err.print(f"[red]{root} is not a folder.[/red] Give the policies folder that holds kb/.")
        raise typer.Exit(2)
    editor = Editor(root)
    try:
        proposal = editor.propose_phrasings(entry_id, questions)
    except EditError as exc:
        for reason in exc.reasons:
            err.print(f"[red]✗[/red] {reason}", markup=True, highlight=False)
        raise typer.Exit(1) from exc
    Console().print(Syntax(proposal.diff, "diff", theme="ansi_dark", word_wrap=True))
    for question in proposal.skipped:
        err.print(f"already a phrasing, not added again: {question}", highlight=False)
    if not yes and not typer.confirm("Apply this change? 应用这个修改？"):
        err.print("Nothing written. 未写入。")
        raise typer.Exit(1)
    who = Who(f"cli:{getpass.getuser()}", via="cli")
    with err.status("checking and evaluating… 正在检查和评估…"):
        result = with_database(lambda database: apply(editor, who, database, proposal), settings)
    if not isinstance(result, Applied):
        for reason in result.reasons:
            err.print(f"[red]✗[/red] {reason}", highlight=False)
        for problem in result.problems:
            typer.echo(problem, err=True)
        if result.evaluation is not None:
            for expected, got, count in result.evaluation.regressions:
                typer.echo(f"  expected {expected}, now {got}: {count} question(s)", err=True)
        err.print("[red]Not written;[/red] the file is as it was. 未写入。")
        raise typer.Exit(1)
    figures = (
        ", ".join(f"{s.name} {s.before:.1%}→{s.after:.1%}" for s in result.evaluation.sets)
        or "no held-out sets found"
    )
    err.print(
        f"[green]✓ written[/green] {proposal.file} ({len(proposal.added)} phrasing(s); "
        f"held-out accuracy {figures}; {result.seconds:.1f} s). A running server with the file "
        "watcher on serves it now; otherwise run `vetbot policies reload`. 已写入。",
        highlight=False,
    )
