"""Every guide of policies/guides.yaml walked through every branch on the real engine: by
digits only (the guide started by typing how people ask for it) and by buttons. Every outcome
is reached, shows its result, its cited rule, what to bring, the answers given and the
guidance-only sentence, and offers its next steps."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_KB_DIR
from bot.conversation.engine import Engine
from bot.conversation.types import Outbound
from policies.guides import ARTICLE, PLACEHOLDER
from policies.loader import load
from tests.bot.chatting import Chat, labels
from tests.bot.flows.guide.walking import Path, paths

KB = load(DEFAULT_KB_DIR)
GUIDES = KB.guides
PATHS = [path for guide in GUIDES for path in paths(guide)]
GUIDANCE_ONLY = "仅供参考，以退役军人事务部门审核认定为准"


def test_the_walks_reach_every_outcome_of_every_guide() -> None:
    assert len(GUIDES) >= 5
    reached = {(p.guide.id, p.outcome.id) for p in PATHS}
    assert reached == {(g.id, o.id) for g in GUIDES for o in g.outcomes}


def test_no_outcome_is_without_a_cited_article() -> None:
    for guide in GUIDES:
        for outcome in guide.outcomes:
            assert outcome.source and ARTICLE.search(outcome.source), (guide.id, outcome.id)


def shown_before_placeholder(text: str) -> str:
    """The part of an outcome's wording before its first `{answer}`, as it must appear."""
    return PLACEHOLDER.split(text)[0]


def assert_outcome(reply: Outbound, path: Path) -> None:
    text, outcome = reply.text, path.outcome
    assert shown_before_placeholder(outcome.result.zh) in text, path.name
    assert "{" not in text, (path.name, text)  # every answer it names was filled in
    if outcome.formula is not None:
        assert shown_before_placeholder(outcome.formula.zh) in text, path.name
    assert f"依据：{outcome.source}" in text, path.name
    assert outcome.bring.zh in text, path.name
    assert GUIDANCE_ONLY in text, path.name
    for question_id, index in path.answers:
        question = path.guide.question(question_id)
        assert question is not None
        label = (question.label or question.text).zh
        branch = question.branches()[index]
        answer = branch.label.zh if branch.label else ("是" if branch.loc == ("if_yes",) else "否")
        assert f"{label}：{answer}" in text, (path.name, label, answer, text)
    offered = labels(reply)
    for step in outcome.next:
        if step == "booking":
            assert "预约办事" in offered, path.name
        elif step == "handoff":
            assert "联系工作人员" in offered, path.name
    for _, request in outcome.requests():
        request_type = KB.request_type(request.request)
        assert request_type is not None and request_type.title.zh in offered, path.name
    assert len(offered) == len(outcome.next) + 2, (path.name, offered)
    assert "上一步（修改回答）" in offered and "回到主菜单" in offered


async def walk(chat: Chat, path: Path, *, digits: bool) -> Outbound:
    if digits:  # started by asking, answered by one digit each: as on a text-only channel
        reply = await chat.say(path.guide.asks[0])
    else:
        reply = await chat.pick(f"guide:{path.guide.id}")
    for question_id, index in path.answers:
        question = path.guide.question(question_id)
        assert question is not None
        assert question.text.zh in reply.text, (path.name, reply.text)
        if digits:
            reply = await chat.say(str(index + 1))
        else:
            reply = await chat.pick(reply.options[index].payload)
    return reply


@pytest.mark.parametrize("digits", [True, False], ids=["digits", "buttons"])
async def test_every_guide_through_every_branch(sqlite_engine: Engine, digits: bool) -> None:
    for number, path in enumerate(PATHS):
        chat = Chat(sqlite_engine, user=f"walker{number}")
        reply = await walk(chat, path, digits=digits)
        assert_outcome(reply, path)
        state = await chat.state()
        assert (state.flow, state.step, state.values["at"]) == ("guide", "outcome", path.outcome.id)
        kept = {q: given["pick"] for q, given in state.values["answers"].items()}
        assert kept == dict(path.answers), path.name  # kept with the conversation


async def test_digits_answers_are_logged_with_what_they_answered(sqlite_engine: Engine) -> None:
    chat = Chat(sqlite_engine)
    path = next(p for p in PATHS if p.guide.id == "glory_plaque" and p.outcome.id == "new")
    await walk(chat, path, digits=True)
    said = [m.text for m in await chat.log() if m.direction == "in"]
    first = path.guide.questions[0].answers[path.answers[0][1]].zh
    assert f"{path.answers[0][1] + 1}（{first}）" in said
    assert any(GUIDANCE_ONLY in m.text for m in await chat.log() if m.direction == "out")
