"""bot.flows.booking."""
