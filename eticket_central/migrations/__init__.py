"""Alembic migrations of the central server's PostgreSQL schema."""
