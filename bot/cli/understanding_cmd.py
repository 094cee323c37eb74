"""`vetbot ask`, `vetbot eval`, `vetbot bench`: what the bot understands, how well and how fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.config import get_settings
from intents.decision import Answer, Clarify, Decision, Intent
from intents.evaluate import evaluate, label, load_cases
from intents.understand import Explanation, Understanding
from policies.errors import PolicyValidationError
from policies.loader import KnowledgeBase, load

out = Console()
err = Console(stderr=True)


def _understanding(folder: Path | None) -> Understanding:
    root = folder or get_settings().policies_dir
    try:
        kb = load(root)
    except PolicyValidationError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        err.print(
            "[red]The knowledge base has errors;[/red] run `vetbot policies check` and fix them."
        )
        raise typer.Exit(1) from exc
    with err.status("building the index… 正在建立索引…"):
        return Understanding.build(kb)


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


def describe(kb: KnowledgeBase, decision: Decision) -> str:
    """What the user would be told, in short (the engine adds the wording around it)."""

    def title(entry_id: str) -> str:
        entry = kb.entry(entry_id)
        return entry.title if entry else entry_id

    if isinstance(decision, Answer):
        entry = kb.entry(decision.entry_id)
        assert entry is not None
        also = "".join(f"\n  也许您还想问 / also: {title(a)}" for a in decision.also)
        return (
            f"{entry.title}\n{entry.answer.strip()}\n"
            f"来源 Source: {entry.source}（{entry.reviewed} 审核）{also}"
        )
    if isinstance(decision, Clarify):
        lines = [f"  {n}. {title(o)}" for n, o in enumerate(decision.options, 1)]
        return "您想问的是哪一个？ Which do you mean?\n" + "\n".join(lines)
    if isinstance(decision, Intent):
        return f"→ {decision.name}" + (" (urgent)" if decision.urgent else "")
    return "抱歉，我不太确定您的问题。 I'm not sure — shall I pass you to staff?"


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
    @app.command()
    def ask(
        question: Annotated[
            str | None, typer.Argument(help="The question; omit with --jsonl.")
        ] = None,
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
        understanding = _understanding(policies)
        if jsonl:
            for line in sys.stdin:
                text = line.rstrip("\n")
                if text.strip():
                    decision = understanding.decide(text)
                    sys.stdout.write(json.dumps(as_json(text, decision), ensure_ascii=False) + "\n")
            return
        if not question:
            err.print(
                'Give a question, e.g. [bold]vetbot ask "优待证怎么办"[/bold], or use --jsonl.'
            )
            raise typer.Exit(2)
        explanation = understanding.explain(question)
        out.print(describe(understanding.kb, explanation.decision))
        if explain:
            out.print(f"decision: {explanation.decision}")
            out.print(_explain_table(explanation))

    @app.command("eval")
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
    ) -> None:
        """Score understanding on an evaluation file and list every miss. 评估理解准确率。"""
        understanding = _understanding(policies)
        report = evaluate(understanding, load_cases(file))
        for outcome in report.misses:
            tag = "[red]WRONG[/red]" if outcome.wrong else "[yellow]miss[/yellow] "
            want = " / ".join(outcome.case.expect)
            out.print(f"{tag} {outcome.case.question}  want {want}  got {label(outcome.decision)}")
        table = Table(title=f"{file} ({len(report.outcomes)} questions)")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_row("accuracy", f"{report.accuracy:.3f}")
        table.add_row("accuracy counting clarifications", f"{report.accuracy_with_clarify:.3f}")
        table.add_row("wrong answers", f"{report.wrong_rate:.3f}")
        table.add_row("out-of-scope abstention", f"{report.abstention:.3f}")
        table.add_row("@human recall", f"{report.human_recall:.3f}")
        out.print(table)

    @app.command()
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
