"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): demo data.

市科技局 holds three sessions on one of its published policies: one in three days (报名中), booked by the demo
enterprise (13800138000) with a question submitted in advance, one a week ago (已公布回放) with its recording
and two answered questions, and one held two days ago (已举行) whose recording and answer are still to come.
Loading again changes nothing (found by policy and topic).
"""

import datetime as dt

from django.utils import timezone

from engagement.models import BookingState, ConsultationSession, SessionBooking, SessionQuestion, SessionState
from engagement.sessions import assign_ownership

UPCOMING = "研发费用加计扣除与高企认定政策线上咨询会"
PAST = "科技创新政策“云直播”解读会"
HELD = "科技型中小企业评价政策线上咨询会"
CONFERENCE = "https://meeting.yichang.gov.cn/room/kjj-2026"
RECORDING = "https://meeting.yichang.gov.cn/replay/kjj-2026-11"
QUESTIONS = [
    (
        "研发费用加计扣除可以在季度预缴时享受吗？",
        "可以。企业可在第3季度预缴申报时，自主选择就上半年研发费用享受加计扣除。",
    ),
    ("高新技术企业认定奖励什么时候兑付？", "认定公布后，市科技局在平台上架申报事项，审核通过后由财政直达企业账户。"),
]


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _session(policy, topic: str, **values) -> ConsultationSession:
    session = ConsultationSession.objects.filter(policy=policy, topic=topic).first()
    if session is None:
        session = ConsultationSession(policy=policy, topic=topic, department=policy.lead_department, **values)
        session._change_reason = "演示数据"
        session.save()
    assign_ownership(session)
    return session


def load() -> None:
    from policies.models import Policy
    from portal.accounts.models import User
    from portal.org.demo import ENTERPRISE_PHONE

    policy = (
        Policy.objects.filter(lead_department__code="yc-kjj", status=Policy.Status.PUBLISHED).order_by("pk").first()
    )
    try:
        user = User.objects.get_by_phone(ENTERPRISE_PHONE)
    except User.DoesNotExist:
        user = None
    membership = user.enterprise_memberships.select_related("enterprise").first() if user else None
    if policy is None or membership is None:
        return
    enterprise = membership.enterprise
    now = timezone.now()
    upcoming = _session(
        policy,
        UPCOMING,
        description="市科技局政策法规科讲解研发费用加计扣除、高新技术企业认定奖励的条件和申报流程，现场答疑。",
        host="市科技局政策法规科 王科长",
        starts_at=_at(3, 14, 30),
        ends_at=_at(3, 16, 0),
        capacity=50,
        booking_deadline=_at(2, 17, 0),
        conference_url=CONFERENCE,
        status=SessionState.PUBLISHED,
        published_at=now,
    )
    past = _session(
        policy,
        PAST,
        description="解读本市支持科技创新的若干措施。",
        host="市科技局 李主任",
        starts_at=_at(-7, 9, 30),
        ends_at=_at(-7, 11, 0),
        capacity=100,
        booking_deadline=_at(-8, 17, 0),
        conference_url=CONFERENCE,
        recording_url=RECORDING,
        status=SessionState.REPLAYED,
        published_at=now - dt.timedelta(days=14),
        replayed_at=now - dt.timedelta(days=6),
    )
    held = _session(
        policy,
        HELD,
        description="讲解科技型中小企业评价入库的条件和流程，现场答疑。",
        host="市科技局高新科 陈科长",
        starts_at=_at(-2, 15, 0),
        ends_at=_at(-2, 16, 30),
        capacity=80,
        booking_deadline=_at(-3, 17, 0),
        conference_url=CONFERENCE,
        status=SessionState.HELD,
        published_at=now - dt.timedelta(days=10),
    )
    for session in (upcoming, past, held):
        if not session.bookings.filter(enterprise=enterprise, status=BookingState.BOOKED).exists():
            booking = SessionBooking.objects.create(session=session, enterprise=enterprise, user=user)
            if session is not upcoming:
                # booked while booking was open, not on the day the demo was loaded
                SessionBooking.objects.filter(pk=booking.pk).update(
                    booked_at=session.booking_deadline - dt.timedelta(days=2)
                )
    if not held.questions.exists():
        question = SessionQuestion.objects.create(
            session=held,
            enterprise=enterprise,
            asker=user,
            content="科技型中小企业评价入库后，多久可以享受研发费用加计扣除？",
        )
        SessionQuestion.objects.filter(pk=question.pk).update(submitted_at=held.booking_deadline - dt.timedelta(days=1))
    if not upcoming.questions.exists():
        SessionQuestion.objects.create(
            session=upcoming, enterprise=enterprise, asker=user, content="已认定的高企，本年度还能享受哪些政策？"
        )
    if not past.questions.exists():
        for content, answer in QUESTIONS:
            SessionQuestion.objects.create(
                session=past,
                enterprise=enterprise,
                asker=user,
                content=content,
                answer=answer,
                answered_at=now - dt.timedelta(days=6),
            )
        past.questions.update(submitted_at=past.booking_deadline - dt.timedelta(days=1))
