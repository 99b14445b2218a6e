"""The repositories, each test run on SQLite and on PostgreSQL (`any_db`)."""
