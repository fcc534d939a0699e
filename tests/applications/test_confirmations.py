"""免申即享 (无锡 §20（一）1): from a published automatic matter's match results to a frozen list, accepted by the
department's approver (10-working-day push clock), pushed to the enterprises, confirmed with a bank account or
declined with a reason, and waived when the deadline passes; the 扶持清单 exported for the payouts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import confirmations
from applications.models import Confirmation, ConfirmationList
from enterprises.models import AnnualFigure
from matters import matching
from matters.models import DeliveryKind
from portal import workdays
from portal.audit.models import SensitiveAccessLog
from portal.notify.models import OutboxMessage, SiteMessage
from portal.org.roles import Role
from portal.workcalendar import clocks
from tests.backoffice import pages
from tests.backoffice.roundtrip import signed_in
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

C = Confirmation.State


def chinese(error) -> str:
    text = "".join(error.messages) if isinstance(error, ValidationError) else str(error)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


@pytest.fixture
def matter():
    return published_matter(delivery_kind=DeliveryKind.AUTOMATIC)


@pytest.fixture
def firms(matter):
    """Two eligible enterprises (营业收入 5000万) and one not (100万), matched as publishing matches them."""
    eligible = [enterprise_with_user(), enterprise_with_user(revenue=Decimal("8000.00"))]
    enterprise_with_user(revenue=Decimal("100.00"))
    matching.match_matter(matter)
    return eligible


@pytest.fixture
def reviewer(matter):
    return member(matter.department, Role.REVIEWER)


@pytest.fixture
def approver(matter):
    return member(matter.department, Role.APPROVER)


@pytest.fixture
def built(matter, firms, reviewer):
    return confirmations.build_list(matter, by=reviewer)


@pytest.fixture
def notified(built, approver):
    confirmations.accept(built, by=approver)
    confirmations.notify_list(built.pk)
    built.refresh_from_db()
    return built


def row_of(confirmation_list, enterprise) -> Confirmation:
    return confirmation_list.confirmations.get(enterprise=enterprise)


# --- building ----------------------------------------------------------------------------------------------------


def test_the_list_holds_the_eligible_enterprises_with_the_rule_version_facts_and_amount(matter, firms, built):
    assert built.status == ConfirmationList.State.DRAFT
    assert built.rule_set == matter.rule_set_on(timezone.localdate())
    assert built.period == str(timezone.localdate().year)
    assert set(built.confirmations.values_list("enterprise_id", flat=True)) == {e.pk for e in firms}
    row = row_of(built, firms[0])
    assert row.state == C.PENDING and row.notified_at is None
    assert row.amount == Decimal("200000.00")
    assert "20万元" in row.amount_text
    assert row.facts["rule_set"]["version"] == built.rule_set.version
    (criterion,) = row.facts["criteria"]
    assert criterion["fact"] == "revenue" and criterion["outcome"] == "pass"
    assert Decimal(criterion["value"]) == Decimal("5000")
    assert criterion["source"] and criterion["as_of"]
    assert criterion["message"]
    assert row.history.count() == 1


def test_the_frozen_facts_do_not_follow_later_changes_to_the_archive(firms, built):
    before = row_of(built, firms[0]).facts
    AnnualFigure.objects.filter(enterprise=firms[0]).update(revenue_wan=Decimal("10"))
    assert row_of(built, firms[0]).facts == before


def test_an_enterprise_no_longer_eligible_in_the_archive_is_left_out(matter, firms, reviewer):
    AnnualFigure.objects.filter(enterprise=firms[1]).update(revenue_wan=Decimal("10"))
    built = confirmations.build_list(matter, by=reviewer)
    assert list(built.confirmations.values_list("enterprise_id", flat=True)) == [firms[0].pk]


def test_a_second_list_for_the_same_period_is_refused(matter, built, reviewer):
    with pytest.raises(ValidationError) as error:
        confirmations.build_list(matter, by=reviewer)
    assert "不能重复生成" in chinese(error.value)
    other = confirmations.build_list(matter, by=reviewer, period="2099")
    assert other.confirmations.count() == 2


def test_a_matter_that_is_not_automatic_is_refused(firms):
    reviewed = published_matter()
    matching.match_matter(reviewed)
    with pytest.raises(ValidationError) as error:
        confirmations.build_list(reviewed, by=member(reviewed.department, Role.REVIEWER))
    assert "不是免申即享事项" in chinese(error.value)


def test_an_unpublished_matter_is_refused(matter, firms, reviewer):
    type(matter).objects.filter(pk=matter.pk).update(status="offline")
    matter.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        confirmations.build_list(matter, by=reviewer)
    assert "尚未上架" in chinese(error.value)


def test_an_empty_list_is_refused(matter, reviewer):
    enterprise_with_user(revenue=Decimal("100.00"))
    matching.match_matter(matter)
    with pytest.raises(ValidationError) as error:
        confirmations.build_list(matter, by=reviewer)
    assert "不能生成空名单" in chinese(error.value)
    assert not ConfirmationList.objects.exists()


def test_only_the_matters_department_builds_the_list(matter, firms):
    from tests.factories.org import DepartmentFactory

    outsider = member(DepartmentFactory(region=matter.region), Role.REVIEWER)
    with pytest.raises(PermissionDenied) as error:
        confirmations.build_list(matter, by=outsider)
    chinese(error.value)


def test_building_reads_the_register_in_bulk(matter, reviewer, django_assert_max_num_queries):
    for _n in range(12):
        enterprise_with_user()
    matching.match_matter(matter)
    with django_assert_max_num_queries(40):
        built = confirmations.build_list(matter, by=reviewer)
    assert built.confirmations.count() == 12


# --- accepting and telling ---------------------------------------------------------------------------------------


def test_only_the_approver_accepts_and_the_push_clock_starts(built, reviewer, approver):
    with pytest.raises(PermissionDenied) as error:
        confirmations.accept(built, by=reviewer)
    chinese(error.value)
    confirmations.accept(built, by=approver)
    built.refresh_from_db()
    assert built.status == ConfirmationList.State.ACCEPTED and built.accepted_at
    clock = clocks.of(built, confirmations.NOTIFY_CLOCK).get()
    assert clock.state == "running"
    assert clock.limit_days == 10
    assert clock.due_on == workdays.add_workdays(timezone.localdate(), 10)
    with pytest.raises(ValidationError) as error:
        confirmations.accept(built, by=approver)
    chinese(error.value)


def test_notifying_tells_every_enterprise_once_and_stops_the_clock(firms, built, approver):
    confirmations.accept(built, by=approver)
    assert confirmations.notify_list(built.pk, chunk=1) == 2
    built.refresh_from_db()
    assert built.status == ConfirmationList.State.NOTIFIED and built.notified_at
    assert clocks.of(built, confirmations.NOTIFY_CLOCK).get().state == "stopped"
    due = workdays.add_workdays(timezone.localdate(), built.confirm_days)
    for enterprise in firms:
        row = row_of(built, enterprise)
        assert row.notified_at and row.due_on == due
        assert row.history.first().history_change_reason == f"推送企业，确认截止{due.isoformat()}"
        message = SiteMessage.objects.get(user=enterprise.user, dedupe_key=f"confirmation:{row.pk}")
        assert "200,000" in message.body or "20万元" in message.body
        assert due.isoformat() in message.body
        sms = OutboxMessage.objects.get(dedupe_key=f"confirmation-sms:{row.pk}")
        assert sms.phone == enterprise.contact_phone
        assert "20万元" in sms.text and due.isoformat() in sms.text
    assert confirmations.notify_list(built.pk) == 0
    assert SiteMessage.objects.filter(dedupe_key__startswith="confirmation:").count() == 2
    assert OutboxMessage.objects.filter(dedupe_key__startswith="confirmation-sms:").count() == 2


def test_a_draft_list_is_never_told(built):
    assert confirmations.notify_list(built.pk) == 0
    assert not SiteMessage.objects.filter(dedupe_key__startswith="confirmation:").exists()


def test_the_hourly_task_tells_a_list_whose_notification_was_lost(firms, built, approver):
    confirmations.accept(built, by=approver)
    confirmations.waive_overdue_task()
    built.refresh_from_db()
    assert built.status == ConfirmationList.State.NOTIFIED


def test_the_waiver_task_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "applications.waive_overdue_confirmations" in tasks


# --- answering ----------------------------------------------------------------------------------------------------


def test_the_enterprise_confirms_with_its_bank_account_stored_encrypted(firms, notified):
    row = row_of(notified, firms[0])
    confirmations.confirm(
        row,
        by=firms[0].user,
        bank_name="中国银行宜昌分行",
        bank_account="６２２２ ０２０２ 0001 4345 678",
        details_ok=True,
    )
    row.refresh_from_db()
    assert row.state == C.CONFIRMED and row.answered_by == firms[0].user
    assert row.bank_account == "6222020200014345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account FROM applications_confirmation WHERE id = %s", [row.pk])
        (stored,) = cursor.fetchone()
    assert "6222020200014345678" not in stored
    assert list(confirmations.confirmed_for_payout(notified)) == [row]
    with pytest.raises(ValidationError) as error:
        confirmations.decline(row, by=firms[0].user, reason="不需要")
    assert "不能重复办理" in chinese(error.value)


@pytest.mark.parametrize("account", ["1234567", "6222-0202-ab12-3456", "1" * 31, "", "6222020200012345678"])
def test_a_malformed_bank_account_is_refused(firms, notified, account):
    row = row_of(notified, firms[0])
    with pytest.raises(ValidationError) as error:
        confirmations.confirm(row, by=firms[0].user, bank_name="中国银行", bank_account=account, details_ok=True)
    assert "bank_account" in error.value.message_dict
    chinese(error.value)


def test_confirming_needs_the_details_checked(firms, notified):
    row = row_of(notified, firms[0])
    with pytest.raises(ValidationError) as error:
        confirmations.confirm(
            row, by=firms[0].user, bank_name="中国银行", bank_account="6222020200014345678", details_ok=False
        )
    assert "details_ok" in error.value.message_dict


def test_declining_needs_a_reason(firms, notified):
    row = row_of(notified, firms[0])
    with pytest.raises(ValidationError) as error:
        confirmations.decline(row, by=firms[0].user, reason="  ")
    assert "请填写放弃理由" in chinese(error.value)
    confirmations.decline(row, by=firms[0].user, reason="企业已迁出本市")
    row.refresh_from_db()
    assert row.state == C.DECLINED and row.decline_reason == "企业已迁出本市"


def test_another_enterprises_member_cannot_answer(firms, notified):
    row = row_of(notified, firms[0])
    with pytest.raises(PermissionDenied) as error:
        confirmations.decline(row, by=firms[1].user, reason="代为放弃")
    chinese(error.value)


def test_a_confirmation_not_yet_told_cannot_be_answered(firms, built):
    row = row_of(built, firms[0])
    with pytest.raises(ValidationError):
        confirmations.decline(row, by=firms[0].user, reason="不需要")


def test_after_the_deadline_pending_ones_are_waived_and_the_list_closes(firms, notified):
    first, second = (row_of(notified, e) for e in firms)
    confirmations.decline(first, by=firms[0].user, reason="不需要")
    late = second.due_on + dt.timedelta(days=1)
    assert confirmations.waive_overdue(second.due_on) == 0
    assert confirmations.waive_overdue(late) == 1
    second.refresh_from_db()
    assert second.state == C.WAIVED
    assert second.history.first().history_change_reason == "逾期未确认，视为放弃"
    notified.refresh_from_db()
    assert notified.status == ConfirmationList.State.CLOSED


def test_after_the_deadline_the_enterprise_can_no_longer_confirm(firms, notified):
    row = row_of(notified, firms[0])
    Confirmation.objects.filter(pk=row.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        confirmations.confirm(
            row, by=firms[0].user, bank_name="中国银行", bank_account="6222020200014345678", details_ok=True
        )
    assert "逾期视为放弃" in chinese(error.value)


# --- the enterprise's pages ---------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_enterprise_sees_its_pending_confirmation_with_the_facts_used(firms, notified):
    row = row_of(notified, firms[0])
    client = client_for(firms[0].user)
    listing = client.get(reverse("applications:confirm_list")).content.decode()
    assert notified.matter.name in listing
    page = client.get(reverse("applications:confirm_detail", args=[row.code]))
    assert page.status_code == 200
    text = page.content.decode()
    criterion = row.facts["criteria"][0]
    assert criterion["source"] in text and criterion["as_of"] in text
    assert firms[0].uscc in text and firms[0].legal_rep_name in text
    assert row.amount_text in text
    assert 'name="bank_account"' in text and 'name="reason"' in text
    space = client.get(reverse("enterprises:space", args=[firms[0].uscc])).content.decode()
    assert reverse("applications:confirm_detail", args=[row.code]) in space


def test_another_enterprises_confirmation_is_a_404(firms, notified):
    row = row_of(notified, firms[0])
    client = client_for(firms[1].user)
    assert client.get(reverse("applications:confirm_detail", args=[row.code])).status_code == 404
    url = reverse("applications:confirm_decline", args=[row.code])
    assert client.post(url, {"reason": "代为放弃"}).status_code == 404
    row.refresh_from_db()
    assert row.state == C.PENDING


def test_a_draft_lists_confirmation_is_not_shown(firms, built):
    row = row_of(built, firms[0])
    client = client_for(firms[0].user)
    assert client.get(reverse("applications:confirm_detail", args=[row.code])).status_code == 404


def test_confirming_on_the_page(firms, notified):
    row = row_of(notified, firms[0])
    client = client_for(firms[0].user)
    url = reverse("applications:confirm_confirm", args=[row.code])
    bad = client.post(url, {"details_ok": "on", "bank_name": "中国银行", "bank_account": "12ab"})
    assert bad.status_code == 400
    assert "银行账号应为8至30位数字" in bad.content.decode()
    done = client.post(url, {"details_ok": "on", "bank_name": "中国银行", "bank_account": "6222 0202 0001 4345 678"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.state == C.CONFIRMED
    page = client.get(reverse("applications:confirm_detail", args=[row.code])).content.decode()
    assert "**** **** **** 5678" in page and "6222020200014345678" not in page
    assert 'name="bank_account"' not in page


def test_declining_on_the_page_needs_a_reason(firms, notified):
    row = row_of(notified, firms[0])
    client = client_for(firms[0].user)
    url = reverse("applications:confirm_decline", args=[row.code])
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 400 and "请填写放弃理由" in bad.content.decode()
    assert client.post(url, {"reason": "不需要"}).status_code == 302


def test_after_the_deadline_the_page_says_waived_and_offers_nothing(firms, notified):
    row = row_of(notified, firms[0])
    Confirmation.objects.filter(pk=row.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page = client_for(firms[0].user).get(reverse("applications:confirm_detail", args=[row.code])).content.decode()
    assert "逾期视为放弃" in page
    assert 'name="bank_account"' not in page and 'name="reason"' not in page


# --- the back office ----------------------------------------------------------------------------------------------


def _post(client, url, data):
    token = pages.csrf_token(pages.parse(client.get(url).content))
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_a_reviewer_builds_the_list_in_the_admin(matter, firms, reviewer):
    client = signed_in(reviewer)
    changelist = client.get(reverse("admin:applications_confirmationlist_changelist"))
    assert reverse("admin:applications_confirmationlist_build") in changelist.content.decode()
    url = reverse("admin:applications_confirmationlist_build")
    response = _post(client, url, {"matter": matter.pk, "period": "2026", "confirm_days": "15"})
    assert response.status_code == 302, pages.form_errors(response)
    built = ConfirmationList.objects.get(matter=matter, period="2026")
    assert built.confirm_days == 15 and built.created_by == reviewer
    assert built.confirmations.count() == 2
    again = _post(client, url, {"matter": matter.pk, "period": "2026", "confirm_days": "15"})
    assert again.status_code == 200 and "不能重复生成" in again.content.decode()


def test_the_build_form_refuses_bad_input_in_chinese(matter, firms, reviewer):
    client = signed_in(reviewer)
    url = reverse("admin:applications_confirmationlist_build")
    response = _post(client, url, {"matter": matter.pk, "period": "", "confirm_days": "0"})
    assert response.status_code == 200
    errors = pages.form_errors(response)
    assert "必填" in errors and "大于或等于1" in errors
    reviewed = published_matter()
    response = _post(client, url, {"matter": reviewed.pk, "period": "2026", "confirm_days": "10"})
    assert "选择一个有效的选项" in pages.form_errors(response)
    assert not ConfirmationList.objects.exists()


def test_another_departments_staff_cannot_build_or_see_the_list(matter, built):
    from tests.factories.org import DepartmentFactory

    outsider = member(DepartmentFactory(region=matter.region), Role.APPROVER)
    client = signed_in(outsider)
    url = reverse("admin:applications_confirmationlist_build")
    response = _post(client, url, {"matter": matter.pk, "period": "2030", "confirm_days": "10"})
    assert response.status_code == 200 and "选择一个有效的选项" in pages.form_errors(response)
    change = reverse("admin:applications_confirmationlist_change", args=[built.pk])
    assert client.get(change).status_code == 404


def test_the_approver_accepts_in_the_admin_and_sees_the_progress(built, approver):
    client = signed_in(approver)
    change = reverse("admin:applications_confirmationlist_change", args=[built.pk])
    page = client.get(change).content.decode()
    assert 'data-transition="accept"' in page
    url = reverse("admin:applications_confirmationlist_transition", args=[built.pk, "accept"])
    assert _post(client, url, {"confirm": "1"}).status_code == 302
    built.refresh_from_db()
    assert built.status == ConfirmationList.State.ACCEPTED
    page = client.get(change).content.decode()
    assert "已通知0家，共2家" in page
    assert "待确认2" in page


def test_the_reviewer_is_not_offered_acceptance(built, reviewer):
    page = signed_in(reviewer).get(reverse("admin:applications_confirmationlist_change", args=[built.pk]))
    assert 'data-transition="accept"' not in page.content.decode()


def test_the_support_list_is_exported_to_excel_with_the_access_logged(firms, notified, approver):
    from openpyxl import load_workbook

    row = row_of(notified, firms[0])
    confirmations.confirm(
        row, by=firms[0].user, bank_name="中国银行", bank_account="6222020200014345678", details_ok=True
    )
    response = signed_in(approver).get(reverse("admin:applications_confirmationlist_export", args=[notified.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == firms[0].name and rows[1][2] == firms[0].uscc and rows[1][7] == "6222020200014345678"
    assert Decimal(str(rows[1][4])) == Decimal("200000")
    assert SensitiveAccessLog.objects.filter(user=approver, object_id=str(notified.pk)).exists()


def test_the_confirmation_admin_shows_the_account_masked(firms, notified, approver):
    row = row_of(notified, firms[0])
    confirmations.confirm(
        row, by=firms[0].user, bank_name="中国银行", bank_account="6222020200014345678", details_ok=True
    )
    page = signed_in(approver).get(reverse("admin:applications_confirmation_change", args=[row.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "**** **** **** 5678" in text and "6222020200014345678" not in text
    assert 'name="_save"' not in text
