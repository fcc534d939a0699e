"""Disbursement services (兑付): payouts opened from approved cases, batches, payment files, bank results.

Every change of a payout's state follows the table in `payouts.workflow`. The per-payout transitions (暂缓,
恢复, 取消, 更正) go through `perform`; the batch steps move thousands of payouts at once and are applied here
set-based: the rows locked (`SELECT … FOR UPDATE`), their states checked against the transition's sources,
one bulk update with a history row each, clocks started or stopped in bulk, effects after the commit.

Money is `Decimal` 元 with two places. Nothing is ever paid twice: a payout is unique per case (database),
a payout is in one batch at a time (its `batch` column, set only from 待拨付/已更正 under a row lock), and a
bank result line settles a payout only from 已报送银行 — the same line again changes nothing, a conflicting one
is refused with the whole file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.utils import bulk_create_with_history

from applications.models import Application, Confirmation
from applications.models import Status as ApplicationStatus
from payouts.models import (
    BankResultImport,
    BatchLine,
    BatchState,
    FundingSource,
    PayeeAccount,
    Payout,
    PayoutBatch,
    PayoutState,
)
from payouts.workflow import BATCH, BATCHABLE, PAY_CLOCK, PAYOUT, is_payer, perform
from portal import workdays
from portal.core import normalize
from portal.core.bulk import update_with_history
from portal.org.models import Department, Region, Role
from portal.org.permissions import can
from portal.workcalendar import clocks

log = logging.getLogger(__name__)

P = PayoutState
CHUNK = 2000
PAYOUT_NUMBER_LOCK = 0x44460001  # pg_advisory_xact_lock key of the 兑付编号 serial ("DF" 1)
BATCH_NUMBER_LOCK = 0x50430001  # 批次号 ("PC" 1)
OPEN_LOCK = 0x44460002  # one open_payouts sweep at a time

PERM_BATCH = "payouts.batch_payout"
PERM_APPROVE = "payouts.approve_payoutbatch"
PERM_IMPORT = "payouts.import_bankresult"
PERM_HOLD = "payouts.hold_payout"

SMS_PAID = "payout_paid"
SMS_PAID_TEXT = (
    "{enterprise}：{matter}资金{amount}已拨付至尾号{tail}的账户（银行流水号{reference}）。详见惠企服务平台。"
)
SMS_FAILED = "payout_failed"
SMS_FAILED_TEXT = "{enterprise}：{matter}资金拨付未成功（{reason}），请登录惠企服务平台核对并更正收款账户。"


def ensure_templates() -> None:
    """The SMS templates of the third moment (宜昌 §26, 政策资金兑付时) and of a failed payment."""
    from portal.notify.services import ensure_template

    ensure_template(SMS_PAID, _("政策资金兑付通知"), SMS_PAID_TEXT)
    ensure_template(SMS_FAILED, _("政策资金拨付失败通知"), SMS_FAILED_TEXT)


# --- numbers -----------------------------------------------------------------------------------------------------


def _serials(model, prefix: str, lock: int, count: int) -> list[str]:
    """`count` numbers prefix + 6 digits, serial per prefix, drawn under a transaction-scoped advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
    # a range, not LIKE: the unique index on number serves it under any collation
    same_prefix = model.objects.filter(number__gte=prefix, number__lt=prefix + "~")
    last = same_prefix.order_by("-number").values_list("number", flat=True).first()
    first = int(last[len(prefix) :]) + 1 if last else 1
    return [f"{prefix}{serial:06d}" for serial in range(first, first + count)]


# --- funding sources and accounts --------------------------------------------------------------------------------


def _finance_department(region: Region) -> Department | None:
    """The finance department of `region`, or of the nearest region above it."""
    while region is not None:
        department = Department.objects.filter(region=region, kind=Department.Kind.FINANCE).order_by("pk").first()
        if department is not None:
            return department
        region = region.parent
    return None


def funding_source_for(matter) -> FundingSource:
    """资金来源 of `matter`: the active source naming it, else the 本级财政资金 of the finance department of the
    matter's region (created on first use). Refused when no region above the matter has a finance department."""
    source = matter.funding_sources.filter(active=True).order_by("pk").first()
    if source is not None:
        return source
    department = _finance_department(matter.region)
    if department is None:
        raise ValidationError(
            _("事项“%(matter)s”所属区划及其上级均未设置财政部门，无法确定资金来源。") % {"matter": matter.name}
        )
    region = department.region
    source, _created = FundingSource.objects.get_or_create(
        department=department,
        region=region,
        budget_line="",
        name=_("%(region)s本级财政资金") % {"region": region.name},
        defaults={"level": region.level},
    )
    return source


