"""Staff answering from a station's Telegram staff chat, with the real aiogram client against
the fake Bot API: a linked clerk's reply to an alert reaches the veteran on the web chat (and
claims the ticket); the 认领 button claims; anyone not linked, or not of that station, is
refused politely and nothing reaches the veteran."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.telegram.client import TelegramClient
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.polling import TelegramPoller
from bot.channels.telegram.staffchat import TelegramStaffChat, TelegramStaffSender
from bot.config import Settings
from bot.conversation.engine import Engine
from bot.outbox.notify import LATER
from bot.outbox.worker import OutboxWorker
from bot.staff.alerts import codes
from bot.staff.alerts.answers import StaffAnswers
from bot.staff.alerts.scan import scan
from bot.staff.desk import Desk
from storage.repositories.transcript import Transcript
from tests.bot.channels.channel_config import make_settings
from tests.bot.channels.telegram.telegram_fake import FakeTelegram
from tests.bot.staff.alerts.conftest import PUBLIC, FakeTelegramWithNotices
from tests.bot.staff.alerts.test_alerts_when import MONDAY_9
from tests.bot.staff.staffing import MONDAY_10, Clock, Veteran, add_staff, open_ticket
from tests.paths import FIXTURE_KB

STAFF_CHAT = -1001234567890
CLERK, STRANGER, WUKOU_CLERK = 9001, 9002, 9003
ID_NUMBER, PHONE = "430626196501011234", "13800138000"
ANSWER = "您好，我们明天上午到您家里去。"


@pytest.fixture
def settings(telegram: FakeTelegram) -> Settings:
    return make_settings(
        policies_dir=FIXTURE_KB,
        public_url=PUBLIC,
        telegram_token=SecretStr(telegram.token),
        telegram_api_base=telegram.base_url,
        alert_telegram_chats={"tongshi": str(STAFF_CHAT)},
    )


class StaffChat:
    """The station's staff group as its members use it, and the bot serving it."""

    _ids = itertools.count(700)

    def __init__(
        self, fake: FakeTelegramWithNotices, client: TelegramClient, engine: Engine
    ) -> None:
        self.fake, self.client = fake, client
        self.poller = TelegramPoller(client, engine, poll_timeout=0, retry_delay=0)

    def alert(self) -> dict[str, Any]:
        """The bot's latest alert in the group, as Telegram shows it to members."""
        message = dict(
            next(
                m
                for m in reversed(self.fake.bot_messages)
                if m["chat"]["id"] == STAFF_CHAT and "reply_markup" in m
            )
        )
        message["chat"] = self._chat()
        return message

    async def say(self, user: int, text: str, *, reply_to: dict[str, Any] | None = None) -> Any:
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": {"id": user, "is_bot": False, "first_name": "工作人员"},
            "text": text,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        update = self.fake.push({"message": message})
        await self.poller.poll_once()
        return update

    async def press(self, user: int, message: dict[str, Any]) -> str:
        data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        query_id = f"q{next(self._ids)}"
        self.fake.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": {"id": user, "is_bot": False, "first_name": "工作人员"},
                    "chat_instance": "staff",
                    "message": message,
                    "data": data,
                }
            }
        )
        await self.poller.poll_once()
        return query_id

    def last_said(self) -> str:
        return str(self.fake.sent[-1]["text"])

    @staticmethod
    def _chat() -> dict[str, Any]:
        return {"id": STAFF_CHAT, "type": "supergroup", "title": "童市镇服务站工作群"}


@pytest.fixture
async def staff_chat(
    engine: Engine, settings: Settings, telegram: FakeTelegramWithNotices, clock: Clock
) -> AsyncIterator[tuple[StaffChat, OutboxWorker]]:
    limiter = RateLimiter(per_chat_interval=0.0, overall_per_second=1000.0)
    client = TelegramClient.from_settings(settings, limiter=limiter)
    answers = StaffAnswers(engine.database, engine.knowledge, settings, clock)
    client.groups = TelegramStaffChat(client, answers)
    sender = TelegramStaffSender(client)
    try:
        yield (
            StaffChat(telegram, client, engine),
            OutboxWorker(engine.database, {sender.channel: sender}),
        )
    finally:
        await client.close()


async def waiting_veteran(
    engine: Engine, desk: Desk, clock: Clock, worker: OutboxWorker
) -> Veteran:
    """A veteran on the web chat whose ticket (T-000001, Tongshi) was alerted to the group."""
    await scan(engine.database, desk, MONDAY_9)
    veteran = Veteran(engine, clock, user="browser-1", channel="web")
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    await veteran.say(f"转人工，我的身份证号{ID_NUMBER}，电话{PHONE}")
    assert await scan(engine.database, desk, clock.now) == 1
    await worker.deliver_due()
    return veteran


Waiting = tuple[StaffChat, Veteran]


@pytest.fixture
async def waiting(
    engine: Engine, desk: Desk, clock: Clock, staff_chat: tuple[StaffChat, OutboxWorker]
) -> Waiting:
    """The staff chat, and the veteran whose ticket was alerted to it (`waiting_veteran`)."""
    chat, worker = staff_chat
    return chat, await waiting_veteran(engine, desk, clock, worker)


