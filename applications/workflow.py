"""The application lifecycle (申报办理流程) on the workflow kernel.

    draft ─提交→ submitted ─开始预审→ pre_review ─受理→ accepted ─本环节通过→ reviewing ─核准→ approved
      │            │  └──────────┴─不予受理→ not_accepted          └──────┴─不予通过→ rejected
      │            └─即申即享自动核准（平台）→ approved
      │      submitted / pre_review / accepted / reviewing ─一次性告知补正→ supplement ─提交补正→ (back)
    approved ─公示（平台）→ publicity ─公示期满（平台）→ to_payout ─兑付（平台）→ paid ─办结→ closed
    approved ─不公示（涉密，平台）→ to_payout;  publicity ─异议→ objection ─异议不成立→ publicity
                                                                   └─异议成立→ rejected
    submitted … reviewing, supplement ─撤回→ withdrawn

Clocks (working days, `portal.workcalendar.clocks`):
* 预审时限 (2 days) from submission to 受理 / 不予受理 (无锡 §19: 一次性告知 or 受理 promptly);
* 承诺办理时限 (the matter's `time_limit_days`) from 受理 to the decision (宜昌 §20, 无锡 §19);
* each step's own limit (the process step's `days`), on the `ReviewStep`;
* 公示期 (the matter's `publicity_days`).
补正 pauses every running clock of the case; 提交补正 resumes them, at the same step.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import services
from applications.models import Application, Status, StepStatus
from portal.core import workflow as kernel
from portal.core.workflow import Transition, Workflow
from portal.workcalendar import clocks

CASE_CLOCK = clocks.register_kind(
    services.CASE_CLOCK,
    label=gettext_lazy("申报件承诺办理时限"),
    days=lambda application: application.matter.time_limit_days,
    article="宜昌 §20（承诺办理时限）；无锡 §19（在承诺时限内办结）",
    pausable=True,
)
PRE_REVIEW_CLOCK = clocks.register_kind(
    services.PRE_REVIEW_CLOCK,
    label=gettext_lazy("申报件预审受理时限"),
    days=services.PRE_REVIEW_DAYS,
    article="无锡 §19（材料不全的一次性告知，符合条件的及时受理）",
    pausable=True,
)
STEP_CLOCK = clocks.register_kind(
    services.STEP_CLOCK,
    label=gettext_lazy("审核环节办理时限"),
    days=lambda step: step.days,
    article="无锡 §21（各环节审批人员在规定时限完成审核）",
    pausable=True,
)
PUBLICITY_CLOCK = clocks.register_kind(
    services.PUBLICITY_CLOCK,
    label=gettext_lazy("结果公示期"),
    days=lambda application: application.matter.publicity_days,
    article="无锡 §21（结果公开）",
)

S = Status
REVIEWING = {S.ACCEPTED, S.REVIEWING}
BEFORE_ACCEPTANCE = {S.SUBMITTED, S.PRE_REVIEW}


def _running_clocks(application):
    """The running clocks of the case: its own (预审 or 承诺时限) and its current step's."""
    objects = [application]
    if application.current_step_id:
        objects.append(application.current_step)
    return objects


def _pause_all(step) -> None:
    application = step.obj
    day = timezone.localdate(step.at)
    for obj in _running_clocks(application):
        for clock in clocks.of(obj).filter(state="running"):
            clocks.pause(obj, clock.kind, on=day, reason=step.reason or str(step.transition.label), by=step.by)


def _resume_all(step) -> None:
    application = step.obj
    day = timezone.localdate(step.at)
    for obj in _running_clocks(application):
        for clock in clocks.of(obj).filter(state="paused"):
            clocks.resume(obj, clock.kind, on=day, by=step.by)
    if application.current_step_id:
        application.current_step.due_on = clocks.of(application.current_step, STEP_CLOCK).last().due_on
        application.current_step.save(update_fields=["due_on"])


def _stop_all(step) -> None:
    application = step.obj
    for obj in _running_clocks(application):
        for clock in clocks.of(obj).exclude(state="stopped"):
            clocks.stop(obj, clock.kind, at=step.at, by=step.by)


