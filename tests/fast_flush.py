"""A faster end for transactional tests: rows deleted and the seeded rows put back, in one statement.

Django ends each transactional test (live server, real Celery workers, browsers) with `flush`: a TRUNCATE of
every table (some six hundred, most of them empty, each a new file for PostgreSQL), then the post_migrate
signal, which recreates content types and permissions, `sync_roles` (role groups) and — through
tests/conftest.py — the rows the data migrations seeded (calendar, categories, SMS templates …). That took 6–12 s
per test.

Here, once per test session, every table that has rows right after the test database was made (and the role
groups synced) is copied into a schema `test_seed`. `flush` then runs one statement: with
`session_replication_role = replica` (no triggers, so no foreign-key checks and no append-only trigger of the
audit log) it deletes every row of every table and copies the seeded rows back, ids included, so content types,
permissions and role groups are exactly those of a fresh database and post_migrate has nothing left to do.
It needs a superuser connection (the local PostgreSQL with trust authentication, as scripts/ set it up);
without one the usual flush runs.
"""

from __future__ import annotations

from django.db import connections

SCHEMA = "test_seed"


def _is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        """SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'
        ORDER BY ordinal_position""",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def install(alias: str = "default"):
    """Snapshots the seeded tables and replaces the backend's flush; returns the function that undoes it, or None
    when it cannot (no superuser)."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or not _is_superuser(connection):
        return None
    qn = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    seeded: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {qn(table)})")
            if cursor.fetchone()[0]:
                columns = ", ".join(qn(c) for c in _columns(cursor, table))
                cursor.execute(f"CREATE TABLE {SCHEMA}.{qn(table)} AS SELECT {columns} FROM {qn(table)}")
                seeded[table] = _columns(cursor, table)

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f"DELETE FROM {qn(table)}" for table in tables]
        for table in tables:
            if table in seeded:
                columns = ", ".join(qn(c) for c in seeded[table])
                statements.append(f"INSERT INTO {qn(table)} ({columns}) SELECT {columns} FROM {SCHEMA}.{qn(table)}")
        return [";\n".join(statements)]

    # On the class: a live server's thread, or a test running Playwright's event loop, has a connection object
    # of its own (Django's connections are per thread and per async context).
    operations = type(connection.ops)
    original = operations.sql_flush
    operations.sql_flush = sql_flush
    return lambda: setattr(operations, "sql_flush", original)
