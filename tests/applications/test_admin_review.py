"""Review in the back office (issue §8), as the departments' reviewers and approvers use it with a browser's client:
the one screen, decisions with opinions, the one-time notice, the 核定金额, refusals as messages (never a 500),
我的待办 with its colours, and bulk handling one case at a time."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services
from applications.models import Application, ReviewStep, Status, StepStatus, SupplementNotice
from applications.workflow import perform
from portal import workdays
from portal.org.roles import Role
from tests.backoffice import pages
from tests.backoffice.roundtrip import signed_in
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def matter():
    return published_matter(steps=2, shared=1)


@pytest.fixture
def people(matter):
    outsider = DepartmentFactory(region=matter.region, name="宜昌市商务局")
    return {
        "reviewer_a": member(matter.department, Role.REVIEWER),
        "approver_a": member(matter.department, Role.APPROVER),
        "reviewer_b": member(matter.second_department, Role.REVIEWER),
        "approver_b": member(matter.second_department, Role.APPROVER),
        "outsider": member(outsider, Role.REVIEWER),
    }


def submitted(matter, *, edit_address=False):
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    values = {"contact_name": "李四", "contact_phone": "13800138000"}
    if edit_address:
        values["address"] = "宜昌市西陵区发展大道100号"
    services.update_form(application, values, by=user)
    for material in matter.materials.filter(shared=False):
        services.attach(application, material, files.upload("申报书.pdf", files.pdf()), by=user)
    return services.submit(application, by=user)


def at_second_step(matter, people, **kwargs):
    application = submitted(matter, **kwargs)
    perform(application, "accept", by=people["reviewer_a"])
    perform(application, "pass_step", by=people["reviewer_a"], reason="材料齐全，同意")
    application.refresh_from_db()
    return application


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


def transition_url(application, name):
    return reverse("admin:applications_application_transition", args=[application.pk, name])


def post(client, url, data, *, page=None):
    """Posts `data` as the page at `page` (default `url`) would, with its CSRF token."""
    shown = client.get(page or url)
    token = pages.csrf_token(pages.parse(shown.content))
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, follow=True)


def test_the_change_page_shows_the_case_on_one_screen(matter, people):
    application = submitted(matter, edit_address=True)
    response = signed_in(people["reviewer_a"]).get(change_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    entry = application.form_data["name"]
    assert entry["source"] in html and entry["as_of"] in html
    assert "申报人修改了预填数据" in html and 'data-edited="address"' in html
    assert 'data-edited="name"' not in html
    upload = application.materials.exclude(file="").get()
    assert upload.sha256[:12] in html and reverse("media", args=[upload.file.name]) in html
    assert "数据共享获取" in html
    criterion = application.eligibility["criteria"][0]
    assert criterion["message"] in html
    assert "200000.00" in html and application.eligibility["amount_text"] in html
    assert "申报件预审受理时限" in html and "起算日期" in html
    assert "提交申报" in html
    assert 'name="_save"' not in html
    assert 'data-transition="accept"' in html and 'data-transition="withdraw"' not in html


def test_a_reviewer_accepts_and_passes_the_step_with_an_opinion(matter, people):
    application = submitted(matter)
    client = signed_in(people["reviewer_a"])
    response = post(client, transition_url(application, "accept"), {"confirm": "1"})
    assert response.status_code == 200 and "受理：已完成" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED

    response = post(client, transition_url(application, "pass_step"), {"confirm": "1", "reason": "材料齐全，同意"})
    assert "本环节通过：已完成" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    assert application.current_step.department == matter.second_department
    assert application.steps.get(position=1).opinion == "材料齐全，同意"


def test_another_departments_reviewer_is_told_why_and_nothing_changes(matter, people):
    application = submitted(matter)
    assert signed_in(people["reviewer_b"]).get(change_url(application)).status_code == 404
    perform(application, "accept", by=people["reviewer_a"])

    client = signed_in(people["reviewer_b"])
    page = client.get(change_url(application))
    assert page.status_code == 200  # a later step is theirs: they may read the case
    assert "您无权办理" in page.content.decode()
    assert 'data-transition="pass_step"' not in page.content.decode()
    for name in ("pass_step", "reject", "request_supplement", "approve"):
        response = post(
            client, transition_url(application, name), {"confirm": "1", "reason": "越权"}, page=change_url(application)
        )
        assert response.status_code == 200, name
        assert "该环节不由您所在的部门或岗位办理" in response.content.decode() or "您无权" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED

    outsider = signed_in(people["outsider"])
    assert outsider.get(change_url(application)).status_code == 404
    assert outsider.get(transition_url(application, "pass_step")).status_code == 404


def test_a_one_time_notice_lists_every_item_at_once(matter, people):
    application = at_second_step(matter, people)
    material = matter.materials.get(shared=False)
    client = signed_in(people["reviewer_b"])
    url = transition_url(application, "request_supplement")
    form = client.get(url)
    assert form.status_code == 200
    assert material.name in form.content.decode() and "共享材料1" in form.content.decode()

    response = post(
        client,
        url,
        {
            "confirm": "1",
            "reason": "请按以下要求一次补正。",
            f"m{material.pk}": "on",
            f"m{material.pk}_problem": "defective",
            f"m{material.pk}_detail": "须加盖单位公章",
            "f0_subject": "申报表",
            "f0_problem": "defective",
            "f0_detail": "联系人电话无法接通，请核对",
            "f1_subject": "法定代表人身份证明",
            "f1_problem": "missing",
            "f1_detail": "请提交法定代表人身份证复印件",
        },
    )
    assert "一次性告知补正：已完成" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT
    notice = SupplementNotice.objects.get(application=application)
    assert notice.summary == "请按以下要求一次补正。"
    assert sorted(notice.items.values_list("subject", flat=True)) == sorted(
        [material.name, "申报表", "法定代表人身份证明"]
    )
    assert notice.items.get(material=material).detail == "须加盖单位公章"
    assert "待补正，暂停计时" in client.get(reverse("admin:applications_application_changelist")).content.decode()


def test_a_notice_without_items_or_details_is_shown_again_with_the_reason(matter, people):
    application = at_second_step(matter, people)
    material = matter.materials.get(shared=False)
    client = signed_in(people["reviewer_b"])
    url = transition_url(application, "request_supplement")

    response = post(client, url, {"confirm": "1", "reason": "请补正"})
    assert response.status_code == 200
    assert "请至少勾选或填写一项需要补正的材料或内容" in response.content.decode()

    response = post(client, url, {"confirm": "1", f"m{material.pk}": "on", f"m{material.pk}_problem": "missing"})
    assert f"请写明“{material.name}”需要补正的具体要求" in response.content.decode()
    response = post(client, url, {"confirm": "1", "f0_detail": "盖章"})
    assert "请写明需要补正的事项" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    assert not application.notices.exists()


def test_the_approver_approves_with_the_amount(matter, people):
    application = at_second_step(matter, people)
    url = transition_url(application, "approve")

    reviewer = signed_in(people["reviewer_b"])
    response = post(reviewer, url, {"confirm": "1", "approved_amount": "200000"}, page=change_url(application))
    assert "该环节不由您所在的部门或岗位办理" in response.content.decode()

    client = signed_in(people["approver_b"])
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="200000.00"' in form.content.decode()  # prefilled with the estimate
    for typed, message in [
        ("二十万", "请填写核定金额（元），如"),
        ("-5", "核定金额须为不小于0"),
        ("", "请填写核定金额（元）。"),
    ]:
        response = post(client, url, {"confirm": "1", "approved_amount": typed})
        assert response.status_code == 200
        assert message in response.content.decode(), typed
    application.refresh_from_db()
    assert application.status == Status.REVIEWING

    response = post(client, url, {"confirm": "1", "approved_amount": "１８０,０００", "reason": "同意，按标准核定"})
    assert "核准：已完成" in response.content.decode()
    application.refresh_from_db()
    assert application.approved_amount == Decimal("180000.00")
    assert application.status == Status.PUBLICITY
    assert application.steps.get(position=2).opinion == "同意，按标准核定"


def test_rejecting_needs_a_reason(matter, people):
    application = at_second_step(matter, people)
    client = signed_in(people["reviewer_b"])
    url = transition_url(application, "reject")
    response = post(client, url, {"confirm": "1", "reason": ""})
    assert response.status_code == 200
    tree = pages.parse(response.content)
    assert pages.has_chinese(pages.text(tree, "errorlist"))
    application.refresh_from_db()
    assert application.status == Status.REVIEWING

    post(client, url, {"confirm": "1", "reason": "研发投入不达标"})
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.decision_reason == "研发投入不达标"


def test_a_refusal_of_the_state_is_a_message(matter, people):
    application = submitted(matter)
    client = signed_in(people["reviewer_a"])
    response = post(
        client,
        transition_url(application, "approve"),
        {"confirm": "1", "approved_amount": "1"},
        page=change_url(application),
    )
    assert response.status_code == 200
    assert "不能执行“核准”" in response.content.decode()
    response = post(client, transition_url(application, "withdraw"), {"confirm": "1"}, page=change_url(application))
    assert "该操作由申报企业或受理窗口在申报页面办理" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def _due(step, days):
    """Moves a step's due date to `days` working days from today (negative: overdue)."""
    ReviewStep.objects.filter(pk=step.pk).update(due_on=workdays.add_workdays(timezone.localdate(), days))


