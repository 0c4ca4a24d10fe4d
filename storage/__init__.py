"""The schedule in SQL: SQLModel tables, data-access functions and Alembic migrations."""
