"""Grouping unanswered questions: how long the inbox takes to cluster a week of them.

The questions are the real knowledge base's own phrasings (each entry's questions are one need,
several wordings), shuffled, at 500, all of them once (about 1,000 distinct) and 5,000 with
repeats (the most one inbox view reads). The
figures: seconds to group, clusters found, and how pure they are — the share of questions
whose cluster's largest entry is their own entry — and how whole — the share of an entry's
questions found in its largest cluster.

`python -m benchmarks.insights_bench [--quick]` prints the figures.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

from bot.conversation.knowledge import Knowledge
from bot.insights.clusters import group

POLICIES = Path(__file__).resolve().parent.parent / "policies"


def run(sizes: tuple[int, ...]) -> list[dict[str, float]]:
    knowledge = Knowledge.build(POLICIES)
    asked = [(e.id, q) for e in knowledge.kb.entries for q in e.questions if not q.isascii()]
    figures = []
    for size in (s or len(asked) for s in sizes):
        # Distinct wordings while there are enough; beyond, repeats, as in a real inbox.
        shuffled = random.Random(size).sample(asked, len(asked))
        chosen = [shuffled[n % len(shuffled)] for n in range(size)]
        texts = [q for _, q in chosen]
        started = time.perf_counter()
        groups = group(texts, knowledge.understanding).groups
        seconds = time.perf_counter() - started
        owner = [chosen[i][0] for i in range(size)]
        pure = sum(Counter(owner[i] for i in g).most_common(1)[0][1] for g in groups) / size
        largest: dict[str, int] = {}
        for g in groups:
            for entry, n in Counter(owner[i] for i in g).items():
                largest[entry] = max(largest.get(entry, 0), n)
        whole = sum(largest.values()) / size
        figures.append(
            {
                "questions": size,
                "seconds": seconds,
                "clusters": len(groups),
                "pure": pure,
                "whole": whole,
            }
        )
    return figures


def main() -> None:
    sizes = (500,) if "--quick" in sys.argv else (500, 0, 5000)  # 0: each wording once
    for row in run(sizes):
        print(
            f"{row['questions']:>5} questions: {row['seconds']:.2f} s, {row['clusters']} clusters, "
            f"purity {row['pure']:.0%}, wholeness {row['whole']:.0%}"
        )


if __name__ == "__main__":
    main()