def test_my_queue_lists_my_steps_by_due_date_in_colour(matter, people):
    cases = [submitted(matter) for _ in range(4)]
    for application in cases:
        perform(application, "accept", by=people["reviewer_a"])
    perform(cases[3], "pass_step", by=people["reviewer_a"])
    steps = [Application.objects.get(pk=a.pk).current_step for a in cases]
    _due(steps[0], 5)
    _due(steps[1], -1)
    _due(steps[2], 1)

    response = signed_in(people["reviewer_a"]).get(reverse("admin:applications_reviewstep_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的待办" in html
    numbers = [a.number for a in cases[:3]]
    order = sorted(numbers, key=html.index)
    assert order == [cases[1].number, cases[2].number, cases[0].number]  # overdue first, by due date
    assert cases[3].number not in html  # at the second department's step now
    assert 'class="deadline-overdue"' in html and 'class="deadline-soon"' in html and 'class="deadline-ok"' in html
    assert reverse("admin:applications_application_change", args=[cases[0].pk]) in html

    other = signed_in(people["reviewer_b"]).get(reverse("admin:applications_reviewstep_changelist")).content.decode()
    assert cases[3].number in other and cases[0].number not in other


def test_the_pre_review_queue_is_a_filter_of_the_list(matter, people):
    waiting = submitted(matter)
    accepted = submitted(matter)
    perform(accepted, "accept", by=people["reviewer_a"])
    url = reverse("admin:applications_application_changelist") + "?queue=pre_review"
    html = signed_in(people["reviewer_a"]).get(url).content.decode()
    assert waiting.number in html and accepted.number not in html
    due = workdays.add_workdays(timezone.localdate(waiting.submitted_at), services.PRE_REVIEW_DAYS)
    assert f"{due}（" in html  # the 预审 clock's due date, with the working days left
    search = signed_in(people["reviewer_a"]).get(
        reverse("admin:applications_application_changelist") + f"?q={waiting.enterprise.uscc}"
    )
    assert waiting.number in search.content.decode() and accepted.number not in search.content.decode()


def _action(client, action, applications, **extra):
    url = reverse("admin:applications_application_changelist")
    data = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in applications], "index": 0, **extra}
    return post(client, url, data, page=url)


