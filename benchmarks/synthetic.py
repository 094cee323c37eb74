"""A synthetic knowledge base of any size, shaped like the real one, for scale measurements."""

from __future__ import annotations

import random
from datetime import date

from policies.loader import KnowledgeBase
from policies.schema import Entry, Text

# Common characters of everyday Chinese: synthetic topic words are drawn from these, so the
# index sees realistic overlap between topics rather than disjoint alphabets.
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
    "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原"
    "又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革"
    "位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强"
    "放决西被干做必战先回则任取据处理府研质"
)
_ASKS = (
    "怎么办",
    "在哪里办",
    "需要什么材料",
    "有什么条件",
    "多少钱",
    "什么时候",
    "找谁",
    "能不能申请",
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.choice((2, 2, 3, 4))))


def synthetic_kb(size: int, questions_per_entry: int = 8, seed: int = 7) -> KnowledgeBase:
    rng = random.Random(seed)
    entries = []
    for number in range(size):
        topic = [_word(rng) for _ in range(3)]
        questions = []
        for q in range(questions_per_entry):
            words = rng.sample(topic, 2) + [_word(rng)] * (q % 2)
            questions.append("".join(words) + rng.choice(_ASKS))
        entries.append(
            Entry(
                id=f"synthetic.e{number}",
                title=topic[0] + topic[1],
                questions=questions,
                keywords=topic,
                answer="合成条目，仅用于测量。",
                source="synthetic",
                reviewed=date(2026, 1, 1),
            )
        )
    return KnowledgeBase(
        entries=tuple(entries),
        stations=(),
        request_types=(),
        categories={"synthetic": Text(zh="合成", en="synthetic")},
        topics=(),
        fingerprint=f"synthetic-{size}",
    )


def perturbed_questions(kb: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    """Questions like the stored ones but not equal to them: a character dropped or swapped."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        entry = rng.choice(kb.entries)
        text = list(rng.choice(entry.questions))
        position = rng.randrange(len(text))
        if rng.random() < 0.5:
            del text[position]
        else:
            text[position] = rng.choice(_CHARS)
        out.append("".join(text))
    return out
