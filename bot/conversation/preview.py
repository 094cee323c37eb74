"""What the bot would answer, without anyone having asked: the replies a new user would get to
a question and the reasons behind the decision. `vetbot ask` and the admin's knowledge-base
page both show these, so the two can never disagree."""

from __future__ import annotations

import tempfile

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import ConversationKey, Inbound, Outbound
from intents.understand import Explanation
from storage import migrate
from storage.database import Database


async def replies_to(settings: Settings, knowledge: Knowledge, question: str) -> list[Outbound]:
    """The replies a new user would get to `question`: the real engine, on a throwaway
    database, so what is shown is exactly what a chat shows (wording, sources, options)."""
    with tempfile.TemporaryDirectory(prefix="vetbot-ask-") as folder:
        database = Database(f"sqlite:///{folder}/ask.db")
        try:
            await migrate.upgrade(database)
            engine = Engine(database, KnowledgeStore(settings.policies_dir, knowledge), settings)
            key = ConversationKey("cli", "ask", "ask")
            return await engine.handle(Inbound(key, "ask-1", text=question))
        finally:
            await database.dispose()


def why(explanation: Explanation) -> list[str]:
    """What the question is about and why it was declined: the lines before the scores."""
    decision = explanation.decision
    lines = []
    if explanation.romanised:
        lines.append(f"romanised: {explanation.romanised}")
    if explanation.terms:
        head = f"   head: {explanation.head}" if explanation.head else ""
        lines.append(f"key terms: {' · '.join(explanation.terms)}{head}")
    unexplained = getattr(decision, "unexplained", ())
    if unexplained:
        lines.append(f"unexplained by any entry: {' · '.join(unexplained)}")
    office = getattr(decision, "office", None)
    if office is not None:
        lines.append(f"office: {office.zh} / {office.en}")
    for reason, (score, cues) in explanation.safety.items():
        lines.append(f"safety: {reason} {score:.1f} ({', '.join(cues[:4])})")
    return lines
