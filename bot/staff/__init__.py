"""Staff queues: tickets, routing to stations, escalation and permissions.

desk.py         what ticket work needs besides a session: stations, settings, hours, wording
routing.py      which station's queue a ticket goes to; the station tree
permissions.py  who sees what: their station and those below it; admins everything
intake.py       the conversation's side: open a ticket or join the open one, rate it
tickets.py      the staff side: claim, reply, transfer, resolve, reopen, reveal
cases.py        requests and bookings as staff move them on (through bot/casework/)
visitors.py     who is coming to a booked visit (the name and phone of their requests)
canned.py       knowledge-base answers to reply with, best match first
escalation.py   tickets unclaimed past their deadline move up one level
accounts.py     staff accounts, passwords (argon2), sessions and lockout

Working hours are in bot/calendar/; what staff send a user goes out through bot/outbox/notify.
"""
