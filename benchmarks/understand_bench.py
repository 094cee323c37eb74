"""Understanding speed: latency per question, index build time, and the naive baseline."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import process

from benchmarks.synthetic import perturbed_questions, synthetic_kb
from bot.config import get_settings
from intents.evaluate import load_cases
from intents.normalize import normalize
from intents.understand import Understanding
from policies.loader import KnowledgeBase, load

HERE = Path(__file__).resolve().parent
QUESTION_FILES = (
    HERE.parent.parent / "shared" / "eval" / "dev.yaml",
    HERE.parent / "tests" / "intents" / "heldout.yaml",
)


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p99_ms": round(p99, 3)}


def time_each(
    questions: Sequence[str], answer: Callable[[str], object], rounds: int
) -> list[float]:
    """Milliseconds per question. Caches are cleared each round so every call does the work."""
    samples = []
    for _ in range(rounds):
        normalize.cache_clear()
        for question in questions:
            start = time.perf_counter()
            answer(question)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def real_questions() -> list[str]:
    questions: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            questions.extend(case.question for case in load_cases(path))
    return questions


def build(kb: KnowledgeBase) -> tuple[Understanding, float]:
    start = time.perf_counter()
    understanding = Understanding.build(kb)
    return understanding, time.perf_counter() - start


def bench_real(policies_dir: Path, rounds: int) -> dict[str, float]:
    start = time.perf_counter()
    kb = load(policies_dir)
    parsed = time.perf_counter() - start
    understanding, built = build(kb)
    questions = real_questions() or [q for e in kb.entries for q in e.questions[:3]]
    latency = percentiles(time_each(questions, understanding.decide, rounds))
    return {
        "understand.real.p50_ms": latency["p50_ms"],
        "understand.real.p99_ms": latency["p99_ms"],
        "understand.real.questions": len(questions),
        "load.real.seconds": round(parsed + built, 3),
        "load.real.parse_seconds": round(parsed, 3),
        "load.real.build_seconds": round(built, 3),
    }


def bench_synthetic(size: int, rounds: int) -> dict[str, float]:
    kb = synthetic_kb(size)
    understanding, built = build(kb)
    questions = perturbed_questions(kb, 300) + real_questions()[:100]
    latency = percentiles(time_each(questions, understanding.decide, rounds))
    stored = [normalize(q) for entry in kb.entries for q in entry.questions]
    # The naive way scans every stored question: 100 questions are enough to see its cost.
    naive = percentiles(
        time_each(questions[:100], lambda q: process.extractOne(normalize(q), stored), 1)
    )
    prefix = f"synthetic_{size}"
    return {
        f"understand.{prefix}.p50_ms": latency["p50_ms"],
        f"understand.{prefix}.p99_ms": latency["p99_ms"],
        f"load.{prefix}.seconds": round(built, 3),
        f"naive.{prefix}.p50_ms": naive["p50_ms"],
        f"naive.{prefix}.p99_ms": naive["p99_ms"],
        f"{prefix}.stored_questions": len(stored),
    }


def main() -> None:
    """`python -m benchmarks.understand_bench [--quick]`: the understanding figures alone."""
    rounds = 1 if "--quick" in sys.argv else 3
    figures = {**bench_real(get_settings().policies_dir, rounds), **bench_synthetic(10_000, rounds)}
    for name, value in figures.items():
        print(f"{name:<40} {value}")


if __name__ == "__main__":
    main()
