"""`python -m bot.cli` is `vetbot`."""

from bot.cli import main

main()
