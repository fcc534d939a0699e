"""Beat work of the departments' systems' API."""

from celery import shared_task


@shared_task(name="applications.sweep_api_nonces")
def sweep_api_nonces() -> int:
    from applications.api_auth import sweep_nonces

    return sweep_nonces()
