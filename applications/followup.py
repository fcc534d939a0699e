"""Follow-up of applications (办件跟踪): step deadlines (临期提醒、超期督办), the end of publicity (公示期满),
rating invitations (好差评邀请) and overdue rectifications (差评整改督办).

Each function is one sweep run by the beat (`applications.tasks`) and is idempotent: a row is claimed
with `SELECT … FOR UPDATE SKIP LOCKED`, its timestamp (`warned_at`, `overdue_at`, `escalated_at`,
`rating_invited_at`) is written in the same transaction as the messages, and every message carries a
dedupe key — so two workers, or a sweep run twice, never send anything twice.

Working days are `portal.workdays` (holidays and 调休 included), never Monday–Friday arithmetic; a
step's due date is its running clock's (`portal.workcalendar.clocks`), so a step paused for 补正 is
neither warned nor overdue.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services
from applications.models import CONCLUDED_STATES, Application, Objection, Rating, Rectification, ReviewStep, StepStatus
from portal import workdays
from portal.org.models import Role
from portal.workcalendar.models import Clock

log = logging.getLogger(__name__)

# 临期提醒: this many working days before a step's due date (无锡 §21 各环节在规定时限完成).
WARN_WORKDAYS = 2
# 好差评邀请: this many calendar days after the decision, if the enterprise has not rated.
RATING_INVITE_DAYS = 3

SMS_STEP_OVERDUE = "application_step_overdue"
SMS_STEP_OVERDUE_TEXT = "督办提醒：申报件{number}的“{step}”环节已于{due}超期，请尽快办理。"
SMS_RATING_INVITE = "application_rating_invite"
SMS_RATING_INVITE_TEXT = "您申报的{matter}（编号{number}）已办结，欢迎登录惠企服务平台对办理服务作出评价。"
SMS_RECTIFICATION_OVERDUE = "application_rectification_overdue"
SMS_RECTIFICATION_OVERDUE_TEXT = "督办提醒：申报件{number}的差评整改已于{due}超期，请督促{department}答复。"


def ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_STEP_OVERDUE, _("审核环节超期督办"), SMS_STEP_OVERDUE_TEXT)
    ensure_template(SMS_RATING_INVITE, _("好差评邀请"), SMS_RATING_INVITE_TEXT)
    ensure_template(SMS_RECTIFICATION_OVERDUE, _("差评整改超期督办"), SMS_RECTIFICATION_OVERDUE_TEXT)


# --- who is told ---------------------------------------------------------------------------------------------------


def _staff():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def department_staff(department, roles):
    """Active staff of `department` in one of `roles`."""
    return _staff().filter(memberships__department=department, memberships__role__in=list(roles)).distinct()


def supervisors():
    """督查人员: every active member of staff holding the supervisor role."""
    return _staff().filter(memberships__role=Role.SUPERVISOR).distinct()


def _tell(users, key: str, title: str, body: str, *, link: str = "", sms: tuple[str, dict] | None = None) -> int:
    """A site message to each user (dedupe key `key:<user>`) and, where the user has a phone, an SMS."""
    from portal.notify.services import queue_sms, send_site_message_batch

    users = list(users)
    sent = send_site_message_batch([(user.pk, f"{key}:{user.pk}") for user in users], title, body, link=link)
    if sms is not None:
        template, params = sms
        for user in users:
            if not user.phone:
                continue
            try:
                queue_sms(user.phone, template, params, dedupe_key=f"{key}-sms:{user.pk}")
            except ValidationError:
                log.warning("follow-up SMS not queued", extra={"key": key, "user": user.pk})
    return sent


def _admin_link(model, pk) -> str:
    from django.urls import NoReverseMatch, reverse

    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


# --- step deadlines (§9) ----------------------------------------------------------------------------------------


def _running_step_clocks():
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(ReviewStep),
        object_id=OuterRef("pk"),
        kind=services.STEP_CLOCK,
        state=Clock.State.RUNNING,
    )


def active_steps():
    """Active steps whose clock is running, annotated with the clock's due date (`clock_due`)."""
    clock = _running_step_clocks()
    return (
        ReviewStep.objects.filter(status=StepStatus.ACTIVE)
        .annotate(clock_due=Subquery(clock.values("due_on")[:1]))
        .filter(Exists(clock), clock_due__isnull=False)
    )


