"""bot.flows.request."""
