"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): Celery tasks."""

from celery import shared_task

__all__ = ["session_reminders"]


@shared_task(name="engagement.session_reminders")
def session_reminders() -> int:
    """Reminds each live booking once before its session (site message and SMS); idempotent, run every 15 minutes."""
    from engagement.sessions import send_reminders

    return send_reminders()