def test_bulk_acceptance_takes_only_complete_cases(matter, people):
    complete = submitted(matter)
    incomplete = submitted(matter)
    incomplete.materials.exclude(file="").update(superseded=True)
    client = signed_in(people["reviewer_a"])
    confirm = _action(client, "bulk_accept", [complete, incomplete])
    assert confirm.status_code == 200 and "确定对以下申报件执行" in confirm.content.decode()
    done = _action(client, "bulk_accept", [complete, incomplete], confirm="1")
    html = done.content.decode()
    assert "缺少必要材料（申报材料1）" in html and "1项已完成" in html
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert complete.status == Status.ACCEPTED and incomplete.status == Status.SUBMITTED


def test_bulk_approval_at_the_estimate_goes_case_by_case(matter, people):
    last = [at_second_step(matter, people) for _ in range(2)]
    first = submitted(matter)
    perform(first, "accept", by=people["reviewer_a"])
    client = signed_in(people["approver_b"])
    done = _action(client, "bulk_approve", [*last, first], confirm="1", reason="定额奖补，按标准核准")
    html = done.content.decode()
    assert "2项已完成" in html and "尚未到最后一个审核环节" in html
    for application in last:
        application.refresh_from_db()
        assert application.approved_amount == application.estimated_amount == Decimal("200000.00")
        assert application.steps.get(position=2).status == StepStatus.PASSED
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED

    reviewer = signed_in(people["reviewer_b"])
    assert "bulk_approve" not in reviewer.get(reverse("admin:applications_application_changelist")).content.decode()


