"""The payout and payout-batch lifecycles (兑付流程) on the workflow kernel.

Payout (one per approved case or confirmed 免申即享 entry):

    pending ─编入批次→ batched ─批次复核→ approved ─报送银行→ sent ─银行回单：成功→ paid
       ↑                  │                                   └─银行回单：失败→ failed
       └──────撤销批次────┘                                   failed ─更正→ corrected ─编入批次→ batched …
    pending / corrected ─暂缓→ held ─恢复→ pending;   pending / held / failed ─取消→ cancelled

The batch transitions (编入批次, 复核, 报送, 回单) move hundreds of thousands of payouts at once: `payouts.services`
applies them set-based — the rows locked, their states checked against this table, one bulk update with history
per step — while the per-payout ones (暂缓, 恢复, 取消, 更正) go through `perform`. Either way the table below is
the one statement of which state may follow which.

Batch (拨付批次): draft ─复核（非制单人）→ approved ─导出支付文件→ sent ─回单齐全（平台）→ settled;
draft ─撤销→ cancelled.

Clock: 兑付时限 (the funding source's `pay_within_days`) from the approval date of the case; stopped when the
payout is paid or cancelled; a payout past it is flagged to finance and supervisors (宜昌 §38).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from payouts.models import BatchState, Payout, PayoutBatch, PayoutState
from portal.core.workflow import Transition, Workflow
from portal.org.models import Role
from portal.workcalendar import clocks

P = PayoutState
B = BatchState

PAY_CLOCK = clocks.register_kind(
    "payout_pay",
    label=gettext_lazy("兑付时限"),
    days=lambda payout: payout.funding_source.pay_within_days,
    article="宜昌 §38（奖补资金及时兑付的跟踪督促）；常州 §27（资金直达快享）",
)

BATCHABLE = frozenset({P.PENDING, P.CORRECTED})
IN_FLIGHT = frozenset({P.BATCHED, P.APPROVED, P.SENT})


def is_payer(user, department) -> bool:
    """A finance officer (财政部门经办人) of `department`, the one that pays the funding source."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if department is None:
        return user.memberships.filter(role=Role.FINANCE, department__kind="finance").exists()
    return user.memberships.filter(role=Role.FINANCE, department=department).exists()


def _payer_of_payout(user, payout) -> bool:
    return is_payer(user, None if payout is None else payout.funding_source.department)


def _payer_of_batch(user, batch) -> bool:
    return is_payer(user, None if batch is None else batch.department)


def _checker(user, batch) -> bool:
    """复核: a finance officer of the batch's department who did not make it (四眼原则)."""
    if batch is None:
        return is_payer(user, None)
    return is_payer(user, batch.department) and batch.created_by_id != getattr(user, "pk", None)


def _set_based(step) -> None:
    """The batch steps move a whole batch or result file at once (`payouts.services`), never one payout."""
    raise ValidationError(
        _("“%(action)s”随拨付批次或银行回单整批办理，不能单笔执行。") % {"action": step.transition.label}
    )


def _hold(step) -> None:
    step.obj.hold_reason = step.reason[:255]
    step.obj.batch = None


def _release(step) -> None:
    step.obj.hold_reason = ""
    step.obj.batch = None


def _cancel(step) -> None:
    step.obj.cancel_reason = step.reason[:255]
    step.obj.batch = None


def _stop_pay_clock(payout) -> None:
    clocks.stop(payout, PAY_CLOCK, at=payout.history.latest().history_date)


def _correct(step) -> None:
    """更正: the payee account given with the transition (`account` = dict of payee_name, bank_name, branch,
    account_number, already checked by the form) or, without one, the enterprise's current 收款账户."""
    from payouts import services

    account = step.options.get("account") or services.current_account(step.obj.enterprise)
    if not account or not account.get("account_number"):
        raise ValidationError(_("企业尚未填写收款账户，请先由企业在“收款账户”中更正，或在此填写更正后的账户。"))
    if services.same_account(step.obj, account):
        raise ValidationError(
            _("更正后的收款户名和账号与被银行退回的完全相同，请核对企业提供的正确账户后再更正。"), code="same_account"
        )
    services.apply_account(step.obj, account)
    step.obj.failure_reason = ""
    step.obj.batch = None  # the failed batch keeps its line; the payout waits for the next batch