def current_account(enterprise) -> dict | None:
    """The enterprise's 收款账户 as {payee_name, bank_name, branch, account_number}, or None."""
    try:
        account = enterprise.payee_account
    except PayeeAccount.DoesNotExist:
        return None
    return {
        "payee_name": account.account_name,
        "bank_name": account.bank_name,
        "branch": account.branch,
        "account_number": account.account_number,
    }


def apply_account(payout: Payout, account: dict) -> None:
    """Copies a payee account onto `payout` (not saved)."""
    payout.payee_name = account.get("payee_name") or payout.enterprise.name
    payout.bank_name = account.get("bank_name", "")
    payout.branch = account.get("branch", "")
    payout.account_number = account["account_number"]
    payout.account_tail = account["account_number"][-4:]


def same_account(payout: Payout, account: dict) -> bool:
    """Whether `account` is the one `payout` already carries (name and number): no correction at all."""
    return (
        normalize.fold(account.get("payee_name") or "") == normalize.fold(payout.payee_name)
        and account.get("account_number") == payout.account_number
    )


def clean_account(data: dict, enterprise=None) -> dict:
    """A payee account from a form or an API: names trimmed, the number by the kernel's rule (Luhn for cards).
    Subsidies are paid to the enterprise's own account (对公账户): with `enterprise`, the payee name must be its
    name. Raises ValidationError keyed by field with Chinese messages."""
    errors = {}
    account = {
        "payee_name": normalize.text(data.get("payee_name", ""))[:200],
        "bank_name": normalize.text(data.get("bank_name", ""))[:100],
        "branch": normalize.text(data.get("branch", ""))[:100],
    }
    if not account["payee_name"]:
        errors["payee_name"] = _("请填写收款户名。")
    elif enterprise is not None and normalize.fold(account["payee_name"]) != normalize.fold(enterprise.name):
        errors["payee_name"] = _("收款户名须与企业名称“%(name)s”一致：政策资金只拨付至企业本单位的对公账户。") % {
            "name": enterprise.name
        }
    if not account["bank_name"]:
        errors["bank_name"] = _("请填写开户银行。")
    for key, label in (("payee_name", _("收款户名")), ("bank_name", _("开户银行")), ("branch", _("开户网点"))):
        if key not in errors and any(c in account[key] for c in "<>{}\\"):
            errors[key] = _("%(label)s不能包含<、>、{、}等符号。") % {"label": label}
    try:
        account["account_number"] = normalize.bank_account(data.get("account_number", ""))
    except normalize.NormalizeError as error:
        errors["account_number"] = str(error)
    if errors:
        raise ValidationError(errors)
    return account


@transaction.atomic
def save_account(enterprise, data: dict, *, by) -> PayeeAccount:
    """收款账户: stores the enterprise's account (encrypted), copies it to its payouts waiting without one or
    still 待拨付, and corrects (更正) its failed payouts so they go into the next batch."""
    account = clean_account(data, enterprise)
    row = PayeeAccount.objects.select_for_update().filter(enterprise=enterprise).first() or PayeeAccount(
        enterprise=enterprise
    )
    row.account_name = account["payee_name"]
    row.bank_name = account["bank_name"]
    row.branch = account["branch"]
    previous_tail = row.account_tail if row.pk else ""
    row.account_number = account["account_number"]
    row.account_tail = account["account_number"][-4:]
    row.updated_by = by
    row._history_user = by
    row._change_reason = _("企业更新收款账户（尾号%(tail)s）") % {"tail": row.account_tail}
    row.save()
    transaction.on_commit(lambda: _tell_account_changed(enterprise, row.account_tail, previous_tail, by))
    # not yet in a batch: 待拨付, 暂缓, and 已更正 (a correction of a correction must reach the next batch too)
    waiting = list(
        Payout.objects.select_for_update().filter(enterprise=enterprise, state__in=[P.PENDING, P.HELD, P.CORRECTED])
    )
    for payout in waiting:
        apply_account(payout, account)
    _history_bulk(
        waiting,
        ["payee_name", "bank_name", "branch", "account_number", "account_tail"],
        by=by,
        reason=_("企业更新收款账户（尾号%(tail)s）") % {"tail": row.account_tail},
    )
    # the platform performs 更正 on the enterprise's word; the history names the person who gave it
    who = _actor(by)
    for payout in Payout.objects.filter(enterprise=enterprise, state=P.FAILED):
        if same_account(payout, account):
            continue  # the account the bank returned, saved again: nothing is corrected, the payout stays failed
        PAYOUT.perform(
            payout, "correct", by=None, reason=_("%(who)s在企业空间更正收款账户") % {"who": who}, account=account
        )
    return row


def _actor(by) -> str:
    """The person who acted, as the account names itself (`User.display_name`), or 企业 when unknown."""
    return getattr(by, "display_name", "") or _("企业")


