"""Background work of policy publishing: subscription notices and the daily expiry run."""

import logging

from celery import shared_task

from policies import services

log = logging.getLogger(__name__)


@shared_task(name="policies.notify_subscribers")
def notify_subscribers_task(policy_id: int) -> int:
    return services.notify_subscribers(policy_id)


@shared_task(name="policies.sweep_subscription_notices")
def sweep_subscription_notices() -> int:
    """Catches notices whose task never reached the broker, or whose worker died mid-way (the fan-out resumes).

    The policy row itself says the work is pending. One failing policy is
    logged and skipped; the others are still processed.
    """
    told = 0
    for pk in services.pending_subscription_notices():
        try:
            told += services.notify_subscribers(pk)
        except Exception:
            log.exception("subscription notices failed; the next sweep tries again", extra={"policy_id": pk})
    return told


@shared_task(name="policies.expire_policies")
def expire_policies() -> dict[str, int]:
    """Daily: expires policies past their expiry date and takes those due offline, one policy at a time (§18)."""
    return services.expire_policies()
