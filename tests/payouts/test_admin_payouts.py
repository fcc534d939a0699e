"""兑付记录 and 资金来源 in the back office, as finance, the matter's department and supervisors use them.

The list (masked accounts, the 兑付时限 in colour, filters, search), 暂缓/恢复/取消 with reasons, 更正 with a
typed account or the enterprise's current one, 生成待拨付记录, and the funding sources a finance department
keeps (its own department only; matters chosen by autocomplete).
"""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from payouts import bankfiles, services
from payouts.models import FundingSource, Payout, PayoutState
from payouts.workflow import PAY_CLOCK
from portal.org.models import Region
from portal.workcalendar.models import Clock
from tests.factories.applications import enterprise_with_user
from tests.payouts import test_admin_batches as batches
from tests.payouts.test_admin_batches import (
    account_number,
    approved_case,
    client_for,
    follow_messages,
    sent_batch,
    upload,
)

pytestmark = pytest.mark.django_db

P = PayoutState
LIST = "admin:payouts_payout_changelist"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def world(db):
    return batches.make_world()


def payout_of(enterprise) -> Payout:
    return Payout.objects.get(enterprise=enterprise)


def change_url(payout):
    return reverse("admin:payouts_payout_change", args=[payout.pk])


def transition_url(payout, name):
    return reverse("admin:payouts_payout_transition", args=[payout.pk, name])


def listed(response) -> set[str]:
    return {row.number for row in response.context["cl"].result_list}


# --- the list ----------------------------------------------------------------------------------------------------


def test_finance_lists_its_payouts_with_masked_accounts_and_the_due_date(world):
    response = client_for(world.maker).get(reverse(LIST))
    assert response.status_code == 200
    assert len(listed(response)) == 5
    html = response.content.decode()
    for n in (1, 2, 3, 99):
        assert account_number(n) not in html, "never the full account number on screen"
    assert "**** **** **** 0001" not in html, "the account is on the payout's page, not in the list"
    assert "120,000.00" in html and "80,000.50" in html
    assert "deadline-ok" in html, "the 兑付时限 due date with the working days left"
    columns = [column["text"] for column in response.context["result_headers"]]
    assert columns[1:] == ["兑付编号", "企业", "事项", "金额（元）", "状态 · 批次", "时限"]
    approved = payout_of(world.enterprises[0]).approved_on
    assert f"核准 {approved.isoformat()}" in html, "the date the 兑付时限 runs from, under it"
    assert "生成待拨付记录" in html


def test_the_overdue_filter_and_the_red_due_date(world):
    # Approved 40 days ago, 15 working days to pay: overdue.
    late = payout_of(world.enterprises[2])
    clock = Clock.objects.get(
        content_type=ContentType.objects.get_for_model(Payout), object_id=late.pk, kind=PAY_CLOCK.key
    )
    assert clock.due_on < timezone.localdate()
    client = client_for(world.maker)
    response = client.get(reverse(LIST), {"overdue": "1"})
    assert response.status_code == 200
    assert listed(response) == {late.number}
    assert "deadline-overdue" in response.content.decode() and "已超期" in response.content.decode()
    # The link of the overdue message (services.flag_overdue) is this list.
    assert services.flag_overdue() == 1
    from portal.notify.models import SiteMessage

    message = SiteMessage.objects.filter(user=world.maker).latest("pk")
    assert message.link == reverse(LIST) + "?overdue=1"
    assert listed(client.get(message.link)) == {late.number}
    page = client.get(change_url(late)).content.decode()
    assert "已超过兑付时限" in page


def test_filters_by_state_source_and_matter_department_and_search(world):
    client = client_for(world.maker)
    pending = listed(client.get(reverse(LIST), {"state__exact": P.PENDING}))
    assert len(pending) == 5
    by_department = listed(client.get(reverse(LIST), {"department": world.jxj.pk}))
    assert by_department == {payout_of(world.enterprises[2]).number}
    by_source = listed(client.get(reverse(LIST), {"funding_source__id__exact": world.source.pk}))
    assert len(by_source) == 5
    enterprise = world.enterprises[1]
    assert listed(client.get(reverse(LIST), {"q": enterprise.uscc})) == {payout_of(enterprise).number}
    assert listed(client.get(reverse(LIST), {"q": "未填账户"})) == {payout_of(world.no_account).number}
    number = payout_of(enterprise).number
    assert listed(client.get(reverse(LIST), {"q": number})) == {number}


