"""bot.skills."""
