"""征求意见 (consultation on draft policies, 无锡 §22（一）（二）, 山西 8 “企业直通车”): the workflow and use cases.

The state machine, on one screen:

    draft ─发起征求意见→ open ─征求期满（自动）→ closed ─公布采纳情况→ published
      └──────撤回──────────┴──────────撤回─────────────┘→ withdrawn

- 发起征求意见 (editor of the department): needs the draft text or document and at least one question; starts the
  征求期限 clock (`period_days` working days counted from the day after it opens, `portal.workcalendar.clocks`)
  and copies its due date to `ends_on`. Comments are accepted up to and including `ends_on`.
- 征求期满 (the platform, `close_due_consultations`, hourly): from the working-day calendar's due date on; stops the
  clock. Idempotent: only open consultations whose clock is due are closed.
- 公布采纳情况 (editor or approver): every comment has a reply (采纳 / 部分采纳 / 未采纳 with a reason) and the
  summary (意见采纳情况说明) is written; personal data is removed from what is published (`appeals.interaction`).
- 撤回 (approver, with a reason): from draft, open or closed.

The final policy (`Consultation.policy`) is linked only after the summary is published (a DB check constraint and
`link_policy`), so the summary is always public before or with the policy that shows it.

Who may comment: an enterprise user, once per enterprise and question (a DB unique constraint), editable until the
period ends; anyone not logged in too, with a contact phone (name optional), limited per network address and hour
as anonymous appeals are (`CONSULTATION_PUBLIC_COMMENTS_PER_HOUR`, default 5). A member of staff does not comment.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engagement.models import Consultation, ConsultationComment, ConsultationQuestion
from enterprises.selectors import acting_enterprise
from portal import workdays
from portal.core import normalize
from portal.core.workflow import Step, Transition, Workflow, perform
from portal.org.permissions import can, grant_to_department
from portal.workcalendar import clocks

ARTICLE = "无锡 §22（一）（二）；山西 8（企业直通车）"
PERIOD_CLOCK = "consultation_period"
PERM_OPEN = "engagement.open_consultation"
PERM_WITHDRAW = "engagement.withdraw_consultation"
PERM_REPLY = "engagement.reply_consultation"
PERM_PUBLISH = "engagement.publish_consultation_summary"
CONTENT_MIN = 5
CONTENT_MAX = 2000
S = Consultation.Status
# What the consulting department's group holds on its consultation (the roles say which of them each member may use).
OWNER_PERMS = [
    "view",
    "change",
    "open_consultation",
    "withdraw_consultation",
    "reply_consultation",
    "publish_consultation_summary",
]

clocks.register_kind(
    PERIOD_CLOCK,
    label=gettext_lazy("征求意见期限"),
    days=lambda consultation: consultation.period_days,
    article="无锡 §22（一）",
)


# --- transitions' own changes --------------------------------------------------------------------------------------


def check_openable(step: Step) -> None:
    consultation = step.obj
    errors = []
    if not (consultation.draft_text.strip() or consultation.document):
        errors.append(_("请填写征求意见稿正文或上传征求意见稿文件。"))
    if not consultation.questions.exists():
        errors.append(_("请至少列出一个征求意见的问题。"))
    if errors:
        raise ValidationError(errors)


def on_open(step: Step) -> None:
    consultation = step.obj
    consultation.opened_on = timezone.localdate(step.at)
    consultation.ends_on = workdays.add_workdays(consultation.opened_on, consultation.period_days)


def check_publishable(step: Step) -> None:
    consultation = step.obj
    errors = []
    if not consultation.summary.strip():
        errors.append(_("请填写意见采纳情况说明。"))
    unreplied = consultation.comments.filter(outcome="").count()
    if unreplied:
        errors.append(_("还有%(n)d条意见未答复采纳情况。") % {"n": unreplied})
    if errors:
        raise ValidationError(errors)


def on_publish(step: Step) -> None:
    from appeals.interaction import redact

    consultation = step.obj
    consultation.public_summary = redact(consultation.summary)[0]
    consultation.summary_published_at = step.at


def on_close(step: Step) -> None:
    step.obj.closed_at = step.at


def on_withdraw(step: Step) -> None:
    step.obj.withdrawn_reason = step.reason


class _SyncEndsOn:
    """Clock effect after 发起: starts the 征求期限 and keeps `ends_on` equal to the clock's due date."""

    def apply(self, obj, *, at, by=None, reason=""):
        clock = clocks.Start(PERIOD_CLOCK).apply(obj, at=at, by=by, reason=reason)
        if clock.due_on and clock.due_on != obj.ends_on:
            Consultation.objects.filter(pk=obj.pk).update(ends_on=clock.due_on)
            obj.ends_on = clock.due_on
        return clock

    def __str__(self):
        return str(clocks.Start(PERIOD_CLOCK))