def test_who_sees_which_payouts(world):
    # The matter's department follows its matters' payouts; the supervisor sees all; another finance none.
    assert len(listed(client_for(world.approver).get(reverse(LIST)))) == 4
    assert len(listed(client_for(world.supervisor).get(reverse(LIST)))) == 5
    other = client_for(world.other)
    assert listed(other.get(reverse(LIST))) == set()
    payout = payout_of(world.enterprises[0])
    assert other.get(change_url(payout)).status_code == 404
    assert other.post(transition_url(payout, "hold"), {"confirm": "1", "reason": "核查"}).status_code == 404
    payout.refresh_from_db()
    assert payout.state == P.PENDING


def test_the_payout_page_is_read_only_and_shows_the_masked_account(world):
    payout = payout_of(world.enterprises[0])
    client = client_for(world.maker)
    page = client.get(change_url(payout)).content.decode()
    assert 'name="_save"' not in page
    assert account_number(1) not in page and "**** **** **** 0001" in page
    assert payout.application.number in page
    assert 'data-transition="hold"' in page and 'data-transition="cancel"' in page
    assert 'data-transition="release"' not in page and 'data-transition="correct"' not in page
    assert client.post(change_url(payout), {"amount": "1.00", "_save": "1"}).status_code == 403
    payout.refresh_from_db()
    assert payout.amount == Decimal("120000.00")
    history = client.get(reverse("admin:payouts_payout_history", args=[payout.pk]))
    assert history.status_code == 200 and "生成兑付记录" in history.content.decode()
    # The supervisor reads it, and is offered nothing.
    supervised = client_for(world.supervisor).get(change_url(payout)).content.decode()
    assert "data-transition" not in supervised and 'name="_save"' not in supervised


# --- 暂缓, 恢复, 取消 ------------------------------------------------------------------------------------------------


def test_hold_needs_a_reason_then_release(world):
    payout = payout_of(world.enterprises[0])
    client = client_for(world.maker)
    refused = client.post(transition_url(payout, "hold"), {"confirm": "1", "reason": "  "})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    payout.refresh_from_db()
    assert payout.state == P.PENDING

    response = client.post(transition_url(payout, "hold"), {"confirm": "1", "reason": "企业涉嫌虚报，待核查"})
    html, messages = follow_messages(client, response)
    assert messages == ["暂缓拨付：已完成。"]
    payout.refresh_from_db()
    assert (payout.state, payout.hold_reason) == (P.HELD, "企业涉嫌虚报，待核查")
    assert "暂缓拨付：企业涉嫌虚报，待核查" in html and 'data-transition="release"' in html
    # Held payouts stay out of a batch.
    preview = client.get(reverse("admin:payouts_payoutbatch_create")).context["summary"]
    assert preview["count"] == 3 and preview["held"] == 1

    response = client.post(transition_url(payout, "release"), {"confirm": "1"})
    _html, messages = follow_messages(client, response)
    assert messages == ["恢复拨付：已完成。"]
    payout.refresh_from_db()
    assert (payout.state, payout.hold_reason) == (P.PENDING, "")


def test_hold_in_bulk_from_the_list(world):
    payouts = [payout_of(e) for e in world.enterprises[:2]]
    client = client_for(world.maker)
    data = {"action": "hold", ACTION_CHECKBOX_NAME: [p.pk for p in payouts], "index": 0}
    asked = client.post(reverse(LIST), data)
    assert asked.status_code == 200 and "暂缓原因" in asked.content.decode()
    done = client.post(reverse(LIST), {**data, "confirm": "1", "reason": "年度预算未下达"})
    assert done.status_code == 302
    assert {p.state for p in Payout.objects.filter(pk__in=[p.pk for p in payouts])} == {P.HELD}
    offered = [name for name, _label in client.get(reverse(LIST)).context["action_form"].fields["action"].choices]
    assert "hold" in offered and "release" in offered and "correct" not in offered, "更正 needs its form"


