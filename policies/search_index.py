"""Policies' FAQs (政策常见问题) in the search index, kind "faq": found by 智能问答 with the portal's own search.

A FAQ is public while its policy's page is (`Policy.is_public`). The index follows a FAQ after every commit that
saves or deletes it, and a policy's FAQs after every save of the policy (its status may have changed).
"""

from policies.models import Policy, PolicyFAQ
from portal.search import index
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register


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


index.follow(PolicyFAQ, parent=Policy, via="policy")
