"""智能问答 in a real browser: an enterprise user types a question, reads an answer with where it comes from, turns
it into an appeal (转为诉求) — the appeal form prefilled with the question — submits it and follows it to the
department's reply. The page fits a phone. Screenshots go to test-results/smart_qa/ (SCREENSHOT_DIR overrides it)."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from appeals import services
from appeals.models import Appeal
from matters.models import MatterFAQ
from portal.core.workflow import perform
from tests.factories.appeals import centre_of, handler_of, operator_of
from tests.factories.applications import enterprise_with_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results")) / "smart_qa"
QUESTION = "高新技术企业认定奖励什么时候发放"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def knowledge():
    """A public matter whose guide answers the question (indexed after its commit, as in production)."""
    from tests.appeals.test_interaction import public_matter

    matter = public_matter()
    MatterFAQ.objects.create(
        matter=matter,
        position=1,
        question="高新技术企业认定奖励何时发放？",
        answer="认定奖励在公示期满后20个工作日内拨付到企业基本账户。",
    )
    return matter


def test_a_question_is_answered_with_its_source_and_can_become_an_appeal(page, login_as, knowledge):
    enterprise = enterprise_with_user()
    centre = centre_of(enterprise.region.parent)
    login_as(page, enterprise.user)
    page.goto("/appeals/ask/")
    page.locator("#qa-q").fill(QUESTION)
    page.get_by_role("button", name="提问").click()
    answer = page.locator(".qa-answer").first
    expect(answer).to_contain_text("公示期满后20个工作日内")
    expect(answer.locator(".qa-source")).to_contain_text(f"来自：事项“{knowledge.name}”的常见问题")
    expect(answer.get_by_role("link", name=knowledge.name, exact=True)).to_be_visible()
    # the question is the page's own: the header's 搜索政策 box stays empty
    expect(page.locator("#qa-q")).to_have_value(QUESTION)
    expect(page.locator("#site-search-q")).to_have_value("")
    assert parse_qs(urlsplit(page.url).query) == {"question": [QUESTION]}
    # the answer's title keeps the card's padding
    card, title = answer.bounding_box(), answer.locator(".item-title").bounding_box()
    assert title["x"] - card["x"] >= 16 and title["y"] - card["y"] >= 16, (card, title)
    shot(page, "answer-1280")

    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="转为诉求").click()
    parts = urlsplit(page.url)
    assert parts.path == "/appeals/new/"
    assert parse_qs(parts.query) == {
        "kind": ["consultation"],
        "title": [QUESTION],
        "content": [QUESTION],
        "matter": [str(knowledge.pk)],
        "policy": [str(knowledge.policy_id)],
    }
    assert navigation.value.status == 200
    expect(page.locator("#id_matter")).to_have_value(str(knowledge.pk))
    expect(page.get_by_label("诉求标题")).to_have_value(QUESTION)
    expect(page.get_by_label("诉求内容")).to_have_value(QUESTION)
    expect(page.locator("input[name=kind][value=consultation]")).to_be_checked()
    page.get_by_label("诉求内容").fill(QUESTION + "？公示期已满一个月，奖励仍未到账。")
    page.get_by_role("button", name="提交诉求").click()
    expect(page.locator(".alert-success")).to_contain_text("诉求已提交")
    appeal = Appeal.objects.get()
    assert appeal.kind == "consultation" and appeal.title == QUESTION
    shot(page, "appeal-1280")

    # The operations centre dispatches it to the matter's department, which signs and replies.
    operator = operator_of(centre)
    handler = handler_of(knowledge.department)
    perform(appeal, "accept", by=operator)
    assert services.suggested_department(appeal) in (None, knowledge.department)
    perform(appeal, "dispatch", by=operator, department=knowledge.department)
    perform(appeal, "sign", by=handler)
    perform(appeal, "reply", by=handler, reason="经查，贵公司奖励已于本周列入拨付批次，预计五个工作日内到账。")

    page.goto("/appeals/")
    page.get_by_role("link", name=QUESTION).click()
    expect(page.locator("#replies")).to_contain_text("预计五个工作日内到账")
    expect(page.locator("#evaluate")).to_be_visible()
    shot(page, "appeal-replied-1280")


def test_nothing_fits_on_a_phone(new_page, login_as, knowledge):
    page = new_page(width=375, height=800)
    login_as(page, enterprise_with_user().user)
    page.goto("/appeals/ask/?question=厂房租金上涨能否申请补贴")
    expect(page.locator(".qa-nothing")).to_contain_text("没有找到能回答这个问题的内容")
    link = page.locator(".qa-nothing").get_by_role("link", name="转为诉求")
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["kind"] == ["consultation"]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, "nothing-375")
    page.goto(f"/appeals/ask/?q={QUESTION}")  # an older link
    expect(page.locator(".qa-answer").first).to_contain_text("来自：事项")
    expect(page.locator("#site-search-q")).to_have_value("")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, "answer-375")


def test_policy_qa_is_in_the_bar_at_1280_and_in_the_phone_menu(new_page, login_as):
    """The busiest bar (an enterprise user's: 我的诉求 and 兑付记录 too) keeps 政策问答 on a desktop, current on the
    interaction area; on a phone it is one line of the menu."""
    user = enterprise_with_user().user
    page = new_page(width=1280, height=900)
    login_as(page, user)
    page.goto("/")
    bar = page.get_by_role("navigation", name="主导航")
    bar.get_by_role("link", name="政策问答").click()
    assert urlsplit(page.url).path == "/appeals/ask/"
    expect(bar.get_by_role("link", name="政策问答")).to_have_attribute("aria-current", "page")
    rows = page.evaluate(
        "new Set([...document.querySelectorAll('.nav-list > li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size"
    )
    shot(page, "navigation-1280")
    page.get_by_role("link", name="政策互动区").first.click()
    assert urlsplit(page.url).path == "/appeals/questions/"
    expect(bar.get_by_role("link", name="政策问答")).to_have_attribute("aria-current", "page")
    expect(bar.get_by_role("link", name="我的诉求")).not_to_have_attribute("aria-current", "page")
    assert rows == 1, f"the bar wraps onto {rows} rows at 1280"

    phone = new_page(width=375, height=800)
    login_as(phone, user)
    phone.goto("/appeals/questions/")
    menu = phone.get_by_role("navigation", name="主导航")
    if not menu.get_by_role("link", name="政策问答").is_visible():
        menu.get_by_text("菜单").click()
    expect(menu.get_by_role("link", name="政策问答")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "navigation-375")
