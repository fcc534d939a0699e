"""The role × model permission matrix: every role may do to every model exactly what roles.py declares.

For each role, each model (those of org and audit, and every model roles.py
names) and each of view/change/delete, four answers are checked together:
the model permission Django sees, `can` without an object, `can` on an object
owned by the user's department, and `can` on one owned by another department.
Supervisors may also view (never change) everything; platform admins may do all.
"""

import datetime as dt
import uuid
from fnmatch import fnmatchcase

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.audit.models import SensitiveAccessLog
from portal.org.models import Department, Membership, Region, Role
from portal.org.permissions import can, grant_to_department
from portal.org.roles import ROLE_PERMISSIONS
from tests.factories.org import CityFactory, DepartmentFactory, MembershipFactory, staff_member

ACTIONS = ["view", "change", "delete"]


def _is_history_or_through(model) -> bool:
    return hasattr(model, "instance_type") or model._meta.auto_created


def _models_named_by_roles() -> set[type[models.Model]]:
    """Every model that some roles.py entry gives a view/add/change/delete permission on."""
    named = set()
    for entries in ROLE_PERMISSIONS.values():
        for entry in entries:
            app_label, _, pattern = entry.partition(".")
            if app_label not in {config.label for config in apps.get_app_configs()}:
                continue
            for model in apps.get_app_config(app_label).get_models():
                codenames = [f"{action}_{model._meta.model_name}" for action in ("add", *ACTIONS)]
                if any(fnmatchcase(codename, pattern) for codename in codenames):
                    named.add(model)
    return named


MODELS = sorted(
    (_models_named_by_roles() | {Region, Department, Membership, SensitiveAccessLog})
    - {model for model in apps.get_models(include_auto_created=True) if _is_history_or_through(model)},
    key=lambda model: model._meta.label,
)


def declared(role: str, perm: str) -> bool:
    """Given by an entry of the role, and not taken away by a "-" entry."""
    entries = ROLE_PERMISSIONS[role]
    if any(entry.startswith("-") and fnmatchcase(perm, entry[1:]) for entry in entries):
        return False
    return any(fnmatchcase(perm, entry) for entry in entries if not entry.startswith("-"))


def _stand_in(model, number: int):
    """An object of `model` to own: ownership is a guardian row keyed by pk, so the row itself is not needed."""
    pk_field = model._meta.pk
    if isinstance(pk_field, models.UUIDField):
        return model(pk=uuid.UUID(int=number))
    if isinstance(pk_field, models.DateField):
        return model(pk=dt.date(2000, 1, 1) + dt.timedelta(days=number))
    if isinstance(pk_field, models.CharField):
        return model(pk=f"matrix-{number}")
    return model(pk=10_000_000 + number)


def _real_object(model, number: int):
    """For the kernel's own models, a real row."""
    if model is Region:
        return Region.objects.create(
            code=f"4205{number:02d}", name=f"测试区{number}", level="county", parent=CityFactory()
        )
    if model is Department:
        return DepartmentFactory()
    if model is Membership:
        return MembershipFactory()
    if model is SensitiveAccessLog:
        return SensitiveAccessLog.objects.create(
            content_type=ContentType.objects.get_for_model(Region), object_id=str(number), object_repr="测试对象"
        )
    return _stand_in(model, number)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("role", Role.values)
def test_role_may_do_to_model_exactly_what_roles_py_declares(role, model, action):
    own_department, other_department = DepartmentFactory(), DepartmentFactory()
    user = staff_member(own_department, role)
    own, other = _real_object(model, 11), _real_object(model, 12)
    grant_to_department(own, own_department)
    grant_to_department(other, other_department)
    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"

    is_declared = declared(role, perm)
    sees_everything = role == Role.ADMIN or (role == Role.SUPERVISOR and action == "view")
    assert (
        user.has_perm(perm),
        can(user, perm),
        can(user, perm, own),
        can(user, perm, other),
    ) == (
        is_declared,
        is_declared or sees_everything,
        is_declared or sees_everything,
        sees_everything,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_role_group_holds_exactly_the_declared_permissions(role):
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }
    every = {
        f"{app}.{codename}" for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert held == {perm for perm in every if declared(role, perm)}
