from celery import shared_task


@shared_task(name="enterprise_imports.run_import_job", acks_late=True)
def run_import_job_task(job_id: int) -> None:
    """Runs one import job; a job already started or finished is left alone, so a redelivery is harmless."""
    from .services import run_import_job

    run_import_job(job_id)