async def later(engine: Engine, veteran: Veteran) -> list[str]:
    """What the web chat page fetches outside the veteran's turns (`/api/updates`)."""
    conversation = await veteran.conversation()
    async with engine.database.transaction() as session:
        found = await Transcript(session).later(conversation, 0, LATER)
    return [m.text for _, m in found]


async def linked(engine: Engine, chat: StaffChat, user: int, username: str, station: str) -> None:
    member = await add_staff(engine.database, username, station)
    issued = await codes.issue(engine.database, engine.settings, member, MONDAY_10)
    await chat.say(user, f"/link {issued.code}")
    assert chat.last_said().startswith(f"已关联：{username.title()}")


async def test_the_alert_in_the_staff_chat_has_a_claim_button_and_no_personal_data(
    waiting: Waiting,
) -> None:
    chat, _ = waiting

    alert = chat.alert()
    assert alert["text"].startswith("【新工单】T-000001 · 童市镇退役军人服务站")
    assert f"{PUBLIC}/staff/tickets/1" in alert["text"]
    assert re.search(r"\d{7,}", alert["text"]) is None and "身份证" not in alert["text"]
    [[button]] = alert["reply_markup"]["inline_keyboard"]
    assert button == {"text": "1. 认领", "callback_data": "alert:claim:1"}


async def test_a_linked_clerks_reply_reaches_the_veteran_on_the_web_chat_once(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting
    await linked(engine, chat, CLERK, "wang", "tongshi")

    update = await chat.say(CLERK, ANSWER, reply_to=chat.alert())

    assert chat.last_said() == "已把 Wang 的答复发给群众（T-000001）。"
    ticket = await open_ticket(engine.database, 1)
    assert ticket.status == "live" and ticket.claimed_by is not None
    reached = await later(engine, veteran)
    assert len(reached) == 2 and "童市镇" in reached[0]  # claimed, then the answer itself
    assert ANSWER in reached[1]

    # The process stopped before Telegram heard the update was answered: given again, to a
    # new poller, it must not answer the veteran twice.
    chat.fake.push({"message": update["message"]}, update_id=update["update_id"])
    await TelegramPoller(chat.client, engine, poll_timeout=0).poll_once()
    assert await later(engine, veteran) == reached


async def test_someone_not_linked_is_refused_politely_and_the_veteran_hears_nothing(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting

    await chat.say(STRANGER, "我来回复", reply_to=chat.alert())
    assert chat.last_said().startswith("抱歉，您的 Telegram 账号还没有关联工作人员账号")

    pressed = await chat.press(STRANGER, chat.alert())
    assert (chat.fake.notices[pressed] or "").startswith("抱歉，您的 Telegram 账号还没有关联")

    await chat.say(STRANGER, "/link 12345678")  # a guess
    assert chat.last_said() == "关联码不对或已过期，请在工作台点“关联 Telegram”重新获取。"

    assert (await open_ticket(engine.database, 1)).status == "waiting"
    assert await later(engine, veteran) == []


async def test_a_clerk_of_another_station_cannot_answer_its_tickets(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting
    await linked(engine, chat, WUKOU_CLERK, "zhao", "wukou")

    await chat.say(WUKOU_CLERK, ANSWER, reply_to=chat.alert())

    assert chat.last_said() == "抱歉，没有找到 T-000001，或它不归您的站点处理。"
    assert await later(engine, veteran) == []


async def test_the_claim_button_claims_the_ticket_for_the_linked_clerk(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting
    await linked(engine, chat, CLERK, "wang", "tongshi")

    pressed = await chat.press(CLERK, chat.alert())

    assert chat.fake.notices[pressed] is None  # no pop-up: the group is told instead
    assert chat.last_said() == "T-000001 已由 Wang 认领，请到工作台继续处理。"
    assert (await open_ticket(engine.database, 1)).status == "live"
    [claimed] = await later(engine, veteran)
    assert "童市镇" in claimed


async def test_a_ticket_claimed_by_a_colleague_is_not_taken_from_the_chat(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting
    await linked(engine, chat, CLERK, "wang", "tongshi")
    await linked(engine, chat, STRANGER, "liu", "tongshi")
    await chat.press(CLERK, chat.alert())  # Wang claims it

    await chat.say(STRANGER, ANSWER, reply_to=chat.alert())  # Liu, not a station head

    assert chat.last_said() == "T-000001 未能处理：这个事项已由其他工作人员处理。"
    assert all(ANSWER not in text for text in await later(engine, veteran))


async def test_only_the_bots_own_message_names_the_ticket_a_reply_answers(
    engine: Engine, waiting: Waiting
) -> None:
    chat, veteran = waiting
    await linked(engine, chat, CLERK, "wang", "tongshi")
    quoted = {**chat.alert(), "from": {"id": STRANGER, "is_bot": False, "first_name": "某人"}}

    await chat.say(CLERK, ANSWER, reply_to=quoted)

    assert (await open_ticket(engine.database, 1)).status == "waiting"
    assert await later(engine, veteran) == []
