"""The demo organisation and accounts load, and loading them twice changes nothing."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.core import crypto
from portal.org import demo
from portal.org.models import Department, Region, Role
from portal.org.permissions import can

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of the tables the loader writes, history included, plus every password hash."""
    labels = ["org.Region", "org.Department", "org.Membership", "accounts.User", "auth.Group"]
    rows = {}
    for label in labels:
        model = apps.get_model(label)
        rows[label] = list(model.objects.order_by("pk").values())
        if hasattr(model, "history"):
            rows[f"{label} history"] = list(model.history.order_by("pk").values())
    rows["user groups"] = list(get_user_model().groups.through.objects.order_by("pk").values())
    return rows


def test_loading_the_demo_twice_changes_nothing():
    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first


def test_the_demo_has_a_province_a_city_and_three_districts():
    demo.load()
    assert dict(Region.objects.values_list("code", "name")) == {
        "420000": "湖北省",
        "420500": "宜昌市",
        "420502": "西陵区",
        "420503": "伍家岗区",
        "420506": "夷陵区",
    }


def test_the_demo_has_a_department_of_every_kind():
    demo.load()
    assert set(Department.objects.values_list("kind", flat=True)) == set(Department.Kind.values)


def test_the_demo_has_one_account_per_role():
    demo.load()
    roles = {user.memberships.get().role for user in get_user_model().objects.filter(memberships__isnull=False)}
    assert roles == set(Role.values)


@pytest.mark.parametrize(
    ("label", "login"), demo.DEMO_ACCOUNTS[:-1], ids=[login for _, login in demo.DEMO_ACCOUNTS[:-1]]
)
def test_every_demo_staff_account_signs_in_to_the_back_office(client, settings, label, login):
    settings.STAFF_OTP_REQUIRED = False
    demo.load()
    response = client.post("/admin/login/", {"username": login, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username=login).pk)


def test_the_demo_enterprise_user_is_found_by_phone_and_has_the_demo_password():
    demo.load()
    assert demo.DEMO_ACCOUNTS[-1][1] == demo.ENTERPRISE_PHONE
    user = get_user_model().objects.get(phone_digest=crypto.digest(demo.ENTERPRISE_PHONE))
    assert (user.kind, user.is_staff, user.check_password(demo.DEMO_PASSWORD)) == ("enterprise", False, True)


def test_the_demo_editor_works_for_the_city_science_bureau():
    demo.load()
    editor = get_user_model().objects.get(username="kjj_editor")
    assert editor.memberships.get().department.short_name == "市科技局"
    assert can(editor, "org.view_department")
    assert not can(editor, "org.change_department")


def test_the_load_demo_command_runs_the_org_loader(capsys, settings):
    settings.DEMO_LOADERS = [loader for loader in settings.DEMO_LOADERS if loader != "matters.demo"]  # not needed here
    call_command("load_demo")
    assert "demo: portal.org.demo ok" in capsys.readouterr().out
    assert get_user_model().objects.get(username="platform_admin").is_superuser
