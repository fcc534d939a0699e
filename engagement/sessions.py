"""线上政策咨询会 (online consultation sessions: 云综窗 宜昌 §35, 云直播 无锡 §6(六)): use cases and registrations.

The workflow (`SESSION`, on the kernel):

    draft（草稿）─提交审核→ submitted（待审核）─发布→ published（报名中）─记为已举行→ held（已举行）─公布回放→ replayed
      ↑──────────退回修改（理由）──────┘
    draft | submitted | published ─取消（理由）→ cancelled（已取消, every booker is told: site message and SMS）

Who (the department's object permissions, as for policies): the editors of the department submit; its approvers
publish, return and cancel; its reviewers and approvers record that the session was held, its recording, the
answers to the questions, and promote an answer into the policy's FAQs (once).

Enterprises (an enterprise user acts for the first enterprise they are a member of) book while the session is
报名中, before the deadline and while places are left — the count is taken under a lock of the session's row,
so the last place goes to one of two enterprises asking at once; they cancel before the start and submit up
to `QUESTIONS_PER_ENTERPRISE` questions before the start (normalised, `QUESTION_MIN`–`QUESTION_MAX`
characters, personal data hidden in the public text by `appeals.interaction.redact`).

The conference link must be an https URL; `settings.SESSION_CONFERENCE_HOSTS`, when not empty, lists the hosts of
the city's own video system it must be on (a host or a subdomain of one). Only booked enterprises see it.

Reminders: each live booking is reminded once, `settings.SESSION_REMINDER_HOURS` (24) hours before the start, by
a site message and an SMS through the outbox (`send_reminders`, run by the beat task
`engagement.session_reminders`); the booking's `reminded_at` and the dedupe keys `session-reminder:<booking>`
make a second run send nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engagement.models import BookingState, ConsultationSession, SessionBooking, SessionQuestion, SessionState
from enterprises.selectors import acting_enterprise
from portal.core import normalize
from portal.core.workflow import Transition, Workflow, perform
from portal.org.permissions import can, grant_to_department

log = logging.getLogger(__name__)

S = SessionState
ARTICLE = "宜昌 §35、无锡 §6(六)"
QUESTION_MIN = 5
QUESTION_MAX = 500
QUESTIONS_PER_ENTERPRISE = 3
ANSWER_MIN = 5
ANSWER_MAX = 5000
SMS_REMINDER = "session_reminder"
SMS_REMINDER_TEXT = "您预约的线上政策咨询会“{topic}”将于{start}开始，请登录平台查看会议链接。"
SMS_CANCELLED = "session_cancelled"
SMS_CANCELLED_TEXT = "您预约的线上政策咨询会“{topic}”（{start}）已取消：{reason}"
OWNER_PERMS = ["view", "change", "submit", "approve", "record"]
PUBLIC_STATES = (S.PUBLISHED, S.HELD, S.REPLAYED, S.CANCELLED)


def local(moment: dt.datetime) -> str:
    """2026-12-03 14:30, local time."""
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- checks of a session as scheduled -----------------------------------------------------------------


def conference_hosts() -> list[str]:
    return [h.strip().lower() for h in getattr(settings, "SESSION_CONFERENCE_HOSTS", []) if h.strip()]


def check_conference_url(url: str) -> None:
    """ValidationError unless `url` is https (and on one of SESSION_CONFERENCE_HOSTS when that is set)."""
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError({"conference_url": _("会议链接须为https开头的网址。")}, code="not_https")
    hosts = conference_hosts()
    host = parts.hostname.lower()
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        raise ValidationError(
            {"conference_url": _("会议链接须为本市视频会议系统的地址（%(hosts)s）。") % {"hosts": "、".join(hosts)}},
            code="host",
        )


def check_schedule(session: ConsultationSession) -> None:
    """The session's own rules, field by field in Chinese (the DB constraints say the same)."""
    errors = {}
    if not session.policy_id and not session.matter_id:
        errors["policy"] = _("请选择相关政策或相关事项（至少一项）。")
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间。")
    if session.starts_at and session.booking_deadline and session.booking_deadline > session.starts_at:
        errors["booking_deadline"] = _("报名截止时间不得晚于开始时间。")
    if session.capacity is not None and session.capacity < 1:
        errors["capacity"] = _("名额至少为1。")
    if session.conference_url:
        try:
            check_conference_url(session.conference_url)
        except ValidationError as error:
            errors.update(error.message_dict)
    if session.recording_url and urlsplit(session.recording_url).scheme != "https":
        errors["recording_url"] = _("回放链接须为https开头的网址。")
    if session.pk and session.capacity is not None:
        booked = session.bookings.filter(status=BookingState.BOOKED).count()
        if session.capacity < booked:
            errors["capacity"] = _("已有%(n)d家企业预约，名额不能少于%(n)d。") % {"n": booked}
    if errors:
        raise ValidationError(errors)


