"""Demo disbursement: the 市财政局's funding source for the 科技局's matters, payee accounts, payouts opened
from the demo's cases waiting for payment and confirmed 免申即享 entries, and one batch made by czj_finance,
checked by czj_checker, sent and settled by a bank result with one failed payment. The showcase enterprise
(13800138000) sees its payment in 兑付记录; the finance officers find payouts still waiting for a batch.
Everything goes through the services, as the officers would do it.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

log = logging.getLogger(__name__)

ACCOUNTS = ["6222020200014345678", "6217000000000000004", "42001234567805001234", "32050188360009876543"]


def _staff(username):
    from portal.accounts.models import User

    return User.objects.filter(username=username).first()


def load():
    from applications.models import Application, Status
    from payouts import bankfiles, services
    from payouts.models import FundingSource, Payout
    from portal.org.models import Department

    if Payout.objects.exists() or FundingSource.objects.exists():
        return
    finance, science = (
        Department.objects.filter(code="yc-czj").first(),
        Department.objects.filter(code="yc-kjj").first(),
    )
    maker, checker = _staff("czj_finance"), _staff("czj_checker")
    if finance is None or science is None or maker is None or checker is None:
        return
    source = FundingSource.objects.create(
        name="2026年宜昌市科技创新专项资金",
        level=finance.region.level,
        region=finance.region,
        department=finance,
        budget_line="2060499 其他技术研究与开发支出",
        payer_name="宜昌市财政局国库存款",
        payer_account="42050110000000000001",
        payer_bank="中国人民银行宜昌市中心支库",
        pay_within_days=15,
    )
    source.matters.set(science.matters.all())
    waiting = Application.objects.filter(status=Status.TO_PAYOUT).select_related("enterprise").order_by("pk")
    for n, application in enumerate(waiting):
        member = application.enterprise.members.select_related("user").first()
        services.save_account(
            application.enterprise,
            {
                "payee_name": application.enterprise.name,
                "bank_name": ["中国银行宜昌分行", "建设银行宜昌分行", "工商银行宜昌分行", "农业银行宜昌分行"][n % 4],
                "branch": "营业部",
                "account_number": ACCOUNTS[n % len(ACCOUNTS)],
            },
            by=member.user if member else None,
        )
    _confirm_some()
    _subsidies(science, finance)
    services.open_payouts()
    first = list(Payout.objects.filter(application__isnull=False).order_by("pk").values_list("pk", flat=True)[:2])
    if not first:
        return
    try:
        batch = services.create_batch(by=maker, funding_source=source, payout_ids=first, note="十一月第一批")
        services.approve_batch(batch, by=checker)
        services.export_batch(batch, by=maker, fmt="xlsx")
        numbers = list(batch.payouts.order_by("number").values_list("number", flat=True))
        failed = {numbers[-1]: (False, "", None, "户名与账号不符")} if len(numbers) > 1 else {}
        result = bankfiles.results_template(batch, failed)
        report = services.import_results(batch, result, file_name="中国银行回单.xlsx", by=maker)
    except (ValidationError, PermissionDenied) as error:
        log.info("demo batch skipped: %s", error)
        return
    paid = list(Payout.objects.filter(batch=batch, state="paid").values_list("pk", flat=True))
    failed_ids = list(Payout.objects.filter(batch=batch, state="failed").values_list("pk", flat=True))
    services.notify_settled(paid, failed_ids)  # the worker would; dedupe keys keep it to once
    log.info("demo payouts: %s paid, %s failed", report.paid, report.failed)


def _confirm_some():
    """Two enterprises on the demo's 免申即享 list confirm with their accounts (the rest keep their deadline)."""
    from applications import confirmations
    from applications.models import Confirmation

    pending = Confirmation.objects.filter(state=Confirmation.State.PENDING, notified_at__isnull=False)
    for n, row in enumerate(pending.select_related("enterprise").order_by("pk")[:2]):
        member = row.enterprise.members.select_related("user").first()
        if member is None or (row.due_on and row.due_on < timezone.localdate()):
            continue
        try:
            confirmations.confirm(
                row, by=member.user, bank_name="中国银行宜昌分行", bank_account=ACCOUNTS[(n + 2) % 4], details_ok=True
            )
        except (ValidationError, PermissionDenied) as error:
            log.info("demo confirmation skipped: %s", error)


def _subsidies(science, finance):
    """奖补汇聚: the 科技局 reports three subsidies it paid outside the platform (one a month late); the 财政局
    reports one of them again (a duplicate staff will see)."""
    from enterprises.models import Enterprise
    from payouts import subsidies
    from portal.workdays import add_workdays

    firms = list(Enterprise.objects.filter(region__code__startswith="4205").order_by("uscc")[:3])
    matter = science.matters.filter(status="published").order_by("code").first()
    if len(firms) < 3 or matter is None:
        return
    today = timezone.localdate()
    dates = [add_workdays(today, -2), add_workdays(today, -3), add_workdays(today, -25)]
    records = [
        {
            "record_id": f"KJJ-2026-{n + 1:04d}",
            "uscc": firm.uscc,
            "enterprise_name": firm.name,
            "policy": matter.policy.title,
            "item": matter.name,
            "amount": amount,
            "paid_on": day.isoformat(),
            "funding_source": "2026年宜昌市科技创新专项资金",
            "funding_level": "市级",
        }
        for n, (firm, amount, day) in enumerate(zip(firms, ["300000.00", "150000.00", "80000.00"], dates, strict=True))
    ]
    outcome = subsidies.submit_records(science, records)
    if outcome.refused:
        log.info("demo subsidies refused: %s", outcome.report)
        return
    again = dict(records[0], record_id="CZJ-2026-0107", funding_source="2026年市级财政奖补资金")
    subsidies.submit_records(finance, [again])
