"""The policy state machine (政策发布流程), on one screen.

    draft ─提交审核→ submitted ─审核通过→ approved ─发布→ published ─失效/废止→ expired | repealed ─下线→ offline
      ↑              └────────退回修改───────┘          │                                            │
      │                                                 └申请提前下线→ offline_requested ─数据局同意→ offline
      │                                                     (数据局不同意 → published)                 │
      └──────────────────────────────下线后修订────────────────────────────────────────────────────────┘

Each row names the transition, its sources and target, who may perform it, the
reason it needs, the clocks (办理时限) it starts and stops, and the article it
implements; `portal.core.workflow.perform` does the rest (lock, checks,
history, after-commit work). What a transition changes besides the state lives
in `policies.services`.

Two clocks run on a policy:
- 发布时限 (§17): 3 working days from the issue date (national and provincial
  policies: from their outside publication), started on the first submission
  (the day counted from is the issue date, whenever it was entered), stopped
  by publication; a revised policy published again does not start it anew;
- 下线时限 (§18): 3 working days from the day it expired or was repealed,
  stopped when it goes offline (the daily run takes it offline when due).
"""

from django.utils.translation import gettext_lazy as _

from policies import services
from policies.models import Policy
from portal.core.workflow import Transition, Workflow
from portal.workcalendar import clocks

S = Policy.Status

DRAFT = S.DRAFT
SUBMITTED = S.SUBMITTED
APPROVED = S.APPROVED
PUBLISHED = S.PUBLISHED
OFFLINE_REQUESTED = S.OFFLINE_REQUESTED
EXPIRED = S.EXPIRED
REPEALED = S.REPEALED
OFFLINE = S.OFFLINE

PUBLISH_CLOCK = clocks.register_kind(
    services.PUBLISH_CLOCK, label=_("政策发布时限"), days=3, article="宜昌 §17（印发后3个工作日内发布）"
)
OFFLINE_CLOCK = clocks.register_kind(
    services.OFFLINE_CLOCK,
    label=_("失效（废止）政策下线时限"),
    days=3,
    article="宜昌 §18（失效、废止后3个工作日内下线）",
)

SUBMIT = services.PERM_SUBMIT
APPROVE = services.PERM_APPROVE
DECIDE_OFFLINE = services.PERM_DECIDE_OFFLINE
PUBLIC_CHANGE = (services.after_public_change,)

POLICY = Workflow(
    Policy,
    key="policy",
    label=_("政策发布流程"),
    transitions=[
        Transition(
            "submit",
            _("提交审核"),
            sources={DRAFT},
            target=SUBMITTED,
            permission=SUBMIT,
            permission_message=_("只有牵头部门的录入员可以提交该政策。"),
            guard=services.check_complete,
            effects=(services.StartOnce(services.PUBLISH_CLOCK, on=lambda policy: policy.publishing_clock_start),),
            article="宜昌 §17",
        ),
        Transition(
            "approve",
            _("审核通过"),
            sources={SUBMITTED},
            target=APPROVED,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以审核该政策。"),
            article="宜昌 §17",
        ),
        Transition(
            "reject",
            _("退回修改"),
            sources={SUBMITTED, APPROVED},
            target=DRAFT,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以退回该政策。"),
            reason_required=True,
            reason_label=_("退回理由"),
            article="宜昌 §17",
        ),
        Transition(
            "publish",
            _("发布"),
            sources={APPROVED},
            target=PUBLISHED,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以发布该政策。"),
            guard=services.check_publishable,
            run=services.on_publish,
            effects=(clocks.Stop(services.PUBLISH_CLOCK),),
            after_commit=(*PUBLIC_CHANGE, services.notify_subscribers_after_publish),
            article="宜昌 §17（原文与解读同步发布，印发后3个工作日内）",
        ),
        Transition(
            "expire",
            _("政策失效"),
            sources={PUBLISHED, OFFLINE_REQUESTED},
            target=EXPIRED,
            automatic=True,
            manual=False,
            run=services.on_end,
            effects=(clocks.Start(services.OFFLINE_CLOCK, on=lambda policy: policy.ended_on),),
            after_commit=PUBLIC_CHANGE,
            article="宜昌 §18",
        ),
        Transition(
            "repeal",
            _("宣布废止"),
            sources={PUBLISHED, OFFLINE_REQUESTED},
            target=REPEALED,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以宣布该政策废止。"),
            run=services.on_repeal,
            effects=(clocks.Start(services.OFFLINE_CLOCK, on=lambda policy: policy.ended_on),),
            after_commit=PUBLIC_CHANGE,
            article="宜昌 §18",
        ),
        Transition(
            "request_offline",
            _("申请提前下线"),
            sources={PUBLISHED},
            target=OFFLINE_REQUESTED,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以申请下线该政策。"),
            reason_required=True,
            reason_label=_("详细的下线理由"),
            reason_min_length=services.MIN_OFFLINE_REASON_LENGTH,
            run=services.on_request_offline,
            article="宜昌 §18（未到期下线须说明详细理由）",
        ),
        Transition(
            "approve_offline",
            _("核实同意下线（数据局）"),
            sources={OFFLINE_REQUESTED},
            target=OFFLINE,
            permission=DECIDE_OFFLINE,
            per_object=False,
            allowed=services.is_data_bureau_for,
            permission_message=_("提前下线须经同级政务服务和数据管理部门核实同意。"),
            reason_label=_("核实意见"),
            guard=services.check_offline_request_pending,
            run=services.on_approve_offline,
            after_commit=PUBLIC_CHANGE,
            article="宜昌 §18（经同级政务服务和数据管理部门核实）",
        ),
        Transition(
            "reject_offline",
            _("不同意下线（数据局）"),
            sources={OFFLINE_REQUESTED},
            target=PUBLISHED,
            permission=DECIDE_OFFLINE,
            per_object=False,
            allowed=services.is_data_bureau_for,
            permission_message=_("提前下线申请由同级政务服务和数据管理部门核实。"),
            reason_required=True,
            reason_label=_("不同意下线的理由"),
            guard=services.check_offline_request_pending,
            run=services.on_reject_offline,
            article="宜昌 §18",
        ),
        Transition(
            "take_offline",
            _("失效（废止）政策下线"),
            sources={EXPIRED, REPEALED},
            target=OFFLINE,
            permission=APPROVE,
            permission_message=_("只有牵头部门的审批人可以下线该政策。"),
            automatic=True,
            run=services.on_take_offline,
            effects=(clocks.Stop(services.OFFLINE_CLOCK),),
            after_commit=PUBLIC_CHANGE,
            refusal_hint=_("未失效（废止）的政策提前下线须申请并经数据局核实。"),
            article="宜昌 §18（失效、废止后3个工作日内下线）",
        ),
        Transition(
            "revise",
            _("下线后修订（转为草稿）"),
            sources={OFFLINE},
            target=DRAFT,
            permission=SUBMIT,
            permission_message=_("只有牵头部门的录入员可以修订该政策。"),
            article="宜昌 §17",
        ),
    ],
)
