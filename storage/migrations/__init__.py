"""Alembic migrations of the vetbot schema; applied by `storage.migrate.upgrade`."""
