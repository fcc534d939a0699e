from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import ratelimit
from .models import VerificationCode

# Long enough to answer "why did I get this SMS" questions, short enough to keep no needless trace.
KEEP_CODES_FOR = timedelta(days=30)


@shared_task(name="accounts.purge_verification_codes")
def purge_verification_codes() -> int:
    """Deletes verification codes sent more than 30 days ago (idempotent); returns how many."""
    deleted, _ = VerificationCode.objects.filter(created_at__lt=timezone.now() - KEEP_CODES_FOR).delete()
    return deleted


@shared_task(name="accounts.purge_request_counters")
def purge_request_counters() -> int:
    """Deletes request counters of windows that ended more than a day ago (idempotent); returns how many."""
    return ratelimit.purge(timezone.now() - timedelta(days=1))