def assign_ownership(session: ConsultationSession) -> None:
    """The session's department gets every object permission on it (the roles decide who uses which)."""
    grant_to_department(session, session.department, [f"{p}_consultationsession" for p in OWNER_PERMS])


# --- the workflow ---------------------------------------------------------------------------------------


def _future_start(step) -> None:
    if step.obj.starts_at <= step.at:
        raise ValidationError(_("开始时间已过，请修改时间后再提交。"), code="past")


def _publish_guard(step) -> None:
    _future_start(step)
    if step.obj.booking_deadline <= step.at:
        raise ValidationError(_("报名截止时间已过，请修改后再发布。"), code="deadline_past")


def _publish(step) -> None:
    step.obj.published_at = step.at


def _held_guard(step) -> None:
    if step.obj.starts_at > step.at:
        raise ValidationError(_("咨询会尚未开始，不能记为已举行。"), code="not_started")


def _replay_guard(step) -> None:
    if not step.obj.recording_url:
        raise ValidationError(_("请先在咨询会中填写回放链接，再公布回放。"), code="no_recording")


def _replay(step) -> None:
    step.obj.replayed_at = step.at


def _cancel(step) -> None:
    step.obj.cancel_reason = step.reason[:500]


def _tell_bookers_cancelled(session) -> None:
    tell_bookers_cancelled(session)


APPROVE = "engagement.approve_consultationsession"
RECORD = "engagement.record_consultationsession"

SESSION = Workflow(
    ConsultationSession,
    key="consultation_session",
    label=gettext_lazy("线上政策咨询会流程"),
    transitions=[
        Transition(
            "submit",
            gettext_lazy("提交审核"),
            sources={S.DRAFT},
            target=S.SUBMITTED,
            permission="engagement.submit_consultationsession",
            guard=_future_start,
            article=ARTICLE,
        ),
        Transition(
            "return",
            gettext_lazy("退回修改"),
            sources={S.SUBMITTED},
            target=S.DRAFT,
            permission=APPROVE,
            reason_required=True,
            reason_label=gettext_lazy("退回理由"),
            reason_min_length=4,
            article=ARTICLE,
        ),
        Transition(
            "publish",
            gettext_lazy("发布（开放报名）"),
            sources={S.SUBMITTED},
            target=S.PUBLISHED,
            permission=APPROVE,
            guard=_publish_guard,
            run=_publish,
            article=ARTICLE,
        ),
        Transition(
            "hold",
            gettext_lazy("记为已举行"),
            sources={S.PUBLISHED},
            target=S.HELD,
            permission=RECORD,
            guard=_held_guard,
            article=ARTICLE,
        ),
        Transition(
            "replay",
            gettext_lazy("公布回放"),
            sources={S.HELD},
            target=S.REPLAYED,
            permission=RECORD,
            guard=_replay_guard,
            run=_replay,
            article=ARTICLE,
        ),
        Transition(
            "cancel",
            gettext_lazy("取消咨询会"),
            sources={S.DRAFT, S.SUBMITTED, S.PUBLISHED},
            target=S.CANCELLED,
            permission=APPROVE,
            reason_required=True,
            reason_label=gettext_lazy("取消原因（将告知已预约企业）"),
            reason_min_length=4,
            run=_cancel,
            after_commit=(_tell_bookers_cancelled,),
            article=ARTICLE,
        ),
    ],
)


# --- reading ----------------------------------------------------------------------------------------------


def public_sessions():
    return ConsultationSession.objects.filter(status__in=PUBLIC_STATES).select_related("department", "policy", "matter")


def with_booked(queryset):
    return queryset.annotate(booked=Count("bookings", filter=Q(bookings__status=BookingState.BOOKED)))


