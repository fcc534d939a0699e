"""The matter lifecycle (事项上架流程), on one screen.

    draft ─提交审核→ submitted ─审核上架→ published ─截止申报→ closed
      ↑               └──退回修改──┘            └──下架──→ withdrawn
      └───────────────────修订（closed / withdrawn）──────────────┘

A guide goes public at least 5 working days before its window opens
(宜昌 §20, 常州 §11): submitting a matter whose window opens sooner is
refused; a matter approved after that day is published and recorded as late
(`guide_published_late`). Publishing also publishes the draft rule version and
matches the register (`matters.matching`).

期限待定 (无锡 §11): once the window of a TBD matter is decided (the editor
enters 申报期限确定日期), the 申报期公布时限 clock runs 3 working days from that
day. It stops when the window becomes public: when the matter is published
(上架), or, for a matter already published, when an approver performs
公布申报期限 (announce_window, published → published) on the dates entered.
"""

from django.utils.translation import gettext_lazy as _

from matters import matching, services
from matters.models import Matter
from portal.core.workflow import Transition, Workflow
from portal.workcalendar import clocks

S = Matter.Status

WINDOW_CLOCK = clocks.register_kind(
    services.WINDOW_CLOCK,
    label=_("期限待定事项申报期公布时限"),
    days=3,
    article="无锡 §11（期限待定的申报事项确定申报期后3个工作日内公布）",
)

MATTER = Workflow(
    Matter,
    key="matter",
    label=_("事项上架流程"),
    transitions=[
        Transition(
            "submit",
            _("提交审核"),
            sources={S.DRAFT},
            target=S.SUBMITTED,
            permission=services.PERM_SUBMIT,
            permission_message=_("只有实施部门的录入员可以提交该事项。"),
            guard=services.check_complete,
            run=services.on_submit,
            article="宜昌 §20、§23–24",
        ),
        Transition(
            "publish",
            _("审核上架"),
            sources={S.SUBMITTED},
            target=S.PUBLISHED,
            permission=services.PERM_APPROVE,
            permission_message=_("只有实施部门的审批人可以审核上架该事项。"),
            guard=services.check_publishable,
            run=services.on_publish,
            effects=(clocks.Stop(services.WINDOW_CLOCK),),
            after_commit=(matching.after_publish,),
            article="宜昌 §20、§24；无锡 §11",
        ),
        Transition(
            "announce_window",
            _("公布申报期限"),
            sources={S.PUBLISHED},
            target=S.PUBLISHED,
            permission=services.PERM_APPROVE,
            permission_message=_("只有实施部门的审批人可以公布该事项的申报期限。"),
            guard=services.check_window_announceable,
            offered=services.window_announcement_pending,
            run=services.on_announce_window,
            effects=(clocks.Stop(services.WINDOW_CLOCK),),
            article="无锡 §11",
        ),
        Transition(
            "reject",
            _("退回修改"),
            sources={S.SUBMITTED},
            target=S.DRAFT,
            permission=services.PERM_APPROVE,
            permission_message=_("只有实施部门的审批人可以退回该事项。"),
            reason_required=True,
            reason_label=_("退回理由"),
            article="宜昌 §24",
        ),
        Transition(
            "close",
            _("截止申报"),
            sources={S.PUBLISHED},
            target=S.CLOSED,
            permission=services.PERM_APPROVE,
            permission_message=_("只有实施部门的审批人可以截止该事项的申报。"),
            automatic=True,
            article="无锡 §11",
        ),
        Transition(
            "withdraw",
            _("下架"),
            sources={S.PUBLISHED, S.CLOSED},
            target=S.WITHDRAWN,
            permission=services.PERM_APPROVE,
            permission_message=_("只有实施部门的审批人可以下架该事项。"),
            reason_required=True,
            reason_label=_("下架理由"),
        ),
        Transition(
            "revise",
            _("修订"),
            sources={S.CLOSED, S.WITHDRAWN},
            target=S.DRAFT,
            permission=services.PERM_SUBMIT,
            permission_message=_("只有实施部门的录入员可以修订该事项。"),
        ),
    ],
)