def _tell_account_changed(enterprise, tail: str, previous: str, by) -> None:
    """A security notice (站内信) to every member of the enterprise: its payee account was changed, by whom."""
    from enterprises.models import EnterpriseMember
    from portal.notify.services import send_site_message_batch

    who = _actor(by)
    body = _(
        "贵企业的收款账户已由%(who)s于%(at)s变更为尾号%(tail)s的账户%(was)s。如非本企业人员操作，请立即修改并联系实施部门。"
    ) % {
        "who": who,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "tail": tail,
        "was": (_("（原尾号%(tail)s）") % {"tail": previous}) if previous else "",
    }
    members = EnterpriseMember.objects.filter(enterprise=enterprise, user__is_active=True).values_list(
        "user_id", flat=True
    )
    marker = f"payee-account:{enterprise.pk}:{timezone.now().timestamp():.0f}"
    send_site_message_batch(
        [(user_id, f"{marker}:{user_id}") for user_id in members],
        _("收款账户已变更"),
        body,
        link=_space_link("payouts:account"),
    )


# --- opening payouts ---------------------------------------------------------------------------------------------


def _due_applications():
    return (
        Application.objects.filter(status=ApplicationStatus.TO_PAYOUT, approved_amount__gt=0, payout__isnull=True)
        .select_related("matter__region", "enterprise__payee_account")
        .order_by("pk")
    )


def _due_confirmations():
    return (
        Confirmation.objects.filter(state=Confirmation.State.CONFIRMED, amount__gt=0, payout__isnull=True)
        .select_related("confirmation_list__matter__region", "enterprise")
        .order_by("pk")
    )


def open_payouts(*, at: dt.datetime | None = None, limit: int | None = None) -> int:
    """Opens a payout for every application in 待兑付 and every confirmed 免申即享 entry with a positive amount
    and none yet; starts each one's 兑付时限 from the approval (or confirmation) date. Idempotent; one sweep at
    a time. Returns the number opened. A payout without a payee account waits in 待拨付 and the enterprise is
    asked for one."""
    at = at or timezone.now()
    opened = 0
    cursor = (0, 0)  # the last application and confirmation looked at: a case that must wait is passed over
    while limit is None or opened < limit:
        with transaction.atomic():
            with connection.cursor() as db:
                db.execute("SELECT pg_advisory_xact_lock(%s)", [OPEN_LOCK])
            size = CHUNK if limit is None else min(CHUNK, limit - opened)
            applications = list(_due_applications().filter(pk__gt=cursor[0])[:size])
            confirmations = list(_due_confirmations().filter(pk__gt=cursor[1])[:size])
            if not applications and not confirmations:
                break
            cursor = (
                applications[-1].pk if applications else cursor[0],
                confirmations[-1].pk if confirmations else cursor[1],
            )
            rows = _build(applications, confirmations, at)
            if not rows:
                continue
            for payout, number in zip(
                rows, _serials(Payout, f"DF{timezone.localdate(at):%Y%m%d}", PAYOUT_NUMBER_LOCK, len(rows)), strict=True
            ):
                payout.number = number
            bulk_create_with_history(rows, Payout, batch_size=CHUNK, default_change_reason=_("生成兑付记录"))
            ids = dict(Payout.objects.filter(number__in=[row.number for row in rows]).values_list("number", "pk"))
            clocks.start_many(
                Payout,
                [(ids[row.number], row.approved_on, row.funding_source.pay_within_days) for row in rows],
                PAY_CLOCK,
            )
            without = sorted({row.enterprise_id for row in rows if not row.account_number})
            transaction.on_commit(lambda without=without: _ask_for_accounts(without))
            opened += len(rows)
    return opened


def _build(applications: list, confirmations: list, at) -> list[Payout]:
    sources: dict[int, FundingSource] = {}
    rows = []

    def source(matter):
        if matter.pk not in sources:
            try:
                sources[matter.pk] = funding_source_for(matter)
            except ValidationError:
                # no finance department above the matter's region: its cases wait, reported, not the whole sweep
                log.warning("no funding source for matter", extra={"matter": matter.pk})
                sources[matter.pk] = None
        return sources[matter.pk]

    for application in applications:
        if source(application.matter) is None:
            continue
        payout = Payout(
            application=application,
            enterprise=application.enterprise,
            matter=application.matter,
            funding_source=source(application.matter),
            amount=application.approved_amount,
            approved_on=timezone.localdate(application.decided_at or at),
            created_at=at,
        )
        account = current_account(application.enterprise)
        if account:
            apply_account(payout, account)
        rows.append(payout)
    for confirmation in confirmations:
        matter = confirmation.confirmation_list.matter
        if source(matter) is None:
            continue
        payout = Payout(
            confirmation=confirmation,
            enterprise=confirmation.enterprise,
            matter=matter,
            funding_source=source(matter),
            amount=confirmation.amount,
            approved_on=timezone.localdate(confirmation.answered_at or at),
            created_at=at,
            payee_name=confirmation.enterprise.name,
            bank_name=confirmation.bank_name,
            account_number=confirmation.bank_account,
            account_tail=confirmation.bank_account[-4:],
        )
        rows.append(payout)
    return rows


