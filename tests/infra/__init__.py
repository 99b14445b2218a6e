"""Real servers the tests start and stop themselves (PostgreSQL in postgres.py)."""
