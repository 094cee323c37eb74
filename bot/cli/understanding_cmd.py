"""`vetbot ask`, `vetbot eval`, `vetbot bench`: what the bot understands, how well and how fast."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.channels.console import render
from bot.cli.running import load_knowledge
from bot.config import get_settings
from bot.conversation.preview import replies_to, why
from intents.decision import Answer, Clarify, Decision, Intent
from intents.evaluate import OUTCOMES, Report, evaluate, label, load_cases
from intents.understand import Explanation

out = Console()
err = Console(stderr=True)


def as_json(question: str, decision: Decision) -> dict[str, object]:
    """The `--jsonl` contract of DESIGN.md: q, outcome, id, options, score."""
    outcome, entry_id, options = "fallback", None, []
    if isinstance(decision, Answer):
        outcome, entry_id = "answer", decision.entry_id
    elif isinstance(decision, Intent):
        outcome, entry_id = "intent", decision.name
    elif isinstance(decision, Clarify):
        outcome, options = "clarify", list(decision.options)
    return {
        "q": question,
        "outcome": outcome,
        "id": entry_id,
        "options": options,
        "score": round(decision.score, 4),
    }


def _explain_table(explanation: Explanation) -> Table:
    table = Table(title=f"normalised: {explanation.text!r}")
    for column in (
        "candidate",
        "bm25 (class)",
        "dice (phrasing)",
        "pinyin",
        "fused",
        "closest phrasing",
    ):
        table.add_column(column)
    for match in explanation.matches[:5]:
        table.add_row(
            match.name,
            f"{match.bm25:.3f}",
            f"{match.dice:.3f}",
            f"{match.pinyin:.3f}",
            f"{match.score:.3f}",
            match.phrasing,
        )
    return table


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command("eval")(eval_)
    app.command()(bench)


def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit with --jsonl.")] = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show every signal's score for the top candidates."),
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help="Read one question per line on stdin; write one JSON object per line.",
        ),
    ] = False,
    policies: Annotated[Path | None, typer.Option(help="Policies folder to use.")] = None,
) -> None:
    """What the bot would answer. 机器人会怎样回答。"""
    knowledge = load_knowledge(policies)
    understanding = knowledge.understanding
    if jsonl:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if text.strip():
                decision = understanding.decide(text)
                sys.stdout.write(json.dumps(as_json(text, decision), ensure_ascii=False) + "\n")
        return
    if not question:
        err.print('Give a question, e.g. [bold]vetbot ask "优待证怎么办"[/bold], or use --jsonl.')
        raise typer.Exit(2)
    settings = get_settings().model_copy(
        update={"policies_dir": policies or get_settings().policies_dir}
    )
    for reply in asyncio.run(replies_to(settings, knowledge, question)):
        out.print(render(reply), markup=False, highlight=False, soft_wrap=True)
    if explain:
        explanation = understanding.explain(question)
        out.print(f"decision: {explanation.decision}", markup=False)
        for line in why(explanation):
            out.print(line, markup=False, highlight=False)
        out.print(_explain_table(explanation))


def eval_(
    file: Annotated[
        Path,
        typer.Argument(
            help="Evaluation file in the format of shared/eval/dev.yaml.",
            exists=True,
            dir_okay=False,
        ),
    ],
    policies: Annotated[Path | None, typer.Option(help="Policies folder to use.")] = None,
    split: Annotated[
        str | None,
        typer.Option(
            help="Only the items of this split (tune or measure), for files that have "
            "`split:`; a measure split prints figures only."
        ),
    ] = None,
    misses: Annotated[
        bool,
        typer.Option(
            help="List every miss (off by default for a measure split, whose questions "
            "must not be read one by one)."
        ),
    ] = True,
) -> None:
    """Score understanding on an evaluation file: figures, confusion by kind, misses. 评估理解准确率。"""
    understanding = load_knowledge(policies).understanding
    report = evaluate(understanding, load_cases(file, split=split))
    if misses and split != "measure":
        for outcome in report.misses:
            tag = "[red]WRONG[/red]" if outcome.wrong else "[yellow]miss[/yellow] "
            want = " / ".join(outcome.case.expect)
            got = label(outcome.decision)
            out.print(f"{tag} {outcome.case.question}  want {want}  got {got}")
    shown = f"{file}, split {split}" if split else str(file)
    out.print(_figures(report, f"{shown} ({len(report.outcomes)} questions)"))
    if any(o.case.kind for o in report.outcomes):
        out.print(_by_kind(report))


def bench(
    json_out: Annotated[
        bool, typer.Option("--json", help="End with one JSON object of every figure.")
    ] = False,
    quick: Annotated[bool, typer.Option(help="Fewer repetitions (a smoke run).")] = False,
) -> None:
    """Measure understanding speed, index build time and memory (and the engine, if built)."""
    from benchmarks.runner import run_all

    figures = run_all(quick=quick, console=err)
    if json_out:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")


def _figures(report: Report, title: str) -> Table:
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("accuracy", f"{report.accuracy:.3f}")
    table.add_row("accuracy counting clarifications", f"{report.accuracy_with_clarify:.3f}")
    table.add_row("wrong answers", f"{report.wrong_rate:.3f}")
    table.add_row("out-of-scope abstention", f"{report.abstention:.3f}")
    table.add_row("@human recall", f"{report.human_recall:.3f}")
    return table


def _by_kind(report: Report) -> Table:
    """Where each kind of question ended up (a row per kind), with its accuracy and wrong rate."""
    table = Table(title="by kind")
    table.add_column("kind", no_wrap=True)
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right")
    table.add_column("accuracy", justify="right")
    table.add_column("wrong", justify="right")
    kinds = report.by_kind()
    for kind, counts in report.confusion().items():
        row = kinds[kind]
        cells = [str(counts[o]) for o in OUTCOMES]
        table.add_row(kind or "-", *cells, f"{row.accuracy:.3f}", f"{row.wrong_rate:.3f}")
    return table
