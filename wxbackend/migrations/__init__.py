"""Alembic migrations; `wxbackend db upgrade` applies them."""
