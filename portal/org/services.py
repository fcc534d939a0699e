"""Writes of the organisation app."""

import logging
from fnmatch import fnmatchcase

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .roles import ROLE_PERMISSIONS

logger = logging.getLogger(__name__)


def expand_role_permissions(entries, using="default") -> tuple[set[Permission], list[str]]:
    """The permissions named by roles.py entries, and the exact entries that name nothing (yet).

    An entry starting with "-" takes a permission away from what the other entries give
    ("-enterprises.view_enterprise_contacts" after "enterprises.view_*").
    """
    found: set[Permission] = set()
    missing: list[str] = []
    removed = [entry[1:] for entry in entries if entry.startswith("-")]
    for entry in (entry for entry in entries if not entry.startswith("-")):
        app_label, _, codename = entry.partition(".")
        in_app = (
            Permission.objects.using(using).filter(content_type__app_label=app_label).select_related("content_type")
        )
        if codename.endswith("*"):
            found |= {p for p in in_app if fnmatchcase(p.codename, codename)}
            continue
        permission = in_app.filter(codename=codename).first()
        if permission is None:
            missing.append(entry)
        else:
            found.add(permission)
    for entry in removed:
        app_label, _, codename = entry.partition(".")
        found = {p for p in found if not (p.content_type.app_label == app_label and p.codename == codename)}
    return found, missing


@transaction.atomic
def sync_roles(using="default") -> dict[str, list[str]]:
    """Gives each role's group exactly the permissions of roles.py; returns the entries skipped per role.

    Entries naming a model that is not migrated yet are skipped with a warning,
    so an app may declare its roles' permissions before its models exist.
    """
    skipped = {}
    for role, entries in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        permissions, missing = expand_role_permissions(entries, using=using)
        group.permissions.set(permissions)
        if missing:
            logger.warning("sync_roles: role %s: no such permission (skipped): %s", role, ", ".join(missing))
            skipped[str(role)] = missing
    return skipped
