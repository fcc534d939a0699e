"""Beat and worker tasks of disbursement: payouts opened from approved cases, overdue flags, notifications."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payouts.open_payouts")
def open_payouts() -> int:
    """Every few minutes: a payout for every case that reached 待兑付 and every confirmed 免申即享 entry."""
    from payouts import services

    return services.open_payouts()


@shared_task(name="payouts.flag_overdue")
def flag_overdue() -> int:
    """Daily: payouts past their 兑付时限 flagged to finance and supervisors (宜昌 §38)."""
    from payouts import services

    return services.flag_overdue()


@shared_task(name="payouts.settle_notifications", acks_late=True)
def settle_notifications(paid_ids: list[int], failed_ids: list[int]) -> None:
    """After a bank result import: the enterprises told (third SMS moment) and paid cases marked 已兑付."""
    from payouts import services

    services.notify_settled(paid_ids, failed_ids)


@shared_task(name="payouts.repair_notifications")
def repair_notifications() -> int:
    """Hourly: paid payouts whose case is still 待兑付 (a lost notification task) are settled again; the
    dedupe keys make sure nothing is sent twice."""
    from applications.models import Status
    from payouts.models import Payout, PayoutState

    ids = list(
        Payout.objects.filter(state=PayoutState.PAID, application__status=Status.TO_PAYOUT).values_list(
            "pk", flat=True
        )[:2000]
    )
    if ids:
        from payouts import services

        services.notify_settled(ids, [])
    return len(ids)
