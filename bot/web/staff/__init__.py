"""The staff console over HTTP.

pages.py  the HTML pages under /staff
api.py    the JSON API under /api/staff: queue, tickets and their actions, ratings, audit
cases.py  the requests and bookings part of that API
auth.py   session cookie, CSRF token and same-origin checks, as dependencies
views.py  what a ticket looks like in JSON, personal data masked
"""
