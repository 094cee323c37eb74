"""Staff queues: tickets, routing to stations, working hours, escalation and permissions.

hours.py        working days (Chinese holidays) and the bureau's working hours
desk.py         what ticket work needs besides a session: stations, settings, hours, wording
routing.py      which station's queue a ticket goes to; the station tree
permissions.py  who sees what: their station and those below it; admins everything
intake.py       the conversation's side: open a ticket or join the open one, rate it
tickets.py      the staff side: claim, reply, transfer, resolve, reopen, reveal
casework.py     requests and bookings as staff move them on (through bot/progress.py)
escalation.py   tickets unclaimed past their deadline move up one level
delivery.py     messages to a user outside a turn: message log plus outbox
accounts.py     staff accounts, passwords (argon2), sessions and lockout
"""
