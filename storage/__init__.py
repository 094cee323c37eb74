"""Persistence: SQLAlchemy models, repositories and Alembic migrations. Never imports `bot`."""
