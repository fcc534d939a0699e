"""Public policies as the search index and the public pages see them."""

from django.utils import timezone

from policies.models import Interpretation, Policy
from portal.search import index
from tests.factories.policies import InterpretationFactory, PolicyFactory, StaffFactory


def public_policy(status: str = Policy.Status.PUBLISHED, interpretation: dict | None = None, **fields) -> Policy:
    """A policy already through the workflow (its own tests live in tests/policies), indexed as on publish."""
    policy = PolicyFactory(**fields)
    approver = StaffFactory()
    InterpretationFactory(
        policy=policy,
        status=Interpretation.Status.APPROVED,
        approved_by=approver,
        approved_at=timezone.now(),
        **(interpretation or {"body": "<p>本政策的解读。</p>", "key_points": ["按规定申报"]}),
    )
    Policy.objects.filter(pk=policy.pk).update(status=status, published_at=timezone.now())
    policy.refresh_from_db()
    index.update_document(policy)
    return policy
