"""专题文章 (feature articles attached to policies): Celery tasks."""