def booked_count(session) -> int:
    return session.bookings.filter(status=BookingState.BOOKED).count()


def places_left(session) -> int:
    booked = getattr(session, "booked", None)
    if booked is None:
        booked = booked_count(session)
    return max(session.capacity - booked, 0)


def booking_of(session, enterprise):
    if enterprise is None:
        return None
    return session.bookings.filter(enterprise=enterprise, status=BookingState.BOOKED).first()


def booking_closed_reason(session, *, now=None, left: int | None = None) -> str:
    """Why booking is closed now (Chinese), or "" while it is open."""
    now = now or timezone.now()
    if session.status != S.PUBLISHED:
        return _("该咨询会当前不接受预约。")
    if now >= session.booking_deadline:
        return _("报名已截止（截止时间%(at)s）。") % {"at": local(session.booking_deadline)}
    if (places_left(session) if left is None else left) <= 0:
        return _("名额已满。")
    return ""


# --- booking -----------------------------------------------------------------------------------------------


def _acting_enterprise(user, message):
    enterprise = acting_enterprise(user)
    if enterprise is None:
        raise PermissionDenied(message)
    return enterprise


@transaction.atomic
def book(session, *, user, now=None) -> SessionBooking:
    """Books a place for the user's enterprise; the session's row is locked while the places are counted."""
    enterprise = _acting_enterprise(user, _("请使用企业账号登录后预约。"))
    now = now or timezone.now()
    session = ConsultationSession.objects.select_for_update().get(pk=session.pk)
    if booking_of(session, enterprise) is not None:
        raise ValidationError(_("贵企业已预约该咨询会，无需重复预约。"), code="booked")
    reason = booking_closed_reason(session, now=now, left=places_left(session))
    if reason:
        raise ValidationError(reason, code="closed")
    booking = SessionBooking(session=session, enterprise=enterprise, user=user)
    booking._history_user = user
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError(_("贵企业已预约该咨询会，无需重复预约。"), code="booked") from None
    return booking


def own_booking(user, pk) -> SessionBooking:
    """A live or cancelled booking of the user's enterprise; SessionBooking.DoesNotExist for anyone else's."""
    enterprise = acting_enterprise(user)
    return SessionBooking.objects.select_related("session").get(pk=pk, enterprise=enterprise)


@transaction.atomic
def cancel_booking(booking, *, user, now=None) -> SessionBooking:
    """Cancels the enterprise's booking before the session starts (another enterprise's: DoesNotExist)."""
    now = now or timezone.now()
    booking = SessionBooking.objects.select_for_update().get(pk=booking.pk, enterprise=acting_enterprise(user))
    if booking.status != BookingState.BOOKED:
        raise ValidationError(_("该预约已取消。"), code="cancelled")
    if now >= booking.session.starts_at:
        raise ValidationError(_("咨询会已开始，不能取消预约。"), code="started")
    booking.status = BookingState.CANCELLED
    booking.cancelled_at = now
    booking._history_user = user
    booking._change_reason = _("企业取消预约")
    booking.save()
    return booking


# --- questions in advance -----------------------------------------------------------------------------------


# Full-width digits and Latin letters (０–９, Ａ–Ｚ, ａ–ｚ) and the ideographic space read as their ASCII forms; Chinese
# punctuation（，。？）stays as typed.
_FULL_WIDTH = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}


def check_question(content: str) -> str:
    """The question normalised (full-width letters and digits folded, `normalize.prose`), or ValidationError."""
    content = normalize.prose((content or "").translate(_FULL_WIDTH))
    if len(content) < QUESTION_MIN:
        raise ValidationError({"content": _("请把问题写清楚（不少于%(n)d个字）。") % {"n": QUESTION_MIN}})
    if len(content) > QUESTION_MAX:
        raise ValidationError({"content": _("提问内容不能超过%(n)d个字。") % {"n": QUESTION_MAX}})
    return content


