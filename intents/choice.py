"""The score-based choice: from ranked class matches to a decision, with calibrated thresholds.

Answer only when the best entry is clearly ahead, offer the close ones when two or three are
level, otherwise say we are not sure. Conversation intents and everyday off-topic examples
compete with the entries on the same scores.
"""

from __future__ import annotations

from intents.decision import Answer, Clarify, Decision, Fallback, Intent
from intents.examples import HUMAN, OUT_OF_SCOPE
from intents.index import ClassMatch

# Calibrated on the development set and the project's own held-out questions (tests/intents).
ANSWER_AT = 0.38  # the best entry's score needed to answer outright
MARGIN = 0.06  # ... and how far ahead of the next entry it must be
WIDE_MARGIN = 0.10  # a lower score still answers when nothing else comes close
CLARIFY_AT = 0.22  # below this nothing is close: fall back
CLOSE = 0.08  # entries within this of the best are offered together
INTENT_AT = 0.40  # a conversation intent needs this much
OFF_TOPIC_LEAD = 0.0  # off-topic wins when it is at least level with the best entry
TIE = 0.01  # scores this close are level
ACTIONS = ("@book_appointment", "@file_request", "@my_status")  # doing, not asking


def choose(matches: list[ClassMatch]) -> Decision:
    """The decision for one question: an entry scoring below an outright answer must also be
    clearly ahead (`WIDE_MARGIN`) of the everyday examples of other offices' things."""
    return _choose(matches, unsure_lead=WIDE_MARGIN)


def choose_in_letter(matches: list[ClassMatch]) -> Decision:
    """The decision for a piece of a long letter, which is read in the letter's context and
    has bars of its own (intents.letters): the ordinary margin over everyday chat is enough."""
    return _choose(matches, unsure_lead=MARGIN)


def _choose(matches: list[ClassMatch], unsure_lead: float) -> Decision:
    if not matches:
        return Fallback(0.0)
    best = matches[0]
    entries = [m for m in matches if not m.name.startswith("@")]
    top_entry = entries[0] if entries else None
    entry_score = top_entry.score if top_entry else 0.0
    if best.name.startswith("@"):
        if best.name == OUT_OF_SCOPE and best.score >= entry_score + OFF_TOPIC_LEAD:
            if best.score >= CLARIFY_AT:
                return Intent(OUT_OF_SCOPE, best.score)
            return Fallback(best.score)
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        clear = best.score >= INTENT_AT or (
            best.score >= CLARIFY_AT and best.score - runner_up >= WIDE_MARGIN
        )
        if clear and best.name != OUT_OF_SCOPE:
            return Intent(best.name, best.score, reason="model" if best.name == HUMAN else "")
    action = next((m for m in matches if m.name in ACTIONS), None)
    if action is not None and action.score >= INTENT_AT and action.score >= entry_score - TIE:
        # "帮我约个时间去县里办事" is about doing something, not about the station; but a
        # topic clearly ahead ("我要申请优待证") is answered, and its answer offers the form.
        return Intent(action.name, action.score)
    if top_entry is None or entry_score < CLARIFY_AT:
        return Fallback(best.score)
    off_topic = next((m.score for m in matches if m.name == OUT_OF_SCOPE), 0.0)
    if entry_score - off_topic < MARGIN:  # as much like everyday chat as like the entry
        return Fallback(entry_score)
    if entry_score < ANSWER_AT and entry_score - off_topic < unsure_lead:
        # Not sure of the entry, and everyday chat about other offices' things is nearly as
        # close (老兵种地有补贴吗, 退役军人的老婆能交社保吗): neither answer nor offer it.
        return Fallback(entry_score)
    rival = entries[1].score if len(entries) > 1 else 0.0
    lead = entry_score - rival
    if (entry_score >= ANSWER_AT and lead >= MARGIN) or lead >= WIDE_MARGIN:
        return Answer(top_entry.name, entry_score)
    close = [m.name for m in entries[:3] if entry_score - m.score <= CLOSE]
    if len(close) == 1:
        if entry_score >= ANSWER_AT:
            return Answer(top_entry.name, entry_score)
        close = [m.name for m in entries[:2]]
    return Clarify(tuple(close), entry_score)
