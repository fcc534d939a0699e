"""Issue 11 end to end, in a real browser, each role through its own pages: an enterprise applies online; a window
clerk applies for another enterprise; the reviewer of the matter's department accepts the online case and asks
for a supplement (一次性告知) of two items; the enterprise answers it and the case returns to the same step; the
reviewer passes step 1; the approver of a second department approves it with an amount; the result is on the
public publicity page; publicity ends (the beat task, as the platform runs it); the case is 待兑付 and the
enterprise rates it (好差评).

Full-page screenshots of every stage go to test-results/application_journey/ (gitignored); no page may answer 500.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, Channel, Status
from matters.models import StepRole
from portal.org.models import Department, Role
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "application_journey"
APPROVED_AMOUNT = "180000.00"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here the session is enough."""
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class Journey:
    """The pages of the journey, one browser context per person, every response watched for a 500."""

    def __init__(self, new_page, login_as):
        self.new_page = new_page
        self.login_as = login_as
        self.failures: list[str] = []
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def page_for(self, user=None):
        page = self.new_page()
        page.on("response", self._watch)
        if user is not None:
            self.login_as(page, user)
        return page

    def _watch(self, response):
        if response.status >= 500:
            self.failures.append(f"{response.status} {response.request.method} {response.url}")

    def shot(self, page, name: str) -> None:
        """A full-page screenshot of the stage; no page has failed so far."""
        assert self.failures == [], f"server errors before “{name}”: {self.failures}"
        self.shots += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.shots:02d}-{name}.png"), full_page=True)


def admin_change_url(application) -> str:
    return f"/admin/applications/application/{application.pk}/change/"


def transition(page, label: str) -> None:
    """Clicks a workflow button on the admin change page."""
    page.locator("a.workflow-transition", has_text=re.compile(rf"^{label}$")).click()


def admin_success(page, text: str) -> None:
    expect(page.locator("ul.messagelist li.success")).to_contain_text(text)


