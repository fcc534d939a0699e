"""Beat tasks of applications (办件跟踪): step deadlines, the end of publicity, rating invitations and overdue
rectifications. Each is idempotent (see `applications.followup`); the beat schedule is in portal/settings.py."""

import logging

from celery import shared_task

from applications import followup

log = logging.getLogger(__name__)


@shared_task(name="applications.check_step_deadlines")
def check_step_deadlines() -> dict[str, int]:
    """Warns two working days before a step's due date; records and escalates overdue steps once."""
    result = {"warned": followup.warn_due_steps(), "escalated": followup.escalate_overdue_steps()}
    log.info("step deadlines checked", extra=result)
    return result


@shared_task(name="applications.end_publicity")
def end_publicity() -> int:
    """Publicity over and no open objection: the case goes to payout (公示期满)."""
    return followup.end_publicity()


@shared_task(name="applications.invite_ratings")
def invite_ratings() -> int:
    """Concluded cases not rated three days after the decision are invited to rate (好差评), once."""
    return followup.invite_ratings()


@shared_task(name="applications.check_rectifications")
def check_rectifications() -> int:
    """Open rectifications past their due date are escalated to the supervisors, once."""
    return followup.escalate_rectifications()