PAYOUT = Workflow(
    Payout,
    key="payout",
    label=gettext_lazy("兑付流程"),
    state_field="state",
    transitions=[
        Transition(
            "batch",
            gettext_lazy("编入拨付批次"),
            sources=BATCHABLE,
            target=P.BATCHED,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="宜昌 §10（财政部门会同主管部门兑付）",
        ),
        Transition(
            "approve",
            gettext_lazy("批次复核通过"),
            sources={P.BATCHED},
            target=P.APPROVED,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="四眼原则（制单与复核分离）",
        ),
        Transition(
            "send",
            gettext_lazy("报送银行"),
            sources={P.APPROVED},
            target=P.SENT,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="宜昌 §10",
        ),
        Transition(
            "unbatch",
            gettext_lazy("撤销批次，退回待拨付"),
            sources={P.BATCHED},
            target=P.PENDING,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="四眼原则",
        ),
        Transition(
            "pay",
            gettext_lazy("银行回单：支付成功"),
            sources={P.SENT},
            target=P.PAID,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="宜昌 §26（兑付时短信告知）",
        ),
        Transition(
            "fail",
            gettext_lazy("银行回单：支付失败"),
            sources={P.SENT},
            target=P.FAILED,
            manual=False,
            automatic=True,
            guard=_set_based,
            article="宜昌 §10（确保资金及时精准直达企业）",
        ),
        Transition(
            "correct",
            gettext_lazy("更正收款账户"),
            sources={P.FAILED},
            target=P.CORRECTED,
            permission="payouts.hold_payout",
            allowed=_payer_of_payout,
            per_object=False,
            automatic=True,
            run=_correct,
            reason_label=gettext_lazy("更正说明"),
            article="宜昌 §10",
        ),
        Transition(
            "hold",
            gettext_lazy("暂缓拨付"),
            sources={P.PENDING, P.CORRECTED},
            target=P.HELD,
            permission="payouts.hold_payout",
            allowed=_payer_of_payout,
            per_object=False,
            reason_required=True,
            reason_label=gettext_lazy("暂缓原因"),
            run=_hold,
            article="宜昌 §38",
        ),
        Transition(
            "release",
            gettext_lazy("恢复拨付"),
            sources={P.HELD},
            target=P.PENDING,
            permission="payouts.hold_payout",
            allowed=_payer_of_payout,
            per_object=False,
            run=_release,
            article="宜昌 §38",
        ),
        Transition(
            "cancel",
            gettext_lazy("取消兑付"),
            sources={P.PENDING, P.HELD, P.FAILED},
            target=P.CANCELLED,
            permission="payouts.hold_payout",
            allowed=_payer_of_payout,
            per_object=False,
            reason_required=True,
            reason_label=gettext_lazy("取消原因"),
            run=_cancel,
            effects=(clocks.Stop(PAY_CLOCK.key),),
            article="宜昌 §38",
        ),
    ],
)


def _approve_batch(step) -> None:
    from payouts import services

    services.on_batch_approved(step)


def _cancel_batch(step) -> None:
    from payouts import services

    services.on_batch_cancelled(step)


def _settled(step) -> None:
    step.obj.settled_at = step.at


def _send_batch(step) -> None:
    from payouts import services

    services.on_batch_sent(step)


BATCH = Workflow(
    PayoutBatch,
    key="payout_batch",
    label=gettext_lazy("拨付批次流程"),
    state_field="state",
    transitions=[
        Transition(
            "approve",
            gettext_lazy("复核通过"),
            sources={B.DRAFT},
            target=B.APPROVED,
            permission="payouts.approve_payoutbatch",
            allowed=_checker,
            per_object=False,
            permission_message=gettext_lazy("批次须由制单人以外的本财政部门人员复核（四眼原则）。"),
            run=_approve_batch,
            article="四眼原则（制单与复核分离）",
        ),
        Transition(
            "send",
            gettext_lazy("导出支付文件并报送银行"),
            sources={B.APPROVED},
            target=B.SENT,
            permission="payouts.batch_payout",
            allowed=_payer_of_batch,
            per_object=False,
            run=_send_batch,
            article="宜昌 §10",
        ),
        Transition(
            "settle",
            gettext_lazy("回单齐全"),
            sources={B.SENT},
            target=B.SETTLED,
            manual=False,
            automatic=True,
            run=_settled,
            article="宜昌 §10",
        ),
        Transition(
            "cancel",
            gettext_lazy("撤销批次"),
            sources={B.DRAFT},
            target=B.CANCELLED,
            permission="payouts.batch_payout",
            allowed=_payer_of_batch,
            per_object=False,
            reason_required=True,
            reason_label=gettext_lazy("撤销原因"),
            run=_cancel_batch,
            article="四眼原则",
        ),
    ],
)


def perform(obj, name: str, *, by, reason: str = "", **options):
    """`portal.core.workflow.perform` for payouts and batches (the import point for views and services)."""
    workflow = PAYOUT if isinstance(obj, Payout) else BATCH
    return workflow.perform(obj, name, by=by, reason=reason, **options)
