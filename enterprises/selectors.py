"""Reads of the enterprise archive. Every enterprise-facing page in every app goes through these.

An enterprise user only ever sees the enterprises they are a member of
(法定代表人 or 经办人); anything else is a 404, never a 403, so that the
existence of another enterprise's record is not revealed.
"""

from django.http import Http404
from django.utils import timezone

from enterprises.models import AnnualFigure, CorrectionRequest, Enterprise, EnterpriseMember, EnterpriseTag


def enterprises_for_user(user):
    """The enterprises `user` may act for (empty for anonymous users and staff)."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(members__user=user).select_related("region").order_by("name")


def acting_enterprise(user) -> Enterprise | None:
    """The enterprise `user` acts for on pages whose address names none (their first membership), or None for
    visitors, staff and users of no enterprise."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    membership = user.enterprise_memberships.select_related("enterprise").order_by("pk").first()
    return membership.enterprise if membership else None


def get_enterprise_for_user(user, pk) -> Enterprise:
    """The enterprise `pk` if `user` may act for it, else Http404."""
    try:
        return enterprises_for_user(user).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_enterprise_for_user_by_uscc(user, uscc: str) -> Enterprise:
    """The same, addressed by the 统一社会信用代码 as in the enterprise space URLs (folded: typed URLs vary)."""
    from enterprises.uscc import normalize_uscc

    try:
        return enterprises_for_user(user).get(uscc=normalize_uscc(uscc))
    except Enterprise.DoesNotExist as exc:
        raise Http404 from exc


def member_role(user, enterprise: Enterprise) -> str | None:
    return EnterpriseMember.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()


def members_of(enterprise: Enterprise):
    return enterprise.members.select_related("user").order_by("role", "created_at")


def figures_of(enterprise: Enterprise, years: int = 3):
    return list(AnnualFigure.objects.filter(enterprise=enterprise).order_by("-year")[:years])


def qualifications_of(enterprise: Enterprise, *, today=None):
    """Qualifications with whether each is valid today, newest first."""
    today = today or timezone.localdate()
    items = list(enterprise.qualifications.select_related("type").order_by("type__sort_order", "-valid_from"))
    for item in items:
        item.valid_today = item.is_valid_on(today)
    return items


def tags_of(enterprise: Enterprise):
    return list(
        EnterpriseTag.objects.filter(enterprise=enterprise, tag__is_active=True)
        .select_related("tag__category")
        .order_by("tag__category__sort_order", "tag__code")
    )


def corrections_of(enterprise: Enterprise):
    return CorrectionRequest.objects.filter(enterprise=enterprise).select_related("user").order_by("-created_at")
