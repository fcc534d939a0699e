"""Adapters for the searchable models of the portal's domain apps.

Policies are indexed here rather than in `policies` so the search kernel owns how
every kind of document looks; other apps may add a `search_index` module instead.
"""

from django.apps import apps

from .models import SearchDocument
from .registry import SearchAdapter, register


def _policy_model():
    return apps.get_model("policies", "Policy")


@register
class PolicyAdapter(SearchAdapter):
    """A policy (政策) with its number, authority, summary, original text and approved interpretations."""

    kind = SearchDocument.Kind.POLICY

    @property
    def model(self):
        return _policy_model()

    def queryset(self):
        return self.model.objects.select_related("region", "lead_department").prefetch_related(
            "categories", "co_departments", "interpretations"
        )

    def title(self, policy) -> str:
        return policy.title

    def body(self, policy) -> str:
        parts = [policy.document_number, policy.issuing_authority, policy.summary, policy.original_text]
        for interpretation in policy.interpretations.all():
            if interpretation.status == interpretation.Status.APPROVED:
                parts += [interpretation.title, *interpretation.key_points, interpretation.body]
        return "\n".join(p for p in parts if p)

    def is_published(self, policy) -> bool:
        return policy.is_public

    def published_at(self, policy):
        return policy.published_at

    def facets(self, policy) -> dict:
        return {
            "level": policy.level,
            "region": policy.region_id,
            "departments": [policy.lead_department_id, *(d.pk for d in policy.co_departments.all())],
            "categories": [c.code for c in policy.categories.all()],
            "status": policy.status,
            "year": policy.issue_date.year if policy.issue_date else None,
        }
