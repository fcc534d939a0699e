"""免申即享 (无锡 §20（一）1): "无需奖补对象申报，实行清单制管理；项目清单确定后……提交清单，受理10日内推送企业；
企业在一定期限内确认，形成扶持清单".

    build_list(matter, *, by, period=None) -> ConfirmationList     # 生成名单 (draft), facts and amounts frozen
    accept(confirmation_list, by) -> ConfirmationList               # 受理: the 10-working-day push clock starts
    notify_list(list_id) -> int                                     # 推送企业 (task, idempotent): the clock stops
    confirm(confirmation, *, by, bank_name, bank_account, details_ok)
    decline(confirmation, *, by, reason)
    waive_overdue(today) -> int                                     # 逾期视为放弃 (beat)
    confirmed_for_payout(confirmation_list) -> QuerySet             # 扶持清单

A list is built from the matter's stored match results under the rule version valid today
(`matters.matching.eligible_for_confirmation`); for each enterprise the rule version is judged again
with the Python evaluator, so the list keeps, per criterion, the value, its source and date and the
explanation it was judged by, and the amount with how it was computed — later changes to the archive
never change what the enterprise was told. The list is a `ConfirmationList` on the workflow kernel
(accept → notify → close); each `Confirmation` then runs its own period of `confirm_days` working days.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from itertools import groupby

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from applications.models import Confirmation, ConfirmationList
from applications.services import holds, is_member
from portal import workdays
from portal.core import normalize
from portal.core.crypto import mask_bank_account
from portal.core.workflow import Transition, Workflow, perform
from portal.org.permissions import can
from portal.org.roles import Role
from portal.workcalendar import clocks

log = logging.getLogger(__name__)

PERM_BUILD = "applications.add_confirmationlist"
PERM_ACCEPT = "applications.accept_confirmationlist"
NOTIFY_CLOCK = "confirmation_notify"
NOTIFY_DAYS = 10
# Enterprises judged, written and told per transaction: a list may hold thousands.
CHUNK = 500

SMS_CONFIRMATION = "confirmation_notify"
SMS_CONFIRMATION_TEXT = (
    "{enterprise}：贵企业符合免申即享政策事项“{matter}”，拟兑现{amount}，无需申报。"
    "请于{due}前登录惠企服务平台核对企业信息、填写收款账户并确认，逾期视为放弃：{link}"
)

clocks.register_kind(
    NOTIFY_CLOCK,
    label=gettext_lazy("免申即享名单推送时限"),
    days=NOTIFY_DAYS,
    article="无锡 §20（一）1（受理10日内推送企业）; 行政许可法第八十二条：期限以工作日计算",
)

L = ConfirmationList.State
C = Confirmation.State


# --- who -----------------------------------------------------------------------------------------------------------


def may_build(user, matter) -> bool:
    """生成名单: the reviewers and approvers of the matter's implementing department."""
    return can(user, PERM_BUILD) and holds(user, matter.department, (Role.REVIEWER, Role.APPROVER))


def _may_accept(user, confirmation_list) -> bool:
    if confirmation_list is None:
        return True
    return holds(user, confirmation_list.matter.department, (Role.APPROVER,))


def _no_pending(step) -> None:
    if step.obj.confirmations.filter(state=C.PENDING).exists():
        raise ValidationError(_("名单中仍有企业在确认期内，不能结束。"))


def _set_accepted(step) -> None:
    step.obj.accepted_at = step.at


def _set_notified(step) -> None:
    step.obj.notified_at = step.at


def _queue_notification(confirmation_list) -> None:
    from portal.core.tasks import publish

    publish(notify_list_task, confirmation_list.pk)


