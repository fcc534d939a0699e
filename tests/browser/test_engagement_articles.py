"""专题文章 and 政策咨询 as their users click through them (无锡 §22(三)(五)).

The editor of 市科技局 writes an article on the department's policy and submits it; its reviewer publishes it; a
visitor finds it on the policy's page and through the portal's search (tab 专题文章). An enterprise, signed out,
presses 我要提问 on the policy's page, signs in, comes back to the question pre-filled with the policy, asks, and
the operator of the 城运中心 finds the question in the interaction area's queue with the policy attached.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from appeals.models_interaction import Question, QuestionState
from engagement.models import Article, ArticleState
from portal.org.models import Role
from tests.engagement.articles_support import public_policy
from tests.factories.appeals import centre_of, operator_of
from tests.factories.applications import enterprise_with_user
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Yichang-2026-kjj"


def _staff(department, role, username):
    user = member(department, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in_staff(page, username):
    page.goto("/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _perform(page, label):
    page.locator("a.workflow-transition").filter(has_text=label).click()
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".messagelist li.success")).to_have_text(f"{label}：已完成。")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def world():
    department = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    policy = public_policy(department, title="宜昌市高新技术企业培育若干措施")
    return {
        "policy": policy,
        "editor": _staff(department, Role.EDITOR, "kjj_editor"),
        "reviewer": _staff(department, Role.REVIEWER, "kjj_reviewer"),
    }


def test_an_editor_writes_the_reviewer_publishes_a_visitor_finds_it(new_page, world):
    policy = world["policy"]

    page = new_page()
    _sign_in_staff(page, "kjj_editor")
    page.goto(f"{reverse('admin:engagement_article_add')}?policy={policy.pk}")
    page.get_by_label("标题").fill("研发费用加计扣除，企业怎么享受")
    page.get_by_label("摘要").fill("市科技局解读研发费用加计扣除的归集口径和享受方式。")
    page.get_by_label("正文").fill(
        "<p>企业开展研发活动实际发生的研发费用，可按规定加计扣除。</p><script>alert(1)</script>"
    )
    expect(page.locator("#id_policies_to option")).to_have_text([policy.title + f"（{policy.document_number}）"])
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".workflow-state")).to_have_text("当前状态：草稿")
    _perform(page, "提交审核")
    expect(page.locator(".workflow-state")).to_have_text("当前状态：待审核")
    expect(page.locator("a.workflow-transition")).to_have_count(0)
    article = Article.objects.get()
    assert article.body == "<p>企业开展研发活动实际发生的研发费用，可按规定加计扣除。</p>"

    page = new_page()
    _sign_in_staff(page, "kjj_reviewer")
    page.goto(reverse("admin:engagement_article_change", args=[article.pk]))
    expect(page.locator("a.workflow-transition")).to_have_text(["审核发布", "退回修改"])
    _perform(page, "审核发布")
    expect(page.locator(".workflow-state")).to_have_text("当前状态：已发布")
    assert Article.objects.get().status == ArticleState.PUBLISHED

    visitor = new_page()
    visitor.goto(policy.get_absolute_url())
    block = visitor.locator("#policy-articles")
    expect(block.get_by_role("heading")).to_have_text("专题文章")
    block.get_by_role("link", name="研发费用加计扣除，企业怎么享受").click()
    expect(visitor.locator("h1")).to_have_text("研发费用加计扣除，企业怎么享受")
    expect(visitor.locator(".article-policies")).to_contain_text(policy.title)

    visitor.locator("#site-search-q").fill("研发费用")
    visitor.locator("#site-search-q").press("Enter")
    tabs = visitor.locator(".search-tabs a")
    expect(tabs).to_have_text(["政策 0", "专题文章 1", "征求意见 0", "政策咨询会 0", "办事服务 0"])
    tabs.filter(has_text="专题文章").click()
    hit = visitor.locator(".policy-results li")
    expect(hit.locator(".tag")).to_have_text("专题文章")
    hit.get_by_role("link").click()
    expect(visitor).to_have_url(re.compile(rf"/articles/{article.pk}/$"))


def test_an_enterprise_asks_from_the_policy_page_and_the_question_reaches_the_queue(new_page, world):
    policy = world["policy"]
    enterprise = enterprise_with_user(name="宜昌浏览器提问科技有限公司")
    user = enterprise.user
    user.set_password(PASSWORD)
    user.save()
    centre = centre_of(policy.region)
    operator = operator_of(centre)
    operator.set_password(PASSWORD)
    operator.save()

    page = new_page(width=375, height=800)
    page.goto(policy.get_absolute_url())
    questions = page.locator("#policy-questions")
    expect(questions.get_by_role("heading")).to_have_text("政策咨询")
    questions.get_by_role("link", name="我要提问").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=phone]").fill(user.phone)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.locator("h1")).to_have_text("我要提问")
    expect(page.locator(".page-header")).to_contain_text(f"相关政策：{policy.title}")
    page.get_by_label("标题").fill("培育入库企业能否同时申报研发补助")
    page.get_by_label("提问内容").fill("我公司已入库高新技术企业培育库，请问今年能否同时申报研发费用补助？")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages, .messagelist, [role=status]").first).to_contain_text("提问已提交")

    question = Question.objects.get()
    assert (question.policy, question.status, question.enterprise) == (policy, QuestionState.SUBMITTED, enterprise)

    staff_page = new_page()
    _sign_in_staff(staff_page, operator.username)
    staff_page.goto(reverse("admin:appeals_question_changelist"))
    row = staff_page.locator("#result_list tbody tr", has_text="培育入库企业能否同时申报研发补助")
    expect(row).to_contain_text(policy.title)
    expect(row).to_contain_text("待审核")
