"""WeChat's XML: pushed messages parsed safely, passive replies built with CDATA escaped."""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.channels.wechat.errors import BadMessage

# A pushed message is a few hundred bytes, about three times that in compatible mode; anything
# near this cap is not from WeChat.
MAX_BODY = 64 * 1024
# Characters XML 1.0 cannot carry, even inside CDATA.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse(body: bytes) -> dict[str, str]:
    """The fields of a pushed message (`<xml><Field>value</Field>…</xml>`), stripped.

    No DTD is accepted, so entity expansion ("billion laughs") and external entities are refused
    before any is read; the size is checked before parsing."""
    if len(body) > MAX_BODY:
        raise BadMessage(f"body is {len(body)} bytes, more than {MAX_BODY}")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise BadMessage(f"body is not a WeChat message: {error}") from None
    if root.tag != "xml":
        raise BadMessage(f"root element is <{root.tag}>, not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def cdata(text: str) -> str:
    """`text` as CDATA. "]]>" cannot appear inside one section, so it is split across two."""
    safe = _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{safe}]]>"


def text_reply(*, to_user: str, from_user: str, content: str, created: int) -> str:
    """A passive text reply."""
    return _message(
        ToUserName=cdata(to_user),
        FromUserName=cdata(from_user),
        CreateTime=str(created),  # a number, as WeChat sends it: no CDATA
        MsgType=cdata("text"),
        Content=cdata(content),
    )


def encrypted_reply(*, encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    """The envelope of a safe-mode reply."""
    return _message(
        Encrypt=cdata(encrypted),
        MsgSignature=cdata(signature),
        TimeStamp=cdata(timestamp),
        Nonce=cdata(nonce),
    )


def _message(**fields: str) -> str:
    """`<xml>` with one element per field, in order; values are already escaped."""
    return (
        "<xml>" + "".join(f"<{name}>{value}</{name}>" for name, value in fields.items()) + "</xml>"
    )
