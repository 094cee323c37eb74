"""The HTTP server: web chat page, chat API, health, metrics, and the channels' webhooks.

app.py       the app factory: routes, middleware, the channels' routers
runtime.py   what starts and stops with the server: database, engine, outbox, background tasks
channels.py  the messaging channels mounted when configured
services.py  what the running server holds, as a typed dependency
chat_api.py  /api/chat, /api/history, /api/updates
page.py      the web chat page at /
ops.py       /healthz, /metrics, the knowledge-base reload
limits.py    the request-body size cap
errors.py    API error responses
staff/       the staff console
"""