CONSULTATION = Workflow(
    Consultation,
    key="consultation",
    label=gettext_lazy("政策征求意见流程"),
    transitions=[
        Transition(
            "open",
            gettext_lazy("发起征求意见"),
            sources={S.DRAFT},
            target=S.OPEN,
            permission=PERM_OPEN,
            permission_message=gettext_lazy("只有本部门的录入员可以发起征求意见。"),
            guard=check_openable,
            run=on_open,
            effects=(_SyncEndsOn(),),
            article="无锡 §22（一）",
        ),
        Transition(
            "close",
            gettext_lazy("征求期满截止"),
            sources={S.OPEN},
            target=S.CLOSED,
            automatic=True,
            manual=False,
            run=on_close,
            effects=(clocks.Stop(PERIOD_CLOCK),),
            article="无锡 §22（一）",
        ),
        Transition(
            "publish_summary",
            gettext_lazy("公布意见采纳情况"),
            sources={S.CLOSED},
            target=S.PUBLISHED,
            permission=PERM_PUBLISH,
            permission_message=gettext_lazy("只有本部门的录入员或审批人可以公布意见采纳情况。"),
            guard=check_publishable,
            run=on_publish,
            article="无锡 §22（二）（反馈意见采纳情况）",
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回"),
            sources={S.DRAFT, S.OPEN, S.CLOSED},
            target=S.WITHDRAWN,
            permission=PERM_WITHDRAW,
            permission_message=gettext_lazy("只有本部门的审批人可以撤回征求意见。"),
            reason_required=True,
            reason_label=gettext_lazy("撤回理由"),
            run=on_withdraw,
            effects=(clocks.Stop(PERIOD_CLOCK),),
            article="无锡 §22（一）",
        ),
    ],
)


def assign_ownership(consultation: Consultation) -> None:
    """The consulting department owns its consultation: only its staff see and change it."""
    grant_to_department(consultation, consultation.department, OWNER_PERMS)


# --- reads -----------------------------------------------------------------------------------------------------------


def period_clock(consultation: Consultation):
    """The 征求期限 clock (the latest), or None before it opens."""
    if consultation.pk is None:
        return None
    return clocks.of(consultation, PERIOD_CLOCK).last()


def accepts_comments(consultation: Consultation, today=None) -> bool:
    """Open, and today is on or before the end date."""
    today = today or timezone.localdate()
    return consultation.status == S.OPEN and consultation.ends_on is not None and today <= consultation.ends_on


def working_days_left(consultation: Consultation, today=None) -> int | None:
    """Working days from tomorrow to the end date, counting the end date; 0 on the last day (still open)."""
    if consultation.ends_on is None:
        return None
    today = today or timezone.localdate()
    if today >= consultation.ends_on:
        return 0
    return workdays.workdays_between(today, consultation.ends_on)


def public_consultations(department=None) -> tuple[list[Consultation], list[Consultation]]:
    """The open consultations (the soonest end first) and the closed or published ones (the latest end first)."""
    rows = Consultation.objects.filter(status__in=Consultation.PUBLIC_STATUSES).select_related("department", "policy")
    if department is not None:
        rows = rows.filter(department=department)
    rows = rows.annotate(comment_count=Count("comments"))
    return (
        list(rows.filter(status=S.OPEN).order_by("ends_on", "pk")),
        list(rows.exclude(status=S.OPEN).order_by("-ends_on", "-pk")),
    )


def consulting_departments():
    from portal.org.models import Department

    return (
        Department.objects.filter(policy_consultations__status__in=Consultation.PUBLIC_STATUSES)
        .distinct()
        .order_by("code")
    )


def get_public(pk: int) -> Consultation:
    return Consultation.objects.select_related("department", "policy").get(
        pk=pk, status__in=Consultation.PUBLIC_STATUSES
    )


