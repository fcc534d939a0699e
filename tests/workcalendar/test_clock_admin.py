"""The clock admin is read-only for supervisors and platform admins and shows how each due date was computed."""

from datetime import date

import pytest
from django.urls import reverse

from portal.org.models import Role
from portal.workcalendar import clocks
from tests.factories.org import DepartmentFactory, StaffUserFactory, staff_member
from tests.factories.workcalendar import clock_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with clock_kind("test_review", label="受理审查时限", days=5, article="宜昌 §17", pausable=True):
        obj = DepartmentFactory()
        approver = StaffUserFactory(username="clock-approver")
        clocks.start(obj, "test_review", on=date(2026, 9, 28))
        clocks.pause(obj, "test_review", on=date(2026, 10, 8), reason="补正：营业执照副本", by=approver)
        clocks.resume(obj, "test_review", on=date(2026, 10, 12), by=approver)
        clocks.extend(obj, "test_review", days=2, reason="需现场核查", by=approver)
        yield clocks.of(obj, "test_review").get()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_the_change_page_shows_the_derivation(client, clock, role):
    client.force_login(staff_member(DepartmentFactory(), role))
    html = client.get(reverse("admin:workcalendar_clock_change", args=[clock.pk])).content.decode()
    assert "受理审查时限（宜昌 §17）" in html
    assert "2026-10-01（周四） 法定节假日（国庆节），不计入" in html
    assert "暂停计时：2026-10-08（周四）至2026-10-12（周一）恢复（补正：营业执照副本），顺延3个工作日" in html
    assert "截止日期：2026-10-16（周五）" in html


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_the_list_shows_the_clock(client, clock, role):
    client.force_login(staff_member(DepartmentFactory(), role))
    response = client.get(reverse("admin:workcalendar_clock_changelist"))
    assert response.status_code == 200
    assert "受理审查时限" in response.content.decode()


def test_nobody_changes_a_clock_in_the_admin(client, clock):
    client.force_login(staff_member(DepartmentFactory(), Role.ADMIN))
    response = client.post(reverse("admin:workcalendar_clock_change", args=[clock.pk]), {"limit_days": 1})
    clock.refresh_from_db()
    assert (response.status_code, clock.limit_days) == (403, 5)


def test_nobody_adds_a_clock_in_the_admin(client, clock):
    client.force_login(staff_member(DepartmentFactory(), Role.ADMIN))
    assert client.get(reverse("admin:workcalendar_clock_add")).status_code == 403


def test_an_editor_does_not_see_clocks(client, clock):
    client.force_login(staff_member(DepartmentFactory(), Role.EDITOR))
    assert client.get(reverse("admin:workcalendar_clock_change", args=[clock.pk])).status_code == 403


def test_the_list_filters_by_the_kinds_chinese_label(client, clock):
    client.force_login(staff_member(DepartmentFactory(), Role.SUPERVISOR))
    html = client.get(reverse("admin:workcalendar_clock_changelist"), {"kind": "test_review"}).content.decode()
    assert 'href="?kind=test_review"' in html
    assert "受理审查时限</a>" in html
