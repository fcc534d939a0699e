"""Set-based writes of many rows with their history: one `UPDATE … FROM (VALUES …)` per few thousand rows.

Django's `bulk_update` writes one `CASE WHEN id = … THEN …` per field and row; its SQL grows with the batch
and compiling it costs more than running it (seconds per thousand rows with several fields). A workflow step
applied to a whole payout batch or a bank result file needs the plain form PostgreSQL offers:

    UPDATE payouts_payout AS t SET state = v.state::varchar(12), …
    FROM (VALUES (1, 'paid', …), (2, 'paid', …)) AS v(pk, state, …) WHERE t.id = v.pk

Values are prepared by each field (`get_db_prep_save`: encryption, decimals, dates) and cast to the
column's type. The history rows (django-simple-history) are written in bulk with the same user and reason.
"""

from __future__ import annotations

from django.db import connection, transaction
from psycopg2.extras import execute_values


def update_rows(model, objs, fields: list[str], *, batch_size: int = 5000) -> int:
    """Writes `fields` of every object in `objs` (saved rows of `model`) to the database; returns the count."""
    if not objs or not fields:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # a foreign key's db_type is its target's column type
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}::{f.db_type(connection)}" for f in columns)
    names = ", ".join(quote(field.column) for field in columns)
    # identifiers come from the model's metadata, quoted; every value is a parameter
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v(pk, {names}) WHERE t.{pk} = v.pk"  # noqa: S608
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start : start + batch_size]
            values = [
                (obj.pk, *[field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns])
                for obj in chunk
            ]
            execute_values(cursor.cursor, sql, values, page_size=batch_size)
            updated += len(chunk)
    return updated


def update_with_history(objs, model, fields: list[str], *, by=None, reason: str = "", batch_size: int = 5000) -> int:
    """`update_rows` and one history row per object (user `by`, change reason `reason`), in one transaction."""
    if not objs:
        return 0
    with transaction.atomic(savepoint=False):
        updated = update_rows(model, objs, fields, batch_size=batch_size)
        model.history.bulk_history_create(
            objs, batch_size=batch_size, update=True, default_user=by, default_change_reason=reason
        )
    return updated