# --- comments --------------------------------------------------------------------------------------------------------


def _check_open(consultation: Consultation, today=None) -> None:
    if not accepts_comments(consultation, today):
        if consultation.status in (S.OPEN, S.CLOSED, S.PUBLISHED):
            raise ValidationError(_("征求意见已截止，不再接受意见。"))
        raise ValidationError(_("该征求意见未在征求中，不能提出意见。"))


def _content(text: str) -> str:
    content = normalize.prose(text)
    if len(content) < CONTENT_MIN:
        raise ValidationError({"content": _("请把意见写清楚（不少于%(n)d个字）。") % {"n": CONTENT_MIN}})
    if len(content) > CONTENT_MAX:
        raise ValidationError({"content": _("意见不能超过%(n)d个字。") % {"n": CONTENT_MAX}})
    return content


def comment_as_enterprise(
    consultation: Consultation, question: ConsultationQuestion, *, by, content: str, show_identity=False, today=None
) -> ConsultationComment:
    """The enterprise's comment on `question`, created or changed (one per enterprise and question)."""
    enterprise = acting_enterprise(by)
    if enterprise is None:
        raise PermissionDenied(_("请使用企业账号登录后提出意见。"))
    if question.consultation_id != consultation.pk:
        raise ValidationError(_("该问题不属于本次征求意见。"))
    content = _content(content)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _check_open(consultation, today)
        comment = (
            ConsultationComment.objects.select_for_update().filter(question=question, enterprise=enterprise).first()
        )
        if comment is None:
            comment = ConsultationComment(consultation=consultation, question=question, enterprise=enterprise)
        elif comment.outcome:
            raise ValidationError(_("该意见已答复，不能再修改。"))
        comment.author = by
        comment.content = content
        comment.show_identity = bool(show_identity)
        comment._history_user = by
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            raise ValidationError(_("贵企业已对该问题提出意见，请修改原意见。")) from None
    return comment


def comment_as_public(
    consultation: Consultation,
    question: ConsultationQuestion,
    *,
    content: str,
    contact: str,
    name: str = "",
    today=None,
) -> ConsultationComment:
    """A comment by someone not logged in: a contact phone is required (it is never shown), the name optional."""
    if question.consultation_id != consultation.pk:
        raise ValidationError(_("该问题不属于本次征求意见。"))
    errors = {}
    try:
        content = _content(content)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not normalize.compact(contact):
        errors["contact"] = [_("请留下联系电话。")]
    else:
        try:
            contact = normalize.phone(contact)
        except normalize.NormalizeError as error:
            errors["contact"] = [str(error)]
    name = normalize.text(name)[:50]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _check_open(consultation, today)
        comment = ConsultationComment(
            consultation=consultation, question=question, name=name, contact=contact, content=content
        )
        comment.save()
    return comment


def own_comments(consultation: Consultation, user) -> dict[int, ConsultationComment]:
    """The user's enterprise's comments on this consultation, by question id."""
    enterprise = acting_enterprise(user)
    if enterprise is None:
        return {}
    rows = ConsultationComment.objects.filter(consultation=consultation, enterprise=enterprise)
    return {c.question_id: c for c in rows}


# --- replies, summary, the final policy ------------------------------------------------------------------------------


def may_reply(user, consultation: Consultation) -> bool:
    return consultation.status in (S.OPEN, S.CLOSED) and can(user, PERM_REPLY, consultation)


