"""Matters' FAQs (事项常见问题) in the search index, kind "faq": found by 智能问答 with the portal's own search.

A FAQ is public while its matter is (上架 or 已截止). The index follows a FAQ after every commit that saves or
deletes it, and a matter's FAQs after every save of the matter (its status may have changed).
"""

from matters.models import Matter, MatterFAQ
from portal.search import index
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register


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


index.follow(MatterFAQ, parent=Matter, via="matter")