@transaction.atomic
def submit_question(session, *, user, content: str, now=None) -> SessionQuestion:
    """A question of a booked enterprise before the start; personal data hidden in the public text."""
    from appeals.interaction import redact

    enterprise = _acting_enterprise(user, _("请使用企业账号登录后提问。"))
    now = now or timezone.now()
    session = ConsultationSession.objects.select_for_update().get(pk=session.pk)
    if booking_of(session, enterprise) is None:
        raise ValidationError(_("预约该咨询会后才能提交问题。"), code="not_booked")
    if session.status != S.PUBLISHED or now >= session.starts_at:
        raise ValidationError(_("咨询会已开始或不在报名中，不能再提交问题。"), code="closed")
    content = check_question(content)
    asked = session.questions.filter(enterprise=enterprise).count()
    if asked >= QUESTIONS_PER_ENTERPRISE:
        raise ValidationError(_("每家企业最多提交%(n)d个问题。") % {"n": QUESTIONS_PER_ENTERPRISE}, code="too_many")
    public, kinds = redact(content)
    question = SessionQuestion(
        session=session,
        enterprise=enterprise,
        asker=user,
        content=public,
        original_content=content if kinds else "",
        personal_data=kinds,
    )
    question._history_user = user
    question.save()
    return question


# --- after the session -----------------------------------------------------------------------------------------


def may_answer(user, session) -> bool:
    """The department's reviewers and approvers (and platform admins)."""
    return can(user, "engagement.answer_sessionquestion") and can(user, RECORD, session)


def check_answer(text: str) -> str:
    """The answer normalised, or ValidationError: too short, too long, or with personal data (it is public)."""
    from appeals.interaction import find_personal_data, kinds_label

    text = normalize.prose(text)
    if len(text) < ANSWER_MIN:
        raise ValidationError({"answer": _("请填写答复内容（不少于%(n)d个字）。") % {"n": ANSWER_MIN}})
    if len(text) > ANSWER_MAX:
        raise ValidationError({"answer": _("答复内容不能超过%(n)d个字。") % {"n": ANSWER_MAX}})
    found = find_personal_data(text)
    if found:
        kinds = kinds_label(dict.fromkeys(f.kind for f in found))
        raise ValidationError({"answer": _("答复将公开展示，请先删去其中的个人信息（%(kinds)s）。") % {"kinds": kinds}})
    return text


@transaction.atomic
def answer_question(question, *, by, text: str, now=None) -> SessionQuestion:
    question = SessionQuestion.objects.select_for_update(of=("self",)).select_related("session").get(pk=question.pk)
    if not may_answer(by, question.session):
        raise PermissionDenied(_("只有举办部门的审核或审批人员可以答复咨询会提问。"))
    if question.session.status not in (S.HELD, S.REPLAYED):
        raise ValidationError(_("咨询会举行后才能答复提问。"), code="not_held")
    if question.promoted:
        raise ValidationError(_("该提问已转为常见问题，答复不能再修改。"), code="promoted")
    question.answer = check_answer(text)
    question.answered_by = by
    question.answered_at = now or timezone.now()
    question._history_user = by
    question._change_reason = _("答复")
    question.save()
    return question


@transaction.atomic
def promote(question, *, by):
    """The answered question becomes one of the session's policy's FAQs (once); returns the PolicyFAQ."""
    from appeals.interaction import add_faq

    question = (
        SessionQuestion.objects.select_for_update(of=("self",)).select_related("session__policy").get(pk=question.pk)
    )
    if not may_answer(by, question.session):
        raise PermissionDenied(_("只有举办部门的审核或审批人员可以把答复转为常见问题。"))
    if not question.answered:
        raise ValidationError(_("只有已答复的提问才能转为常见问题。"), code="not_answered")
    if question.promoted:
        raise ValidationError(_("该提问已转为常见问题，不能重复转入。"), code="promoted")
    if question.session.policy_id is None:
        raise ValidationError(_("该咨询会没有关联政策，无法转为政策常见问题。"), code="no_policy")
    faq = add_faq(question.session.policy, question.content, question.answer, by=by, reason=_("由咨询会提问转入"))
    question.policy_faq = faq
    question.promoted_by = by
    question.promoted_at = timezone.now()
    question._history_user = by
    question._change_reason = _("转为常见问题")
    question.save()
    return faq


# --- notices -----------------------------------------------------------------------------------------------


def ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_REMINDER, _("咨询会开始提醒"), SMS_REMINDER_TEXT)
    ensure_template(SMS_CANCELLED, _("咨询会取消通知"), SMS_CANCELLED_TEXT)


