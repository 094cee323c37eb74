"""The HTTP server: web chat page, chat API, health, metrics, and the channels' webhooks."""