def test_a_bulk_action_leaves_out_the_payouts_whose_state_does_not_allow_it_and_says_so(world):
    payouts = [payout_of(e) for e in world.enterprises]
    held = payouts[0]
    services.hold(held, by=world.maker, reason="待核查")
    client = client_for(world.maker)
    data = {"action": "release", ACTION_CHECKBOX_NAME: [p.pk for p in payouts], "index": 0}
    asked = client.post(reverse(LIST), data)
    assert asked.status_code == 200
    assert [obj.pk for obj in asked.context["queryset"]] == [held.pk], "only the held payout is to be released"
    html = asked.content.decode()
    others = sorted(p.number for p in payouts[1:])
    assert f"以下2笔当前状态不能“恢复拨付”，已略过：{others[0]}（待拨付）、{others[1]}（待拨付）" in html
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{held.pk}"' in html
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{payouts[1].pk}"' not in html
    done = client.post(reverse(LIST), {**data, ACTION_CHECKBOX_NAME: [held.pk], "confirm": "1"})
    assert done.status_code == 302
    assert {p.state for p in Payout.objects.filter(pk__in=[p.pk for p in payouts])} == {P.PENDING}

    # Nothing selected may be released: back to the list, with the reason.
    none = client.post(reverse(LIST), data)
    _html, messages = follow_messages(client, none)
    assert messages[-1] == "所选记录均不能“恢复拨付”。" and "以下3笔当前状态不能“恢复拨付”，已略过" in messages[-2]


def test_cancel_with_a_reason_and_the_state_refusal_is_a_message(world):
    payout = payout_of(world.no_account)
    client = client_for(world.checker)
    response = client.post(transition_url(payout, "cancel"), {"confirm": "1", "reason": "企业已注销"})
    _html, messages = follow_messages(client, response)
    assert messages == ["取消兑付：已完成。"]
    payout.refresh_from_db()
    assert (payout.state, payout.cancel_reason) == (P.CANCELLED, "企业已注销")
    # Nothing more may be done to it: forced, a Chinese message, no error page.
    _html, messages = follow_messages(
        client, client.post(transition_url(payout, "hold"), {"confirm": "1", "reason": "x"})
    )
    assert len(messages) == 1 and "不能执行" in messages[0]
    payout.refresh_from_db()
    assert payout.state == P.CANCELLED


def test_the_approver_of_the_matter_may_not_hold(world):
    payout = payout_of(world.enterprises[0])
    client = client_for(world.approver)
    page = client.get(change_url(payout)).content.decode()
    assert "data-transition" not in page
    response = client.post(transition_url(payout, "hold"), {"confirm": "1", "reason": "x"})
    _html, messages = follow_messages(client, response)
    assert messages and all("权" in m or "不能" in m for m in messages)
    payout.refresh_from_db()
    assert payout.state == P.PENDING


# --- 更正 --------------------------------------------------------------------------------------------------------


def _failed_payout(world):
    batch = sent_batch(world)
    failing = Payout.objects.get(enterprise=world.enterprises[0])
    content = bankfiles.results_template(batch, {failing.number: (False, "", None, "户名与账号不符")})
    upload(client_for(world.checker), batch, content)
    failing.refresh_from_db()
    assert failing.state == P.FAILED
    return failing


