import datetime as dt

from celery import shared_task
from django.utils import timezone

# A job still queued this long after upload missed its broker message; a job started this long ago has died
# (the import is one transaction, so a dead job imported nothing).
REQUEUE_AFTER = dt.timedelta(minutes=5)
ABANDONED_AFTER = dt.timedelta(hours=3)


@shared_task(name="enterprise_imports.run_import_job", acks_late=True)
def run_import_job_task(job_id: int) -> None:
    """Runs one import job; a job already started or finished is left alone, so a redelivery is harmless."""
    from .services import run_import_job

    run_import_job(job_id)


@shared_task(name="enterprise_imports.sweep_import_jobs")
def sweep_import_jobs() -> None:
    """Starts the queued jobs whose message was lost (broker outage) and closes the jobs whose worker died."""
    from .models import ImportJob
    from .services import abandon_import_job

    now = timezone.now()
    for job_id in ImportJob.objects.filter(
        status=ImportJob.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER
    ).values_list("pk", flat=True):
        run_import_job_task.delay(job_id)
    for job_id in ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING], started_at__lt=now - ABANDONED_AFTER
    ).values_list("pk", flat=True):
        abandon_import_job(job_id)
