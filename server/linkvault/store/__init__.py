"""Storage: SQLModel tables, sessions, queries and the Alembic migrations that own the schema."""