WORKFLOW = Workflow(
    ConfirmationList,
    key="confirmation_list",
    label=gettext_lazy("免申即享确认名单"),
    transitions=[
        Transition(
            "accept",
            gettext_lazy("受理名单"),
            sources={L.DRAFT},
            target=L.ACCEPTED,
            permission=PERM_ACCEPT,
            per_object=False,
            allowed=_may_accept,
            permission_message=gettext_lazy("免申即享名单由事项实施部门的审批人受理。"),
            effects=(clocks.Start(NOTIFY_CLOCK),),
            run=_set_accepted,
            after_commit=(_queue_notification,),
            article="无锡 §20（一）1（提交清单，受理10日内推送企业）",
        ),
        Transition(
            "notify",
            gettext_lazy("推送企业"),
            sources={L.ACCEPTED},
            target=L.NOTIFIED,
            automatic=True,
            manual=False,
            effects=(clocks.Stop(NOTIFY_CLOCK),),
            run=_set_notified,
            article="无锡 §20（一）1（受理10日内推送企业）",
        ),
        Transition(
            "close",
            gettext_lazy("结束确认"),
            sources={L.NOTIFIED},
            target=L.CLOSED,
            automatic=True,
            manual=False,
            guard=_no_pending,
            article="无锡 §20（一）1（企业在一定期限内确认，形成扶持清单）",
        ),
    ],
)


# --- building the list ---------------------------------------------------------------------------------------------


def _plain(value):
    """A reading's value as JSON keeps it: money and numbers as text (no float), dates in ISO form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def _set_reading(result, labels: dict) -> tuple:
    """For a set fact (资质, 标签): the members the criterion asks for that are held, with the first one's source."""
    held = result.reading.value or {}
    wanted = result.criterion.value
    wanted = wanted if isinstance(wanted, list) else [wanted]
    found = [code for code in wanted if code in held]
    if not found:
        return "", "", None
    for code in found:
        if code not in labels:
            labels[code] = result.fact.label_for(code)
    source, as_of = held[found[0]][0], held[found[0]][1]
    return "、".join(labels[code] for code in found), str(source), as_of


