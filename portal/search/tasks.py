import logging

from celery import shared_task

from .index import reindex
from .registry import searchable_models

log = logging.getLogger(__name__)


@shared_task(name="search.reindex_all")
def reindex_all() -> dict[str, int]:
    """Rebuilds every registered model's documents: repairs any index write that failed after its commit."""
    counts = {model._meta.label: reindex(model) for model in searchable_models()}
    log.info("search index rebuilt", extra={"counts": counts})
    return counts
