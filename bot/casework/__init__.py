"""Casework: what happens to a filed request or a booking after the conversation that made it.

requests.py   the request state machine (submitted → accepted → in progress → done / rejected)
bookings.py   staff ending a booking: attended, no-show, cancelled
reminders.py  the day-before reminders, queued by every server process without doubling

Each change and the message telling the user go through `bot.outbox.notify` in one transaction.
"""
