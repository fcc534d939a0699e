"""What staff trying the back office found: a batch push never repeats an automatic push; an approver may push;
the catalogue export lists the catalogue; publishing keeps a rule version's start day still ahead."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from matters import matching
from matters.models import Matter, PushRecord
from portal import workdays
from portal.org.permissions import can
from portal.org.roles import Role
from tests.factories.policies import member
from tests.matters.test_matching import company, draft, publish, published

pytestmark = pytest.mark.django_db


def test_a_batch_push_skips_enterprises_already_told_by_the_automatic_push():
    told = company(revenue=5000, employees=80)
    other = company(revenue=100, employees=80)
    matter = published()
    assert PushRecord.objects.filter(matter=matter, enterprise=told, kind=PushRecord.Kind.MATCHED).exists()
    editor = member(matter.department, Role.EDITOR)
    done = matching.batch_push(matter, Enterprise.objects.filter(pk__in=[told.pk, other.pk]), by=editor)
    assert (done.selected, done.recorded) == (2, 1)
    assert list(
        PushRecord.objects.filter(matter=matter, kind=PushRecord.Kind.BATCH).values_list("enterprise", flat=True)
    ) == [other.pk]


def test_the_approver_may_batch_push_the_department_s_matter():
    matter = published()
    approver = member(matter.department, Role.APPROVER)
    assert can(approver, "matters.push_matter", matter)


def test_the_catalogue_export_lists_listed_and_closed_matters_unless_a_status_is_chosen(client):
    listed = published()
    waiting = draft(department=listed.department, policy=listed.policy)
    editor = member(listed.department, Role.EDITOR)
    client.force_login(editor)
    url = reverse("admin:matters_matter_catalogue")

    def codes(response):
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0]}

    assert codes(client.get(url)) == {listed.code}
    assert waiting.code in codes(client.get(url, {"status__exact": "draft"}))


def test_publishing_keeps_a_start_day_still_ahead():
    matter = draft()
    rule_set = matter.rule_sets.get()
    ahead = workdays.add_workdays(timezone.localdate(), 7)
    rule_set.valid_from = ahead
    rule_set.save()
    matter = publish(matter)
    rule_set.refresh_from_db()
    assert rule_set.valid_from == ahead
    assert matter.rule_set_on(timezone.localdate()) is None
    assert matter.rule_set_on(ahead + dt.timedelta(days=1)) == rule_set
    assert matter.status == Matter.Status.PUBLISHED