def _on_withdraw(step) -> None:
    """撤回: every clock stops; the step at work and those not reached end as 已终止."""
    application = step.obj
    _stop_all(step)
    application.steps.filter(status__in=(StepStatus.ACTIVE, StepStatus.WAITING)).update(status=StepStatus.CANCELLED)
    application.decided_at = step.at


# --- run functions ------------------------------------------------------------------------------------------------


def _on_submit(step) -> None:
    services.on_submit(step)


def _check_instant(step) -> None:
    blockers = services.instant_blockers(step.obj)
    if blockers:
        raise ValidationError(
            _("不能自动核准：%(why)s。") % {"why": "；".join(str(b) for b in blockers)}, code="not_instant"
        )


def _on_auto_approve(step) -> None:
    application = step.obj
    application.approved_amount = step.options.get("approved_amount")
    application.auto_approved = True
    application.decided_at = step.at
    step.history = _("即申即享：数据核验全部通过，自动核准")


def _on_request_supplement(step) -> None:
    application = step.obj
    notice = services.create_notice(
        application, step.options.get("items") or [], by=step.by, summary=step.reason, at=step.at
    )
    application.returned_from = application.status
    _pause_all(step)
    step.result = notice
    step.history = _("一次性告知补正（%(n)d项）") % {"n": notice.items.count()}


def _on_resubmit(step) -> None:
    application = step.obj
    services.check_supplement_answered(step)
    notice = services.open_notice(application)
    if notice is not None:
        notice.answered_at = step.at
        notice.save(update_fields=["answered_at"])
        notice.items.update(resolved=True)
        services.supersede_answered(application, notice)
    application.returned_from = ""
    application.edited_fields = services.edited_fields(application)
    _resume_all(step)


def _on_not_accept(step) -> None:
    application = step.obj
    application.decision_reason = step.reason
    application.decided_at = step.at


def _on_accept(step) -> None:
    application = step.obj
    application.accepted_at = step.at
    services.open_steps(application, at=step.at, by=step.by)


def _on_pass_step(step) -> None:
    application = step.obj
    previous = application.current_step
    following = services.advance(application, at=step.at, by=step.by, opinion=step.reason)
    step.history = _("%(step)s通过，转%(next)s") % {"step": previous.name, "next": following.name}


def _on_approve(step) -> None:
    application = step.obj
    amount = services.parse_amount(step.options.get("approved_amount"))
    services.close_step(application.current_step, status=StepStatus.PASSED, at=step.at, by=step.by, opinion=step.reason)
    application.approved_amount = amount
    application.decision_reason = step.reason
    application.decided_at = step.at


def _on_reject(step) -> None:
    application = step.obj
    services.close_step(
        application.current_step, status=StepStatus.REJECTED, at=step.at, by=step.by, opinion=step.reason
    )
    application.decision_reason = step.reason
    application.decided_at = step.at


def _on_publicize(step) -> None:
    from portal.workdays import add_workdays

    application = step.obj
    today = timezone.localdate(step.at)
    application.publicity_from = today
    application.publicity_to = add_workdays(today, application.matter.publicity_days)


def _on_uphold(step) -> None:
    application = step.obj
    application.decision_reason = step.reason
    application.objections.filter(state="open").update(state="upheld", answer=step.reason, answered_at=step.at)
    clocks.stop(application, PUBLICITY_CLOCK.key, at=step.at, by=step.by)


def _on_dismiss(step) -> None:
    application = step.obj
    application.objections.filter(state="open").update(state="dismissed", answer=step.reason, answered_at=step.at)


def _check_publicity_over(step) -> None:
    application = step.obj
    if application.publicity_to and timezone.localdate(step.at) < application.publicity_to:
        raise ValidationError(
            _("公示期至%(day)s，尚未期满。") % {"day": application.publicity_to}, code="publicity_running"
        )


def _check_not_confidential(step) -> None:
    if step.obj.matter.confidential:
        raise ValidationError(_("该事项涉密或不宜公开，核准结果不公示。"), code="confidential")


