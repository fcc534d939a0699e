"""The appeal lifecycle (诉求办理流程) on the workflow kernel, and the extension requests (延期申请).

    submitted ─受理→ accepted ─派单→ dispatched ─签收→ handling ─答复→ replied ─评价→ closed
        │               │  └─直接答复（咨询，城运中心）→ replied          │  ↑        │
        └─不予受理→ rejected                       handling ─索要信息→ waiting ─补充信息→ handling
    dispatched / handling ─退单→ returned ─改派→ dispatched
    replied ─不满意（首次）→ 重办 → dispatched（原承办部门）;  replied ─逾期未评价（平台）→ closed
    submitted / accepted ─撤回→ withdrawn

Who: the operators (12345话务员) of the ticket's operations centre accept, reject, dispatch, answer a
consultation directly and decide extensions; the reviewers and approvers of the department the ticket is
dispatched to sign, return, ask for information and reply — anyone else is refused with a message, however
many permissions they hold; the submitter (the user who submitted, or a member of the enterprise) evaluates,
supplies information and withdraws. The platform (`by=None`) performs 评价 and 重办 when the 12345 platform
relays a caller's evaluation or the submitter uses the signed link in an SMS, 补充信息 and 撤回 when the 12345
platform relays them (`appeals.api`), and closes unevaluated tickets.

Clocks (working days, `AppealTimeLimit` per kind and stage): 受理 from submission, 签收 and 办理答复 from each
dispatch (the latter paused while waiting for information where the kind allows), 评价 from the reply. Every
transition also queues the status change for the city's 12345 platform in the same transaction
(`appeals.hotline`), so it is delivered in order once the platform answers again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals.hotline import HotlineSync
from appeals.models import (
    Appeal,
    AppealState,
    ExtensionRequest,
    ExtensionState,
    Satisfaction,
    Stage,
)
from portal.core.workflow import Transition, Workflow
from portal.org.models import Role
from portal.workcalendar import clocks

S = AppealState
ARTICLE = "宜昌 §11（12345热线受理、回复，限时办结，满意度回访）"

HANDLER_ROLES = (Role.REVIEWER, Role.APPROVER, Role.OPERATOR)


def _limit(stage):
    def days(appeal) -> int:
        from appeals.services import limit_days

        return limit_days(appeal.kind, stage)

    return days


ACCEPT_CLOCK = clocks.register_kind(
    "appeal_accept", label=gettext_lazy("诉求受理时限"), days=_limit(Stage.ACCEPT), article="宜昌 §11（12345热线受理）"
)
SIGN_CLOCK = clocks.register_kind(
    "appeal_sign", label=gettext_lazy("诉求签收时限"), days=_limit(Stage.SIGN), article="宜昌 §11（限时办结）"
)
HANDLE_CLOCK = clocks.register_kind(
    "appeal_handle",
    label=gettext_lazy("诉求办理时限"),
    days=_limit(Stage.HANDLE),
    article="宜昌 §11（限时办结）",
    pausable=True,
)
EVALUATE_CLOCK = clocks.register_kind(
    "appeal_evaluate", label=gettext_lazy("诉求评价期限"), days=_limit(Stage.EVALUATE), article="宜昌 §11（满意度回访）"
)


# --- who -------------------------------------------------------------------------------------------


def _staff(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_staff


def is_centre_operator(user, appeal) -> bool:
    """An operator (12345话务员) of the appeal's operations centre (with appeal=None: of any operations centre)."""
    if not _staff(user):
        return False
    memberships = user.memberships.filter(role=Role.OPERATOR, department__kind="operations")
    if appeal is not None:
        memberships = memberships.filter(department_id=appeal.operations_centre_id)
    return memberships.exists()


def is_handler(user, appeal) -> bool:
    """A reviewer, approver or operator of the department the appeal is dispatched to now."""
    if not _staff(user):
        return False
    memberships = user.memberships.filter(role__in=HANDLER_ROLES)
    if appeal is not None:
        if appeal.department_id is None:
            return False
        memberships = memberships.filter(department_id=appeal.department_id)
    return memberships.exists()


