"""WeChat Official Account adapter, the message protocol written in-house.

signature.py  request signatures (plain and safe mode), checked in constant time
crypto.py     safe mode: AES-256-CBC with the EncodingAESKey, both directions
xml.py        size-capped, entity-free XML parsing; passive replies with CDATA escaped
messages.py   pushed messages to `Inbound`; replies to text within WeChat's limits
turns.py      a retry of a message still being answered waits for that answer, in any process
handover.py   late replies queued with retries, or taken back by WeChat's retry
router.py     GET/POST /webhooks/wechat
token.py      the access token from the stable_token endpoint, cached and refreshed one at a time
sender.py     the customer-service message API: the outbox's sender
"""
