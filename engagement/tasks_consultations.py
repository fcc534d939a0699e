"""征求意见 (consultation on draft policies): Celery tasks."""

from celery import shared_task

__all__ = ["close_due_consultations"]


@shared_task(name="engagement.close_due_consultations")
def close_due_consultations() -> int:
    """Closes the consultations whose period has ended (beat, hourly; idempotent)."""
    from engagement.consultations import close_due

    return close_due()
