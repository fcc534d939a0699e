"""Disbursement as finance does it, through the services: payouts opened, batched by one officer and checked by
another, the payment file, the bank's results (all-or-nothing, idempotent), corrections, holds and timeliness."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Status
from payouts import bankfiles, services
from payouts.models import BankResultImport, BatchState, Payout, PayoutBatch, PayoutState
from portal.core import normalize
from portal.notify.models import OutboxMessage, SiteMessage
from portal.org.roles import Role
from portal.workcalendar import clocks
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import CountyFactory
from tests.factories.payouts import CORPORATE_ACCOUNT, VALID_CARD, finance_of, finance_officers, to_payout
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

P = PayoutState


@pytest.fixture
def matter():
    return published_matter()


@pytest.fixture
def officers(matter):
    return finance_officers(finance_of(matter.region))


@pytest.fixture
def cases(matter):
    return [to_payout(matter, amount=amount) for amount in ("200000.00", "50000.50", "1234.56")]


def opened(cases):
    assert services.open_payouts() == len(cases)
    return list(Payout.objects.order_by("pk"))


def sent_batch(officers, payouts):
    maker, checker = officers
    batch = services.create_batch(by=maker, funding_source=payouts[0].funding_source)
    services.approve_batch(batch, by=checker)
    services.export_batch(batch, by=maker, fmt="xlsx")
    batch.refresh_from_db()
    return batch


def test_a_payout_is_opened_once_per_case_with_its_clock(cases, officers):
    payouts = opened(cases)
    assert services.open_payouts() == 0
    assert [p.application for p in payouts] == cases
    assert sum(p.amount for p in payouts) == Decimal("251235.06")
    first = payouts[0]
    assert first.state == P.PENDING and first.number.startswith("DF")
    assert first.funding_source.department == finance_of(cases[0].matter.region)
    assert first.account_number == VALID_CARD and first.masked_account.endswith("5678")
    clock = services.pay_clock(first)
    assert clock.limit_days == first.funding_source.pay_within_days == 15
    assert clock.started_on == first.approved_on


def test_the_database_refuses_a_second_payout_for_one_case(cases, officers):
    payout = opened(cases)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(
            number="DF-second",
            application=payout.application,
            enterprise=payout.enterprise,
            matter=payout.matter,
            funding_source=payout.funding_source,
            amount=Decimal("1.00"),
            approved_on=payout.approved_on,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(amount=Decimal("0"))


def test_a_case_without_a_payee_account_waits_and_the_enterprise_is_asked(matter, officers):
    application = to_payout(matter, account=False)
    services.open_payouts()
    payout = Payout.objects.get()
    assert payout.account_number == ""
    assert SiteMessage.objects.filter(user=application.enterprise.user, title="请填写收款账户").count() == 1
    with pytest.raises(ValidationError) as error:
        services.create_batch(by=officers[0], funding_source=payout.funding_source)
    assert "收款账户" in error.value.messages[0]
    services.save_account(
        application.enterprise,
        {"payee_name": application.enterprise.name, "bank_name": "工商银行", "account_number": CORPORATE_ACCOUNT},
        by=application.enterprise.user,
    )
    payout.refresh_from_db()
    assert payout.account_number == CORPORATE_ACCOUNT.replace(" ", "")
    assert services.create_batch(by=officers[0], funding_source=payout.funding_source).count == 1


def test_four_eyes_the_maker_cannot_check_his_own_batch(cases, officers):
    maker, checker = officers
    payouts = opened(cases)
    batch = services.create_batch(by=maker, funding_source=payouts[0].funding_source, note="十一月第一批")
    assert (batch.count, batch.total, batch.state) == (3, Decimal("251235.06"), BatchState.DRAFT)
    assert set(Payout.objects.values_list("state", flat=True)) == {P.BATCHED}
    with pytest.raises(PermissionDenied) as error:
        services.approve_batch(batch, by=maker)
    assert "四眼原则" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutBatch.objects.filter(pk=batch.pk).update(approved_by=maker)
    services.approve_batch(batch, by=checker)
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == checker
    assert set(Payout.objects.values_list("state", flat=True)) == {P.APPROVED}


def test_only_the_paying_departments_finance_officers_batch(cases, officers, matter):
    payouts = opened(cases)
    other = finance_officers(finance_of(CountyFactory()), 1)[0]
    for user in (other, member(matter.department, Role.APPROVER)):
        with pytest.raises(PermissionDenied):
            services.create_batch(by=user, funding_source=payouts[0].funding_source)
    assert not PayoutBatch.objects.exists()


def test_an_unapproved_batch_is_not_exported_and_an_approved_one_is_sent_with_its_checksum(cases, officers):
    maker, checker = officers
    payouts = opened(cases)
    batch = services.create_batch(by=maker, funding_source=payouts[0].funding_source)
    with pytest.raises(ValidationError) as error:
        services.export_batch(batch, by=maker)
    assert error.value.messages == ["批次尚未复核，不能导出支付文件。"]
    services.approve_batch(batch, by=checker)
    name, _type, content = services.export_batch(batch, by=maker, fmt="csv")
    batch.refresh_from_db()
    assert batch.state == BatchState.SENT and name == f"{batch.number}.csv"
    assert set(Payout.objects.values_list("state", flat=True)) == {P.SENT}
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["批次号", batch.number]
    assert rows[2][0] == "付款户名"
    assert rows[3] == ["笔数", "3", "合计金额（元）", "251235.06", "批次校验码", batch.checksum]
    assert rows[5] == bankfiles.PAYMENT_COLUMNS
    lines = rows[6:]
    assert [line[6] for line in lines] == [f"{p.amount:.2f}" for p in sorted(payouts, key=lambda p: p.number)]
    assert {line[3] for line in lines} == {VALID_CARD}
    assert batch.checksum == bankfiles.checksum(batch)
    again = services.export_batch(batch, by=maker, fmt="csv")[2]
    assert again == content


def test_bank_results_pay_and_fail_and_the_same_file_twice_changes_nothing(cases, officers):
    maker, _checker = officers
    payouts = opened(cases)
    batch = sent_batch(officers, payouts)
    failed_number = payouts[1].number
    paid_day = timezone.localdate()
    content = bankfiles.results_template(batch, {failed_number: (False, "", None, "账号户名不符")})
    report = services.import_results(batch, content, file_name="回单.xlsx", by=maker)
    assert (report.paid, report.failed, report.errors) == (2, 1, [])
    states = dict(Payout.objects.values_list("number", "state"))
    assert states[failed_number] == P.FAILED
    assert sorted(states.values()) == sorted([P.PAID, P.PAID, P.FAILED])
    paid = Payout.objects.filter(state=P.PAID).first()
    assert paid.paid_on == paid_day and paid.bank_reference.startswith("BK") and paid.workdays_to_pay is not None
    assert services.pay_clock(paid).state == "stopped"
    # the enterprises are told (the third SMS moment) and the paid cases are 已兑付
    assert OutboxMessage.objects.filter(template__code=services.SMS_PAID).count() == 2
    assert OutboxMessage.objects.filter(template__code=services.SMS_FAILED).count() == 1
    # one SMS per payment: the case's own progress message for 已兑付 is a site message only
    assert not OutboxMessage.objects.filter(template__code="application_progress").exists()
    assert sorted(a.status for a in [p.application for p in Payout.objects.select_related("application")]) == sorted(
        [Status.PAID, Status.PAID, Status.TO_PAYOUT]
    )
    batch.refresh_from_db()
    assert batch.state == BatchState.SETTLED
    history = Payout.history.model.objects.count()
    snapshot = Payout.objects.values_list("pk", "state", "bank_reference").order_by("pk")
    before = list(snapshot)
    again = services.import_results(batch, content, file_name="回单（再次）.xlsx", by=maker)
    assert again.already and again.imported.file_name == "回单.xlsx"
    assert list(snapshot.all()) == before and Payout.history.model.objects.count() == history
    assert BankResultImport.objects.count() == 1
    assert OutboxMessage.objects.filter(template__code=services.SMS_PAID).count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rows: rows[0].__setitem__(1, "1.00"), "与拨付金额"),
        (lambda rows: rows[0].__setitem__(0, "DF19990101000001"), "不属于本批次"),
        (lambda rows: rows[0].__setitem__(1, "200000.001"), "超过两位小数"),
        (lambda rows: rows[0].__setitem__(1, "-5"), "金额必须大于零"),
        (lambda rows: rows[0].__setitem__(2, "待定"), "无法识别"),
        (lambda rows: rows[0].__setitem__(3, ""), "银行流水号"),
        (lambda rows: rows.append(list(rows[0])), "重复出现"),
    ],
)
def test_a_bad_result_line_refuses_the_whole_file(cases, officers, change, message):
    maker, _checker = officers
    payouts = opened(cases)
    batch = sent_batch(officers, payouts)
    content = bankfiles.results_template(batch, fmt="csv").decode()
    header, *rows = list(csv.reader(io.StringIO(content)))
    change(rows)
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    report = services.import_results(batch, out.getvalue().encode("gb18030"), file_name="回单.csv", by=maker)
    assert report.imported is None and any(message in line for line in report.errors), report.errors
    assert all(line.startswith("第") for line in report.errors)
    assert set(Payout.objects.values_list("state", flat=True)) == {P.SENT}
    assert not BankResultImport.objects.exists()


def test_a_conflicting_second_file_is_refused(cases, officers):
    maker, _checker = officers
    payouts = opened(cases)
    batch = sent_batch(officers, payouts)
    services.import_results(batch, bankfiles.results_template(batch), file_name="a.xlsx", by=maker)
    other = bankfiles.results_template(batch, {payouts[0].number: (True, "OTHER-REF", timezone.localdate(), "")})
    report = services.import_results(batch, other, file_name="b.xlsx", by=maker)
    assert report.imported is None and "冲突" in report.errors[0]
    assert Payout.objects.get(pk=payouts[0].pk).bank_reference != "OTHER-REF"


def test_a_failed_payment_is_corrected_by_the_enterprise_and_paid_in_a_new_batch(cases, officers):
    maker, checker = officers
    payouts = opened(cases)
    batch = sent_batch(officers, payouts)
    target = payouts[0]
    services.import_results(
        batch,
        bankfiles.results_template(batch, {target.number: (False, "", None, "账户已销户")}),
        file_name="r",
        by=maker,
    )
    enterprise = target.application.enterprise
    assert SiteMessage.objects.filter(user=enterprise.members.get().user, title="政策资金拨付未成功").exists()
    services.save_account(
        enterprise,
        {"payee_name": enterprise.name, "bank_name": "建设银行", "account_number": "6217 0000 0000 0000 004"},
        by=enterprise.members.get().user,
    )
    target.refresh_from_db()
    assert target.state == P.CORRECTED and target.failure_reason == "" and target.bank_name == "建设银行"
    second = services.create_batch(by=maker, funding_source=target.funding_source)
    assert list(second.payouts.all()) == [target] and Payout.objects.get(pk=target.pk).attempts == 2
    services.approve_batch(second, by=checker)
    services.export_batch(second, by=maker)
    services.import_results(second, bankfiles.results_template(second), file_name="r2", by=maker)
    assert Payout.objects.filter(state=P.PAID).count() == 3
    assert target.application.__class__.objects.get(pk=target.application_id).status == Status.PAID


def test_hold_release_and_cancel_need_reasons_and_the_right_state(cases, officers):
    maker, _checker = officers
    payout = opened(cases)[0]
    with pytest.raises(ValidationError):
        services.hold(payout, by=maker, reason="")
    services.hold(payout, by=maker, reason="企业涉及失信被执行，待核实")
    payout.refresh_from_db()
    assert payout.state == P.HELD and payout.hold_reason.startswith("企业涉及失信")
    with pytest.raises(ValidationError):
        services.create_batch(by=maker, funding_source=payout.funding_source, payout_ids=[payout.pk])
    services.release(payout, by=maker)
    batch = services.create_batch(by=maker, funding_source=payout.funding_source)
    payout.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.cancel(payout, by=maker, reason="重复申报")
    assert "已编批" in error.value.messages[0] or "不能" in error.value.messages[0]
    services.cancel_batch(batch, by=maker, reason="金额待复核")
    payout.refresh_from_db()
    assert payout.state == P.PENDING and payout.batch is None
    services.cancel(payout, by=maker, reason="核准已撤销")
    payout.refresh_from_db()
    assert payout.state == P.CANCELLED and services.pay_clock(payout).state == "stopped"


def test_overdue_payouts_are_flagged_once_to_finance_and_supervisors(matter, officers):
    long_ago = timezone.now() - dt.timedelta(days=60)
    to_payout(matter, decided_at=long_ago)
    to_payout(matter)
    services.open_payouts()
    clocks_due = [services.pay_clock(p).due_on for p in Payout.objects.order_by("approved_on")]
    assert clocks_due[0] < timezone.localdate() <= clocks_due[1]
    supervisor = member(finance_of(matter.region), Role.SUPERVISOR)
    assert services.flag_overdue() == 1
    assert services.flag_overdue() == 0
    assert list(services.overdue()) == [Payout.objects.order_by("approved_on").first()]
    for user in (*officers, supervisor):
        assert SiteMessage.objects.filter(user=user, title__startswith="兑付超时提醒").count() == 1


def test_a_confirmed_exempt_entry_gets_a_payout_with_the_confirmed_account(officers, matter):
    from applications.models import Confirmation, ConfirmationList

    enterprise = enterprise_with_user()
    confirmation_list = ConfirmationList.objects.create(matter=matter, period="2026", rule_set=matter.rule_sets.first())
    Confirmation.objects.create(
        confirmation_list=confirmation_list,
        enterprise=enterprise,
        state=Confirmation.State.CONFIRMED,
        amount=Decimal("30000.00"),
        bank_name="农业银行",
        bank_account=CORPORATE_ACCOUNT.replace(" ", ""),
        answered_at=timezone.now(),
    )
    Confirmation.objects.create(
        confirmation_list=confirmation_list, enterprise=enterprise_with_user(), state=Confirmation.State.DECLINED
    )
    assert services.open_payouts() == 1
    payout = Payout.objects.get()
    assert payout.confirmation.enterprise == enterprise and payout.application is None
    assert payout.bank_name == "农业银行" and payout.amount == Decimal("30000.00")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("６２２２ ０２０２ ０００１ ４３４５ ６７８", VALID_CARD),
        (CORPORATE_ACCOUNT, "42001234567805001234"),
        ("4200-1234-5678", "420012345678"),
    ],
)
def test_bank_account_numbers_are_read_by_the_kernel(value, expected):
    assert normalize.bank_account(value) == expected


@pytest.mark.parametrize("value", ["6222020200012345678", "1234567", "62220202000143456a8", "", 6.2e18])
def test_bad_bank_account_numbers_are_refused_in_chinese(value):
    with pytest.raises(normalize.NormalizeError) as error:
        normalize.bank_account(value)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(error.value))


def test_clocks_start_and_stop_set_based(cases, officers):
    payouts = opened(cases)
    assert all(services.pay_clock(p).state == "running" for p in payouts)
    assert clocks.stop_many(Payout, [p.pk for p in payouts], "payout_pay", at=timezone.now()) == 3
    assert all(services.pay_clock(p).state == "stopped" for p in payouts)