def is_submitter(user, appeal) -> bool:
    """The enterprise user who submitted the appeal, or a member of the appeal's enterprise."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    if appeal is None:
        return user.enterprise_memberships.exists() or user.appeals.exists()
    if appeal.submitted_by_id == user.pk:
        return True
    return (
        appeal.enterprise_id is not None
        and user.enterprise_memberships.filter(enterprise_id=appeal.enterprise_id).exists()
    )


def _operator_or_submitter(user, appeal) -> bool:
    return is_centre_operator(user, appeal) or is_submitter(user, appeal)


NOT_OPERATOR = gettext_lazy("只有本工单受理中心（城运中心）的话务员可以办理此操作。")
NOT_HANDLER = gettext_lazy("本工单未派给您所在的部门，不能办理。")
NOT_SUBMITTER = gettext_lazy("只有诉求人本人可以办理此操作。")


# --- what ------------------------------------------------------------------------------------------


def _accept(step) -> None:
    step.obj.accepted_at = step.at


def _reject(step) -> None:
    step.obj.reject_reason = step.reason[:500]
    step.obj.closed_at = step.at


def _dispatch(step) -> None:
    from appeals import services

    department = services.dispatch_target(step.obj, step.options.get("department"))
    services.hand_to(step.obj, department, by=step.by, at=step.at, note=step.reason)
    step.history = f"{step.transition.label}：{department.name}"


def _sign(step) -> None:
    from appeals import services

    services.mark_signed(step.obj, by=step.by, at=step.at)


def _return(step) -> None:
    from appeals import services

    services.take_back(step.obj, by=step.by, at=step.at, reason=step.reason)


def _needs_pausable(step) -> None:
    from appeals import services

    if not services.pausable(step.obj.kind):
        raise ValidationError(
            _("按规定%(kind)s类诉求办理期间不能暂停计时，请直接答复或申请延期。")
            % {"kind": step.obj.get_kind_display()},
            code="not_pausable",
        )


def _pausable(appeal) -> bool:
    """Only a kind whose 办理 clock may pause (not 咨询 by default) is offered 索要补充信息."""
    from appeals import services

    return services.pausable(appeal.kind)


def _ask(step) -> None:
    from appeals import services

    services.ask_submitter(step.obj, question=step.reason, by=step.by, at=step.at)


def _supply(step) -> None:
    from appeals import services

    services.record_supplement(step.obj, answer=step.reason, by=step.by, at=step.at)


def _reply(step) -> None:
    from appeals import services

    services.record_reply(step.obj, content=step.reason, by=step.by, at=step.at)
    step.history = str(step.transition.label)


def _answer_directly(step) -> None:
    from appeals import services

    step.obj.department = step.obj.operations_centre
    services.record_reply(step.obj, content=step.reason, by=step.by, at=step.at)
    step.history = str(step.transition.label)


def _satisfaction(step) -> str:
    value = step.options.get("satisfaction") or ""
    if value not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")}, code="no_satisfaction")
    return value


def _evaluate(step) -> None:
    from appeals.models import EvaluationSource

    value = _satisfaction(step)
    appeal = step.obj
    if value == Satisfaction.UNSATISFIED and appeal.reopen_count == 0:
        raise ValidationError(
            _("首次评价不满意的诉求将退回原承办部门重办，请选择“不满意，要求重办”。"), code="reopen_instead"
        )
    appeal.satisfaction = value
    appeal.evaluation_comment = step.reason[:500]
    appeal.evaluation_source = step.options.get("source") or EvaluationSource.SUBMITTER
    appeal.evaluated_at = step.at
    appeal.closed_at = step.at
    step.history = f"{step.transition.label}：{Satisfaction(value).label}"


def _reopen(step) -> None:
    from appeals import services
    from appeals.models import EvaluationSource

    appeal = step.obj
    if appeal.reopen_count >= 1:
        raise ValidationError(_("本工单已重办过一次，不能再次重办；评价将如实记录。"), code="reopened_once")
    if appeal.department_id is None:
        raise ValidationError(_("本工单没有承办部门，不能重办。"), code="no_department")
    appeal.reopen_count += 1
    appeal.satisfaction = Satisfaction.UNSATISFIED
    appeal.evaluation_comment = step.reason[:500]
    appeal.evaluation_source = step.options.get("source") or EvaluationSource.SUBMITTER
    appeal.evaluated_at = step.at
    services.hand_to(appeal, appeal.department, by=step.by, at=step.at, note=_("诉求人不满意，退回重办"))
    step.history = f"{step.transition.label}：{step.reason}"


def _lapse(step) -> None:
    from appeals.models import EvaluationSource

    step.obj.evaluation_source = EvaluationSource.LAPSED
    step.obj.closed_at = step.at


def _withdraw(step) -> None:
    step.obj.closed_at = step.at


def _after(name):
    def run(appeal) -> None:
        from appeals import services

        services.after_transition(appeal, name)

    run.__name__ = f"after_{name}"
    return run


def _dated(run):
    """The history row of a ticket's change carries the moment it happened (a 12345 call relayed later, a
    back-dated window registration), not the moment the row was written."""

    def dated(step) -> None:
        step.obj._history_date = step.at
        if run is not None:
            run(step)

    return dated


def T(name, label, sources, target, *, effects=(), run=None, **kwargs) -> Transition:  # noqa: N802 - a table row
    return Transition(
        name,
        label,
        sources=sources,
        target=target,
        article=kwargs.pop("article", ARTICLE),
        effects=(*effects, HotlineSync(name)),
        after_commit=(_after(name),),
        run=_dated(run),
        **kwargs,
    )


APPEAL = Workflow(
    Appeal,
    key="appeal",
    label=gettext_lazy("诉求办理流程"),
    transitions=[
        T(
            "accept",
            gettext_lazy("受理"),
            {S.SUBMITTED},
            S.ACCEPTED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=is_centre_operator,
            permission_message=NOT_OPERATOR,
            run=_accept,
            effects=(clocks.Stop(ACCEPT_CLOCK.key),),
        ),
        T(
            "reject",
            gettext_lazy("不予受理"),
            {S.SUBMITTED},
            S.REJECTED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=is_centre_operator,
            permission_message=NOT_OPERATOR,
            reason_required=True,
            reason_label=gettext_lazy("不予受理理由"),
            run=_reject,
            effects=(clocks.Stop(ACCEPT_CLOCK.key),),
        ),
        T(
            "dispatch",
            gettext_lazy("派单"),
            {S.ACCEPTED, S.RETURNED},
            S.DISPATCHED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=is_centre_operator,
            permission_message=NOT_OPERATOR,
            reason_label=gettext_lazy("派单意见"),
            run=_dispatch,
            effects=(clocks.Start(SIGN_CLOCK.key), clocks.Start(HANDLE_CLOCK.key)),
        ),
        T(
            "answer",
            gettext_lazy("直接答复"),
            {S.ACCEPTED},
            S.REPLIED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=is_centre_operator,
            permission_message=NOT_OPERATOR,
            reason_required=True,
            reason_label=gettext_lazy("答复内容"),
            reason_min_length=10,
            run=_answer_directly,
            effects=(clocks.Start(EVALUATE_CLOCK.key),),
        ),
        T(
            "sign",
            gettext_lazy("签收"),
            {S.DISPATCHED},
            S.HANDLING,
            permission="appeals.handle_appeal",
            per_object=False,
            allowed=is_handler,
            permission_message=NOT_HANDLER,
            run=_sign,
            effects=(clocks.Stop(SIGN_CLOCK.key),),
        ),
        T(
            "return",
            gettext_lazy("退单"),
            {S.DISPATCHED, S.HANDLING},
            S.RETURNED,
            permission="appeals.handle_appeal",
            per_object=False,
            allowed=is_handler,
            permission_message=NOT_HANDLER,
            reason_required=True,
            reason_label=gettext_lazy("退单理由（为何不属本部门职责）"),
            reason_min_length=5,
            run=_return,
            effects=(clocks.Stop(SIGN_CLOCK.key), clocks.Stop(HANDLE_CLOCK.key)),
        ),
        T(
            "request_info",
            gettext_lazy("索要补充信息"),
            {S.HANDLING},
            S.WAITING,
            permission="appeals.handle_appeal",
            per_object=False,
            allowed=is_handler,
            permission_message=NOT_HANDLER,
            reason_required=True,
            reason_label=gettext_lazy("需诉求人补充的信息"),
            guard=_needs_pausable,
            offered=lambda appeal: _pausable(appeal),
            run=_ask,
            effects=(clocks.Pause(HANDLE_CLOCK.key),),
        ),
        T(
            "supply_info",
            gettext_lazy("补充信息"),
            {S.WAITING},
            S.HANDLING,
            allowed=_operator_or_submitter,
            permission_message=NOT_SUBMITTER,
            reason_required=True,
            reason_label=gettext_lazy("补充的信息"),
            automatic=True,
            run=_supply,
            effects=(clocks.Resume(HANDLE_CLOCK.key),),
        ),
        T(
            "reply",
            gettext_lazy("答复"),
            {S.HANDLING},
            S.REPLIED,
            permission="appeals.handle_appeal",
            per_object=False,
            allowed=is_handler,
            permission_message=NOT_HANDLER,
            reason_required=True,
            reason_label=gettext_lazy("答复内容"),
            reason_min_length=10,
            run=_reply,
            effects=(clocks.Stop(HANDLE_CLOCK.key), clocks.Start(EVALUATE_CLOCK.key)),
        ),
        T(
            "evaluate",
            gettext_lazy("评价"),
            {S.REPLIED},
            S.CLOSED,
            allowed=is_submitter,
            permission_message=NOT_SUBMITTER,
            reason_label=gettext_lazy("评价意见"),
            automatic=True,
            run=_evaluate,
            effects=(clocks.Stop(EVALUATE_CLOCK.key),),
        ),
        T(
            "reopen",
            gettext_lazy("不满意，要求重办"),
            {S.REPLIED},
            S.DISPATCHED,
            allowed=is_submitter,
            permission_message=NOT_SUBMITTER,
            reason_required=True,
            reason_label=gettext_lazy("不满意的原因"),
            automatic=True,
            run=_reopen,
            offered=lambda appeal: appeal.reopen_count == 0 and appeal.department_id is not None,
            effects=(
                clocks.Stop(EVALUATE_CLOCK.key),
                clocks.Start(SIGN_CLOCK.key),
                clocks.Start(HANDLE_CLOCK.key),
            ),
        ),
        T(
            "lapse",
            gettext_lazy("逾期未评价办结"),
            {S.REPLIED},
            S.CLOSED,
            automatic=True,
            manual=False,
            run=_lapse,
            effects=(clocks.Stop(EVALUATE_CLOCK.key),),
        ),
        T(
            "withdraw",
            gettext_lazy("撤回"),
            {S.SUBMITTED, S.ACCEPTED},
            S.WITHDRAWN,
            allowed=is_submitter,
            permission_message=NOT_SUBMITTER,
            reason_label=gettext_lazy("撤回原因"),
            automatic=True,
            run=_withdraw,
            effects=(clocks.Stop(ACCEPT_CLOCK.key),),
        ),
    ],
)


# --- extension requests (延期申请) ---------------------------------------------------------------------


def _centre_of_request(user, request) -> bool:
    return is_centre_operator(user, None if request is None else request.appeal)


def _approve(step) -> None:
    request = step.obj
    appeal = request.appeal
    if not appeal.is_open or appeal.status not in {S.DISPATCHED, S.HANDLING, S.WAITING}:
        raise ValidationError(_("工单已不在办理中，无需延期。"), code="not_handling")
    clocks.extend(
        appeal, HANDLE_CLOCK, days=request.days, reason=f"{_('延期申请')}：{request.reason}"[:200], by=step.by
    )
    request.decided_by = step.by
    request.decided_at = step.at
    request.decision_note = step.reason[:500]


def _refuse(step) -> None:
    request = step.obj
    request.decided_by = step.by
    request.decided_at = step.at
    request.decision_note = step.reason[:500]


def _extension_decided(request) -> None:
    from appeals import services

    services.extension_decided(request)


EXTENSION = Workflow(
    ExtensionRequest,
    key="appeal_extension",
    label=gettext_lazy("诉求延期审核"),
    transitions=[
        Transition(
            "approve",
            gettext_lazy("同意延期"),
            sources={ExtensionState.PENDING},
            target=ExtensionState.APPROVED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=_centre_of_request,
            permission_message=NOT_OPERATOR,
            reason_label=gettext_lazy("审核意见"),
            run=_approve,
            article="宜昌 §11（限时办结）",
            after_commit=(_extension_decided,),
        ),
        Transition(
            "refuse",
            gettext_lazy("不同意延期"),
            sources={ExtensionState.PENDING},
            target=ExtensionState.REFUSED,
            permission="appeals.dispatch_appeal",
            per_object=False,
            allowed=_centre_of_request,
            permission_message=NOT_OPERATOR,
            reason_required=True,
            reason_label=gettext_lazy("不同意的理由"),
            run=_refuse,
            article="宜昌 §11（限时办结）",
            after_commit=(_extension_decided,),
        ),
    ],
)
