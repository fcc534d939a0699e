"""Policies' FAQs (政策常见问题) in the search index, kind "faq": found by 智能问答 with the portal's own search.

A FAQ is public while its policy's page is (`Policy.is_public`). The index follows a FAQ after every commit that
saves or deletes it, and a policy's FAQs after every save of the policy (its status may have changed).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from policies.models import Policy, PolicyFAQ
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

log = logging.getLogger(__name__)


@register
class PolicyFAQAdapter(SearchAdapter):
    """One question and answer shown on a policy's page."""

    model = PolicyFAQ
    kind = SearchDocument.Kind.FAQ

    def queryset(self):
        return PolicyFAQ.objects.select_related("policy")

    def title(self, faq) -> str:
        return faq.question

    def body(self, faq) -> str:
        return faq.answer

    def url(self, faq) -> str:
        return faq.policy.get_absolute_url() + "#policy-faq"

    def is_published(self, faq) -> bool:
        return faq.policy.is_public

    def published_at(self, faq):
        return faq.policy.published_at

    def facets(self, faq) -> dict:
        return {"source": "policy", "policy": faq.policy_id}


def update_faqs(policy_id: int) -> None:
    """Re-index every FAQ of one policy (a failure is logged and repaired by the next reindex)."""
    from portal.search import index

    try:
        for faq in PolicyFAQ.objects.select_related("policy").filter(policy_id=policy_id):
            index.update_document(faq)
    except Exception:
        log.exception("search index update failed", extra={"policy_id": policy_id})


def _update_faq(faq_id: int) -> None:
    from portal.search import index

    faq = PolicyFAQ.objects.select_related("policy").filter(pk=faq_id).first()
    if faq is not None:
        try:
            index.update_document(faq)
        except Exception:
            log.exception("search index update failed", extra={"policyfaq_id": faq_id})


@receiver(post_save, sender=PolicyFAQ, dispatch_uid="policyfaq_search_index")
def _faq_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pk = instance.pk
        transaction.on_commit(lambda: _update_faq(pk))


@receiver(post_delete, sender=PolicyFAQ, dispatch_uid="policyfaq_search_remove")
def _faq_deleted(sender, instance, **kwargs):
    from portal.search import index

    index.remove_document(instance)


@receiver(post_save, sender=Policy, dispatch_uid="policy_faqs_search_index")
def _matter_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        pk = instance.pk
        transaction.on_commit(lambda: update_faqs(pk))
