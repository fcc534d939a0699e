"""From 1 November the back office warns when next year's holiday schedule is missing."""

from datetime import date

import pytest

from portal.workcalendar import context_processors
from portal.workcalendar.models import CalendarYear
from tests.factories.accounts import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_on(client, monkeypatch):
    def on(day: date):
        monkeypatch.setattr(context_processors.timezone, "localdate", lambda: day)
        client.force_login(SuperuserFactory())
        return client

    return on


def test_admin_warns_in_november_when_next_year_is_missing(admin_client_on):
    html = admin_client_on(date(2026, 11, 2)).get("/admin/").content.decode()
    assert "2027年的节假日和调休安排尚未录入工作日历" in html


def test_no_warning_in_october(admin_client_on):
    html = admin_client_on(date(2026, 10, 31)).get("/admin/").content.decode()
    assert "尚未录入工作日历" not in html


def test_no_warning_once_next_year_is_entered(admin_client_on):
    CalendarYear.objects.create(year=2027, covered=True, source="国办发明电〔2026〕")
    html = admin_client_on(date(2026, 11, 2)).get("/admin/").content.decode()
    assert "尚未录入工作日历" not in html


def test_enterprise_pages_never_show_it(client, monkeypatch):
    monkeypatch.setattr(context_processors.timezone, "localdate", lambda: date(2026, 11, 2))
    assert "尚未录入工作日历" not in client.get("/").content.decode()
