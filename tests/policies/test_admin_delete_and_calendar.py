"""A published policy cannot be deleted in the admin; the calendar warning links to where the year is entered."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from policies import services
from policies.models import Policy
from portal.workcalendar import context_processors
from portal.workcalendar.models import CalendarYear
from tests.factories.accounts import SuperuserFactory
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:policies_policy_changelist")


def _client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def published(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    services.approve(policy, by=approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    return services.publish(policy, by=approver_a)


def test_a_published_policys_page_offers_no_delete_link(published):
    html = _client(SuperuserFactory()).get(reverse("admin:policies_policy_change", args=[published.pk])).content
    assert reverse("admin:policies_policy_delete", args=[published.pk]) not in html.decode()


def test_deleting_a_published_policy_from_the_list_is_refused_and_it_stays(published):
    client = _client(SuperuserFactory())
    token = _token(client.get(CHANGELIST).content.decode())
    data = {"csrfmiddlewaretoken": token, "action": "delete_selected", "_selected_action": [published.pk]}
    page = client.post(CHANGELIST, data).content.decode()
    assert "已发布过的政策（只能下线，不能删除）" in page
    client.post(CHANGELIST, {**data, "post": "yes"})
    assert Policy.objects.filter(pk=published.pk).exists()


def test_a_draft_can_still_be_deleted(policy):
    client = _client(SuperuserFactory())
    token = _token(client.get(CHANGELIST).content.decode())
    data = {"csrfmiddlewaretoken": token, "action": "delete_selected", "_selected_action": [policy.pk], "post": "yes"}
    client.post(CHANGELIST, data)
    assert not Policy.objects.filter(pk=policy.pk).exists()


@pytest.fixture
def in_november(monkeypatch):
    monkeypatch.setattr(context_processors.timezone, "localdate", lambda: date(2026, 11, 2))


def _calendar_link(client) -> str:
    html = client.get("/admin/").content.decode()
    return re.search(r'<a href="([^"]+)">录入工作日历</a>', html).group(1)


def test_the_calendar_warning_opens_the_add_page_of_next_year(in_november):
    link = _calendar_link(_client(SuperuserFactory()))
    assert link == reverse("admin:workcalendar_calendaryear_add") + "?year=2027"


def test_the_calendar_warning_opens_next_years_page_when_it_exists_but_is_not_covered(in_november):
    year = CalendarYear.objects.create(year=2027, covered=False, source="")
    assert _calendar_link(_client(SuperuserFactory())) == reverse(
        "admin:workcalendar_calendaryear_change", args=[year.pk]
    )
