"""The appeals back office as a newcomer found it: what a member of staff may open, what is offered when, and what
the pages say.

Fixtures and helpers are those of `test_admin`.
"""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import AppealState
from portal.core.workflow import perform
from portal.org.models import Department
from tests.appeals.test_admin import accepted, change_url, client_for, dispatched, transition_url
from tests.backoffice.conftest import demo_org, staff  # noqa: F401
from tests.factories.appeals import handler_of

pytestmark = pytest.mark.django_db

S = AppealState
NOT_VISIBLE = "本工单未派给您所在的部门，不能查看。"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def kjj(demo_org):  # noqa: F811
    return Department.objects.get(code="yc-kjj")


@pytest.fixture
def operator(staff):  # noqa: F811
    return staff["cyzx_operator"]


@pytest.fixture
def reviewer(staff):  # noqa: F811
    return staff["kjj_reviewer"]


# --- what a member of staff may open ----------------------------------------------------------------------------


def test_every_page_of_a_ticket_never_dispatched_to_the_department_is_the_back_offices_403(operator, reviewer):
    appeal = dispatched(operator, Department.objects.get(code="yc-czj"))
    client = client_for(reviewer)
    for view in ("change", "history", "extension", "contact", "callback", "delete"):
        url = reverse(f"admin:appeals_appeal_{view}", args=[appeal.pk])
        response = client.get(url)
        assert response.status_code == 403, view
        page = response.content.decode()
        assert NOT_VISIBLE in page, view
        assert "页面不存在" not in page and appeal.content not in page, view
    history = appeal.history.order_by("history_id").first()
    url = reverse("admin:appeals_appeal_simple_history", args=[appeal.pk, history.history_id])
    assert client.get(url).status_code == 403
    response = client.get(transition_url(appeal, "dispatch"))
    assert response.status_code == 403
    # an id that does not exist stays a 404
    assert client.get(reverse("admin:appeals_appeal_change", args=[999999])).status_code == 404


