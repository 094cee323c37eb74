"""Test helpers for filing for someone else: a veteran's answers that pass validation, and
typing the number of an offered option, as a user with only a keypad would."""

from __future__ import annotations

import re

from bot.conversation.types import Outbound
from bot.flows.request.fields import id_check_digit
from tests.bot.chatting import Chat, payloads

# The veteran: a man born in 1950 (the 17th digit is odd), so a child files for their 父亲.
VETERAN_ID = "43062619500101001" + id_check_digit("43062619500101001")
VETERAN_MASKED = f"4306**********{VETERAN_ID[-4:]}"
VETERAN_PHONE = "13800001111"
VETERAN_NAME = "张大山"
WRONG_CHECK = VETERAN_ID[:17] + ("0" if VETERAN_ID[17] != "0" else "1")
FOR_FATHER = "代 父亲 张大山 办理"


def digit(reply: Outbound, payload: str) -> str:
    """The number to type for the option of `payload` (options are numbered from 1)."""
    return str(payloads(reply).index(payload) + 1)


async def choose(chat: Chat, reply: Outbound, payload: str) -> Outbound:
    """Type the digit of the offered option `payload`."""
    return await chat.say(digit(reply, payload))


def number_in(reply: Outbound, pattern: str = r"PJY?-\d{4}-\d{6}") -> str:
    found = re.findall(pattern, reply.text)
    assert len(found) == 1, reply.text  # once, not twice
    return str(found[0])