def _ask_for_accounts(enterprise_ids: list[int]) -> None:
    """A site message to each member of an enterprise that has a payout waiting and no payee account."""
    from enterprises.models import EnterpriseMember
    from portal.notify.services import send_site_message_batch

    if not enterprise_ids:
        return
    members = EnterpriseMember.objects.filter(enterprise_id__in=enterprise_ids, user__is_active=True)
    send_site_message_batch(
        [
            (user_id, f"payout-account:{enterprise_id}:{user_id}")
            for enterprise_id, user_id in members.values_list("enterprise_id", "user_id")
        ],
        _("请填写收款账户"),
        _("贵企业有待拨付的政策资金，请填写收款账户（对公账户），以便财政部门拨付。"),
        link=_space_link("payouts:account"),
    )


def _space_link(name: str) -> str:
    """The path of page `name`, or "" where it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# --- who sees what -----------------------------------------------------------------------------------------------


def visible_to(user) -> QuerySet[Payout]:
    """The payouts `user` may see: finance the payouts its departments pay; department staff those of their
    matters; supervisors and platform admins all; an enterprise's members their enterprise's."""
    payouts = Payout.objects.all()
    if user is None or not getattr(user, "is_authenticated", False):
        return payouts.none()
    if not user.is_staff:
        return payouts.filter(enterprise__members__user=user).distinct()
    if user.is_superuser or user.memberships.filter(role__in=[Role.SUPERVISOR, Role.ADMIN]).exists():
        return payouts
    if not can(user, "payouts.view_payout"):
        return payouts.none()
    departments = user.memberships.values("department_id")
    return payouts.filter(
        Q(funding_source__department_id__in=user.memberships.filter(role=Role.FINANCE).values("department_id"))
        | Q(matter__department_id__in=departments)
    )


def for_enterprise(enterprise) -> QuerySet[Payout]:
    """兑付记录: the enterprise's payouts, newest first."""
    return Payout.objects.filter(enterprise=enterprise).select_related("matter", "batch").order_by("-created_at", "-pk")


def batchable(funding_source: FundingSource) -> QuerySet[Payout]:
    """Payouts that may go into a batch of `funding_source` now: 待拨付 or 已更正, with a payee account."""
    return Payout.objects.filter(funding_source=funding_source, state__in=BATCHABLE).exclude(account_number="")


def narrowed(rows, *, matter=None, department=None, approved_from=None, approved_to=None):
    """`rows` (payouts) of one matter, of the matters of one department, approved within the dates (inclusive):
    what a maker chooses on 新建拨付批次."""
    if matter is not None:
        rows = rows.filter(matter=matter)
    if department is not None:
        rows = rows.filter(matter__department=department)
    if approved_from is not None:
        rows = rows.filter(approved_on__gte=approved_from)
    if approved_to is not None:
        rows = rows.filter(approved_on__lte=approved_to)
    return rows


# --- batches -----------------------------------------------------------------------------------------------------


def _require(user, permission: str, department) -> None:
    if not (can(user, permission) and is_payer(user, department)):
        raise PermissionDenied(_("只有拨付该资金的财政部门人员可以办理。"))


def _history_bulk(rows, fields, *, by, reason) -> None:
    update_with_history(rows, Payout, fields, by=by, reason=reason)


def _move(payouts: list[Payout], name: str, *, by) -> None:
    """Checks every locked payout against the sources of transition `name` and sets its target (not saved)."""
    transition = PAYOUT[name]
    wrong = [p.number for p in payouts if p.state not in transition.sources]
    if wrong:
        raise ValidationError(
            _("%(count)d笔兑付记录当前状态不能“%(action)s”：%(numbers)s")
            % {"count": len(wrong), "action": transition.label, "numbers": "、".join(wrong[:5])}
        )
    for payout in payouts:
        payout.state = transition.target