def _claim(queryset):
    return queryset.select_for_update(skip_locked=True, of=("self",))


def warn_due_steps(today: dt.date | None = None) -> int:
    """临期提醒: a site message to the department's staff in the step's role once, when the step's due date is
    at most WARN_WORKDAYS working days away (exactly two, when the sweep runs every day)."""
    today = today or timezone.localdate()
    horizon = workdays.add_workdays(today, WARN_WORKDAYS)
    warned = 0
    candidates = active_steps().filter(warned_at__isnull=True, clock_due__gte=today, clock_due__lte=horizon)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            step = _claim(ReviewStep.objects.filter(pk=pk, warned_at__isnull=True)).first()
            if step is None:
                continue
            due = active_steps().filter(pk=pk).values_list("clock_due", flat=True).first()
            if due is None or workdays.workdays_between(today, due) > WARN_WORKDAYS or due < today:
                continue
            left = workdays.workdays_between(today, due)
            application = step.application
            title = _("临期提醒：%(number)s“%(step)s”") % {"number": application.number, "step": step.name}
            body = _(
                "申报件%(number)s（%(matter)s）的“%(step)s”环节将于%(due)s到期，剩余%(left)d个工作日，请及时办理。"
            ) % {
                "number": application.number,
                "matter": application.matter.name,
                "step": step.name,
                "due": due.isoformat(),
                "left": left,
            }
            _tell(
                department_staff(step.department, [step.role]),
                f"step-warn:{step.pk}",
                title,
                body,
                link=_admin_link(Application, application.pk),
            )
            step.warned_at = timezone.now()
            step._change_reason = _("临期提醒")
            step.save(update_fields=["warned_at"])
            warned += 1
    return warned


def escalate_overdue_steps(today: dt.date | None = None) -> int:
    """超期督办: a step whose running clock is past its due date is recorded overdue (`overdue_at`) and escalated
    once (`escalated_at`) to the department's approvers and the supervisors, by site message and SMS."""
    today = today or timezone.localdate()
    ensure_templates()
    escalated = 0
    candidates = active_steps().filter(clock_due__lt=today).filter(Q(overdue_at__isnull=True) | Q(escalated_at=None))
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            step = _claim(
                ReviewStep.objects.filter(pk=pk).filter(Q(overdue_at__isnull=True) | Q(escalated_at=None))
            ).first()
            if step is None:
                continue
            due = active_steps().filter(pk=pk).values_list("clock_due", flat=True).first()
            if due is None or due >= today:
                continue
            now = timezone.now()
            step.overdue_at = step.overdue_at or now
            application = step.application
            title = _("超期督办：%(number)s“%(step)s”") % {"number": application.number, "step": step.name}
            body = _(
                "申报件%(number)s（%(matter)s）的“%(step)s”环节由%(department)s办理，办理期限%(due)s，已超期%(late)d个工作日，请督促办理。"
            ) % {
                "number": application.number,
                "matter": application.matter.name,
                "step": step.name,
                "department": step.department.name,
                "due": due.isoformat(),
                "late": workdays.workdays_between(due, today),
            }
            recipients = {user.pk: user for user in department_staff(step.department, [Role.APPROVER])}
            recipients.update({user.pk: user for user in supervisors()})
            _tell(
                recipients.values(),
                f"step-overdue:{step.pk}",
                title,
                body,
                link=_admin_link(Application, application.pk),
                sms=(SMS_STEP_OVERDUE, {"number": application.number, "step": step.name[:20], "due": due.isoformat()}),
            )
            step.escalated_at = now
            step._change_reason = _("超期督办")
            step.save(update_fields=["overdue_at", "escalated_at"])
            escalated += 1
    return escalated


# --- publicity (§10) ------------------------------------------------------------------------------------------------


def open_objections():
    return Objection.objects.filter(application=OuterRef("pk"), state=Objection.State.OPEN)


def end_publicity(today: dt.date | None = None) -> int:
    """公示期满: applications in publicity whose period is over and with no open objection go to payout."""
    from applications.workflow import perform

    today = today or timezone.localdate()
    ended = 0
    due = Application.objects.filter(status=Application.Status.PUBLICITY, publicity_to__lt=today).exclude(
        Exists(open_objections())
    )
    for application in due.select_related("matter"):
        try:
            perform(application, "end_publicity", by=None)
        except (ValidationError, PermissionDenied) as error:
            log.info("publicity not ended", extra={"application": application.pk, "reason": str(error)})
            continue
        ended += 1
    if ended:
        forget_home_block()
    return ended