def test_an_application_from_online_form_to_rating(new_page, login_as):
    # --- set-up: a matter reviewed in department A (step 1, reviewer) and department B (step 2, approver) ---
    department_b = DepartmentFactory(name="宜昌市财政局", kind=Department.Kind.FINANCE)
    matter = published_matter(
        steps=[
            {"name": "部门初审", "role": StepRole.REVIEWER},
            {"name": "联合复核", "role": StepRole.APPROVER, "department": department_b},
        ],
        shared=1,
    )
    department_a = matter.department
    reviewer = member(department_a, Role.REVIEWER, name="初审员王五")
    approver = member(department_b, Role.APPROVER, name="复核负责人赵六")
    hall = DepartmentFactory(name="宜昌市政务服务中心", kind=Department.Kind.SERVICE_HALL)
    clerk = member(hall, Role.CLERK, name="窗口人员钱七")
    online = enterprise_with_user(name="宜昌全程网办科技有限公司")
    walk_in = enterprise_with_user(name="宜昌窗口代办制造有限公司")
    material = matter.materials.get(shared=False)
    journey = Journey(new_page, login_as)

    # --- 1. the enterprise applies online ---
    company = journey.page_for(online.user)
    company.goto(matter.get_absolute_url())
    expect(company.locator("h1")).to_contain_text(matter.name)
    company.get_by_role("button", name="在线申报").click()
    expect(company).to_have_url(re.compile(r"/applications/SB\d{14}/$"))
    expect(company.locator("#form")).to_contain_text("来源：")
    expect(company.locator("#materials")).to_contain_text("数据共享获取，免提交")
    expect(company.locator("#eligibility")).to_contain_text("测算金额")
    journey.shot(company, "enterprise-form")
    company.get_by_label("联系人手机").fill("13912345678")
    company.get_by_role("button", name="保存草稿").click()
    expect(company.locator(".messages")).to_contain_text("草稿已保存")

    company.locator(f"#file-{material.pk}").set_input_files(
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}]
    )
    company.locator(f"#material-{material.pk}").get_by_role("button", name="上传", exact=True).click()
    expect(company.locator(f"#material-{material.pk}")).to_contain_text("营业执照.pdf")
    journey.shot(company, "enterprise-uploaded")

    company.get_by_role("button", name="提交", exact=True).click()
    expect(company.locator("h1")).to_contain_text("确认提交申报")
    expect(company.locator("main")).to_contain_text("测算金额")
    journey.shot(company, "enterprise-confirm")
    company.get_by_role("button", name="确认提交").click()
    expect(company.locator("h1")).to_contain_text("提交成功")
    case = Application.objects.get(enterprise=online, matter=matter)
    expect(company.locator("main")).to_contain_text(case.number)
    expect(company.locator("main")).to_contain_text("查询码")
    expect(company.locator("main")).to_contain_text(case.grouped_code)
    journey.shot(company, "enterprise-submitted")

    # --- 2. a window clerk applies for another enterprise ---
    window = journey.page_for(clerk)
    window.goto("/window/")
    expect(window.locator("h1")).to_have_text("窗口受理工作台")
    window.locator("#window-q").fill(walk_in.uscc)
    window.keyboard.press("Enter")
    expect(window.locator("h1")).to_have_text(walk_in.name)
    journey.shot(window, "window-enterprise")
    window.locator("tr", has_text=matter.name).get_by_role("button", name="代为申报").click()
    expect(window.locator("h1")).to_have_text(matter.name)
    window.locator("input[name=contact_name]").fill("李四")
    window.locator("input[name=contact_phone]").fill("13800138000")
    for box in window.get_by_label("已收纸质原件").all():
        box.check()
    journey.shot(window, "window-form")
    window.get_by_role("button", name="提交（分流转办）").click()
    expect(window.locator(".alert-success")).to_contain_text(department_a.name)
    journey.shot(window, "window-submitted")
    at_window = Application.objects.get(enterprise=walk_in, matter=matter)
    assert at_window.status == Status.SUBMITTED
    assert at_window.channel == Channel.WINDOW and at_window.clerk == clerk

    # --- 3. the reviewer of department A accepts, then asks for a supplement of two items ---
    desk_a = journey.page_for(reviewer)
    desk_a.goto(admin_change_url(case))
    expect(desk_a.locator("#review-materials")).to_contain_text("营业执照.pdf")
    expect(desk_a.locator("#review-eligibility")).to_contain_text("测算金额")
    journey.shot(desk_a, "reviewer-case")
    transition(desk_a, "受理")
    expect(desk_a.locator("#content")).to_contain_text("受理")
    desk_a.locator("input[type=submit][value=确认]").click()
    admin_success(desk_a, "受理：已完成。")
    expect(desk_a.locator("#review-steps")).to_contain_text("部门初审")
    journey.shot(desk_a, "reviewer-accepted")

    transition(desk_a, "一次性告知补正")
    expect(desk_a.locator("h1")).to_contain_text("一次性告知补正")
    desk_a.locator(f"#id_m{material.pk}").check()
    desk_a.locator(f"select[name=m{material.pk}_problem]").select_option(label="不符合要求")
    desk_a.locator(f"input[name=m{material.pk}_detail]").fill("营业执照扫描件不清晰，请重新上传加盖公章的清晰扫描件。")
    desk_a.locator("input[name=f0_subject]").fill("申报承诺书")
    desk_a.locator("input[name=f0_detail]").fill("承诺书缺少法定代表人签字，请签字后随补正材料一并提交。")
    desk_a.locator("textarea[name=reason]").fill("请按以下两项一次补正。")
    journey.shot(desk_a, "reviewer-notice-form")
    desk_a.locator("input[type=submit][value=确认一次性告知补正]").click()
    admin_success(desk_a, "一次性告知补正：已完成。")
    expect(desk_a.locator("#review-notices")).to_contain_text("申报承诺书")
    journey.shot(desk_a, "reviewer-notice-sent")

    # --- the enterprise sees the notice, uploads the replacement and resubmits ---
    company.goto(case.get_absolute_url())
    notice = company.locator("#supplement")
    expect(notice).to_contain_text("一次性告知书：请补正以下内容")
    expect(notice).to_contain_text("营业执照扫描件不清晰")
    expect(notice).to_contain_text("申报承诺书")
    expect(notice.locator("ol > li")).to_have_count(2)
    journey.shot(company, "enterprise-notice")
    item = notice.locator("li", has_text="营业执照扫描件不清晰")
    item.get_by_label("上传补正材料").set_input_files(
        files=[{"name": "营业执照（清晰）.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}]
    )
    item.get_by_role("button", name="上传", exact=True).click()
    expect(company.locator("#supplement")).to_contain_text("营业执照（清晰）.pdf")
    company.get_by_role("button", name="提交补正材料").click()
    expect(company.locator(".messages")).to_contain_text("补正材料已提交，审核将从原环节继续。")
    expect(company.locator("#status")).to_contain_text("审核中")
    expect(company.locator("#status")).to_contain_text(f"部门初审（{department_a.name}）")
    journey.shot(company, "enterprise-resubmitted")
    case.refresh_from_db()
    assert case.status == Status.REVIEWING
    assert case.current_step.position == 1

    # --- the reviewer passes step 1, the approver of department B approves with an amount ---
    desk_a.goto(admin_change_url(case))
    expect(desk_a.locator("#review-notices")).to_contain_text("已补正")
    transition(desk_a, "本环节通过")
    desk_a.locator("textarea[name=reason]").fill("材料齐全，符合申报条件，转联合复核。")
    desk_a.locator("input[type=submit][value=确认]").click()
    admin_success(desk_a, "本环节通过：已完成。")
    expect(desk_a.locator("#review-steps")).to_contain_text("联合复核")
    journey.shot(desk_a, "reviewer-passed")

    desk_b = journey.page_for(approver)
    desk_b.goto(admin_change_url(case))
    expect(desk_b.locator("#review-steps")).to_contain_text(department_b.name)
    journey.shot(desk_b, "approver-case")
    transition(desk_b, "核准")
    desk_b.locator("input[name=approved_amount]").fill(APPROVED_AMOUNT)
    desk_b.locator("textarea[name=reason]").fill("经复核，同意核准。")
    journey.shot(desk_b, "approver-form")
    desk_b.locator("input[type=submit][value=确认核准]").click()
    admin_success(desk_b, "核准：已完成。")
    expect(desk_b.locator("#review-amount")).to_contain_text("核定金额")
    journey.shot(desk_b, "approver-approved")
    case.refresh_from_db()
    assert case.status == Status.PUBLICITY
    assert str(case.approved_amount) == APPROVED_AMOUNT

    # --- 4. publicity, then its end as the platform's beat task runs it ---
    public = journey.page_for()
    public.goto("/applications/publicity/")
    expect(public.locator("h1")).to_contain_text("公示")
    row = public.locator("tbody tr", has_text=online.name)
    expect(row).to_contain_text(matter.name)
    expect(row).to_contain_text(re.compile(r"180,?000\.00"))
    journey.shot(public, "publicity")

    from applications.tasks import end_publicity

    # The publicity period (working days) is over: moved into the past, as time would have moved it.
    today = timezone.localdate()
    Application.objects.filter(pk=case.pk).update(
        publicity_from=today - dt.timedelta(days=14), publicity_to=today - dt.timedelta(days=1)
    )
    assert end_publicity() == 1
    company.goto(case.get_absolute_url())
    expect(company.locator("#status")).to_contain_text("待兑付")
    expect(company.locator("#status")).to_contain_text("核定金额")
    journey.shot(company, "enterprise-to-payout")

    # --- 5. the enterprise rates the service ---
    rating = company.locator("#rating")
    expect(rating).to_contain_text("评价本次服务（好差评）")
    rating.get_by_label("非常满意").check()
    rating.get_by_label("评价内容（选填）").fill("一次告知、一次补正，办理很快。")
    rating.get_by_role("button", name="提交评价").click()
    expect(company.locator(".messages")).to_contain_text("感谢您的评价。")
    expect(company.locator("#rating")).to_contain_text("非常满意")
    journey.shot(company, "enterprise-rated")
    assert case.rating.level == 5

    assert journey.failures == []
