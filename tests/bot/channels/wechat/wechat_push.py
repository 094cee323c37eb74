"""What WeChat's server sends to the Official Account's URL, for tests: a signed query with a
fresh nonce (as every real push has), and a pushed text message."""

from __future__ import annotations

import secrets
import time

from bot.channels.wechat import xml
from bot.channels.wechat.signature import sign

TOKEN = "pingjiang-token"
ACCOUNT = "gh_97417a04a28d"


def signed(token: str = TOKEN, nonce: str | None = None) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), nonce or str(secrets.randbelow(10**10))
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def pushed(content: str, msg_id: str, sender: str) -> bytes:
    return (
        f"<xml><ToUserName>{xml.cdata(ACCOUNT)}</ToUserName>"
        f"<FromUserName>{xml.cdata(sender)}</FromUserName><CreateTime>1409735668</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content>{xml.cdata(content)}</Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    ).encode()
