"""bot.web.staff."""
