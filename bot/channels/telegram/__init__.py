"""Telegram adapter, on aiogram 3 (the optional `telegram` extra), wrapped and never subclassed.

updates.py  Bot API updates in as `Inbound`; replies out as messages with inline keyboards
client.py   the Bot API as vetbot uses it, and the outbox's `Sender` for Telegram
limits.py   spacing of sends: per chat and overall, for every process of the bot
polling.py  long polling: an update acknowledged only once answered
webhook.py  POST /webhooks/telegram, and registering that URL
channel.py  all of it for the server in one object: webhook or polling, and the sender
"""