def _check_confidential(step) -> None:
    if not step.obj.matter.confidential:
        raise ValidationError(_("该事项的核准结果须公示。"), code="not_confidential")


def _check_not_last(step) -> None:
    if services.is_last_step(step.obj):
        raise ValidationError(_("这是最后一个审核环节，请作出核准或不予通过的决定。"), code="last_step")


def _check_last(step) -> None:
    if not services.is_last_step(step.obj):
        following = services.next_step(step.obj)
        raise ValidationError(
            _("后面还有“%(next)s”环节，请点击“本环节通过”转下一环节。") % {"next": following.name if following else ""},
            code="not_last_step",
        )


def _check_returned_to_pre_review(step) -> None:
    if step.obj.returned_from not in BEFORE_ACCEPTANCE:
        raise ValidationError(_("该申报件补正后应回到审核环节。"), code="wrong_return")


def _check_returned_to_review(step) -> None:
    if step.obj.returned_from not in REVIEWING:
        raise ValidationError(_("该申报件补正后应回到预审。"), code="wrong_return")


# --- after commit: progress and documents --------------------------------------------------------------------------


def _progress(title, *, sms: bool = True):
    def send(application):
        services.notify_progress(application, str(title), sms=sms)

    send.__name__ = f"progress_{title}"
    return send


def _after_approve(application) -> None:
    """核准 → 公示 (or straight to 待兑付 for a confidential matter), by the platform."""
    application = Application.objects.select_related("matter").get(pk=application.pk)
    if application.status != S.APPROVED:
        return
    name = "skip_publicity" if application.matter.confidential else "publicize"
    kernel.perform(application, name, by=None)


def _issue(kind):
    def issue(application):
        from applications import documents

        documents.issue_for(application, kind)

    issue.__name__ = f"issue_{kind}"
    return issue


APPLICANT = {
    "allowed": services.acts_for_applicant,
    "permission_message": gettext_lazy("只有申报企业或受理窗口可以办理。"),
}
PRE_REVIEWER = {
    "permission": services.PERM_REVIEW,
    "per_object": False,
    "allowed": services.matter_department_reviewer,
    "permission_message": gettext_lazy("只有事项实施部门的审核人员可以预审、受理该申报件。"),
}
STEP_HOLDER = {
    "permission": services.PERM_REVIEW,
    "per_object": False,
    "allowed": services.current_step_holder,
    "permission_message": gettext_lazy("该环节不由您所在的部门或岗位办理。"),
}
DECIDER = dict(STEP_HOLDER, permission=services.PERM_DECIDE)
OBJECTION_HANDLER = {
    "permission": services.PERM_OBJECTION,
    "per_object": False,
    "allowed": services.matter_department_approver,
    "permission_message": gettext_lazy("只有事项实施部门的审批人可以处理公示异议。"),
}