def test_bulk_approval_refuses_an_amount_that_is_judged(matter, people):
    rate = published_matter(steps=1, support_kind="rate", support_rate=Decimal("5"), support_base_fact="revenue")
    application = submitted(rate)
    approver = member(rate.department, Role.APPROVER)
    perform(application, "accept", by=approver)
    done = _action(signed_in(approver), "bulk_approve", [application], confirm="1")
    assert "该事项不是定额奖补" in done.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_the_list_shows_what_each_may_see(matter, people, staff_supervisor):
    mine = submitted(matter)
    at_b = at_second_step(matter, people)
    everyone = list(Application.objects.all())
    for user in [*people.values(), staff_supervisor, mine.applicant]:
        expected = {a.pk for a in everyone if services.may_view(user, a)}
        assert set(selectors.visible_to(user).values_list("pk", flat=True)) == expected, user
    html = signed_in(people["reviewer_b"]).get(reverse("admin:applications_application_changelist")).content.decode()
    assert at_b.number in html and mine.number not in html
    assert signed_in(staff_supervisor).get(change_url(mine)).status_code == 200


@pytest.fixture
def staff_supervisor(matter):
    return member(DepartmentFactory(region=matter.region, name="宜昌市数据局"), Role.SUPERVISOR)


def test_no_case_is_added_changed_or_deleted_here(matter, people):
    application = submitted(matter)
    client = signed_in(people["approver_a"])
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    response = post(client, change_url(application), {"_save": "保存", "contact_name": "王五"})
    assert response.status_code == 403
    assert client.get(reverse("admin:applications_application_delete", args=[application.pk])).status_code == 403
    application.refresh_from_db()
    assert application.contact_name == "李四"


def test_the_reviewer_opens_the_enterprises_materials_and_an_outsider_cannot(matter, people):
    application = submitted(matter)
    row = application.materials.exclude(file="").first()
    url = f"/media/{row.file.name}"
    response = signed_in(people["reviewer_a"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert signed_in(people["outsider"]).get(url).status_code == 404


def test_finance_of_the_region_sees_the_cases_waiting_for_payout_only(matter, people):
    from applications.models import Status
    from portal.org.models import Department

    finance_department = DepartmentFactory(
        region=matter.region, name="宜昌市财政局（兑付）", kind=Department.Kind.FINANCE
    )
    from tests.factories.org import CityFactory

    jingzhou = CityFactory(code="421000", name="荆州市")
    elsewhere = DepartmentFactory(region=jingzhou, name="荆州市财政局", kind=Department.Kind.FINANCE)
    finance = member(finance_department, Role.FINANCE)
    stranger = member(elsewhere, Role.FINANCE)
    waiting = submitted(matter)
    under_review = submitted(matter)
    Application.objects.filter(pk=waiting.pk).update(status=Status.TO_PAYOUT)
    waiting.refresh_from_db()
    assert set(selectors.visible_to(finance).values_list("pk", flat=True)) == {waiting.pk}
    assert services.may_view(finance, waiting) and not services.may_view(finance, under_review)
    assert not selectors.visible_to(stranger).exists()
    assert signed_in(finance).get(change_url(waiting)).status_code == 200
    assert signed_in(finance).get(change_url(under_review)).status_code == 404


def test_the_one_screen_names_the_applicant_without_a_link_to_the_accounts_admin(matter, people):
    application = submitted(matter)
    html = signed_in(people["reviewer_a"]).get(change_url(application)).content.decode()
    assert str(application.applicant) in html
    assert "/admin/accounts/user/" not in html