@transaction.atomic
def create_batch(
    *,
    by,
    funding_source: FundingSource,
    matter=None,
    department=None,
    approved_from=None,
    approved_to=None,
    payout_ids=None,
    note: str = "",
    limit: int | None = None,
) -> PayoutBatch:
    """制单: a batch of the payouts of `funding_source` that may be batched now, narrowed by matter, the
    matter's department, approval dates or explicit ids. Rows another officer is batching at this moment are
    skipped (locked), so two makers never put one payout in two batches. Refused when none is left."""
    _require(by, PERM_BATCH, funding_source.department)
    rows = narrowed(
        batchable(funding_source),
        matter=matter,
        department=department,
        approved_from=approved_from,
        approved_to=approved_to,
    )
    if payout_ids is not None:
        rows = rows.filter(pk__in=list(payout_ids))
    rows = rows.select_for_update(skip_locked=True, of=("self",)).defer("account_number").order_by("pk")
    payouts = list(rows[:limit] if limit else rows)
    if not payouts:
        raise ValidationError(_("没有可编入批次的待拨付记录（须有收款账户、未暂缓、未在其他批次中）。"))
    batch = PayoutBatch(
        department=funding_source.department,
        funding_source=funding_source,
        created_by=by,
        note=normalize.text(note)[:255],
        count=len(payouts),
        total=sum((p.amount for p in payouts), Decimal("0.00")),
    )
    batch.number = _serials(PayoutBatch, f"PC{timezone.localdate():%Y%m%d}", BATCH_NUMBER_LOCK, 1)[0]
    batch._history_user = by
    batch._change_reason = _("制单")
    batch.save()
    _move(payouts, "batch", by=by)
    for payout in payouts:
        payout.batch = batch
        payout.attempts += 1
    _history_bulk(
        payouts, ["state", "batch", "attempts"], by=by, reason=_("编入批次%(number)s") % {"number": batch.number}
    )
    _write_lines(batch, [p.pk for p in payouts], by=by)
    return batch


def _write_lines(batch: PayoutBatch, payout_ids: list[int], *, by) -> None:
    """拨付明细: each payout as it goes into `batch` — amount and account copied in SQL (the ciphertext as it is,
    never decrypted here), numbered in 兑付编号 order; the partial unique index refuses a payout already live in
    another batch."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO payouts_batchline (batch_id, payout_id, position, amount, payee_name, bank_name, branch,
                                           account_number, account_tail, outcome, bank_reference, failure_reason)
            SELECT %s, id, row_number() OVER (ORDER BY number), amount, payee_name, bank_name, branch,
                   account_number, account_tail, 'pending', '', ''
            FROM payouts_payout WHERE id = ANY(%s)
            """,
            [batch.pk, payout_ids],
        )
    lines = list(BatchLine.objects.filter(batch=batch).defer("account_number"))
    BatchLine.history.bulk_history_create(
        lines,
        batch_size=CHUNK,
        default_user=by,
        default_change_reason=_("编入批次%(number)s") % {"number": batch.number},
    )


def _batch_payouts(batch) -> list[Payout]:
    """The batch's payouts, locked; their account numbers are not decrypted (no step but the export reads them)."""
    return list(Payout.objects.select_for_update().filter(batch=batch).defer("account_number").order_by("pk"))


def on_batch_approved(step) -> None:
    """复核 (the BATCH workflow's run): every payout of the batch 已编批 → 批次已复核."""
    batch = step.obj
    payouts = _batch_payouts(batch)
    _move(payouts, "approve", by=step.by)
    _history_bulk(payouts, ["state"], by=step.by, reason=_("批次%(number)s复核通过") % {"number": batch.number})
    batch.approved_by = step.by
    batch.approved_at = step.at


def on_batch_cancelled(step) -> None:
    """撤销批次: its payouts go back to 待拨付, free for another batch."""
    batch = step.obj
    payouts = _batch_payouts(batch)
    _move(payouts, "unbatch", by=step.by)
    for payout in payouts:
        payout.batch = None
    reason = _("批次%(number)s撤销") % {"number": batch.number}
    _history_bulk(payouts, ["state", "batch"], by=step.by, reason=reason)
    lines = list(BatchLine.objects.select_for_update().filter(batch=batch).defer("account_number"))
    for line in lines:
        line.outcome = BatchLine.Outcome.WITHDRAWN
    update_with_history(lines, BatchLine, ["outcome"], by=step.by, reason=reason)


def on_batch_sent(step) -> None:
    """报送银行: the payment file is exported; every payout 批次已复核 → 已报送银行; the checksum is fixed."""
    from payouts import bankfiles

    batch = step.obj
    payouts = _batch_payouts(batch)
    _move(payouts, "send", by=step.by)
    _history_bulk(payouts, ["state"], by=step.by, reason=_("批次%(number)s报送银行") % {"number": batch.number})
    batch.sent_by = step.by
    batch.sent_at = step.at
    batch.checksum = bankfiles.checksum(batch)


