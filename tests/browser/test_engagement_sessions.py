"""A consultation session end to end in Chromium: an enterprise books it from the policy page and submits a question;
市科技局's reviewer records that it was held, its recording, answers the question and promotes the answer into the
policy's FAQs; the policy page then shows the recording, the answer and the new FAQ. Screenshots at 1280 and 375
go to test-results/engagement_sessions/ (gitignored)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "engagement_sessions"
RECORDING = "https://meeting.yichang.gov.cn/replay/kjj-77"
ANSWER = "认定公布后两个月内，奖励资金直达企业账户。"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_book_ask_record_answer_and_promote(new_page, login_as, staff):
    from engagement.models import ConsultationSession, SessionState
    from engagement.sessions import assign_ownership
    from policies.models import PolicyFAQ
    from portal.org.models import Department
    from tests.backoffice.conftest import make_draft_policy, publish
    from tests.factories.accounts import EnterpriseUserFactory
    from tests.factories.enterprises import EnterpriseMemberFactory

    policy = publish(make_draft_policy(Department.objects.get(code="yc-kjj")), staff)
    starts = timezone.now() + dt.timedelta(days=3)
    session = ConsultationSession.objects.create(
        department=policy.lead_department,
        policy=policy,
        topic="高企认定奖励政策线上咨询会",
        host="市科技局政策法规科",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=20,
        booking_deadline=starts - dt.timedelta(days=1),
        conference_url="https://meeting.yichang.gov.cn/room/kjj-77",
        status=SessionState.PUBLISHED,
    )
    assign_ownership(session)
    user = EnterpriseUserFactory()
    EnterpriseMemberFactory(user=user)

    # the enterprise books from the policy page and asks in advance
    page = new_page()
    login_as(page, user)
    page.goto(policy.get_absolute_url())
    block = page.locator("#policy-sessions")
    expect(block).to_contain_text("高企认定奖励政策线上咨询会")
    expect(block).to_contain_text("剩余名额 20")
    block.get_by_role("link", name="预约").click()
    page.get_by_role("button", name="立即预约").click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    expect(page.locator("[data-conference-link]")).to_have_attribute(
        "href", "https://meeting.yichang.gov.cn/room/kjj-77"
    )
    expect(page.locator("[data-places-left]")).to_have_attribute("data-places-left", "19")
    page.locator("#id_content").fill("请问高企认定奖励什么时候兑付？我的手机１３８００１３８０００")
    page.get_by_role("button", name="提交问题").click()
    expect(page.locator(".session-questions")).to_contain_text("请问高企认定奖励什么时候兑付？我的手机［已隐去］")
    _shot(page, "enterprise-booked-1280")
    phone = new_page(width=375, height=800)
    login_as(phone, user)
    phone.goto(session.get_absolute_url())
    _shot(phone, "enterprise-booked-375")
    phone.goto("/sessions/")
    expect(phone.locator("[data-list=upcoming]")).to_contain_text("剩余名额 19")
    _shot(phone, "list-375")
    phone.goto("/sessions/bookings/")
    expect(phone.locator("[data-booking]")).to_contain_text("高企认定奖励政策线上咨询会")
    _shot(phone, "mine-375")

    # the session takes place
    now = timezone.now()
    ConsultationSession.objects.filter(pk=session.pk).update(
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
        booking_deadline=now - dt.timedelta(hours=3),
    )

    # the reviewer records it, its recording, answers and promotes
    staff_page = new_page()
    login_as(staff_page, staff["kjj_reviewer"])
    staff_page.goto(f"/admin/engagement/consultationsession/{session.pk}/change/")
    staff_page.locator("[data-transition=hold]").click()
    staff_page.locator("input[type=submit], button[type=submit]").last.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("记为已举行：已完成。")
    staff_page.locator("#id_recording_url").fill(RECORDING)
    staff_page.locator("input[name=_continue]").click()
    staff_page.locator("[data-transition=replay]").click()
    staff_page.locator("input[type=submit], button[type=submit]").last.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("公布回放：已完成。")

    question = session.questions.get()
    staff_page.goto(f"/admin/engagement/sessionquestion/{question.pk}/change/")
    staff_page.locator("#id_answer").fill(ANSWER)
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator("#id_answer")).to_have_value(ANSWER)
    staff_page.locator("#id_promote").check()
    staff_page.locator("input[name=_save]").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("已转为政策常见问题。")
    _shot(staff_page, "reviewer-promoted")

    # the policy page shows the recording, the answer and the FAQ
    public = new_page()
    public.goto(policy.get_absolute_url())
    expect(public.locator("#policy-sessions [data-recording-link]")).to_have_attribute("href", RECORDING)
    expect(public.locator("#policy-sessions")).to_contain_text(ANSWER)
    expect(public.locator("#policy-sessions")).not_to_contain_text("13800138000")
    expect(public.locator("#policy-faq")).to_contain_text(ANSWER)
    _shot(public, "policy-page-1280")
    assert PolicyFAQ.objects.filter(policy=policy, answer=ANSWER).count() == 1


def test_the_editor_schedules_and_the_approver_publishes(new_page, login_as, staff):
    from engagement.models import ConsultationSession, SessionState
    from portal.org.models import Department
    from tests.backoffice.conftest import make_draft_policy, publish

    policy = publish(make_draft_policy(Department.objects.get(code="yc-kjj")), staff)
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=4)).replace(hour=14, minute=30, second=0)

    page = new_page()
    login_as(page, staff["kjj_editor"])
    page.goto("/admin/engagement/consultationsession/add/")
    page.locator("#id_topic").fill("科技型中小企业评价政策线上咨询会")
    page.locator("#id_host").fill("市科技局 王科长")
    page.locator("#id_policy").select_option(str(policy.pk))
    page.locator("#id_starts_at_0").fill(starts.strftime("%Y-%m-%d"))
    page.locator("#id_starts_at_1").fill("14:30:00")
    page.locator("#id_ends_at_0").fill(starts.strftime("%Y-%m-%d"))
    page.locator("#id_ends_at_1").fill("13:30:00")
    page.locator("#id_capacity").fill("40")
    page.locator("#id_booking_deadline_0").fill((starts - dt.timedelta(days=1)).strftime("%Y-%m-%d"))
    page.locator("#id_booking_deadline_1").fill("17:00:00")
    page.locator("#id_conference_url").fill("https://meeting.yichang.gov.cn/room/kjj-88")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("结束时间须晚于开始时间。")
    page.locator("#id_ends_at_1").fill("16:00:00")
    page.locator("input[name=_continue]").click()
    page.locator("[data-transition=submit]").click()
    page.locator("input[type=submit], button[type=submit]").last.click()
    expect(page.locator(".messagelist")).to_contain_text("提交审核：已完成。")
    _shot(page, "editor-submitted")
    session = ConsultationSession.objects.get(topic="科技型中小企业评价政策线上咨询会")

    approver = new_page()
    login_as(approver, staff["kjj_approver"])
    approver.goto(f"/admin/engagement/consultationsession/{session.pk}/change/")
    expect(approver.locator("[data-transition=submit]")).to_have_count(0)
    approver.locator("[data-transition=publish]").click()
    approver.locator("input[type=submit], button[type=submit]").last.click()
    expect(approver.locator(".messagelist")).to_contain_text("发布（开放报名）：已完成。")
    session.refresh_from_db()
    assert session.status == SessionState.PUBLISHED

    public = new_page(width=375, height=800)
    public.goto("/sessions/")
    expect(public.locator("[data-list=upcoming]")).to_contain_text("科技型中小企业评价政策线上咨询会")
    expect(public.locator("[data-list=upcoming]")).to_contain_text("剩余名额 40")
