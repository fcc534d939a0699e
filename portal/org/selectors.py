"""Reads of the organisation app."""

from .models import Department


def departments_of(user):
    """The departments `user` is a member of (in any role)."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(memberships__user=user).distinct()


def roles_of(user) -> set[str]:
    """The `Role` values `user` holds in any department."""
    if not user.is_authenticated:
        return set()
    return set(user.memberships.values_list("role", flat=True))