def reply(comment: ConsultationComment, *, by, outcome: str, text: str) -> ConsultationComment:
    """The department's reply to a comment: 采纳 / 部分采纳 / 未采纳 with its reason."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=comment.consultation_id)
        if not can(by, PERM_REPLY, consultation):
            raise PermissionDenied(_("只有本部门的工作人员可以答复意见。"))
        if consultation.status not in (S.OPEN, S.CLOSED):
            raise ValidationError(_("采纳情况已公布或征求意见已撤回，不能再答复。"))
        text = normalize.prose(text)
        if outcome not in ConsultationComment.Outcome.values:
            raise ValidationError({"outcome": _("请选择采纳情况。")})
        if not text:
            raise ValidationError({"reply": _("请填写答复理由。")})
        comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
        comment.outcome, comment.reply = outcome, text
        comment.replied_at, comment.replied_by = timezone.now(), by
        comment._history_user = by
        comment.save()
    return comment


def check_link(consultation: Consultation, policy) -> None:
    """Refuses (in Chinese) to link `policy` unless the summary is published, the policy is the department's and
    it was issued (印发) on or after the day the consultation opened."""
    if policy is None:
        return
    if consultation.status != S.PUBLISHED:
        raise ValidationError({"policy": _("须先公布意见采纳情况，再关联正式出台的政策。")})
    if policy.lead_department_id != consultation.department_id:
        raise ValidationError({"policy": _("只能关联本部门牵头出台的政策。")})
    if policy.issue_date and consultation.opened_on and policy.issue_date < consultation.opened_on:
        raise ValidationError(
            {
                "policy": _("该政策印发于%(issued)s，早于征求意见开始日期%(opened)s，不是本次征求意见后出台的政策。")
                % {"issued": policy.issue_date.isoformat(), "opened": consultation.opened_on.isoformat()}
            }
        )
    taken = Consultation.objects.filter(policy=policy).exclude(pk=consultation.pk).first()
    if taken is not None:
        raise ValidationError({"policy": _("该政策已关联征求意见“%(title)s”。") % {"title": taken.title}})


def link_policy(consultation: Consultation, policy, *, by) -> Consultation:
    """The final policy (正式出台的政策) this consultation became."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not can(by, "engagement.change_consultation", consultation):
            raise PermissionDenied(_("该征求意见不属于您的部门。"))
        check_link(consultation, policy)
        consultation.policy = policy
        consultation._history_user = by
        consultation._change_reason = _("关联正式出台的政策")
        consultation.save()
    return consultation


def summary_on_time(consultation: Consultation) -> bool | None:
    """公布及时: the summary was published no later than the day the final policy was (None: no published policy)."""
    policy = consultation.policy
    if policy is None or policy.published_at is None or consultation.summary_published_at is None:
        return None
    return timezone.localdate(consultation.summary_published_at) <= timezone.localdate(policy.published_at)


# --- the beat task's work --------------------------------------------------------------------------------------------


def close_due(today=None) -> int:
    """Closes every open consultation whose 征求期限 has ended (its due date is before `today`); returns how many.

    Idempotent: a closed consultation is no longer open, and a failure on one does not stop the others.
    """
    from portal.core.workflow import TransitionNotAllowed
    from portal.workcalendar.models import Clock

    today = today or timezone.localdate()
    due = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Consultation),
        kind=PERIOD_CLOCK,
        state=Clock.State.RUNNING,
        due_on__lt=today,
    ).values_list("object_id", flat=True)
    closed = 0
    for consultation in Consultation.objects.filter(status=S.OPEN, pk__in=list(due)):
        try:
            perform(consultation, "close", by=None)
        except TransitionNotAllowed:
            continue
        closed += 1
    return closed


# --- what the kernel and the policy page show ------------------------------------------------------------------------


class PolicyConsultationBlock:
    """征求意见情况 on the final policy's page: when it was consulted, how many comments, a link to the replies."""

    template = "engagement/consultations/_policy_block.html"

    def context(self, policy) -> dict | None:
        consultation = Consultation.objects.filter(policy=policy, status=S.PUBLISHED).first()
        if consultation is None:
            return None
        comments = consultation.comments.all()
        return {
            "consultation": consultation,
            "comments": comments.count(),
            "adopted": comments.filter(
                outcome__in=[ConsultationComment.Outcome.ADOPTED, ConsultationComment.Outcome.PARTLY]
            ).count(),
        }


def download_name(request, name: str) -> str | None:
    """A draft document is served with its public consultation, and to staff."""
    from pathlib import PurePath

    consultation = Consultation.objects.filter(document=name).first()
    if consultation is None:
        return None
    staff = request.user.is_authenticated and request.user.is_staff
    if staff or consultation.is_public:
        return consultation.document_name or PurePath(name).name
    return None


def _register() -> None:
    from policies.selectors import policy_detail_blocks
    from portal.core.uploads import served_uploads

    policy_detail_blocks.add("consultation", PolicyConsultationBlock(), label=gettext_lazy("征求意见情况"), order=30)
    served_uploads.add("engagement/consultations/", download_name, label="政策征求意见稿")


_register()
