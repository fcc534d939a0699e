"""征求意见 as people click through it (issue #15): the editor of 科技局 opens a draft for consultation, two
enterprises comment, the period ends on a working day counted over 国庆 (opened Mon 2026-09-28 for 5 working days:
9-29 (1), 9-30 (2), 10-01..10-07 holidays, 10-08 (3), 10-09 (4), Sat 10-10 调休 (5) → ends 2026-10-10), the beat
closes it, the editor replies and publishes the summary, and the final policy's page links to the consultation."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment
from engagement.tasks_consultations import close_due_consultations
from policies.models import Policy
from portal.workcalendar import clocks
from portal.workcalendar.models import Clock
from tests.backoffice.conftest import _no_second_factor, kjj, make_draft_policy, publish  # noqa: F401
from tests.engagement.test_consultations import enterprise_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "宜昌市科技创新券管理办法（征求意见稿）"


def _perform(page, label):
    page.locator("a.workflow-transition").filter(has_text=label).click()
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".messagelist li.success")).to_have_text(f"{label}：已完成。")


def _opened_on(consultation, day):
    """The test's clock start: as if the editor had opened the consultation on `day`."""
    clock = service.period_clock(consultation)
    due = clocks.compute_due(day, clock.limit_days, [])
    Clock.objects.filter(pk=clock.pk).update(started_on=day, due_on=due, overdue_since=None)
    Consultation.objects.filter(pk=consultation.pk).update(opened_on=day, ends_on=due)
    return due


def test_a_draft_is_consulted_commented_closed_answered_and_linked_from_the_final_policy(
    new_page,
    login_as,
    staff,
    kjj,  # noqa: F811
):
    editor = staff["kjj_editor"]
    page = new_page()
    login_as(page, editor)

    # The editor writes the draft and its two questions, then opens it for comment.
    page.goto(reverse("admin:engagement_consultation_add"))
    page.fill("#id_title", TITLE)
    page.fill("#id_draft_text", "<p>第一条 设立科技创新券，每家企业每年最高20万元。</p>")
    page.fill("#id_period_days", "5")
    for i, text in enumerate(["额度是否合适？", "兑付流程如何改进？"]):
        page.get_by_text("添加另一个").first.click()
        page.fill(f"input[name='questions-{i}-position']", str(i + 1))
        page.fill(f"input[name='questions-{i}-text']", text)
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist li.success")).to_be_visible()
    consultation = Consultation.objects.get(title=TITLE)
    _perform(page, "发起征求意见")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN

    # Two enterprises comment while it is open; the second does not agree to show its name.
    questions = list(consultation.questions.all())
    for name, question, text, agree in [
        ("甲科技有限公司", questions[0], "建议首次申领的企业额度提高到30万元。", True),
        ("乙科技有限公司", questions[1], "兑付请改为网上办理，联系人王经理13800138000。", False),
    ]:
        visitor = new_page()
        login_as(visitor, enterprise_user(name))
        visitor.goto(consultation.get_absolute_url())
        item = visitor.locator(f"#question-{question.pk}")
        item.locator("textarea").fill(text)
        if agree:
            item.get_by_label("同意公布时显示企业名称").check()
        item.get_by_role("button", name="提交意见").click()
        expect(visitor.locator(".alert-success")).to_contain_text("意见已提交")
        expect(visitor.locator(f"#question-{question.pk}")).to_contain_text(text)
    assert ConsultationComment.objects.count() == 2

    # Opened on 2026-09-28 for 5 working days: the end date is the 调休 Saturday after 国庆.
    assert _opened_on(consultation, dt.date(2026, 9, 28)) == dt.date(2026, 10, 10)
    public = new_page()
    public.goto(consultation.get_absolute_url())
    expect(public.locator("header.page-header")).to_contain_text("2026-09-28 至 2026-10-10")
    public.get_by_text("截止日期 2026-10-10 的推算").click()
    expect(public.locator(".derivation")).to_contain_text("法定节假日（国庆节），不计入")
    expect(public.locator(".derivation")).to_contain_text("截止日期：2026-10-10（周六）")

    # The hourly beat task closes it (once).
    assert close_due_consultations() == 1
    assert close_due_consultations() == 0
    public.reload()
    expect(public.locator(".alert-info")).to_contain_text("征求意见已截止，不再接受意见。")

    # The editor replies to both comments, writes the summary and publishes it.
    page.goto(reverse("admin:engagement_consultation_change", args=[consultation.pk]))
    for i, (outcome, reason) in enumerate([("partly", "额度提高到25万元。"), ("adopted", "改为网上兑付。")]):
        page.select_option(f"select[name='comments-{i}-outcome']", outcome)
        page.fill(f"textarea[name='comments-{i}-reply']", reason)
    page.fill("#id_summary", "共收到意见2条，采纳1条，部分采纳1条。")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist li.success")).to_be_visible()
    _perform(page, "公布意见采纳情况")

    # The final policy of 科技局 is linked, then published: its page links to the consultation.
    policy = make_draft_policy(kjj)
    # issued (and in force) after the consultation opened
    Policy.objects.filter(pk=policy.pk).update(issue_date=dt.date(2026, 10, 20), effective_date=dt.date(2026, 10, 20))
    page.reload()
    page.select_option("#id_policy", str(policy.pk))
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist li.success")).to_be_visible()
    policy = publish(policy, staff)

    public.goto(policy.get_absolute_url())
    block = public.locator("#policy-consultation")
    expect(block).to_contain_text("征求意见情况")
    expect(block).to_contain_text("收到意见2条")
    block.get_by_role("link", name="查看征求意见稿、意见采纳情况说明和逐条答复").click()
    expect(public.locator("#summary")).to_contain_text("共收到意见2条，采纳1条，部分采纳1条。")
    replies = public.locator("#replies")
    expect(replies).to_contain_text("甲科技有限公司")
    expect(replies).to_contain_text("某企业")
    expect(replies).not_to_contain_text("乙科技有限公司")
    expect(replies).not_to_contain_text("13800138000")
    expect(replies).to_contain_text("部分采纳")
