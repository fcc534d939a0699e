"""Service-directory links in the portal's search (kind "service", 办事服务).

An active link is public; its document holds the title, description, provider, keywords, category, section and
region, and leads to the directory page of the link's region and category, where the link itself is marked. The
index follows each link after every commit that saves or deletes it; the link check's health updates do not
touch the index (they go through `QuerySet.update`).
"""

from urllib.parse import urlencode

from django.urls import reverse

from engagement.models.directory import ServiceLink
from portal.search import index
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register


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


# saved or deleted: the document follows after commit
update_link = index.track(ServiceLink)