def frozen_facts(evaluation, labels: dict | None = None) -> dict:
    """What an enterprise was judged by: the rule version, the day, and per criterion the outcome, the value used,
    its source and date, and the explanation — stored on the confirmation and never recomputed."""
    labels = {} if labels is None else labels
    criteria = []
    for result in evaluation.criteria:
        value, source, as_of = _plain(result.value), result.source, result.as_of
        if result.fact is not None and result.fact.is_set and result.reading is not None:
            value, source, as_of = _set_reading(result, labels)
        criteria.append(
            {
                "fact": result.criterion.fact,
                "label": result.fact.label if result.fact else "",
                "unit": result.fact.unit if result.fact else "",
                "outcome": result.outcome,
                "manual": result.manual,
                "value": value,
                "source": str(source or ""),
                "as_of": as_of.isoformat() if as_of else None,
                "message": str(result.message),
                "legal_reference": result.legal_reference,
            }
        )
    rule_set = evaluation.rule_set
    return {
        "rule_set": {"id": rule_set.pk, "code": rule_set.code, "name": rule_set.name, "version": rule_set.version},
        "on": evaluation.on.isoformat(),
        "status": evaluation.status,
        "criteria": criteria,
    }


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def build_list(matter, *, by, period: str | None = None, confirm_days: int | None = None) -> ConfirmationList:
    """生成免申即享确认名单 (draft) for `matter` and `period` (default: this year) from its stored eligible results.

    Refused in Chinese for a matter that is not 免申即享 or not published, a second list for the same period,
    or no eligible enterprise. Enterprises are read in chunks with their figures and qualifications prefetched,
    the rule version's criteria are loaded once, and the confirmations are written in bulk.
    """
    from enterprises.models import Enterprise
    from matters.amounts import estimate
    from matters.eligibility.evaluator import ELIGIBLE, evaluate, term_indexes
    from matters.matching import eligible_for_confirmation
    from matters.models import DeliveryKind, Matter, MatterStatus
    from portal.core.facts import FactContext

    if matter.delivery_kind != DeliveryKind.AUTOMATIC:
        raise ValidationError(_("“%(matter)s”不是免申即享事项，不能生成确认名单。") % {"matter": matter.name})
    if matter.status != MatterStatus.PUBLISHED:
        raise ValidationError(_("“%(matter)s”尚未上架，不能生成确认名单。") % {"matter": matter.name})
    if by is not None and not may_build(by, matter):
        raise PermissionDenied(_("免申即享名单由事项实施部门的审核人员或审批人生成。"))
    today = timezone.localdate()
    period = normalize.text(period) or str(today.year)
    if ConfirmationList.objects.filter(matter=matter, period=period).exists():
        raise ValidationError(
            _("“%(matter)s”%(period)s批次的确认名单已经生成，不能重复生成。")
            % {"matter": matter.name, "period": period}
        )
    rule_set = matter.rule_set_on(today)
    if rule_set is None:
        raise ValidationError(_("“%(matter)s”没有今日有效的申报条件版本，不能生成确认名单。") % {"matter": matter.name})
    enterprise_ids = list(eligible_for_confirmation(matter).values_list("enterprise_id", flat=True))
    if not enterprise_ids:
        raise ValidationError(
            _("按现行申报条件，“%(matter)s”暂无符合条件的企业，不能生成空名单（请先运行匹配）。")
            % {"matter": matter.name}
        )
    matter = Matter.objects.prefetch_related("tiers").get(pk=matter.pk)
    criteria = list(rule_set.criteria.all())
    shape = term_indexes(criteria)
    labels: dict = {}
    skipped = 0
    try:
        with transaction.atomic():
            confirmation_list = ConfirmationList(matter=matter, period=period, rule_set=rule_set, created_by=by)
            if confirm_days:
                confirmation_list.confirm_days = confirm_days
            confirmation_list._history_user = by
            confirmation_list._change_reason = _("生成名单")
            confirmation_list.save()
            written = 0
            for chunk in _chunks(enterprise_ids, CHUNK):
                enterprises = (
                    Enterprise.objects.filter(pk__in=chunk)
                    .select_related("region")
                    .prefetch_related("annual_figures", "qualifications__type")
                    .order_by("pk")
                )
                rows = []
                for enterprise in enterprises:
                    ctx = FactContext(enterprise, today)
                    evaluation = evaluate(rule_set, enterprise, on=today, context=ctx, criteria=criteria, shape=shape)
                    if evaluation.status != ELIGIBLE:
                        # The archive changed since the stored match: the nightly re-match corrects the row.
                        skipped += 1
                        continue
                    amount = estimate(matter, enterprise, on=today, ctx=ctx)
                    rows.append(
                        Confirmation(
                            confirmation_list=confirmation_list,
                            enterprise=enterprise,
                            facts=frozen_facts(evaluation, labels),
                            amount=amount.amount,
                            amount_text=amount.text[:255],
                        )
                    )
                bulk_create_with_history(
                    rows, Confirmation, batch_size=CHUNK, default_user=by, default_change_reason=_("列入名单")
                )
                written += len(rows)
            if not written:
                raise ValidationError(
                    _("按企业档案的最新数据，“%(matter)s”暂无符合条件的企业，不能生成空名单。")
                    % {"matter": matter.name}
                )
    except IntegrityError:
        raise ValidationError(
            _("“%(matter)s”%(period)s批次的确认名单已经生成，不能重复生成。")
            % {"matter": matter.name, "period": period}
        ) from None
    log.info(
        "confirmation list built",
        extra={"list_id": confirmation_list.pk, "written": written, "skipped": skipped, "rule_set_id": rule_set.pk},
    )
    return confirmation_list


def accept(confirmation_list, by) -> ConfirmationList:
    """受理名单: the approver of the matter's department; the push clock (10 working days) starts and, after the
    commit, the enterprises are told."""
    return perform(confirmation_list, "accept", by=by)


# --- telling the enterprises ---------------------------------------------------------------------------------------


def ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_CONFIRMATION, _("免申即享确认通知"), SMS_CONFIRMATION_TEXT)


