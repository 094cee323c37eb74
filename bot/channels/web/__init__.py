"""Web chat adapter: the JSON of the chat API in as `Inbound`, replies out as JSON (adapter.py);
who a browser is, signed by the server (identity.py).

A web chat has no platform to push to: what is sent outside a turn is read from its message log.
"""
