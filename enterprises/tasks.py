"""Scheduled work on the enterprise archive."""

import logging

from celery import shared_task

from enterprises import services

log = logging.getLogger(__name__)


@shared_task(name="enterprises.refresh_rule_tags")
def refresh_rule_tags():
    """Nightly: re-derives every enterprise's rule tags, so expired qualifications and new age bands show.

    New regions or qualification types get their rule tags first. Idempotent:
    a second run finds nothing to change and writes no events.
    """
    services.ensure_rule_tags()
    changed = services.refresh_rule_tags()
    log.info("rule tags refreshed", extra={"enterprises_changed": changed})
    return changed
