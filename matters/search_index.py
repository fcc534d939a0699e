"""Matters' FAQs (事项常见问题) in the search index, kind "faq": found by 智能问答 with the portal's own search.

A FAQ is public while its matter is (上架 or 已截止). The index follows a FAQ after every commit that saves or
deletes it, and a matter's FAQs after every save of the matter (its status may have changed).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from matters.models import Matter, MatterFAQ
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

log = logging.getLogger(__name__)


@register
class MatterFAQAdapter(SearchAdapter):
    """One question and answer of a matter's guide."""

    model = MatterFAQ
    kind = SearchDocument.Kind.FAQ

    def queryset(self):
        return MatterFAQ.objects.select_related("matter")

    def title(self, faq) -> str:
        return faq.question

    def body(self, faq) -> str:
        return faq.answer

    def url(self, faq) -> str:
        return faq.matter.get_absolute_url() + "#guide-faq"

    def is_published(self, faq) -> bool:
        return faq.matter.is_public

    def published_at(self, faq):
        return faq.matter.published_at

    def facets(self, faq) -> dict:
        return {"source": "matter", "matter": faq.matter_id, "policy": faq.matter.policy_id}


def update_faqs(matter_id: int) -> None:
    """Re-index every FAQ of one matter (a failure is logged and repaired by the next reindex)."""
    from portal.search import index

    try:
        for faq in MatterFAQ.objects.select_related("matter").filter(matter_id=matter_id):
            index.update_document(faq)
    except Exception:
        log.exception("search index update failed", extra={"matter_id": matter_id})


def _update_faq(faq_id: int) -> None:
    from portal.search import index

    faq = MatterFAQ.objects.select_related("matter").filter(pk=faq_id).first()
    if faq is not None:
        try:
            index.update_document(faq)
        except Exception:
            log.exception("search index update failed", extra={"matterfaq_id": faq_id})


@receiver(post_save, sender=MatterFAQ, dispatch_uid="matterfaq_search_index")
def _faq_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pk = instance.pk
        transaction.on_commit(lambda: _update_faq(pk))


@receiver(post_delete, sender=MatterFAQ, dispatch_uid="matterfaq_search_remove")
def _faq_deleted(sender, instance, **kwargs):
    from portal.search import index

    index.remove_document(instance)


@receiver(post_save, sender=Matter, dispatch_uid="matter_faqs_search_index")
def _matter_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        pk = instance.pk
        transaction.on_commit(lambda: update_faqs(pk))
