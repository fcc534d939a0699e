"""The back office of 线上政策咨询会: every add and change form a department role reaches, submitted with valid and
with invalid data by that role (the page's own values posted back, tests/backoffice/roundtrip.py)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement import sessions as services
from engagement.models import ConsultationSession, SessionQuestion, SessionState
from policies.models import PolicyFAQ
from portal.core.workflow import perform
from tests.backoffice import pages
from tests.backoffice.roundtrip import AdminPage, signed_in
from tests.engagement.test_sessions import enterprise_user, make_session, people, policy  # noqa: F401

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:engagement_consultationsession_add")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def session_admin():
    return admin.site._registry[ConsultationSession]


def question_admin():
    return admin.site._registry[SessionQuestion]


def _when(page, name, moment):
    local = timezone.localtime(moment)
    page.set(f"{name}_0", local.strftime("%Y-%m-%d")).set(f"{name}_1", local.strftime("%H:%M:%S"))


def _schedule(page, policy, starts):  # noqa: F811
    page.set("topic", "研发费用加计扣除政策线上咨询会").set("host", "政策法规科 王科长").set("capacity", "30")
    page.set("policy", str(policy.pk)).set("conference_url", "https://meeting.yichang.gov.cn/room/7")
    _when(page, "starts_at", starts)
    _when(page, "ends_at", starts + dt.timedelta(hours=1))
    _when(page, "booking_deadline", starts - dt.timedelta(days=1))


def test_the_editor_adds_a_session_for_the_department(people, policy):  # noqa: F811
    editor = people["kjj_editor"]
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    page = AdminPage(signed_in(editor), ADD_URL, session_admin(), editor)
    _schedule(page, policy, starts)
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    session = ConsultationSession.objects.get(topic="研发费用加计扣除政策线上咨询会")
    assert (session.department.code, session.status, session.capacity) == ("yc-kjj", SessionState.DRAFT, 30)
    assert session.starts_at == starts
    # the department owns it: its editor submits it, its approver publishes it
    perform(session, "submit", by=editor)
    perform(session, "publish", by=people["kjj_approver"])
    session.refresh_from_db()
    assert session.status == SessionState.PUBLISHED


def test_the_editor_is_told_what_is_wrong_and_nothing_is_saved(people, policy):  # noqa: F811
    editor = people["kjj_editor"]
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    page = AdminPage(signed_in(editor), ADD_URL, session_admin(), editor)
    _schedule(page, policy, starts)
    page.set("policy", "").set("conference_url", "http://meeting.yichang.gov.cn/room/7").set("capacity", "0")
    _when(page, "ends_at", starts - dt.timedelta(hours=1))
    _when(page, "booking_deadline", starts + dt.timedelta(hours=1))
    response = page.post()
    assert response.status_code == 200
    errors = pages.context_errors(response) + pages.form_errors(response)
    for message in [
        "请选择相关政策或相关事项（至少一项）。",
        "结束时间须晚于开始时间。",
        "报名截止时间不得晚于开始时间。",
        "会议链接须为https开头的网址。",
    ]:
        assert message in errors, errors
    assert "名额至少为1。" in errors
    # each rule is said once, next to its field, never as the database constraint's generic message
    assert not [error for error in errors if "约束" in error or "constraint" in error.lower()], errors
    assert response.context["adminform"].form.non_field_errors() == []
    assert not ConsultationSession.objects.exists()


def test_the_editor_changes_a_draft_valid_and_invalid(people, policy):  # noqa: F811
    editor = people["kjj_editor"]
    session = make_session(policy, status=SessionState.DRAFT)
    url = reverse("admin:engagement_consultationsession_change", args=[session.pk])
    response = AdminPage(signed_in(editor), url, session_admin(), editor, session).set("capacity", "0").post()
    assert response.status_code == 200
    assert "名额至少为1。" in pages.context_errors(response) + pages.form_errors(response)
    session.refresh_from_db()
    assert session.capacity == 10
    response = AdminPage(signed_in(editor), url, session_admin(), editor, session).set("capacity", "40").post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    session.refresh_from_db()
    assert session.capacity == 40


def test_the_reviewer_records_the_recording_after_the_session(people, policy):  # noqa: F811
    reviewer = people["kjj_reviewer"]
    session = make_session(policy)
    perform(session, "hold", by=reviewer, at=session.starts_at + dt.timedelta(hours=2))
    session.refresh_from_db()
    url = reverse("admin:engagement_consultationsession_change", args=[session.pk])
    page = AdminPage(signed_in(reviewer), url, session_admin(), reviewer, session)
    assert "topic" not in page.data  # the schedule is fixed once submitted
    response = page.set("recording_url", "ftp://meeting.yichang.gov.cn/replay/7").post()
    assert response.status_code == 200
    assert "回放链接须为https开头的网址。" in pages.context_errors(response) + pages.form_errors(response)
    page = AdminPage(signed_in(reviewer), url, session_admin(), reviewer, session)
    response = page.set("recording_url", "https://meeting.yichang.gov.cn/replay/7").post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    perform(session, "replay", by=reviewer)
    session.refresh_from_db()
    assert (session.status, session.recording_url) == (SessionState.REPLAYED, "https://meeting.yichang.gov.cn/replay/7")


def test_the_approver_changes_the_description_of_a_published_session(people, policy):  # noqa: F811
    approver = people["kjj_approver"]
    session = make_session(policy)
    url = reverse("admin:engagement_consultationsession_change", args=[session.pk])
    page = AdminPage(signed_in(approver), url, session_admin(), approver, session)
    response = page.set("description", "新增：高企认定材料准备要点。").post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    session.refresh_from_db()
    assert session.description == "新增：高企认定材料准备要点。"
    page = AdminPage(signed_in(approver), url, session_admin(), approver, session)
    assert "recording_url" not in page.data  # recorded after the session only
    response = page.set("description", "长" * 2001).post()
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.description == "新增：高企认定材料准备要点。"


def test_another_departments_session_is_not_found(people, policy):  # noqa: F811
    session = make_session(policy)
    client = signed_in(people["czj_finance"])
    assert client.get(reverse("admin:engagement_consultationsession_change", args=[session.pk])).status_code in (
        403,
        404,
    )


def test_the_reviewer_answers_and_promotes_a_question(people, policy):  # noqa: F811
    reviewer = people["kjj_reviewer"]
    session = make_session(policy)
    user = enterprise_user()
    services.book(session, user=user)
    question = services.submit_question(session, user=user, content="高企认定奖励何时兑付？")
    perform(session, "hold", by=reviewer, at=session.starts_at + dt.timedelta(hours=2))
    url = reverse("admin:engagement_sessionquestion_change", args=[question.pk])

    response = AdminPage(signed_in(reviewer), url, question_admin(), reviewer, question).set("answer", "两月").post()
    assert response.status_code == 200
    assert "请填写答复内容（不少于5个字）。" in pages.form_errors(response) + pages.context_errors(response)
    question.refresh_from_db()
    assert question.answer == ""

    page = AdminPage(signed_in(reviewer), url, question_admin(), reviewer, question)
    response = page.set("answer", "认定公布后两个月内兑付到企业账户。").set("promote", "on").post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    question.refresh_from_db()
    assert question.answer == "认定公布后两个月内兑付到企业账户。"
    faq = PolicyFAQ.objects.get(pk=question.policy_faq_id)
    assert (faq.policy_id, faq.question, faq.answer) == (policy.pk, "高企认定奖励何时兑付？", question.answer)
    # promoted once: the form is read-only now
    assert signed_in(reviewer).post(url, {"answer": "改动", "_save": "1"}).status_code == 403


def test_the_department_reads_the_original_question_to_call_back_and_the_public_does_not(people, policy):  # noqa: F811
    reviewer = people["kjj_reviewer"]
    session = make_session(policy)
    user = enterprise_user()
    services.book(session, user=user)
    question = services.submit_question(session, user=user, content="请回电13912345678，咨询高企认定奖励。")
    perform(session, "hold", by=reviewer, at=session.starts_at + dt.timedelta(hours=2))
    url = reverse("admin:engagement_sessionquestion_change", args=[question.pk])
    html = signed_in(reviewer).get(url).content.decode()
    assert "原文（仅答复人员可见）" in html and "13912345678" in html
    assert "13912345678" not in Client().get(session.get_absolute_url()).content.decode()
    assert "13912345678" not in signed_in(people["kjj_editor"]).get(url).content.decode()
