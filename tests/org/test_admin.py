"""The back office: department scoping in the admin, and enterprise users kept out."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.org.models import Region, Role
from portal.org.permissions import grant_to_department, owning_departments
from tests.factories.org import (
    CityFactory,
    DepartmentFactory,
    EnterpriseUserFactory,
    StaffUserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

scoped = pytest.mark.urls("tests.org.scoped_admin_urls")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def editors_work_on_regions():
    """Regions stand in for a domain model; the editor role is lent its model permissions for one test."""
    Group.objects.get(name=Role.EDITOR).permissions.add(
        *Permission.objects.filter(content_type__app_label="org", codename__endswith="_region")
    )


@pytest.fixture
def department_a():
    return DepartmentFactory(code="a", name="宜昌市科学技术局")


@pytest.fixture
def department_b():
    return DepartmentFactory(code="b", name="宜昌市商务局")


@pytest.fixture
def region_of_b(department_b):
    region = Region.objects.create(code="420504", name="点军区", level=Region.Level.COUNTY, parent=CityFactory())
    grant_to_department(region, department_b)
    return region


def region_form(region, **changes):
    return {"code": region.code, "name": region.name, "level": region.level, "parent": region.parent_id, **changes}


@scoped
def test_an_editor_of_a_cannot_open_bs_object(client, department_a, region_of_b, editors_work_on_regions):
    client.force_login(staff_member(department_a, Role.EDITOR))
    response = client.get(reverse("scoped:org_region_change", args=[region_of_b.pk]))
    assert response.status_code == 404


@scoped
def test_an_editor_of_a_posting_changes_to_bs_object_changes_nothing(
    client, department_a, region_of_b, editors_work_on_regions
):
    client.force_login(staff_member(department_a, Role.EDITOR))
    response = client.post(
        reverse("scoped:org_region_change", args=[region_of_b.pk]), region_form(region_of_b, name="被篡改")
    )
    assert response.status_code == 404
    region_of_b.refresh_from_db()
    assert region_of_b.name == "点军区"


@scoped
def test_an_editor_of_a_cannot_delete_bs_object(client, department_a, region_of_b, editors_work_on_regions):
    client.force_login(staff_member(department_a, Role.EDITOR))
    response = client.post(reverse("scoped:org_region_delete", args=[region_of_b.pk]), {"post": "yes"})
    assert response.status_code == 404
    assert Region.objects.filter(pk=region_of_b.pk).exists()


@scoped
def test_an_editor_of_a_cannot_read_bs_object_history(client, department_a, region_of_b, editors_work_on_regions):
    client.force_login(staff_member(department_a, Role.EDITOR))
    response = client.get(reverse("scoped:org_region_history", args=[region_of_b.pk]))
    assert response.status_code == 403


@scoped
def test_the_list_shows_only_the_departments_own_objects(client, department_a, region_of_b, editors_work_on_regions):
    own = Region.objects.create(code="420505", name="猇亭区", level=Region.Level.COUNTY, parent=CityFactory())
    grant_to_department(own, department_a)
    client.force_login(staff_member(department_a, Role.EDITOR))
    response = client.get(reverse("scoped:org_region_changelist"))
    assert list(response.context["cl"].queryset) == [own]


@scoped
def test_the_owning_department_edits_its_object(client, department_b, region_of_b, editors_work_on_regions):
    client.force_login(staff_member(department_b, Role.EDITOR))
    response = client.post(
        reverse("scoped:org_region_change", args=[region_of_b.pk]), region_form(region_of_b, name="点军区（新）")
    )
    assert response.status_code == 302
    region_of_b.refresh_from_db()
    assert region_of_b.name == "点军区（新）"


@scoped
def test_a_new_object_belongs_to_the_creators_department(client, department_a, editors_work_on_regions):
    client.force_login(staff_member(department_a, Role.EDITOR))
    city = CityFactory()
    response = client.post(
        reverse("scoped:org_region_add"), {"code": "420525", "name": "远安县", "level": "county", "parent": city.pk}
    )
    assert response.status_code == 302
    assert list(owning_departments(Region.objects.get(code="420525"))) == [department_a]


@scoped
def test_a_creator_in_two_departments_must_choose_the_owner(
    client, department_a, department_b, editors_work_on_regions
):
    editor = staff_member(department_a, Role.EDITOR)
    staff_member(department_b, Role.EDITOR, username=editor.username)
    client.force_login(editor)
    city = CityFactory()
    form = {"code": "420526", "name": "兴山县", "level": "county", "parent": city.pk}

    refused = client.post(reverse("scoped:org_region_add"), form)
    assert refused.status_code == 200
    assert "owner_department" in refused.context["adminform"].form.errors
    assert not Region.objects.filter(code="420526").exists()

    client.post(reverse("scoped:org_region_add"), {**form, "owner_department": department_b.pk})
    assert list(owning_departments(Region.objects.get(code="420526"))) == [department_b]


def test_an_enterprise_user_opening_the_admin_is_sent_to_the_login(client):
    client.force_login(EnterpriseUserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_enterprise_user_cannot_sign_in_to_the_admin(client):
    user = EnterpriseUserFactory()
    user.set_password("Firm@2026")
    user.save()
    response = client.post("/admin/login/", {"username": user.username, "password": "Firm@2026"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_region_tree_filters_by_level(admin_client):
    CityFactory()
    response = admin_client.get(reverse("admin:org_region_changelist"), {"level__exact": "city"})
    assert [region.code for region in response.context["cl"].queryset] == ["420500"]


def test_a_department_page_lists_its_members(client, department_a):
    staff_member(department_a, Role.REVIEWER, username="shenhe")
    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.get(reverse("admin:org_department_change", args=[department_a.pk]))
    assert response.status_code == 200
    assert "shenhe" in response.content.decode()