def _sms_name(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _tell(confirmation_list, rows: list[Confirmation], due: dt.date) -> None:
    """One site message per member and one SMS per enterprise (dedupe keys: a repeated chunk writes nothing twice)."""
    from enterprises.models import EnterpriseMember
    from matters.amounts import money_text
    from matters.matching import portal_link
    from portal.notify.services import queue_sms_batch, send_site_message_batch

    matter = confirmation_list.matter
    link = reverse("applications:confirm_list")
    members: dict[int, list[int]] = {}
    for enterprise_id, user_id in EnterpriseMember.objects.filter(
        enterprise_id__in=[row.enterprise_id for row in rows], user__is_active=True
    ).values_list("enterprise_id", "user_id"):
        members.setdefault(enterprise_id, []).append(user_id)
    title = _("免申即享：请确认“%(matter)s”的兑现信息") % {"matter": matter.name}

    def amount_of(row):
        return (row.amount, row.amount_text)

    for (amount, amount_text), group in groupby(sorted(rows, key=lambda r: (str(r.amount), r.amount_text)), amount_of):
        body = _(
            "贵企业符合免申即享政策事项“%(matter)s”的条件，无需申报。拟兑现金额：%(amount)s（%(how)s）。"
            "请于%(due)s前核对企业信息、填写收款账户并确认，或说明理由放弃；逾期未确认视为放弃。"
        ) % {"matter": matter.name, "amount": money_text(amount), "how": amount_text, "due": due.isoformat()}
        send_site_message_batch(
            [(user_id, f"confirmation:{row.pk}") for row in group for user_id in members.get(row.enterprise_id, [])],
            title,
            body,
            link=link,
        )
    recipients = []
    for row in rows:
        phone = row.enterprise.contact_phone or row.enterprise.registered_phone
        if phone:
            params = {
                "enterprise": _sms_name(row.enterprise.name),
                "matter": _sms_name(matter.name),
                "amount": money_text(row.amount),
                "due": due.isoformat(),
                "link": portal_link(link),
            }
            recipients.append((phone, params, f"confirmation-sms:{row.pk}"))
    if recipients:
        ensure_templates()
        queue_sms_batch(SMS_CONFIRMATION, recipients)


def notify_list(list_id: int, *, chunk: int = CHUNK) -> int:
    """推送企业: tells every enterprise of an accepted list not yet told, chunk by chunk (each its own transaction,
    rows claimed with SKIP LOCKED), sets `notified_at` and `due_on` (`confirm_days` working days after the day it is
    told), and when none is left moves the list to 已通知, which stops the push clock. Idempotent."""
    confirmation_list = ConfirmationList.objects.select_related("matter").filter(pk=list_id).first()
    if confirmation_list is None or confirmation_list.status != L.ACCEPTED:
        return 0
    told = 0
    while True:
        with transaction.atomic():
            rows = list(
                Confirmation.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(confirmation_list_id=list_id, notified_at__isnull=True)
                .select_related("enterprise")
                .order_by("pk")[:chunk]
            )
            if not rows:
                break
            now = timezone.now()
            due = workdays.add_workdays(timezone.localdate(now), confirmation_list.confirm_days)
            _tell(confirmation_list, rows, due)
            for row in rows:
                row.notified_at, row.due_on = now, due
            bulk_update_with_history(
                rows,
                Confirmation,
                ["notified_at", "due_on"],
                default_change_reason=_("推送企业，确认截止%(due)s") % {"due": due.isoformat()},
            )
            told += len(rows)
    if not Confirmation.objects.filter(confirmation_list_id=list_id, notified_at__isnull=True).exists():
        try:
            perform(confirmation_list, "notify", by=None)
        except ValidationError:
            # Another worker finished the list a moment ago.
            log.info("confirmation list already notified", extra={"list_id": list_id})
    return told


@shared_task(name="applications.notify_confirmation_list")
def notify_list_task(list_id: int) -> int:
    return notify_list(list_id)


# --- the enterprise's answer -----------------------------------------------------------------------------------------


def is_overdue(confirmation, today: dt.date | None = None) -> bool:
    """Past the confirmation deadline without an answer (逾期视为放弃), whether or not the beat has recorded it."""
    today = today or timezone.localdate()
    if confirmation.state == C.WAIVED:
        return True
    return confirmation.state == C.PENDING and confirmation.due_on is not None and today > confirmation.due_on


def normalize_bank_account(value) -> str:
    """银行账号 by the kernel's rule (`normalize.bank_account`), its refusal keyed to the form's field."""
    try:
        return normalize.bank_account(value)
    except normalize.NormalizeError as error:
        raise ValidationError({"bank_account": str(error)}, code="bad_bank_account") from error


def _lock_open(confirmation, by) -> Confirmation:
    row = (
        Confirmation.objects.select_for_update(of=("self",))
        .select_related("enterprise", "confirmation_list")
        .get(pk=confirmation.pk)
    )
    if not is_member(by, row.enterprise):
        raise PermissionDenied(_("只有该企业的法定代表人或经办人可以确认。"))
    if row.notified_at is None:
        raise ValidationError(_("该确认尚未推送，暂不能办理。"))
    if is_overdue(row):
        raise ValidationError(_("确认期限已过（截止%(due)s），逾期视为放弃。") % {"due": row.due_on.isoformat()})
    if row.state != C.PENDING:
        raise ValidationError(_("该确认已办理（%(state)s），不能重复办理。") % {"state": row.get_state_display()})
    return row


@transaction.atomic
def confirm(confirmation, *, by, bank_name: str, bank_account: str, details_ok: bool) -> Confirmation:
    """确认: the enterprise has checked its details and gives the account the support is paid to (stored encrypted)."""
    row = _lock_open(confirmation, by)
    errors = {}
    if not details_ok:
        errors["details_ok"] = _("请核对企业信息无误后勾选确认。")
    bank_name = normalize.text(bank_name)
    if not bank_name:
        errors["bank_name"] = _("请填写开户银行。")
    try:
        account = normalize_bank_account(bank_account)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    row.state = C.CONFIRMED
    row.bank_name = bank_name[:100]
    row.bank_account = account
    row.answered_at = timezone.now()
    row.answered_by = by
    row._history_user = by
    row._change_reason = _("企业确认，收款账户%(account)s") % {"account": mask_bank_account(account)}
    row.save()
    return row


@transaction.atomic
def decline(confirmation, *, by, reason: str) -> Confirmation:
    """放弃: the enterprise declines the support, with its reason."""
    row = _lock_open(confirmation, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写放弃理由。")}, code="reason_required")
    row.state = C.DECLINED
    row.decline_reason = reason
    row.answered_at = timezone.now()
    row.answered_by = by
    row._history_user = by
    row._change_reason = _("企业放弃")
    row.save()
    return row


def waive_overdue(today: dt.date | None = None) -> int:
    """逾期视为放弃: pending confirmations past `due_on` are recorded as waived; lists with none pending are closed."""
    today = today or timezone.localdate()
    waived = 0
    while True:
        with transaction.atomic():
            rows = list(
                Confirmation.objects.select_for_update(skip_locked=True)
                .filter(state=C.PENDING, due_on__lt=today)
                .order_by("pk")[:CHUNK]
            )
            if not rows:
                break
            for row in rows:
                row.state = C.WAIVED
            bulk_update_with_history(rows, Confirmation, ["state"], default_change_reason=_("逾期未确认，视为放弃"))
            waived += len(rows)
    done = ConfirmationList.objects.filter(status=L.NOTIFIED).exclude(confirmations__state=C.PENDING)
    for confirmation_list in done:
        try:
            perform(confirmation_list, "close", by=None)
        except ValidationError:
            log.info("confirmation list not closed", extra={"list_id": confirmation_list.pk})
    return waived


def unnotified_lists():
    """Accepted lists whose enterprises are not all told (a lost task or a dead worker): for the sweep."""
    return ConfirmationList.objects.filter(status=L.ACCEPTED)


@shared_task(name="applications.waive_overdue_confirmations")
def waive_overdue_task() -> int:
    """Daily: 逾期视为放弃; and accepted lists whose notification was lost are told now."""
    for list_id in list(unnotified_lists().values_list("pk", flat=True)):
        try:
            notify_list(list_id)
        except Exception:
            log.exception("confirmation notification failed", extra={"list_id": list_id})
    return waive_overdue()


# --- reads ----------------------------------------------------------------------------------------------------------


def confirmed_for_payout(confirmation_list):
    """扶持清单: the confirmations of `confirmation_list` the enterprise confirmed, for the payouts."""
    return confirmation_list.confirmations.filter(state=C.CONFIRMED).select_related("enterprise").order_by("pk")


def counts(confirmation_list) -> dict[str, int]:
    """Confirmations per state, every state present; "notified" counts those told."""
    found = dict(confirmation_list.confirmations.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    result = {state: found.get(state, 0) for state in C.values}
    result["total"] = sum(found.values())
    result["notified"] = confirmation_list.confirmations.filter(notified_at__isnull=False).count()
    return result


def for_user(user):
    """The confirmations pushed to the enterprises `user` acts for (drafts and untold rows are not shown)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
        return Confirmation.objects.none()
    return (
        Confirmation.objects.filter(enterprise__members__user=user, notified_at__isnull=False)
        .select_related("enterprise", "confirmation_list__matter__department")
        .order_by("-notified_at", "-pk")
    )