def test_correct_with_a_typed_account(world):
    payout = _failed_payout(world)
    client = client_for(world.maker)
    page = client.get(change_url(payout)).content.decode()
    assert 'data-transition="correct"' in page and "户名与账号不符" in page
    form = client.get(transition_url(payout, "correct"))
    html = form.content.decode()
    assert form.status_code == 200 and "填写更正后的账户" in html
    # The typed account is the default: the enterprise's current account is the one the bank just returned.
    assert form.context["form"]["source"].value() == "typed"
    assert 'value="typed" checked' in html.replace('" required', '"').replace(' id="id_source_0"', "")
    # Above the form: the returned account, masked with its tail, and the bank's reason.
    returned = html[html.index('id="returned-account"') : html.index('id="correct-form"')]
    assert "**** **** **** 0001" in returned and "尾号0001" in returned and "户名与账号不符" in returned
    assert account_number(1) not in html
    assert "使用企业当前的收款账户（宜昌测试科技1有限公司，中国工商银行宜昌分行，尾号0001）——即被银行退回的账户" in html
    assert 'class="form-row' in html and "field-payee_name" in html, "laid out as the admin's forms"

    bad = client.post(
        transition_url(payout, "correct"),
        {
            "confirm": "1",
            "source": "typed",
            "payee_name": "",
            "bank_name": "建设银行",
            "account_number": "6222021234567890124",
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "请填写收款户名。" in errors["payee_name"] and "校验位不正确" in errors["account_number"][0]
    payout.refresh_from_db()
    assert payout.state == P.FAILED

    response = client.post(
        transition_url(payout, "correct"),
        {
            "confirm": "1",
            "source": "typed",
            "payee_name": "宜昌测试科技1有限公司",
            "bank_name": "中国建设银行宜昌分行",
            "branch": "西陵支行",
            "account_number": "1207 0000 8888 0000 555",
            "reason": "企业提供新账户",
        },
    )
    html, messages = follow_messages(client, response)
    assert messages == ["已更正收款账户，该笔兑付将编入下一拨付批次。"]
    payout.refresh_from_db()
    assert payout.state == P.CORRECTED and payout.failure_reason == ""
    assert payout.account_number == "1207000088880000555" and payout.bank_name == "中国建设银行宜昌分行"
    assert "1207000088880000555" not in html and "**** **** **** 0555" in html
    # The correction goes into a new batch.
    again = client.get(reverse("admin:payouts_payoutbatch_create")).context["summary"]
    assert again["count"] == 1
    batch = client.post(
        reverse("admin:payouts_payoutbatch_create"), {"funding_source": world.source.pk, "_create": "1"}
    )
    assert batch.status_code == 302
    payout.refresh_from_db()
    assert payout.state == P.BATCHED and payout.attempts == 2


def test_correct_with_the_enterprises_current_account(world):
    payout = _failed_payout(world)
    from payouts.models import PayeeAccount

    # the account the bank returned is not the enterprise's current one (given to the department on paper)
    Payout.objects.filter(pk=payout.pk).update(account_number="6217000000000000004", account_tail="0004")
    payout.lines.update(account_number="6217000000000000004", account_tail="0004")
    PayeeAccount.objects.filter(enterprise=payout.enterprise).update(account_number=account_number(1))
    client = client_for(world.maker)
    form = client.get(transition_url(payout, "correct")).content.decode()
    assert "使用企业当前的收款账户（宜昌测试科技1有限公司，中国工商银行宜昌分行，尾号0001）" in form
    assert "即被银行退回的账户" not in form and account_number(1) not in form
    assert "**** **** **** 0004" in form, "the returned account"
    response = client.post(transition_url(payout, "correct"), {"confirm": "1", "source": "current"})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.state == P.CORRECTED and payout.account_number == account_number(1)


def test_a_correction_identical_to_the_returned_account_or_in_another_name_is_refused_on_the_form(world):
    payout = _failed_payout(world)
    client = client_for(world.maker)
    typed = {
        "confirm": "1",
        "source": "typed",
        "payee_name": payout.enterprise.name,
        "bank_name": "中国工商银行宜昌分行",
        "account_number": account_number(1),
    }
    same = client.post(transition_url(payout, "correct"), typed)
    assert same.status_code == 200
    assert same.context["form"].errors["account_number"] == [
        "更正后的收款户名和账号与被银行退回的完全相同，请核对企业提供的正确账户。"
    ]
    assert "与被银行退回的完全相同" in same.content.decode()
    current = client.post(transition_url(payout, "correct"), {"confirm": "1", "source": "current"})
    assert current.status_code == 200
    assert "企业当前的收款账户（尾号0001）就是被银行退回的账户" in current.context["form"].errors["source"][0]
    other = client.post(
        transition_url(payout, "correct"),
        {**typed, "payee_name": "宜昌某某贸易有限公司", "account_number": account_number(55)},
    )
    assert other.status_code == 200
    assert "收款户名须与企业名称“宜昌测试科技1有限公司”一致" in other.context["form"].errors["payee_name"][0]
    assert "收款户名须与企业名称" in other.content.decode()
    payout.refresh_from_db()
    assert payout.state == P.FAILED and payout.account_number == account_number(1)


def test_a_refusal_of_the_service_is_shown_on_the_form(world, monkeypatch):
    from django.core.exceptions import ValidationError

    payout = _failed_payout(world)

    def refuse(*args, **kwargs):
        raise ValidationError("更正后的收款户名和账号与被银行退回的完全相同，请核对企业提供的正确账户后再更正。")

    monkeypatch.setattr(services, "correct", refuse)
    response = client_for(world.maker).post(
        transition_url(payout, "correct"),
        {
            "confirm": "1",
            "source": "typed",
            "payee_name": payout.enterprise.name,
            "bank_name": "中国银行",
            "account_number": account_number(56),
        },
    )
    assert response.status_code == 200
    assert "请核对企业提供的正确账户后再更正" in response.content.decode()
    payout.refresh_from_db()
    assert payout.state == P.FAILED


def test_correct_with_the_current_account_when_there_is_none_is_refused(world):
    payout = _failed_payout(world)
    from payouts.models import PayeeAccount

    PayeeAccount.objects.filter(enterprise=payout.enterprise).delete()
    response = client_for(world.maker).post(transition_url(payout, "correct"), {"confirm": "1", "source": "current"})
    assert response.status_code == 200
    assert "企业尚未填写收款账户" in response.content.decode()
    payout.refresh_from_db()
    assert payout.state == P.FAILED


def test_correct_is_refused_for_a_payout_that_has_not_failed(world):
    payout = payout_of(world.enterprises[0])
    client = client_for(world.maker)
    _html, messages = follow_messages(client, client.get(transition_url(payout, "correct")))
    assert len(messages) == 1 and "不能执行" in messages[0]


# --- 生成待拨付记录 -------------------------------------------------------------------------------------------------


def test_finance_opens_the_payouts_of_new_approved_cases(world):
    late = enterprise_with_user(name="宜昌新核准有限公司")
    approved_case(world.matter, late, "6000.00", number="SB-NEW-0001")
    client = client_for(world.maker)
    assert client.get(reverse("admin:payouts_payout_open")).status_code == 405
    response = client.post(reverse("admin:payouts_payout_open"), {"next": reverse(LIST)})
    _html, messages = follow_messages(client, response)
    assert messages == ["已生成1笔待拨付记录。"]
    assert Payout.objects.get(enterprise=late).amount == Decimal("6000.00")
    response = client.post(reverse("admin:payouts_payout_open"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse(LIST)
    _html, messages = follow_messages(client, response)
    assert messages == ["没有新的待兑付申报件或已确认的免申即享记录，未生成新的记录。"]
    assert Payout.objects.count() == 6


def test_only_finance_and_platform_admins_open_payouts(world):
    enterprise = enterprise_with_user()
    approved_case(world.matter, enterprise, "100.00", number="SB-NEW-0002")
    for user in (world.approver, world.supervisor):
        assert client_for(user).post(reverse("admin:payouts_payout_open")).status_code == 403
        assert "生成待拨付记录" not in client_for(user).get(reverse(LIST)).content.decode()
    assert not Payout.objects.filter(enterprise=enterprise).exists()


# --- 资金来源 -------------------------------------------------------------------------------------------------------


SOURCES = "admin:payouts_fundingsource_changelist"


def test_finance_adds_a_source_of_its_own_department(world):
    client = client_for(world.maker)
    add = reverse("admin:payouts_fundingsource_add")
    page = client.get(add)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert list(form.fields["department"].queryset) == [world.czj]
    assert form.initial["department"] == world.czj.pk
    # The matters by autocomplete: every department's matters, by code or name.
    url = reverse("admin:payouts_fundingsource_matters")
    assert url in page.content.decode()
    found = client.get(url, {"term": "技术改造"}).json()
    assert [row["id"] for row in found["results"]] == [str(world.matter2.pk)]
    assert client_for(world.approver).get(url, {"term": "技术"}).status_code == 403

    matter = world.matter2
    world.source.matters.remove(matter)
    response = client.post(
        add,
        {
            "name": " 2026年市级技术改造专项资金 ",
            "level": Region.Level.CITY,
            "department": world.czj.pk,
            "budget_line": "2150805",
            "matters": [matter.pk],
            "pay_within_days": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = FundingSource.objects.get(name="2026年市级技术改造专项资金")
    assert source.region == world.czj.region and list(source.matters.all()) == [matter]
    assert source.history.latest().history_user == world.maker
    assert services.funding_source_for(matter) == source


def test_a_matter_already_paid_from_another_source_and_another_department_are_refused(world):
    client = client_for(world.maker)
    data = {
        "name": "重复资金",
        "level": Region.Level.CITY,
        "department": world.czj.pk,
        "matters": [world.matter.pk],
        "pay_within_days": "15",
        "active": "on",
    }
    response = client.post(reverse("admin:payouts_fundingsource_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "已由其他启用的资金来源兑付" in errors["matters"][0]
    response = client.post(
        reverse("admin:payouts_fundingsource_add"), {**data, "matters": [], "department": world.wjg.pk}
    )
    assert "department" in response.context["adminform"].form.errors
    assert not FundingSource.objects.filter(name="重复资金").exists()


def test_finance_changes_its_own_source_and_not_another_departments(world):
    client = client_for(world.maker)
    listing = client.get(reverse(SOURCES)).content.decode()
    assert world.source.name in listing and world.county_source.name not in listing
    assert client.get(reverse("admin:payouts_fundingsource_change", args=[world.county_source.pk])).status_code == 404
    url = reverse("admin:payouts_fundingsource_change", args=[world.source.pk])
    response = client.post(
        url,
        {
            "name": world.source.name,
            "level": world.source.level,
            "department": world.czj.pk,
            "budget_line": "2060499",
            "matters": [world.matter.pk, world.matter2.pk],
            "pay_within_days": "20",
            "active": "on",
        },
    )
    assert response.status_code == 302
    world.source.refresh_from_db()
    assert world.source.pay_within_days == 20


def test_a_central_fund_with_the_payers_account(world):
    client = client_for(world.maker)
    add = reverse("admin:payouts_fundingsource_add")
    page = client.get(add)
    form = page.context["adminform"].form
    assert [value for value, _label in form.fields["level"].choices if value] == [
        "central",
        "province",
        "city",
        "county",
    ]
    html = page.content.decode()
    assert "中央" in html and "县级（区级）" in html
    assert "付款户名" in html and "付款账号" in html and "付款银行" in html
    assert "如：2026年市级科技创新专项资金" in html, "the officer who types sees the examples"
    data = {
        "name": "2026年中央中小企业发展专项资金",
        "level": "central",
        "department": world.czj.pk,
        "payer_name": " 宜昌市财政局 国库存款 ",
        "payer_account": "1807 0102 0900 0123 456",
        "payer_bank": "中国人民银行宜昌市分行",
        "pay_within_days": "15",
        "active": "on",
    }
    bad = client.post(add, {**data, "payer_account": "12AB"})
    assert bad.status_code == 200
    assert "银行账号应为" in bad.context["adminform"].form.errors["payer_account"][0]
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = FundingSource.objects.get(level="central")
    assert (source.payer_name, source.payer_account, source.payer_bank) == (
        "宜昌市财政局 国库存款",
        "1807010209000123456",
        "中国人民银行宜昌市分行",
    )


def test_the_supervisor_reads_every_source_and_changes_none(world):
    client = client_for(world.supervisor)
    listing = client.get(reverse(SOURCES)).content.decode()
    assert world.source.name in listing and world.county_source.name in listing
    url = reverse("admin:payouts_fundingsource_change", args=[world.source.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page
    # read, not typed: no examples of what to type
    assert world.source.name in page and "付款户名" in page
    assert "如：2026年市级科技创新专项资金" not in page and "如：2060499" not in page
    assert client.post(url, {"name": "改名", "_save": "1"}).status_code == 403
    assert client.get(reverse("admin:payouts_fundingsource_add")).status_code == 403
