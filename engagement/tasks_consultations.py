"""征求意见 (consultation on draft policies): Celery tasks."""
