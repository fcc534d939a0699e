"""Who may do what to which object (权限判断).

Two questions, both of which must be answered yes:

1. the model permission: may the user's ROLE do this kind of thing at all
   (role groups, exactly as declared in roles.py)?
2. when an object is given, the object permission: does one of the user's
   DEPARTMENTS own the object (a django-guardian permission held by the
   department's group, granted with `grant_to_department`)?

Two roles stand outside departments: platform admins (and superusers) may do
everything; supervisors (督查) may view everything and change nothing.
Enterprise users never pass either check, whatever groups they are in.
"""

import contextlib
from contextvars import ContextVar

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Role

DEFAULT_ACTIONS = ("view", "change", "delete")

# Within one request the same few questions are asked hundreds of times: the admin's side bar asks, for
# every model, whether the user may add, change, view and delete, and each answer read the user's roles
# and role permissions again (about 570 queries for one admin page). While a request is being answered
# (`remembered_for_the_request`, PermissionCacheMiddleware) they are read once per user. Any change to a
# membership, a group or a group's permissions in that request forgets them (signals.py), so an answer
# never lags behind a write. Outside a request (services, tasks, commands) nothing is remembered.
_remembered: ContextVar[dict | None] = ContextVar("org_permissions_remembered", default=None)


@contextlib.contextmanager
def remembered_for_the_request():
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_remembered() -> None:
    remembered = _remembered.get()
    if remembered is not None:
        remembered.clear()


def _recall(user, key: str, read):
    remembered = _remembered.get()
    if remembered is None or user.pk is None:
        return read()
    if (user.pk, key) not in remembered:
        remembered[(user.pk, key)] = read()
    return remembered[(user.pk, key)]


def _full_perm(perm: str, model) -> str:
    """ "view" / "view_policy" / "policies.view_policy" → "policies.view_policy" for `model`."""
    if "." in perm:
        return perm
    opts = model._meta
    codename = perm if "_" in perm else f"{perm}_{opts.model_name}"
    return f"{opts.app_label}.{codename}"


def _roles(user) -> frozenset[str]:
    return _recall(user, "roles", lambda: frozenset(user.memberships.values_list("role", flat=True)))


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.kind == user.Kind.STAFF)


def is_platform_admin(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (_is_staff(user) and Role.ADMIN in _roles(user))


def is_supervisor(user) -> bool:
    return _is_staff(user) and Role.SUPERVISOR in _roles(user)


def _supervisor_reads(perm: str) -> bool:
    """Supervisors view everything, except what roles.py takes from them ("-" entries: contact reveals)."""
    from .roles import ROLE_PERMISSIONS

    withheld = {entry[1:] for entry in ROLE_PERMISSIONS[Role.SUPERVISOR] if entry.startswith("-")}
    return perm.partition(".")[2].startswith("view_") and perm not in withheld


def _role_permissions(user):
    """The permissions of the groups of the user's roles only (never a direct or stray grant)."""
    return Permission.objects.filter(group__user=user, group__name__in=user.memberships.values("role"))


def _role_grants(user, perm: str) -> bool:
    """The model permission, from the groups of the user's roles only."""
    app_label, _, codename = perm.partition(".")
    if _remembered.get() is None:
        return _role_permissions(user).filter(content_type__app_label=app_label, codename=codename).exists()
    granted = _recall(
        user,
        "granted",
        lambda: frozenset(_role_permissions(user).values_list("content_type__app_label", "codename")),
    )
    return (app_label, codename) in granted


def grant_to_department(obj, department, perms: list[str] | None = None) -> None:
    """Gives `department`'s group the object permissions on `obj` (default: view/change/delete).

    `perms` may be actions ("change"), codenames ("change_policy") or full names.
    """
    for perm in perms or DEFAULT_ACTIONS:
        assign_perm(_full_perm(perm, type(obj)), department.group, obj)


def revoke_from_department(obj, department, perms: list[str] | None = None) -> None:
    """Takes the object permissions on `obj` away from `department`'s group (default: view/change/delete)."""
    for perm in perms or DEFAULT_ACTIONS:
        remove_perm(_full_perm(perm, type(obj)), department.group, obj)


def owning_departments(obj, perm: str = "change"):
    """The departments whose groups hold `perm` on `obj`."""
    from guardian.models import GroupObjectPermission

    from .models import Department

    app_label, _, codename = _full_perm(perm, type(obj)).partition(".")
    groups = GroupObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        permission__codename=codename,
        permission__content_type__app_label=app_label,
    ).values("group_id")
    return Department.objects.filter(group_id__in=groups)


def can(user, perm: str, obj=None) -> bool:
    """May `user` do `perm` ("app.codename") — to `obj`, if given?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    if not _is_staff(user):
        return False
    if _supervisor_reads(perm) and is_supervisor(user):
        return True
    if not _role_grants(user, perm):
        return False
    if obj is None:
        return True
    return ObjectPermissionChecker(user).has_perm(perm.partition(".")[2], obj)


def scope(user, queryset, perm: str = "view"):
    """The part of `queryset` that `user` may `perm` ("view", "change", "policies.view_policy" …)."""
    full = _full_perm(perm, queryset.model)
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_platform_admin(user):
        return queryset
    if not _is_staff(user):
        return queryset.none()
    if _supervisor_reads(full) and is_supervisor(user):
        return queryset
    if not _role_grants(user, full):
        return queryset.none()
    return get_objects_for_user(user, full, queryset, with_superuser=False, accept_global_perms=False)