def test_a_ticket_returned_by_the_department_is_no_longer_its_to_read(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    client = client_for(reviewer)
    assert client.get(reverse("admin:appeals_appeal_history", args=[appeal.pk])).status_code == 200
    perform(appeal, "return", by=reviewer, reason="不属本部门职责范围")
    response = client.get(reverse("admin:appeals_appeal_history", args=[appeal.pk]))
    assert response.status_code == 403 and NOT_VISIBLE in response.content.decode()


def test_an_extension_request_on_a_ticket_out_of_sight_is_the_403_page(operator, reviewer):
    czj = Department.objects.get(code="yc-czj")
    appeal = dispatched(operator, czj)
    request = services.request_extension(appeal, days=3, reason="需要会同其他部门核实", by=handler_of(czj))
    client = client_for(reviewer)
    for view in ("change", "history"):
        response = client.get(reverse(f"admin:appeals_extensionrequest_{view}", args=[request.pk]))
        assert response.status_code == 403 and NOT_VISIBLE in response.content.decode(), view
    # the operator still opens it
    operator_client = client_for(operator)
    assert operator_client.get(reverse("admin:appeals_extensionrequest_change", args=[request.pk])).status_code == 200


# --- what is offered when -----------------------------------------------------------------------------------------


def _tools(client, appeal):
    response = client.get(change_url(appeal))
    assert response.status_code == 200
    return response, {t["name"] for t in response.context["workflow_tools"]}


def _transitions(response):
    return {t.name for t in response.context["workflow_transitions"]}


def test_request_info_is_not_offered_on_a_consultation(operator, reviewer, kjj):
    consultation = dispatched(operator, kjj, kind="consultation")
    complaint = dispatched(operator, kjj)
    client = client_for(reviewer)
    for appeal in (consultation, complaint):
        perform(appeal, "sign", by=reviewer)
    response = client.get(change_url(consultation))
    assert "request_info" not in _transitions(response)
    assert transition_url(consultation, "request_info") not in response.content.decode()
    response = client.get(change_url(complaint))
    assert "request_info" in _transitions(response)
    assert transition_url(complaint, "request_info") in response.content.decode()


def test_extension_offered_while_handling_to_the_department_with_none_pending(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    client = client_for(reviewer)
    # 待签收: not yet
    _response, tools = _tools(client, appeal)
    assert "extension" not in tools
    url = reverse("admin:appeals_appeal_extension", args=[appeal.pk])
    assert client.get(url).status_code == 302
    perform(appeal, "sign", by=reviewer)
    _response, tools = _tools(client, appeal)
    assert "extension" in tools
    # the operator of the centre is never offered it
    assert "extension" not in _tools(client_for(operator), appeal)[1]
    services.request_extension(appeal, days=3, reason="需要会同其他部门核实", by=reviewer)
    response, tools = _tools(client, appeal)
    assert "extension" not in tools
    assert "延期申请待城运中心审核" in response.content.decode()
    assert client.get(url).status_code == 302
    # 待补充信息 is still handling
    request = appeal.extension_requests.get()
    perform(request, "refuse", by=operator, reason="时限内可以办结")
    perform(appeal, "request_info", by=reviewer, reason="请提供营业执照复印件")
    assert "extension" in _tools(client, appeal)[1]


# --- what the pages say -------------------------------------------------------------------------------------------


def test_the_redispatch_form_shows_the_return_reason_and_leaves_out_the_returning_department(operator, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "return", by=handler_of(kjj), reason="不属本部门职责范围，建议派人社局")
    response = client_for(operator).get(transition_url(appeal, "dispatch"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{kjj.short_name or kjj.name}退单理由：不属本部门职责范围，建议派人社局" in page
    choices = response.context["form"].fields["department"].queryset
    assert kjj not in choices and choices.filter(code="yc-rsj").exists()
    assert 'value="确认派单"' in page


def test_the_list_marks_a_pending_extension_and_empty_cells_are_a_dash(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    plain = dispatched(operator, kjj)
    services.request_extension(appeal, days=3, reason="需要会同其他部门核实", by=reviewer)
    response = client_for(operator).get(reverse("admin:appeals_appeal_changelist"))
    admin = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert "延期待审" in str(admin.marks(rows[appeal.pk]))
    assert admin.marks(rows[plain.pk]) == "—"
    assert "appeal-mark-extension" in response.content.decode()


def test_clocks_running_and_stopped_show_dates_in_one_format(operator, reviewer, kjj):
    import re

    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    response = client_for(reviewer).get(change_url(appeal))
    clocks = response.context["sheet"]["clocks"]
    assert len(clocks) == 3  # 受理 and 签收 stopped, 办理 running
    for clock in clocks:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", clock["started_on"])
        assert re.search(r"\d{4}-\d{2}-\d{2}", str(clock["due"]))
    section = response.content.decode().split('id="appeal-clocks"')[1].split("</fieldset>")[0]
    assert "年" not in section


def test_extensions_are_in_the_record_and_the_approval_shows_both_due_dates(operator, reviewer, kjj):
    from portal.workcalendar import clocks

    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    request = services.request_extension(appeal, days=5, reason="需会同财政核实拨付记录", by=reviewer)
    clock = clocks.of(appeal, "appeal_handle").get()
    expected = clocks.compute_due(clock.started_on, clock.limit_days + 5, [])
    client = client_for(operator)
    approve = reverse("admin:appeals_extensionrequest_transition", args=[request.pk, "approve"])
    page = client.get(approve).content.decode()
    assert clock.due_on.isoformat() in page and expected.isoformat() in page
    assert "同意后的截止日期" in page and 'value="确认同意延期"' in page
    assert client.post(approve, {"confirm": "1", "reason": "同意，请抓紧办理"}).status_code == 302
    clock.refresh_from_db()
    assert clock.due_on == expected
    rows = client.get(change_url(appeal)).context["sheet"]["history"]
    statuses = [str(row["status"]) for row in rows]
    assert statuses.index("同意延期") < statuses.index("申请延期") < statuses.index("办理中")
    asked = rows[statuses.index("申请延期")]
    assert "5" in asked["reason"] and "需会同财政核实拨付记录" in asked["reason"] and asked["by"]
    assert rows[statuses.index("同意延期")]["reason"] == "同意，请抓紧办理"


def test_the_reply_page_shows_the_appeal_and_what_was_supplied(operator, reviewer, kjj):
    appeal = dispatched(operator, kjj)
    perform(appeal, "sign", by=reviewer)
    perform(appeal, "request_info", by=reviewer, reason="请提供营业执照复印件")
    perform(appeal, "supply_info", by=operator, reason="已通过电话补充：营业执照号码见附件")
    response = client_for(reviewer).get(transition_url(appeal, "reply"))
    page = response.content.decode()
    assert response.status_code == 200
    assert appeal.content in page and "请提供营业执照复印件" in page and "营业执照号码见附件" in page
    assert page.index(appeal.content) < page.index('name="reason"')
    assert 'value="提交答复"' in page
    # the centre's direct answer too
    waiting = accepted(operator)
    page = client_for(operator).get(transition_url(waiting, "answer")).content.decode()
    assert waiting.content in page and 'value="提交答复"' in page


def test_empty_values_are_a_dash_on_the_ticket_page(operator, kjj):
    appeal = dispatched(operator, kjj)
    response = client_for(operator).get(change_url(appeal))
    assert response.context["adminform"].model_admin.empty_value_display == "—"
    page = response.content.decode()
    assert '<div class="readonly">-</div>' not in page
