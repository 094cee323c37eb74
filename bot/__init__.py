"""vetbot: the application — engine, flows, channels, staff console, web and CLI."""
