"""Repositories, on SQLite and on PostgreSQL."""
