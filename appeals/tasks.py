"""Beat tasks of the appeals: deadline warnings and escalation, and unevaluated tickets closed."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="appeals.watch_deadlines")
def watch_deadlines() -> dict:
    """Hourly: 预警 before a due date, 督办 after it, 超时限三倍 counted (each once, by dedupe keys and dates)."""
    from appeals import services

    return services.watch_deadlines()


@shared_task(name="appeals.close_unevaluated")
def close_unevaluated() -> int:
    """Hourly: tickets not evaluated within the 评价 period are closed as 逾期未评价."""
    from appeals import services

    return services.close_unevaluated()