def forget_home_block() -> None:
    """The home page's 结果公示 block is cached with the others: drop it when what it shows changes."""
    from django.core.cache import cache

    from portal.core.home import HOME_CACHE_KEY

    cache.delete(HOME_CACHE_KEY)


# --- ratings and rectifications (§12) ----------------------------------------------------------------------------


def invite_ratings(now: dt.datetime | None = None) -> int:
    """好差评邀请: a concluded application decided RATING_INVITE_DAYS days ago and still not rated is invited once
    (site message to the enterprise's members and, where wanted, an SMS to its contact)."""
    now = now or timezone.now()
    ensure_templates()
    invited = 0
    candidates = Application.objects.filter(
        status__in=CONCLUDED_STATES,
        rating_invited_at__isnull=True,
        decided_at__lte=now - dt.timedelta(days=RATING_INVITE_DAYS),
    ).exclude(Exists(Rating.objects.filter(application=OuterRef("pk"))))
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            application = _claim(
                Application.objects.filter(pk=pk, rating_invited_at__isnull=True, rating__isnull=True)
            ).first()
            if application is None:
                continue
            title = _("邀请您评价：%(matter)s") % {"matter": application.matter.name}
            body = _(
                "您申报的“%(matter)s”（编号%(number)s）已办结（%(status)s），请对办理服务作出评价，您的意见将帮助我们改进。"
            ) % {
                "matter": application.matter.name,
                "number": application.number,
                "status": application.get_status_display(),
            }
            services.tell_enterprise(
                application,
                title,
                body,
                key=f"rating-invite:{application.pk}",
                sms=(
                    SMS_RATING_INVITE,
                    {"matter": application.matter.name[:20], "number": application.number},
                    f"rating-invite-sms:{application.pk}",
                ),
            )
            application.rating_invited_at = now
            application._change_reason = _("好差评邀请")
            application.save(update_fields=["rating_invited_at"])
            invited += 1
    return invited


def overdue_rectifications(today: dt.date | None = None):
    today = today or timezone.localdate()
    return Rectification.objects.filter(state=Rectification.State.OPEN, due_on__lt=today)


def escalate_rectifications(today: dt.date | None = None) -> int:
    """差评整改督办: an open rectification past its due date is escalated to the supervisors once."""
    today = today or timezone.localdate()
    ensure_templates()
    escalated = 0
    for pk in overdue_rectifications(today).filter(escalated_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            row = _claim(
                overdue_rectifications(today).filter(pk=pk, escalated_at__isnull=True).select_related("department")
            ).first()
            if row is None:
                continue
            application = row.rating.application
            title = _("整改超期：%(number)s") % {"number": application.number}
            body = _("申报件%(number)s（%(matter)s）的差评整改由%(department)s办理，期限%(due)s，已超期未答复。") % {
                "number": application.number,
                "matter": application.matter.name,
                "department": row.department.name,
                "due": row.due_on.isoformat(),
            }
            _tell(
                supervisors(),
                f"rectification-overdue:{row.pk}",
                title,
                body,
                link=_admin_link(Rectification, row.pk),
                sms=(
                    SMS_RECTIFICATION_OVERDUE,
                    {"number": application.number, "due": row.due_on.isoformat(), "department": row.department.name},
                ),
            )
            row.escalated_at = timezone.now()
            row._change_reason = _("整改超期督办")
            row.save(update_fields=["escalated_at"])
            escalated += 1
    return escalated


def notify_objection(objection_id: int) -> int:
    """公示异议: the matter's department approvers are told that an objection awaits their decision."""
    objection = Objection.objects.select_related("application__matter__department").filter(pk=objection_id).first()
    if objection is None:
        return 0
    application = objection.application
    title = _("公示异议待处理：%(number)s") % {"number": application.number}
    body = _("申报件%(number)s（%(matter)s）在公示期内收到异议，请核实后作出“异议不成立”或“异议成立”的决定。") % {
        "number": application.number,
        "matter": application.matter.name,
    }
    return _tell(
        department_staff(application.matter.department, [Role.APPROVER]),
        f"objection:{objection.pk}",
        title,
        body,
        link=_admin_link(Objection, objection.pk),
    )