def _notify(bookings, *, key: str, title: str, body, sms_template: str, sms_params) -> None:
    """A site message and an SMS per booking, each under its dedupe key `<key>:<booking>`."""
    from portal.notify.services import queue_sms, send_site_message_batch

    ensure_templates()
    for booking in bookings:
        session = booking.session
        send_site_message_batch(
            [(booking.user_id, f"{key}:{booking.pk}")], title, body(session), link=session.get_absolute_url()
        )
        phone = booking.user.phone
        if phone:
            try:
                queue_sms(phone, sms_template, sms_params(session), dedupe_key=f"sms:{key}:{booking.pk}")
            except ValidationError:
                log.warning("session SMS not queued", extra={"booking": booking.pk, "template": sms_template})


def reminder_hours() -> int:
    return int(getattr(settings, "SESSION_REMINDER_HOURS", 24))


def due_reminders(now=None):
    now = now or timezone.now()
    return SessionBooking.objects.filter(
        status=BookingState.BOOKED,
        reminded_at__isnull=True,
        session__status=S.PUBLISHED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + dt.timedelta(hours=reminder_hours()),
    )


def send_reminders(now=None) -> int:
    """Reminds every live booking of a session starting within SESSION_REMINDER_HOURS, once; returns how many."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        bookings = list(
            due_reminders(now).select_related("session", "user").select_for_update(skip_locked=True, of=("self",))
        )
        _notify(
            bookings,
            key="session-reminder",
            title=_("咨询会开始提醒"),
            body=lambda s: (
                _("您预约的线上政策咨询会“%(topic)s”将于%(start)s开始，会议链接见咨询会页面。")
                % {"topic": s.topic, "start": local(s.starts_at)}
            ),
            sms_template=SMS_REMINDER,
            sms_params=lambda s: {"topic": s.topic, "start": local(s.starts_at)},
        )
        for booking in bookings:
            booking.reminded_at = now
            booking._change_reason = _("已发送开始提醒")
            booking.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def tell_bookers_cancelled(session) -> None:
    bookings = list(session.bookings.filter(status=BookingState.BOOKED).select_related("session", "user"))
    _notify(
        bookings,
        key="session-cancelled",
        title=_("咨询会已取消"),
        body=lambda s: (
            _("您预约的线上政策咨询会“%(topic)s”（%(start)s）已取消：%(reason)s")
            % {"topic": s.topic, "start": local(s.starts_at), "reason": s.cancel_reason}
        ),
        sms_template=SMS_CANCELLED,
        sms_params=lambda s: {"topic": s.topic, "start": local(s.starts_at), "reason": s.cancel_reason},
    )


# --- transitions, as the screens call them ------------------------------------------------------------------


def transition(session, name: str, *, by, reason: str = ""):
    return perform(session, name, by=by, reason=reason)


# --- the policy page, the enterprise space, the navigation ------------------------------------------------------


class PolicySessions:
    """线上政策咨询会 on a public policy's page: upcoming sessions (with the booking link) and past ones (their
    recording and answered questions)."""

    template = "engagement/sessions/policy_block.html"

    def context(self, policy) -> dict | None:
        sessions = with_booked(public_sessions().filter(policy=policy))
        upcoming = list(sessions.filter(status=S.PUBLISHED).order_by("starts_at"))
        past = list(sessions.filter(status=S.REPLAYED).prefetch_related("questions").order_by("-starts_at"))
        for session in past:
            session.answered_questions = [q for q in session.questions.all() if q.answered]
        for session in upcoming:
            session.places_left = places_left(session)
        if not upcoming and not past:
            return None
        return {"upcoming": upcoming, "past": past}


def bookings_block(enterprise, user) -> dict:
    live = SessionBooking.objects.filter(enterprise=enterprise, status=BookingState.BOOKED)
    upcoming = live.filter(session__status=S.PUBLISHED).select_related("session").order_by("session__starts_at")
    return {"upcoming": list(upcoming[:5]), "total": live.count()}


def _register() -> None:
    from enterprises.space import space_blocks
    from policies.selectors import policy_detail_blocks

    policy_detail_blocks.add("sessions", PolicySessions(), label=gettext_lazy("线上政策咨询会"), order=30)
    space_blocks.add(
        "sessions",
        bookings_block,
        label=gettext_lazy("我的预约"),
        order=9,
        template="engagement/sessions/space_block.html",
    )


_register()
