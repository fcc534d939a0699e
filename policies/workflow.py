"""The policy state machine (政策发布流程), on one screen.

    draft → submitted → approved → published → expired | repealed → offline
                 ↘ draft (rejected)   published → offline_requested → offline (data bureau agrees)
                                                                    ↘ published (data bureau refuses)
    offline → draft (revised for re-publication)

Each transition is one function in `policies.services`; this module only says
which changes are allowed.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from policies.models import Policy

S = Policy.Status

DRAFT = S.DRAFT
SUBMITTED = S.SUBMITTED
APPROVED = S.APPROVED
PUBLISHED = S.PUBLISHED
OFFLINE_REQUESTED = S.OFFLINE_REQUESTED
EXPIRED = S.EXPIRED
REPEALED = S.REPEALED
OFFLINE = S.OFFLINE

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SUBMITTED}),
    SUBMITTED: frozenset({APPROVED, DRAFT}),
    APPROVED: frozenset({PUBLISHED, DRAFT}),
    PUBLISHED: frozenset({EXPIRED, REPEALED, OFFLINE_REQUESTED}),
    # A policy whose offline request is pending still runs its course: it may expire or be repealed meanwhile.
    OFFLINE_REQUESTED: frozenset({OFFLINE, PUBLISHED, EXPIRED, REPEALED}),
    EXPIRED: frozenset({OFFLINE}),
    REPEALED: frozenset({OFFLINE}),
    OFFLINE: frozenset({DRAFT}),
}


class TransitionError(ValidationError):
    """The policy is not in a state from which the requested change may happen."""


def check(policy: Policy, target: str) -> None:
    if target not in ALLOWED_TRANSITIONS.get(policy.status, frozenset()):
        raise TransitionError(
            _("政策当前状态为“%(current)s”，不能变更为“%(target)s”。"),
            code="transition_not_allowed",
            params={"current": S(policy.status).label, "target": S(target).label},
        )
