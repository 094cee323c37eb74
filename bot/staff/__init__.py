"""Staff queues: tickets, routing to stations, working hours, escalation and permissions.

hours.py        working days (Chinese holidays) and the bureau's working hours
routing.py      which station's queue a ticket goes to; the station tree
permissions.py  who sees what: their station and those below it; admins everything
tickets.py      open, join, claim, reply, transfer, resolve, reopen, rate
escalation.py   tickets unclaimed past their deadline move up one level
delivery.py     messages to a user outside a turn: message log plus outbox
accounts.py     staff accounts, passwords (argon2), sessions and lockout
"""
