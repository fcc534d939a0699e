"""办事服务、增值服务 (the service directory): Celery tasks."""

from celery import shared_task


@shared_task(name="engagement.check_service_links", ignore_result=True)
def check_service_links() -> dict:
    """The daily link check: every active link's health stored, newly dead links told to their curators."""
    from engagement.directory import check_links

    run = check_links()
    return {"checked": run.checked, "failing": run.failing, "newly_dead": len(run.newly_dead)}
