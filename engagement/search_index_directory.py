"""Service-directory links in the portal's search (kind "service", 办事服务).

An active link is public; its document holds the title, description, provider, keywords, category, section and
region, and leads to the directory page of the link's region and category, where the link itself is marked. The
index follows each link after every commit that saves or deletes it; the link check's health updates do not
touch the index (they go through `QuerySet.update`).
"""

import logging
from urllib.parse import urlencode

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from engagement.models.directory import ServiceLink
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

log = logging.getLogger(__name__)


@register
class ServiceLinkAdapter(SearchAdapter):
    """服务链接: found by its title, description, provider, keywords, category and region."""

    model = ServiceLink
    kind = SearchDocument.Kind.SERVICE

    def queryset(self):
        return ServiceLink.objects.select_related("region")

    def title(self, link) -> str:
        return link.title

    def body(self, link) -> str:
        parts = [
            link.description,
            link.provider,
            " ".join(link.keyword_list()),
            str(link.get_category_display()),
            str(link.get_section_display()),
            link.region.name,
        ]
        return "\n".join(p for p in parts if p)

    def url(self, link) -> str:
        query = urlencode({"region": link.region.code, "category": link.category})
        return f"{reverse('engagement:directory')}?{query}#service-{link.pk}"

    def is_published(self, link) -> bool:
        return link.active

    def published_at(self, link):
        return link.created_at

    def facets(self, link) -> dict:
        return {"region": link.region_id, "category": link.category, "section": link.section}


def update_link(link_id: int) -> None:
    """Index the link as it is now; a failure is logged and repaired by the nightly reindex."""
    from portal.search import index

    link = ServiceLink.objects.select_related("region").filter(pk=link_id).first()
    if link is None:
        return
    try:
        index.update_document(link)
    except Exception:
        log.exception("search index update failed", extra={"service_link_id": link_id})


@receiver(post_save, sender=ServiceLink, dispatch_uid="service_link_search_index")
def _link_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pk = instance.pk
        transaction.on_commit(lambda: update_link(pk))


@receiver(post_delete, sender=ServiceLink, dispatch_uid="service_link_search_remove")
def _link_deleted(sender, instance, **kwargs):
    from portal.search import index

    index.remove_document(instance)
