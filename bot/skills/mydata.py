""" "我的数据" / "my data": the user asks what we hold about them, for a copy or its deletion
(个人信息保护法). What is kept and for how long is said, and a ticket goes to the county
bureau's queue, whose admin checks who is asking and answers with `vetbot privacy export` or
the console's privacy page (/staff/admin/privacy)."""

from __future__ import annotations

from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows import handoff
from intents.normalize import is_english
from storage.repositories.tickets import Tickets

CATEGORY = "privacy"  # the ticket's category: staff see it is a personal data request


async def ask(turn: Turn) -> Outbound:
    if turn.inbound.text and is_english(turn.inbound.text):  # typed "my data": answer in English
        turn.state.language = "en"
    years = f"{turn.settings.retention_years:g}"
    lead = (turn.text("privacy.mydata.held", years=years), turn.text("privacy.mydata.next"))
    reply = await handoff.hand_over(
        turn, reason=CATEGORY, category=CATEGORY, level="county", lead=lead
    )
    ticket = await Tickets(turn.session).open_for(turn.state.id)
    if ticket is not None and not ticket.summary:  # picked from the menu: say what it is about
        ticket.summary = turn.text("privacy.mydata.summary")
    return reply
