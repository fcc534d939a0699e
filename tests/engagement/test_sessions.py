"""线上政策咨询会: booking (places, deadline, one per enterprise), cancelling, questions in advance, reminders once,
the cancellation notice, answering, promoting into the policy's FAQs and what the public pages show."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement import sessions as services
from engagement.models import BookingState, ConsultationSession, SessionBooking, SessionState
from enterprises.models import EnterpriseMember
from portal.core.workflow import perform
from portal.notify.models import OutboxMessage, SiteMessage
from tests.backoffice.conftest import make_draft_policy, publish, staff_by_login
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.enterprises import EnterpriseMemberFactory

pytestmark = pytest.mark.django_db

CONFERENCE = "https://meeting.yichang.gov.cn/room/1"
RECORDING = "https://meeting.yichang.gov.cn/replay/1"


@pytest.fixture
def people(db):
    """The demo staff accounts by login (kjj_editor, kjj_reviewer, kjj_approver …), as the demo creates them."""
    from portal.org import demo as org_demo

    org_demo.load()
    return staff_by_login()


@pytest.fixture
def policy(people):
    """A policy of 市科技局 taken through its workflow to 已发布."""
    from portal.org.models import Department

    return publish(make_draft_policy(Department.objects.get(code="yc-kjj")), people)


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    from tests.after_commit import run_effects_on_return

    run_effects_on_return(request, monkeypatch, services, ("send_reminders",))


def enterprise_user(phone=None):
    """An enterprise user acting for a new enterprise of their own."""
    user = EnterpriseUserFactory(**({"phone": phone} if phone else {}))
    EnterpriseMemberFactory(user=user)
    return user


def make_session(policy, *, status=SessionState.PUBLISHED, starts_in=dt.timedelta(days=3), capacity=10, **values):
    starts = timezone.now() + starts_in
    fields = {
        "department": policy.lead_department,
        "policy": policy,
        "topic": "研发费用加计扣除政策线上咨询会",
        "host": "市科技局政策法规科",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1, minutes=30),
        "capacity": capacity,
        "booking_deadline": starts - dt.timedelta(hours=2),
        "conference_url": CONFERENCE,
        "status": status,
    }
    fields.update(values)
    session = ConsultationSession.objects.create(**fields)
    services.assign_ownership(session)
    return session


# --- booking -------------------------------------------------------------------------------------------------


def test_places_left_count_live_bookings_only(policy):
    session = make_session(policy, capacity=3)
    first, second = enterprise_user(), enterprise_user()
    services.book(session, user=first)
    booking = services.book(session, user=second)
    assert services.places_left(session) == 1  # 3 - 2
    services.cancel_booking(booking, user=second)
    assert services.places_left(session) == 2  # 3 - 1
    assert SessionBooking.objects.get(pk=booking.pk).status == BookingState.CANCELLED
    # booking again after cancelling is one live booking again
    services.book(session, user=second)
    assert services.places_left(session) == 1


def test_one_booking_per_enterprise(policy):
    session = make_session(policy)
    user = enterprise_user()
    services.book(session, user=user)
    colleague = EnterpriseUserFactory()
    EnterpriseMemberFactory(
        user=colleague, enterprise=user.enterprise_memberships.get().enterprise, role=EnterpriseMember.Role.AGENT
    )
    with pytest.raises(ValidationError) as refused:
        services.book(session, user=colleague)
    assert refused.value.messages == ["贵企业已预约该咨询会，无需重复预约。"]
    assert session.bookings.count() == 1


def test_booking_closes_when_full_and_at_the_deadline(policy):
    session = make_session(policy, capacity=1)
    services.book(session, user=enterprise_user())
    with pytest.raises(ValidationError) as full:
        services.book(session, user=enterprise_user())
    assert full.value.messages == ["名额已满。"]

    later = make_session(policy, capacity=5)
    with pytest.raises(ValidationError) as late:
        services.book(later, user=enterprise_user(), now=later.booking_deadline)
    deadline = timezone.localtime(later.booking_deadline).strftime("%Y-%m-%d %H:%M")
    assert late.value.messages == [f"报名已截止（截止时间{deadline}）。"]
    assert later.bookings.count() == 0


def test_only_enterprises_book_a_published_session(policy, people):
    draft = make_session(policy, status=SessionState.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.book(draft, user=enterprise_user())
    assert refused.value.messages == ["该咨询会当前不接受预约。"]
    with pytest.raises(PermissionDenied):
        services.book(make_session(policy), user=people["kjj_editor"])


def test_cancelling_is_before_the_start_and_for_ones_own_booking(policy):
    session = make_session(policy)
    user, other = enterprise_user(), enterprise_user()
    booking = services.book(session, user=user)
    with pytest.raises(ValidationError) as started:
        services.cancel_booking(booking, user=user, now=session.starts_at)
    assert started.value.messages == ["咨询会已开始，不能取消预约。"]
    with pytest.raises(SessionBooking.DoesNotExist):
        services.cancel_booking(booking, user=other)
    client = Client()
    client.force_login(other)
    response = client.post(reverse("engagement:session_cancel_booking", args=[booking.pk]))
    assert response.status_code == 404
    assert SessionBooking.objects.get(pk=booking.pk).status == BookingState.BOOKED


# --- questions ---------------------------------------------------------------------------------------------


def test_questions_are_normalised_limited_and_redacted(policy):
    session = make_session(policy)
    user = enterprise_user()
    with pytest.raises(ValidationError) as not_booked:
        services.submit_question(session, user=user, content="请问高企认定奖励怎么申请？")
    assert not_booked.value.messages == ["预约该咨询会后才能提交问题。"]
    services.book(session, user=user)

    question = services.submit_question(session, user=user, content="  请问ＡＢＣ类企业的１２３号文件如何申报？\r\n")
    assert question.content == "请问ABC类企业的123号文件如何申报？"
    assert question.personal_data == []

    hidden = services.submit_question(session, user=user, content="请回电１３８００１３８０００，说明奖励何时到账。")
    assert hidden.content == "请回电［已隐去］，说明奖励何时到账。"
    assert hidden.personal_data == ["mobile"]
    assert hidden.original_content == "请回电13800138000，说明奖励何时到账。"

    with pytest.raises(ValidationError) as short:
        services.submit_question(session, user=user, content="请问？")
    assert short.value.message_dict == {"content": ["请把问题写清楚（不少于5个字）。"]}
    with pytest.raises(ValidationError) as long:
        services.submit_question(session, user=user, content="问" * 501)
    assert long.value.message_dict == {"content": ["提问内容不能超过500个字。"]}

    services.submit_question(session, user=user, content="第三个问题：政策何时兑现？")
    with pytest.raises(ValidationError) as many:
        services.submit_question(session, user=user, content="第四个问题：政策何时兑现？")
    assert many.value.messages == ["每家企业最多提交3个问题。"]
    assert session.questions.count() == 3


def test_the_conference_link_is_shown_to_booked_enterprises_only(policy):
    session = make_session(policy, capacity=4)
    booked, other = enterprise_user(), enterprise_user()
    services.book(session, user=booked)
    client = Client()
    assert CONFERENCE not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(other)
    page = client.get(session.get_absolute_url()).content.decode()
    assert CONFERENCE not in page
    assert "共 4 个，剩余 3 个" in page
    client.force_login(booked)
    assert CONFERENCE in client.get(session.get_absolute_url()).content.decode()


def test_a_draft_is_not_public(policy):
    session = make_session(policy, status=SessionState.DRAFT)
    assert Client().get(session.get_absolute_url()).status_code == 404


# --- the schedule --------------------------------------------------------------------------------------------


def test_the_conference_link_is_https_and_on_the_citys_hosts(settings):
    with pytest.raises(ValidationError) as plain:
        services.check_conference_url("http://meeting.yichang.gov.cn/room/1")
    assert plain.value.message_dict == {"conference_url": ["会议链接须为https开头的网址。"]}
    services.check_conference_url("https://anything.example.com/x")  # no hosts listed: any https address
    settings.SESSION_CONFERENCE_HOSTS = ["meeting.yichang.gov.cn"]
    services.check_conference_url("https://meeting.yichang.gov.cn/room/1")
    services.check_conference_url("https://live.meeting.yichang.gov.cn/room/1")
    with pytest.raises(ValidationError) as other:
        services.check_conference_url("https://meeting.example.com/room/1")
    assert other.value.message_dict == {
        "conference_url": ["会议链接须为本市视频会议系统的地址（meeting.yichang.gov.cn）。"]
    }


def test_a_session_needs_a_policy_or_a_matter_in_the_database(policy):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSession.objects.create(
            department=policy.lead_department,
            topic="没有政策也没有事项",
            host="某某",
            starts_at=timezone.now() + dt.timedelta(days=2),
            ends_at=timezone.now() + dt.timedelta(days=2, hours=1),
            capacity=5,
            booking_deadline=timezone.now() + dt.timedelta(days=1),
            conference_url=CONFERENCE,
        )


# --- reminders, the check ------------------------------------------------------------------------------


def test_three_bookings_get_one_reminder_each_and_the_recording_reaches_the_policy_page(policy, people):
    session = make_session(policy, starts_in=dt.timedelta(hours=20))
    later = make_session(policy, starts_in=dt.timedelta(hours=30))
    users = [enterprise_user(f"1390000000{i}") for i in range(3)]
    for user in users:
        services.book(session, user=user)
    services.book(later, user=users[0])

    assert services.send_reminders() == 3
    sms = OutboxMessage.objects.filter(dedupe_key__startswith="sms:session-reminder:")
    assert sms.count() == 3
    assert sorted(m.phone for m in sms) == ["13900000000", "13900000001", "13900000002"]
    start = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
    assert {m.text for m in sms} == {
        f"您预约的线上政策咨询会“{session.topic}”将于{start}开始，请登录平台查看会议链接。"
    }
    site = SiteMessage.objects.filter(dedupe_key__startswith="session-reminder:")
    assert sorted(site.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
    assert site.count() == 3

    assert services.send_reminders() == 0
    assert OutboxMessage.objects.filter(dedupe_key__startswith="sms:session-reminder:").count() == 3
    assert SiteMessage.objects.filter(dedupe_key__startswith="session-reminder:").count() == 3

    # after the session: held, the recording recorded and published
    reviewer = people["kjj_reviewer"]
    perform(session, "hold", by=reviewer, at=session.starts_at + dt.timedelta(hours=2))
    ConsultationSession.objects.filter(pk=session.pk).update(recording_url=RECORDING)
    perform(session, "replay", by=reviewer)
    page = Client().get(policy.get_absolute_url()).content.decode()
    assert RECORDING in page
    assert later.topic in page  # the upcoming one with its booking link
    assert f"{later.get_absolute_url()}#booking" in page


def test_the_beat_task_sends_the_due_reminders(policy):
    from engagement.tasks_sessions import session_reminders

    session = make_session(policy, starts_in=dt.timedelta(hours=5))
    services.book(session, user=enterprise_user())
    services.book(session, user=enterprise_user())
    assert session_reminders() == 2
    assert session_reminders() == 0
    assert session.bookings.filter(reminded_at__isnull=False).count() == 2


def test_cancelling_a_session_tells_every_booker(policy, people):
    session = make_session(policy)
    first, second, gone = enterprise_user(), enterprise_user(), enterprise_user()
    services.book(session, user=first)
    services.book(session, user=second)
    services.cancel_booking(services.book(session, user=gone), user=gone)
    perform(session, "cancel", by=people["kjj_approver"], reason="主讲人临时出差，另行安排")
    sms = OutboxMessage.objects.filter(dedupe_key__startswith="sms:session-cancelled:")
    assert sorted(m.phone for m in sms) == sorted([first.phone, second.phone])
    assert {m.params["reason"] for m in sms} == {"主讲人临时出差，另行安排"}
    site = SiteMessage.objects.filter(dedupe_key__startswith="session-cancelled:")
    assert sorted(site.values_list("user_id", flat=True)) == sorted([first.pk, second.pk])


# --- after the session ------------------------------------------------------------------------------------------


def test_answering_and_promoting_once(policy, people):
    from policies.models import PolicyFAQ

    session = make_session(policy)
    user = enterprise_user()
    services.book(session, user=user)
    question = services.submit_question(session, user=user, content="高企认定奖励何时兑付？")
    reviewer, editor = people["kjj_reviewer"], people["kjj_editor"]
    with pytest.raises(ValidationError) as early:
        services.answer_question(question, by=reviewer, text="认定公布后两个月内兑付。")
    assert early.value.messages == ["咨询会举行后才能答复提问。"]
    perform(session, "hold", by=reviewer, at=session.starts_at + dt.timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        services.answer_question(question, by=editor, text="认定公布后两个月内兑付。")
    with pytest.raises(ValidationError) as personal:
        services.answer_question(question, by=reviewer, text="请致电王经理0717-6221234咨询。")
    assert personal.value.message_dict == {"answer": ["答复将公开展示，请先删去其中的个人信息（姓名、固定电话）。"]}
    services.answer_question(question, by=reviewer, text="认定公布后两个月内兑付。")

    PolicyFAQ.objects.create(policy=policy, position=4, question="已有问题", answer="已有答复")
    faq = services.promote(question, by=reviewer)
    assert (faq.position, faq.question, faq.answer) == (5, "高企认定奖励何时兑付？", "认定公布后两个月内兑付。")
    with pytest.raises(ValidationError) as again:
        services.promote(question, by=reviewer)
    assert again.value.messages == ["该提问已转为常见问题，不能重复转入。"]
    assert PolicyFAQ.objects.filter(policy=policy).count() == 2


def test_the_list_filters_by_department(policy, people):
    from tests.factories.org import DepartmentFactory

    mine = make_session(policy, topic="科技局的咨询会")
    other_department = DepartmentFactory(region=policy.region)
    make_session(policy, topic="另一个部门的咨询会", department=other_department)
    client = Client()
    everything = client.get(reverse("engagement:sessions")).content.decode()
    assert "科技局的咨询会" in everything and "另一个部门的咨询会" in everything
    filtered = client.get(reverse("engagement:sessions"), {"department": mine.department_id}).content.decode()
    assert "科技局的咨询会" in filtered and "另一个部门的咨询会" not in filtered


def test_my_bookings_and_the_space_block(policy):
    session = make_session(policy)
    user = enterprise_user()
    services.book(session, user=user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("engagement:session_bookings")).content.decode()
    assert session.topic in page
    enterprise = user.enterprise_memberships.get().enterprise
    block = services.bookings_block(enterprise, user)
    assert block["total"] == 1 and [b.session_id for b in block["upcoming"]] == [session.pk]


def test_a_booking_made_again_after_cancelling_is_one_line_with_both_states(policy):
    session = make_session(policy)
    user = enterprise_user()
    first = services.book(session, user=user)
    services.cancel_booking(first, user=user)
    services.book(session, user=user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("engagement:session_bookings")).content.decode()
    assert page.count("data-booking=") == 1
    assert "已预约" in page and "咨询会：报名中" in page


def test_cancelling_when_signed_out_leads_back_to_the_bookings_after_login(policy):
    session = make_session(policy)
    booking = services.book(session, user=enterprise_user())
    response = Client().post(reverse("engagement:session_cancel_booking", args=[booking.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/sessions/bookings/"
    assert SessionBooking.objects.get().status == BookingState.BOOKED


def test_a_question_refused_where_the_page_has_no_question_form_is_told_as_a_message(policy):
    session = make_session(policy)
    user = enterprise_user()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("engagement:session_ask", args=[session.pk]), {"content": "研发费用如何归集？"}, follow=True
    )
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert "预约该咨询会后才能提交问题。" in response.content.decode()


def test_demo_load_is_idempotent(people):
    from engagement import demo_sessions
    from engagement.models import SessionQuestion
    from enterprises import demo as enterprises_demo
    from policies import demo as policies_demo

    enterprises_demo.load()
    policies_demo.load()
    demo_sessions.load()
    demo_sessions.load()
    assert ConsultationSession.objects.filter(topic=demo_sessions.UPCOMING, status=SessionState.PUBLISHED).count() == 1
    past = ConsultationSession.objects.get(topic=demo_sessions.PAST)
    assert (past.status, past.recording_url) == (SessionState.REPLAYED, demo_sessions.RECORDING)
    assert SessionQuestion.objects.filter(session=past, answered_at__isnull=False).count() == 2
    assert SessionBooking.objects.filter(session__topic=demo_sessions.UPCOMING).count() == 1
    held = ConsultationSession.objects.get(topic=demo_sessions.HELD)
    assert (held.status, held.recording_url) == (SessionState.HELD, "")
    assert held.questions.filter(answered_at__isnull=True).count() == 1
    assert all(b.booked_at <= held.booking_deadline for b in held.bookings.all())
