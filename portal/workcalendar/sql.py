"""Working days in SQL (工作日计算的 SQL 表达式), for aggregates over many rows.

`WorkdaysBetween(start, end)` is, in one SQL expression, exactly the number `portal.workdays.workdays_between`
computes in Python (the property test in tests/payouts pins the two together on generated dates and calendars).
"""

from __future__ import annotations

from django.db.models import Func, IntegerField

EPOCH = "1970-01-05"  # a Monday: day n after it is a Saturday when n % 7 == 5


class WorkdaysBetween(Func):
    """Working days after `start` up to and including `end` (negative when `end` is earlier), in SQL: the same
    number as `portal.workdays.workdays_between`. Monday–Friday days are counted by formula from a Monday epoch;
    the calendar's exceptions (holidays on weekdays, 调休 working weekend days) of the covered years between the
    two dates are added or taken off. NULL when either date is NULL."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        from portal.workcalendar.models import CalendarDay, CalendarYear

        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        day = connection.ops.quote_name(CalendarDay._meta.db_table)
        year = connection.ops.quote_name(CalendarYear._meta.db_table)
        # weekdays(n) = n + 1 - saturdays - sundays in [epoch, epoch + n]; the "+ 1"s cancel in the difference.
        sql = f"""(SELECT (w.nb - (w.nb + 2) / 7 - (w.nb + 1) / 7) - (w.na - (w.na + 2) / 7 - (w.na + 1) / 7)
            + SIGN(w.nb - w.na)::int * COALESCE((
                SELECT SUM(CASE WHEN c.is_workday AND EXTRACT(ISODOW FROM c.date) >= 6 THEN 1
                                WHEN NOT c.is_workday AND EXTRACT(ISODOW FROM c.date) < 6 THEN -1
                                ELSE 0 END)
                FROM {day} c JOIN {year} y ON y.year = EXTRACT(YEAR FROM c.date) AND y.covered
                WHERE c.date > LEAST(w.a, w.b) AND c.date <= GREATEST(w.a, w.b)), 0)
            FROM (SELECT s.a, s.b, s.a - DATE '{EPOCH}' AS na, s.b - DATE '{EPOCH}' AS nb
                  FROM (SELECT ({start_sql})::date AS a, ({end_sql})::date AS b) s) w)"""  # noqa: S608 - compiled expressions, quoted table names; values are parameters
        return sql, (*start_params, *end_params)
