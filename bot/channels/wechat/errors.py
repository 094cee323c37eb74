"""Why a request from (or to) WeChat was refused.

WeChatError        -- base of the WeChat adapter's errors
 ├── SignatureError -- not signed with our token, or signed too long ago: answer 403
 └── BadMessage     -- the body cannot be read (too large, not XML, a DTD or entities,
                       cipher text that does not decrypt for our AppID): answer 400
"""

from __future__ import annotations


class WeChatError(Exception):
    """Base class of the WeChat adapter's errors."""


class SignatureError(WeChatError):
    """The request does not come from WeChat, or is a replay of an old one."""


class BadMessage(WeChatError):
    """The request's body is not a message we can read."""