def check_payer(source: FundingSource) -> None:
    """A payment file names the account the money leaves (付款户名、账号、银行): without it the bank cannot act on
    the file, so it is not made."""
    missing = [
        str(label)
        for label, value in (
            (_("付款户名"), source.payer_name),
            (_("付款账号"), source.payer_account),
            (_("付款银行"), source.payer_bank),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            _(
                "资金来源“%(source)s”未填写%(missing)s，银行无法据此付款，不能导出支付文件；请先在资金来源中补充付款账户。"
            )
            % {"source": source.name, "missing": pgettext("list separator", "、").join(missing)},
            code="payer_missing",
        )


def approve_batch(batch: PayoutBatch, *, by) -> PayoutBatch:
    """复核: by a finance officer of the batch's department other than its maker (四眼原则)."""
    return perform(batch, "approve", by=by)


def cancel_batch(batch: PayoutBatch, *, by, reason: str) -> PayoutBatch:
    return perform(batch, "cancel", by=by, reason=reason)


def export_batch(batch: PayoutBatch, *, by, fmt: str = "xlsx", request=None) -> tuple[str, str, bytes]:
    """导出支付文件 (xlsx or csv) as (file name, content type, bytes). The first export of an approved batch
    sends it (报送银行); a sent batch may be exported again, identical. An unapproved batch is refused. The full
    account numbers in the file make it a sensitive access, logged when `request` is given."""
    from payouts import bankfiles

    batch = PayoutBatch.objects.select_related("department", "funding_source").get(pk=batch.pk)
    _require(by, PERM_BATCH, batch.department)
    if batch.state == BatchState.DRAFT:
        raise ValidationError(_("批次尚未复核，不能导出支付文件。"))
    if batch.state == BatchState.CANCELLED:
        raise ValidationError(_("批次已撤销，不能导出支付文件。"))
    check_payer(batch.funding_source)
    if batch.state == BatchState.APPROVED:
        batch = perform(batch, "send", by=by)
    if request is not None:
        from portal.audit.services import log_sensitive_access

        log_sensitive_access(request, batch, ["account_number"], purpose=_("导出支付文件"))
    return bankfiles.payment_file(batch, fmt)


# --- bank results ------------------------------------------------------------------------------------------------


@dataclass
class ResultReport:
    """What an import did (or why it did nothing): `errors` are Chinese lines "第N行：…"."""

    imported: BankResultImport | None = None
    already: bool = False
    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def import_results(batch: PayoutBatch, content: bytes, *, file_name: str, by) -> ResultReport:
    """导入银行回单: every line matched to a payout of `batch` by its 兑付编号, the amount equal to the fen,
    paid (with the bank's reference and date) or failed (with the bank's reason). All or nothing: any bad line
    and the report lists every one, nothing changes. The same file again (SHA-256) changes nothing; a line for
    a payout already settled the same way is counted unchanged; a conflicting one is a bad line."""
    from payouts import bankfiles

    batch = PayoutBatch.objects.select_related("department").get(pk=batch.pk)
    _require(by, PERM_IMPORT, batch.department)
    digest = bankfiles.sha256(content)
    if batch.state not in (BatchState.SENT, BatchState.SETTLED):
        raise ValidationError(_("批次尚未报送银行，不能导入回单。"))
    existing = BankResultImport.objects.filter(batch=batch, sha256=digest).first()
    if existing is not None:
        return ResultReport(imported=existing, already=True)
    lines, errors = bankfiles.read_results(content, file_name)
    if errors:
        return ResultReport(errors=errors)
    at = timezone.now()
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if BankResultImport.objects.filter(batch=batch, sha256=digest).exists():
            return ResultReport(imported=BankResultImport.objects.get(batch=batch, sha256=digest), already=True)
        batch_lines = {
            row.payout.number: row
            for row in BatchLine.objects.select_for_update(of=("self",))
            .defer("account_number", "payout__account_number")
            .select_related("payout")
            .filter(batch=batch, payout__number__in=[line.number for line in lines])
        }
        report = ResultReport()
        paid, failed, seen = [], [], set()
        for line in lines:
            row = batch_lines.get(line.number)
            where = _("第%(row)d行：") % {"row": line.row}
            if line.number in seen:
                report.errors.append(where + _("兑付编号%(number)s重复出现") % {"number": line.number})
                continue
            seen.add(line.number)
            if row is None:
                report.errors.append(
                    where
                    + _("兑付编号%(number)s不属于本批次%(batch)s") % {"number": line.number, "batch": batch.number}
                )
                continue
            if line.amount != row.amount:
                report.errors.append(
                    where
                    + _("金额%(line)s元与拨付金额%(amount)s元不符")
                    % {"line": f"{line.amount:,.2f}", "amount": f"{row.amount:,.2f}"}
                )
                continue
            if row.outcome == BatchLine.Outcome.PENDING and row.payout.state == P.SENT:
                (paid if line.paid else failed).append((row, line))
            elif _settled_alike(row, line):
                report.unchanged += 1
            else:
                report.errors.append(
                    where
                    + _("兑付编号%(number)s在本批次的结果为“%(outcome)s”，与回单结果冲突")
                    % {"number": line.number, "outcome": row.get_outcome_display()}
                )
        if report.errors:
            transaction.set_rollback(True)
            return ResultReport(errors=report.errors)
        for row, line in paid:
            row.outcome, row.bank_reference, row.paid_on = BatchLine.Outcome.PAID, line.reference, line.paid_on
            payout = row.payout
            payout.state = P.PAID
            payout.paid_on = line.paid_on
            payout.paid_at = at
            payout.bank_reference = line.reference
            payout.failure_reason = ""
            payout.workdays_to_pay = workdays.workdays_between(payout.approved_on, line.paid_on)
        for row, line in failed:
            row.outcome, row.failure_reason = BatchLine.Outcome.FAILED, line.reason[:255]
            row.payout.state = P.FAILED
            row.payout.failure_reason = line.reason[:255]
        reason = _("银行回单（批次%(number)s）") % {"number": batch.number}
        settled = [row for row, _l in paid + failed]
        update_with_history(
            settled, BatchLine, ["outcome", "bank_reference", "paid_on", "failure_reason"], by=by, reason=reason
        )
        _history_bulk(
            [row.payout for row, _l in paid],
            ["state", "paid_on", "paid_at", "bank_reference", "failure_reason", "workdays_to_pay"],
            by=by,
            reason=reason,
        )
        _history_bulk([row.payout for row, _l in failed], ["state", "failure_reason"], by=by, reason=reason)
        clocks.stop_many(Payout, [row.payout_id for row, _l in paid], PAY_CLOCK, at=at, by=by)
        report.paid, report.failed = len(paid), len(failed)
        report.imported = BankResultImport(
            batch=batch,
            file_name=file_name[:255],
            sha256=digest,
            lines=len(lines),
            paid=report.paid,
            failed=report.failed,
            unchanged=report.unchanged,
            imported_at=at,
            imported_by=by,
        )
        report.imported._history_user = by
        report.imported.save()
        if batch.state == BatchState.SENT and not batch.lines.filter(outcome=BatchLine.Outcome.PENDING).exists():
            BATCH.perform(batch, "settle", by=None)
        paid_ids, failed_ids = [row.payout_id for row, _l in paid], [row.payout_id for row, _l in failed]
        transaction.on_commit(lambda: _after_results(paid_ids, failed_ids))
    return report


def _settled_alike(row: BatchLine, line) -> bool:
    """The line repeats what an earlier result already recorded for this batch line (paid with the same
    reference, or failed with the same reason): nothing to do."""
    if line.paid:
        return row.outcome == BatchLine.Outcome.PAID and row.bank_reference == line.reference
    return row.outcome == BatchLine.Outcome.FAILED and row.failure_reason == line.reason[:255]


def _after_results(paid_ids: list[int], failed_ids: list[int]) -> None:
    """After the commit: the enterprises are told and the paid cases marked 已兑付 — by a task per chunk; a
    chunk the broker did not take is repaired by the hourly sweep (`repair_notifications`)."""
    from payouts.tasks import settle_notifications
    from portal.core.tasks import publish

    for start in range(0, max(len(paid_ids), len(failed_ids)), CHUNK):
        publish(settle_notifications, paid_ids[start : start + CHUNK], failed_ids[start : start + CHUNK])


def notify_settled(paid_ids: list[int], failed_ids: list[int]) -> None:
    """政策资金兑付时 (宜昌 §26, the third SMS moment): the enterprise is told by site message and SMS that the
    money was paid (amount, the account's last digits, the bank's reference); a failed payment, what to
    correct. The application moves to 已兑付. Dedupe keys make a repeated call send nothing twice."""
    from applications.workflow import APPLICATION
    from enterprises.models import EnterpriseMember
    from matters.amounts import money_text
    from portal.notify.services import queue_sms_batch, send_site_message

    ensure_templates()
    rows = Payout.objects.filter(pk__in=[*paid_ids, *failed_ids]).select_related("enterprise", "matter", "application")
    members: dict[int, list] = {}
    for member in EnterpriseMember.objects.filter(
        enterprise_id__in={row.enterprise_id for row in rows}, user__is_active=True
    ).select_related("user"):
        members.setdefault(member.enterprise_id, []).append(member.user)
    link = _space_link("payouts:records")
    sms = {SMS_PAID: [], SMS_FAILED: []}
    for row in rows:
        name = row.matter.name
        if row.state == P.PAID:
            title = _("政策资金已拨付")
            body = _("“%(matter)s”资金%(amount)s已于%(date)s拨付至尾号%(tail)s的账户，银行流水号%(reference)s。") % {
                "matter": name,
                "amount": money_text(row.amount),
                "date": row.paid_on.isoformat(),
                "tail": row.account_number[-4:],
                "reference": row.bank_reference,
            }
            template, params = (
                SMS_PAID,
                {
                    "enterprise": row.enterprise.name[:30],
                    "matter": name[:20],
                    "amount": money_text(row.amount),
                    "tail": row.account_number[-4:],
                    "reference": row.bank_reference,
                },
            )
        elif row.state in (P.FAILED, P.CORRECTED):
            title = _("政策资金拨付未成功")
            body = _(
                "“%(matter)s”资金拨付未成功，银行退回原因：%(reason)s。请核对并更正收款账户，更正后将在下一批次重新拨付。"
            ) % {
                "matter": name,
                "reason": row.failure_reason,
            }
            template, params = (
                SMS_FAILED,
                {
                    "enterprise": row.enterprise.name[:30],
                    "matter": name[:20],
                    "reason": row.failure_reason[:30],
                },
            )
        else:
            continue
        marker = f"payout:{row.pk}:{row.state}:{row.attempts}"
        for user in members.get(row.enterprise_id, []):
            send_site_message(user, title, body, link=link, dedupe_key=f"{marker}:{user.pk}")
        phone = row.enterprise.contact_phone or row.enterprise.registered_phone
        if phone:
            sms[template].append((phone, params, f"{marker}:sms"))
        if row.state == P.PAID and row.application_id and row.application.status == ApplicationStatus.TO_PAYOUT:
            try:
                APPLICATION.perform(row.application, "mark_paid", by=None)
            except ValidationError:
                log.info("application not marked paid", extra={"application": row.application_id})
    for template, recipients in sms.items():
        if recipients:
            try:
                queue_sms_batch(template, recipients)
            except ValidationError:
                log.warning("payout SMS not queued", extra={"template": template})


# --- per-payout actions ------------------------------------------------------------------------------------------


def hold(payout: Payout, *, by, reason: str) -> Payout:
    return perform(payout, "hold", by=by, reason=reason)


def release(payout: Payout, *, by) -> Payout:
    return perform(payout, "release", by=by)


def cancel(payout: Payout, *, by, reason: str) -> Payout:
    return perform(payout, "cancel", by=by, reason=reason)


def correct(payout: Payout, *, by, account: dict | None = None, reason: str = "") -> Payout:
    """更正 by finance: with a corrected account (checked by `clean_account`) or the enterprise's current one."""
    cleaned = clean_account(account, payout.enterprise) if account else None
    return perform(payout, "correct", by=by, reason=reason, account=cleaned)


# --- timeliness --------------------------------------------------------------------------------------------------


def overdue() -> QuerySet[Payout]:
    """Payouts past their 兑付时限 and not yet paid or cancelled (宜昌 §38), by the kernel clocks."""
    from django.contrib.contenttypes.models import ContentType

    from portal.workcalendar.models import Clock

    late = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Payout),
        kind=PAY_CLOCK.key,
        state=Clock.State.RUNNING,
        due_on__lt=timezone.localdate(),
    ).values("object_id")
    return Payout.objects.filter(pk__in=late).exclude(state__in=[P.PAID, P.CANCELLED])


def flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Marks newly overdue payouts and tells the finance officers of each paying department and the
    supervisors (one site message per department per day). Returns the number newly flagged."""
    from portal.notify.services import send_site_message_batch
    from portal.org.models import Membership

    now = now or timezone.now()
    with transaction.atomic():
        rows = list(overdue().filter(overdue_flagged_at__isnull=True).select_for_update(skip_locked=True))
        for row in rows:
            row.overdue_flagged_at = now
        _history_bulk(rows, ["overdue_flagged_at"], by=None, reason=_("超过兑付时限"))
    per_department = (
        overdue()
        .values("funding_source__department_id", "funding_source__department__name")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    supervisors = list(
        Membership.objects.filter(role=Role.SUPERVISOR, user__is_active=True).values_list("user_id", flat=True)
    )
    day = timezone.localdate(now)
    link = _space_link("admin:payouts_payout_changelist") + "?overdue=1"
    for row in per_department:
        finance = Membership.objects.filter(
            role=Role.FINANCE, department_id=row["funding_source__department_id"], user__is_active=True
        ).values_list("user_id", flat=True)
        users = set(finance) | set(supervisors)
        title = _("兑付超时提醒：%(department)s") % {"department": row["funding_source__department__name"]}
        body = _("%(department)s有%(count)d笔政策资金超过兑付时限仍未支付，合计%(total)s元。") % {
            "department": row["funding_source__department__name"],
            "count": row["n"],
            "total": f"{row['total']:,.2f}",
        }
        key = f"payout-overdue:{row['funding_source__department_id']}:{day}"
        send_site_message_batch([(user_id, f"{key}:{user_id}") for user_id in users], title, body, link=link)
    return len(rows)


def pay_clock(payout: Payout):
    """The payout's 兑付时限 clock (the newest), or None."""
    return clocks.of(payout, PAY_CLOCK).last()
