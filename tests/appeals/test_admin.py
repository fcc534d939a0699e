"""The appeals back office, as the operations centre's operators and the departments use it.

Queues per role, the dispatch form with its suggestion, a ticket not dispatched to one's department (403 with
the kernel's message), a state that does not allow a transition (a message), extensions before and after the
due date, decided by the operator and refused to the department, call-backs by the centre's operators only,
the contact revealed and logged, and the time limits kept by platform admins.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appeals import selectors, services
from appeals.models import AppealState, AppealTimeLimit, CallbackRecord, ExtensionRequest, ExtensionState
from portal.core.workflow import perform
from portal.org.models import Department, Role
from portal.workcalendar import clocks
from tests.backoffice.conftest import demo_org, staff  # noqa: F401
from tests.factories.appeals import handler_of, portal_appeal
from tests.factories.policies import PolicyFactory, member

pytestmark = pytest.mark.django_db

S = AppealState


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def change_url(appeal):
    return reverse("admin:appeals_appeal_change", args=[appeal.pk])


def transition_url(appeal, name):
    return reverse("admin:appeals_appeal_transition", args=[appeal.pk, name])


@pytest.fixture
def kjj(demo_org):  # noqa: F811
    return Department.objects.get(code="yc-kjj")


@pytest.fixture
def operator(staff):  # noqa: F811
    return staff["cyzx_operator"]


@pytest.fixture
def reviewer(staff):  # noqa: F811
    return staff["kjj_reviewer"]


def accepted(operator, **fields):
    appeal = portal_appeal(**fields)
    perform(appeal, "accept", by=operator)
    appeal.refresh_from_db()
    return appeal


def dispatched(operator, department, **fields):
    appeal = accepted(operator, **fields)
    perform(appeal, "dispatch", by=operator, department=department)
    appeal.refresh_from_db()
    return appeal


def _overdue(appeal):
    """The 办理 clock started long ago and due two days ago."""
    today = timezone.localdate()
    clocks.of(appeal, "appeal_handle").update(
        started_on=today - dt.timedelta(days=30), due_on=today - dt.timedelta(days=2)
    )


def listed(client, **query):
    response = client.get(reverse("admin:appeals_appeal_changelist"), query)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


# --- queues ----------------------------------------------------------------------------------------------------


def test_operator_queues(operator, kjj):
    new = portal_appeal()
    waiting = accepted(operator)
    returned = dispatched(operator, kjj)
    perform(returned, "return", by=handler_of(kjj), reason="不属本部门职责范围")
    with_extension = dispatched(operator, kjj)
    services.request_extension(with_extension, days=3, reason="需要会同其他部门核实", by=handler_of(kjj))
    client = client_for(operator)
    assert listed(client, queue="submitted") == {new.pk}
    assert listed(client, queue="accepted") == {waiting.pk}
    assert listed(client, queue="returned") == {returned.pk}
    assert listed(client, queue="extension") == {with_extension.pk}
    labels = [label for _key, label in selectors.queues_for(operator)]
    assert [str(label) for label in labels] == ["待受理", "待派单", "已退单待改派", "延期待审", "超期/督办"]


def test_department_queues_and_the_overdue_queue(operator, reviewer, kjj):
    to_sign = dispatched(operator, kjj)
    handling = dispatched(operator, kjj)
    perform(handling, "sign", by=reviewer)
    other = dispatched(operator, Department.objects.get(code="yc-czj"))
    client = client_for(reviewer)
    assert listed(client, queue="dispatched") == {to_sign.pk}
    assert listed(client, queue="handling") == {handling.pk}
    assert other.pk not in listed(client)
    # the 签收 clock (1 working day) is due soon for the unsigned one
    assert to_sign.pk in listed(client, queue="due_soon")
    # a clock past its due date: overdue for the centre, late for the department
    _overdue(handling)
    assert listed(client_for(operator), queue="overdue") == {handling.pk}
    assert listed(client, queue="late") == {handling.pk}
    page = client.get(reverse("admin:appeals_appeal_changelist")).content.decode()
    assert "deadline-overdue" in page and "已超期" in page


def test_due_badge_colours_and_words():
    from appeals.admin_appeals import due_badge
    from portal import workdays

    today = dt.date(2026, 3, 2)  # a Monday
    assert "deadline-ok" in due_badge(workdays.add_workdays(today, 3), today=today)
    assert "今日到期" in due_badge(today, today=today)
    soon = due_badge(workdays.add_workdays(today, 1), today=today)
    assert "deadline-soon" in soon and "下一个工作日到期" in soon
    late = due_badge(workdays.add_workdays(today, -1), today=today)
    assert "deadline-overdue" in late and "已超期1个工作日" in late


# --- dispatch --------------------------------------------------------------------------------------------------


def test_dispatch_form_suggests_the_policy_department_and_dispatches(operator, kjj):
    policy = PolicyFactory(lead_department=kjj, region=kjj.region)
    appeal = accepted(operator, policy=policy)
    client = client_for(operator)
    page = client.get(transition_url(appeal, "dispatch"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "建议派往：宜昌市科学技术局（依据：相关政策）" in html or f"建议派往：{kjj.name}（依据：相关政策）" in html
    assert page.context["form"].fields["department"].initial == kjj.pk
    # invalid: no department
    response = client.post(transition_url(appeal, "dispatch"), {"confirm": "1", "department": ""})
    assert response.status_code == 200 and "请选择承办部门" in response.content.decode()
    response = client.post(
        transition_url(appeal, "dispatch"), {"confirm": "1", "department": kjj.pk, "reason": "请科技局办理"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.department == kjj
    assert appeal.dispatches.get().note == "请科技局办理"


def test_dispatch_back_to_the_returning_department_is_refused_on_the_form(operator, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "return", by=handler_of(kjj), reason="不属本部门职责范围")
    response = client_for(operator).post(transition_url(appeal, "dispatch"), {"confirm": "1", "department": kjj.pk})
    assert response.status_code == 200 and "请选择列出的承办部门。" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == S.RETURNED


def test_another_departments_handler_gets_403_with_the_message(operator, kjj):
    appeal = dispatched(operator, Department.objects.get(code="yc-czj"))
    outsider = handler_of(kjj)
    client = client_for(outsider)
    for name in ("sign", "reply"):
        response = client.get(transition_url(appeal, name))
        assert response.status_code == 403
        assert "本工单未派给您所在的部门，不能办理。" in response.content.decode()
    response = client.post(transition_url(appeal, "sign"), {"confirm": "1"})
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED


def test_a_transition_the_state_does_not_allow_is_a_message(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    client = client_for(reviewer)
    response = client.get(transition_url(appeal, "reply"))
    assert response.status_code == 302
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("不能执行“答复”" in m for m in shown)
    response = client_for(operator).get(transition_url(appeal, "accept"))
    assert response.status_code == 302


def test_sign_and_reply_with_the_textarea(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    client = client_for(reviewer)
    page = client.get(change_url(appeal)).content.decode()
    assert 'data-transition="sign"' in page and 'data-transition="dispatch"' not in page
    assert client.post(transition_url(appeal, "sign"), {"confirm": "1"}).status_code == 302
    form = client.get(transition_url(appeal, "reply"))
    assert "<textarea" in form.content.decode() and "答复内容" in form.content.decode()
    short = client.post(transition_url(appeal, "reply"), {"confirm": "1", "reason": "已处理"})
    assert short.status_code == 200 and "不少于10个字" in short.content.decode()
    answer = "经核实，系统故障已修复，请重新上传申报材料。"
    assert client.post(transition_url(appeal, "reply"), {"confirm": "1", "reason": answer}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED and appeal.replies.get().content == answer
    page = client.get(change_url(appeal)).content.decode()
    assert answer in page and "诉求办理时限" in page


def test_the_page_masks_the_contact_and_the_operator_reveals_it_logged(operator, reviewer, kjj):
    from portal.audit.models import SensitiveAccessLog

    appeal = dispatched(operator, kjj, contact_phone="13912345678")
    page = client_for(reviewer).get(change_url(appeal)).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    assert "显示完整联系电话" not in page
    assert client_for(reviewer).get(reverse("admin:appeals_appeal_contact", args=[appeal.pk])).status_code == 403
    client = client_for(operator)
    assert "显示完整联系电话" in client.get(change_url(appeal)).content.decode()
    url = reverse("admin:appeals_appeal_contact", args=[appeal.pk])
    empty = client.post(url, {"purpose": ""})
    assert empty.status_code == 200 and "请填写查看事由" in empty.content.decode()
    shown = client.post(url, {"purpose": "回访诉求人"})
    assert "13912345678" in shown.content.decode()
    assert SensitiveAccessLog.objects.filter(user=operator, object_id=str(appeal.pk), purpose="回访诉求人").exists()


def test_attachments_download_for_those_who_see_the_ticket(operator, kjj):
    from tests.factories import files

    appeal = portal_appeal(files=(files.upload("截图.pdf", files.pdf()),))
    attachment = appeal.attachments.get()
    url = reverse("admin:appeals_appeal_attachment", args=[appeal.pk, attachment.pk])
    response = client_for(operator).get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    refused = client_for(handler_of(kjj)).get(url)
    assert refused.status_code == 403 and "本工单未派给您所在的部门，不能查看。" in refused.content.decode()


# --- extensions ------------------------------------------------------------------------------------------------


def test_extension_requested_before_the_due_date_and_decided_by_the_operator(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    client = client_for(reviewer)
    assert "申请延期" in client.get(change_url(appeal)).content.decode()
    url = reverse("admin:appeals_appeal_extension", args=[appeal.pk])
    invalid = client.post(url, {"confirm": "1", "days": "45", "reason": "短"})
    assert invalid.status_code == 200
    assert "延长天数应为1至30个工作日" in invalid.content.decode()
    assert client.post(url, {"confirm": "1", "days": "5", "reason": "需会同财政核实拨付记录"}).status_code == 302
    request = ExtensionRequest.objects.get(appeal=appeal)
    assert request.status == ExtensionState.PENDING and request.days == 5
    due_before = clocks.of(appeal, "appeal_handle").get().due_on
    # the department cannot decide it
    approve = reverse("admin:appeals_extensionrequest_transition", args=[request.pk, "approve"])
    response = client.post(approve, {"confirm": "1"})
    request.refresh_from_db()
    assert request.status == ExtensionState.PENDING
    # the operator sees it in the pending queue and approves
    operator_client = client_for(operator)
    queue = operator_client.get(reverse("admin:appeals_extensionrequest_changelist"), {"pending": "1"})
    assert [r.pk for r in queue.context["cl"].result_list] == [request.pk]
    assert operator_client.post(approve, {"confirm": "1", "reason": "同意"}).status_code == 302
    request.refresh_from_db()
    assert request.status == ExtensionState.APPROVED
    assert clocks.of(appeal, "appeal_handle").get().due_on > due_before
    assert response.status_code == 302


def test_extension_refused_needs_a_reason(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    request = services.request_extension(appeal, days=2, reason="需现场核查企业情况", by=reviewer)
    refuse = reverse("admin:appeals_extensionrequest_transition", args=[request.pk, "refuse"])
    client = client_for(operator)
    assert client.post(refuse, {"confirm": "1", "reason": ""}).status_code == 200
    assert client.post(refuse, {"confirm": "1", "reason": "时限内可以办结"}).status_code == 302
    request.refresh_from_db()
    assert request.status == ExtensionState.REFUSED


def test_extension_after_the_due_date_is_refused_with_a_message(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    _overdue(appeal)
    client = client_for(reviewer)
    url = reverse("admin:appeals_appeal_extension", args=[appeal.pk])
    response = client.post(url, {"confirm": "1", "days": "3", "reason": "需会同财政核实拨付记录"})
    assert response.status_code == 302
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("延期须在截止日期前申请" in m for m in shown)
    assert not ExtensionRequest.objects.filter(appeal=appeal).exists()


def test_extension_by_another_department_is_403(operator, kjj):
    appeal = dispatched(operator, Department.objects.get(code="yc-czj"))
    response = client_for(handler_of(kjj)).get(reverse("admin:appeals_appeal_extension", args=[appeal.pk]))
    assert response.status_code in (403, 404)


# --- call-backs ------------------------------------------------------------------------------------------------


def _replied(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    perform(appeal, "reply", by=reviewer, reason="经核实，系统故障已修复，请重新上传。")
    appeal.refresh_from_db()
    return appeal


def test_callback_by_the_centres_operator(operator, reviewer, kjj):
    appeal = _replied(operator, reviewer, kjj)
    client = client_for(operator)
    url = reverse("admin:appeals_appeal_callback", args=[appeal.pk])
    assert "添加回访记录" in client.get(change_url(appeal)).content.decode()
    invalid = client.post(url, {"confirm": "1", "heard_satisfaction": "satisfied", "note": ""})
    assert invalid.status_code == 200
    html = invalid.content.decode()
    assert "请填写回访记录" in html and "未联系上诉求人，不能记录回访满意度" in html
    assert not CallbackRecord.objects.exists()
    response = client.post(
        url, {"confirm": "1", "reached": "on", "heard_satisfaction": "basic", "note": "企业表示问题已解决"}
    )
    assert response.status_code == 302
    record = CallbackRecord.objects.get()
    assert record.operator == operator and record.heard_satisfaction == "basic" and record.reached
    assert record.history.get().history_user == operator
    assert "企业表示问题已解决" in client.get(change_url(appeal)).content.decode()


def test_callback_refused_to_the_department_and_to_another_centre(operator, reviewer, kjj):
    appeal = _replied(operator, reviewer, kjj)
    url = reverse("admin:appeals_appeal_callback", args=[appeal.pk])
    response = client_for(reviewer).post(url, {"confirm": "1", "reached": "on", "note": "已回访"})
    assert response.status_code == 403 and "话务员" in response.content.decode()
    other_centre = Department.objects.create(
        code="xl-cyzx", name="西陵区城运中心", region=appeal.region, kind=Department.Kind.OPERATIONS
    )
    stranger = member(other_centre, Role.OPERATOR)
    assert client_for(stranger).post(url, {"confirm": "1", "note": "已回访"}).status_code in (403, 404)
    assert not CallbackRecord.objects.exists()


def test_callback_before_the_reply_is_a_message(operator, kjj):
    appeal = dispatched(operator, kjj)
    response = client_for(operator).get(reverse("admin:appeals_appeal_callback", args=[appeal.pk]))
    assert response.status_code == 302


# --- time limits -----------------------------------------------------------------------------------------------


def test_time_limits_kept_by_platform_admins_with_the_defaults_shown(staff):  # noqa: F811
    admin_client = client_for(staff["platform_admin"])
    listing = admin_client.get(reverse("admin:appeals_appealtimelimit_changelist")).content.decode()
    assert "默认时限" in listing and "投诉" in listing and "13" in listing
    add = reverse("admin:appeals_appealtimelimit_add")
    # every kind and stage has its row (seeded with the defaults): nothing to add until one is deleted
    assert admin_client.get(add).status_code == 403
    row = AppealTimeLimit.objects.get(kind="complaint", stage="handle")
    change = reverse("admin:appeals_appealtimelimit_change", args=[row.pk])
    data = {"kind": "complaint", "stage": "handle", "days": "0", "pausable": "on", "basis": "宜昌 §36"}
    assert "时限应为1至60个工作日" in admin_client.post(change, data).content.decode()
    assert admin_client.post(change, {**data, "days": "15"}).status_code == 302
    assert services.limit_days("complaint", "handle") == 15
    row.delete()
    invalid = admin_client.post(add, {"kind": "complaint", "stage": "handle", "days": "61"})
    assert invalid.status_code == 200 and "时限应为1至60个工作日" in invalid.content.decode()
    paused = admin_client.post(add, {"kind": "complaint", "stage": "accept", "days": "2", "pausable": "on"})
    assert "只有“办理答复”环节" in paused.content.decode()
    assert admin_client.post(add, {"kind": "complaint", "stage": "handle", "days": "10"}).status_code == 302
    assert services.limit_days("complaint", "handle") == 10
    other = AppealTimeLimit.objects.get(kind="help", stage="handle")
    moved = {"kind": "complaint", "stage": "handle", "days": "12"}
    duplicate = admin_client.post(reverse("admin:appeals_appealtimelimit_change", args=[other.pk]), moved)
    assert "已设置时限" in duplicate.content.decode()
    assert AppealTimeLimit.objects.filter(kind="complaint", stage="handle").count() == 1
    # others read, never write
    reader = client_for(staff["kjj_reviewer"])
    assert reader.get(reverse("admin:appeals_appealtimelimit_changelist")).status_code == 200
    assert reader.post(add, {"kind": "help", "stage": "handle", "days": "3"}).status_code == 403


def test_the_ticket_page_shows_what_the_department_asked_and_the_answer(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    perform(appeal, "request_info", by=reviewer, reason="请提供出错页面的截图和所用浏览器版本")
    perform(appeal, "supply_info", by=appeal.submitted_by, reason="截图已上传，使用的是360浏览器")
    page = client_for(reviewer).get(change_url(appeal)).content.decode()
    assert "请提供出错页面的截图和所用浏览器版本" in page and "使用的是360浏览器" in page