APPLICATION = Workflow(
    Application,
    key="application",
    label=gettext_lazy("申报办理流程"),
    transitions=[
        Transition(
            "submit",
            gettext_lazy("提交申报"),
            sources={S.DRAFT},
            target=S.SUBMITTED,
            guard=services.check_submittable,
            run=_on_submit,
            effects=(clocks.Start(services.PRE_REVIEW_CLOCK),),
            after_commit=(_progress(gettext_lazy("已提交，等待预审")),),
            article="无锡 §21（一表申请）",
            **APPLICANT,
        ),
        Transition(
            "auto_approve",
            gettext_lazy("即申即享自动核准"),
            sources={S.SUBMITTED},
            target=S.APPROVED,
            manual=False,
            automatic=True,
            guard=_check_instant,
            run=_on_auto_approve,
            effects=(clocks.Stop(services.PRE_REVIEW_CLOCK),),
            after_commit=(_issue("decision"), _progress(gettext_lazy("即申即享，已自动核准")), _after_approve),
            article="无锡 §20（一）2 简易程序；宜昌 §10",
        ),
        Transition(
            "start_pre_review",
            gettext_lazy("开始预审"),
            sources={S.SUBMITTED},
            target=S.PRE_REVIEW,
            article="无锡 §19",
            **PRE_REVIEWER,
        ),
        Transition(
            "request_supplement",
            gettext_lazy("一次性告知补正"),
            sources={S.SUBMITTED, S.PRE_REVIEW, S.ACCEPTED, S.REVIEWING},
            target=S.SUPPLEMENT,
            reason_label=gettext_lazy("告知说明"),
            run=_on_request_supplement,
            after_commit=(_issue("notice"), _progress(gettext_lazy("需补正材料，请查看一次性告知书"))),
            article="无锡 §19（一次性告知需补齐补正的全部内容）",
            permission=services.PERM_REVIEW,
            per_object=False,
            allowed=lambda user, app: (
                services.matter_department_reviewer(user, app)
                if app is None or app.status in BEFORE_ACCEPTANCE
                else services.current_step_holder(user, app)
            ),
            permission_message=gettext_lazy("只有当前环节的办理人员可以告知补正。"),
        ),
        Transition(
            "resubmit",
            gettext_lazy("提交补正材料"),
            sources={S.SUPPLEMENT},
            target=S.PRE_REVIEW,
            guard=_check_returned_to_pre_review,
            offered=lambda app: app.returned_from in BEFORE_ACCEPTANCE,
            run=_on_resubmit,
            after_commit=(_progress(gettext_lazy("补正材料已提交，回到预审")),),
            article="无锡 §19",
            **APPLICANT,
        ),
        Transition(
            "resubmit_to_step",
            gettext_lazy("提交补正材料"),
            sources={S.SUPPLEMENT},
            target=S.REVIEWING,
            guard=_check_returned_to_review,
            offered=lambda app: app.returned_from in REVIEWING,
            run=_on_resubmit,
            after_commit=(_progress(gettext_lazy("补正材料已提交，回到原审核环节")),),
            article="无锡 §19",
            **APPLICANT,
        ),
        Transition(
            "not_accept",
            gettext_lazy("不予受理"),
            sources=BEFORE_ACCEPTANCE,
            target=S.NOT_ACCEPTED,
            reason_required=True,
            reason_label=gettext_lazy("不予受理的理由"),
            run=_on_not_accept,
            effects=(clocks.Stop(services.PRE_REVIEW_CLOCK),),
            after_commit=(_issue("decision"), _progress(gettext_lazy("不予受理"))),
            article="无锡 §19（一次性告知不予受理的原因）",
            **PRE_REVIEWER,
        ),
        Transition(
            "accept",
            gettext_lazy("受理"),
            sources=BEFORE_ACCEPTANCE,
            target=S.ACCEPTED,
            run=_on_accept,
            effects=(clocks.Stop(services.PRE_REVIEW_CLOCK), clocks.Start(services.CASE_CLOCK)),
            after_commit=(_issue("receipt"), _progress(gettext_lazy("已受理"))),
            article="无锡 §19、§21",
            **PRE_REVIEWER,
        ),
        Transition(
            "pass_step",
            gettext_lazy("本环节通过"),
            sources=REVIEWING,
            target=S.REVIEWING,
            reason_label=gettext_lazy("审核意见"),
            guard=_check_not_last,
            offered=lambda app: not services.is_last_step(app),
            run=_on_pass_step,
            after_commit=(_progress(gettext_lazy("审核环节已通过，转下一环节")),),
            article="无锡 §20（二）、§21",
            **STEP_HOLDER,
        ),
        Transition(
            "approve",
            gettext_lazy("核准"),
            sources=REVIEWING,
            target=S.APPROVED,
            reason_label=gettext_lazy("核准意见"),
            guard=_check_last,
            offered=services.is_last_step,
            run=_on_approve,
            effects=(clocks.Stop(services.CASE_CLOCK),),
            after_commit=(_issue("decision"), _progress(gettext_lazy("审核通过")), _after_approve),
            article="无锡 §20、§21",
            **DECIDER,
        ),
        Transition(
            "reject",
            gettext_lazy("不予通过"),
            sources=REVIEWING,
            target=S.REJECTED,
            reason_required=True,
            reason_label=gettext_lazy("不予通过的理由"),
            run=_on_reject,
            effects=(clocks.Stop(services.CASE_CLOCK),),
            after_commit=(_issue("decision"), _progress(gettext_lazy("审核不予通过"))),
            article="无锡 §19、§21",
            **STEP_HOLDER,
        ),
        Transition(
            "publicize",
            gettext_lazy("结果公示"),
            sources={S.APPROVED},
            target=S.PUBLICITY,
            manual=False,
            automatic=True,
            guard=_check_not_confidential,
            run=_on_publicize,
            effects=(clocks.Start(services.PUBLICITY_CLOCK),),
            after_commit=(_progress(gettext_lazy("核准结果公示中")),),
            article="无锡 §21（结果公开）",
        ),
        Transition(
            "skip_publicity",
            gettext_lazy("涉密事项不公示"),
            sources={S.APPROVED},
            target=S.TO_PAYOUT,
            manual=False,
            automatic=True,
            guard=_check_confidential,
            after_commit=(_progress(gettext_lazy("待兑付")),),
            article="无锡 §21（除涉及安全、保密等特殊情况外公开）",
        ),
        Transition(
            "end_publicity",
            gettext_lazy("公示期满"),
            sources={S.PUBLICITY},
            target=S.TO_PAYOUT,
            manual=False,
            automatic=True,
            guard=_check_publicity_over,
            effects=(clocks.Stop(services.PUBLICITY_CLOCK),),
            after_commit=(_progress(gettext_lazy("公示期满无异议，待兑付")),),
            article="无锡 §21",
        ),
        Transition(
            "raise_objection",
            gettext_lazy("收到公示异议"),
            sources={S.PUBLICITY},
            target=S.OBJECTION,
            manual=False,
            automatic=True,
            article="无锡 §21（接受社会监督）",
        ),
        Transition(
            "dismiss_objection",
            gettext_lazy("异议不成立"),
            sources={S.OBJECTION},
            target=S.PUBLICITY,
            reason_required=True,
            reason_label=gettext_lazy("处理意见"),
            run=_on_dismiss,
            article="无锡 §21",
            **OBJECTION_HANDLER,
        ),
        Transition(
            "uphold_objection",
            gettext_lazy("异议成立，撤销核准"),
            sources={S.OBJECTION},
            target=S.REJECTED,
            reason_required=True,
            reason_label=gettext_lazy("处理意见"),
            run=_on_uphold,
            after_commit=(_issue("decision"), _progress(gettext_lazy("公示异议成立，核准已撤销"))),
            article="无锡 §21",
            **OBJECTION_HANDLER,
        ),
        Transition(
            "mark_paid",
            gettext_lazy("资金已拨付"),
            sources={S.TO_PAYOUT},
            target=S.PAID,
            manual=False,
            automatic=True,
            # the site message only: the payout's own SMS (宜昌 §26, the third moment) tells of the payment
            after_commit=(_progress(gettext_lazy("资金已拨付"), sms=False),),
            article="宜昌 §10（兑付）",
        ),
        Transition(
            "close",
            gettext_lazy("办结归档"),
            sources={S.PAID},
            target=S.CLOSED,
            manual=False,
            automatic=True,
            article="无锡 §21（闭环管理）",
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回申报"),
            sources={S.SUBMITTED, S.PRE_REVIEW, S.SUPPLEMENT, S.ACCEPTED, S.REVIEWING},
            target=S.WITHDRAWN,
            reason_label=gettext_lazy("撤回原因"),
            run=_on_withdraw,
            after_commit=(_progress(gettext_lazy("已撤回")),),
            article="无锡 §21",
            **APPLICANT,
        ),
    ],
)


def perform(application, name, *, by, reason: str = "", **options):
    """`portal.core.workflow.perform` for applications (the import point for views and services)."""
    return APPLICATION.perform(application, name, by=by, reason=reason, **options)


def available(application, user):
    return APPLICATION.available(application, user)
