"""Role groups get exactly the permissions of roles.py, from migrate and from `manage.py sync_roles`."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from portal.org import roles, services
from portal.org.models import Role

pytestmark = pytest.mark.django_db


def held(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def declared(role):
    """The codenames roles.py lists for a role without wildcards (the operator's)."""
    return {entry.partition(".")[2] for entry in roles.ROLE_PERMISSIONS[role]}


def test_sync_takes_away_a_permission_roles_py_does_not_give():
    Group.objects.get(name=Role.OPERATOR).permissions.add(Permission.objects.get(codename="delete_region"))
    services.sync_roles()
    assert "delete_region" not in held(Role.OPERATOR)
    assert held(Role.OPERATOR) == declared(Role.OPERATOR)


def test_the_command_restores_a_removed_permission(capsys):
    Group.objects.get(name=Role.OPERATOR).permissions.clear()
    call_command("sync_roles")
    assert held(Role.OPERATOR) == declared(Role.OPERATOR)
    assert "已同步 8 个角色" in capsys.readouterr().out


def test_a_permission_of_a_model_not_yet_built_is_skipped_with_a_warning(monkeypatch, caplog):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, Role.CLERK, ["org.view_region", "nosuchapp.view_thing"])
    with caplog.at_level(logging.WARNING, logger="portal.org.services"):
        skipped = services.sync_roles()
    assert skipped == {"clerk": ["nosuchapp.view_thing"]}
    assert held(Role.CLERK) == {"view_region"}
    assert "nosuchapp.view_thing" in caplog.text


def test_a_wildcard_covers_every_matching_permission_of_the_app():
    permissions, missing = services.expand_role_permissions(["org.view_*"])
    assert {p.codename for p in permissions} == {
        "view_region",
        "view_department",
        "view_membership",
        "view_historicalregion",
        "view_historicaldepartment",
        "view_historicalmembership",
    }
    assert missing == []


def test_every_role_has_its_group():
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)
