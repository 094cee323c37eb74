"""Watching the running bot: JSON logs with personal data masked (`logs`), Prometheus `metrics`."""
