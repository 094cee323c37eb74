"""bot.channels.web."""
