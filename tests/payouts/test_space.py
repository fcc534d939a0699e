"""The enterprise space's disbursement pages through the Django test client: 兑付记录 (list and one record, another
enterprise's a 404, staff never an enterprise), the 资金兑付 block on the space page, and 收款账户 (valid: stored
encrypted, shown masked, copied to the waiting payouts and correcting the failed one; invalid: Luhn, letters,
empty — refused with Chinese messages, nothing stored; CSRF; members only)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.models import Application, Status
from enterprises.models import EnterpriseMember
from payouts.models import FundingSource, PayeeAccount, Payout, PayoutState
from portal.core.navigation import navigation
from portal.org.models import Department, Region, Role
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

GOOD_CARD = "6222020200001234562"  # passes the Luhn check
BAD_CARD = "6222020200001234563"  # the same with a wrong check digit
CORPORATE = "1207000009100012345"  # a settlement account: no check digit
P = PayoutState


class Data:
    serial = 0

    def __init__(self):
        city = CityFactory()
        finance = DepartmentFactory(name="宜昌市财政局", code="s-czj", region=city, kind=Department.Kind.FINANCE)
        self.matter = published_matter(name="高新技术企业认定奖励")
        self.source = FundingSource.objects.create(
            payer_name="宜昌市财政局国库存款",
            payer_account="42050110000000000001",
            payer_bank="中国人民银行宜昌市中心支库",
            name="市级科技资金",
            level=Region.Level.CITY,
            region=city,
            department=finance,
        )
        self.enterprise = enterprise_with_user(name="宜昌兑付测试科技有限公司")
        self.user = self.enterprise.user
        self.other = enterprise_with_user(name="别家公司")
        self.paid = self.payout(
            self.enterprise,
            "120000.00",
            P.PAID,
            paid_on=dt.date(2026, 3, 16),
            bank_reference="YH2026031600001",
            workdays_to_pay=5,
            account_number=CORPORATE,
            bank_name="中国工商银行",
            payee_name=self.enterprise.name,
        )
        self.failed = self.payout(
            self.enterprise, "30000.00", P.FAILED, failure_reason="账号户名不符", account_number="6222020200009999990"
        )
        self.waiting = self.payout(self.enterprise, "8000.50", P.PENDING)
        self.held = self.payout(self.enterprise, "500.00", P.HELD, hold_reason="企业存在未办结的信用修复")
        self.cancelled = self.payout(self.enterprise, "700.00", P.CANCELLED, cancel_reason="企业放弃")
        self.others = self.payout(self.other, "99999.00", P.PENDING)

    def payout(self, enterprise, amount, state, **fields):
        Data.serial += 1
        application = Application.objects.create(
            number=f"SB20260301{Data.serial:06d}",
            enterprise=enterprise,
            matter=self.matter,
            period=str(2000 + Data.serial),
            status=Status.PAID if state == P.PAID else Status.TO_PAYOUT,
            approved_amount=Decimal(amount),
        )
        return Payout.objects.create(
            number=f"DF20260301{Data.serial:06d}",
            application=application,
            enterprise=enterprise,
            matter=self.matter,
            funding_source=self.source,
            amount=Decimal(amount),
            state=state,
            approved_on=dt.date(2026, 3, 9),
            **fields,
        )


@pytest.fixture
def data():
    return Data()


@pytest.fixture
def signed_in(data, client):
    client.force_login(data.user)
    return client


def account_url(enterprise) -> str:
    return reverse("payouts:account") + f"?enterprise={enterprise.uscc}"


# --- 兑付记录 --------------------------------------------------------------------------------------------------------


def test_the_records_list_the_enterprises_payouts_only(data, signed_in):
    response = signed_in.get(reverse("payouts:records"))
    assert response.status_code == 200
    numbers = [p.number for p in response.context["rows"]]
    assert sorted(numbers) == sorted(
        p.number for p in (data.paid, data.failed, data.waiting, data.held, data.cancelled)
    )
    html = response.content.decode()
    assert data.others.number not in html and "99,999.00" not in html
    assert "120,000.00" in html and "YH2026031600001" in html and "2026-03-16" in html
    assert "**** **** **** 2345" in html and CORPORATE not in html
    assert "已支付" in html and "支付失败" in html and "暂缓拨付" in html
    assert "请填写收款账户" in html and "请更正收款账户" in html


def test_one_record_shows_amount_dates_reference_and_masked_account(data, signed_in):
    response = signed_in.get(reverse("payouts:record", kwargs={"number": data.paid.number}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "高新技术企业认定奖励",
        data.paid.number,
        "120,000.00元已于2026-03-16支付",
        "2026-03-09",
        "2026-03-16",
        "YH2026031600001",
        "**** **** **** 2345",
        "核准后 5 个工作日支付",
        "市级科技资金",
        data.paid.application.number,
    ):
        assert text in html, text
    assert CORPORATE not in html
    assert [step["label"] for step in response.context["progress"]] == ["已支付"]


def test_a_failed_record_says_why_and_what_to_do(data, signed_in):
    html = signed_in.get(reverse("payouts:record", kwargs={"number": data.failed.number})).content.decode()
    assert "银行退回原因：账号户名不符" in html
    assert "请核对收款户名、开户银行和银行账号" in html
    assert f'href="{account_url(data.enterprise)}"' in html
    held = signed_in.get(reverse("payouts:record", kwargs={"number": data.held.number})).content.decode()
    assert "财政部门已暂缓拨付，原因：企业存在未办结的信用修复" in held
    waiting = signed_in.get(reverse("payouts:record", kwargs={"number": data.waiting.number})).content.decode()
    assert "贵企业尚未填写收款账户" in waiting
    cancelled = signed_in.get(reverse("payouts:record", kwargs={"number": data.cancelled.number})).content.decode()
    assert "本笔兑付已取消，原因：企业放弃" in cancelled


def test_another_enterprises_record_is_a_404(data, signed_in):
    assert signed_in.get(reverse("payouts:record", kwargs={"number": data.others.number})).status_code == 404
    assert signed_in.get(reverse("payouts:record", kwargs={"number": "DF20990101000001"})).status_code == 404
    # The number folded: lower case reaches the same record.
    lower = "/payouts/records/" + data.paid.number.lower() + "/"
    assert signed_in.get(lower).status_code == 200


def test_staff_are_not_an_enterprise(data, client):
    finance = member(data.source.department, Role.FINANCE)
    EnterpriseMember.objects.create(enterprise=data.enterprise, user=finance, role=EnterpriseMember.Role.AGENT)
    client.force_login(finance)
    assert client.get(reverse("payouts:record", kwargs={"number": data.paid.number})).status_code == 404
    assert list(client.get(reverse("payouts:records")).context["rows"]) == []
    assert client.get(account_url(data.enterprise)).status_code == 404


def test_the_pages_ask_to_sign_in(data, client):
    for url in (reverse("payouts:records"), reverse("payouts:account")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the enterprise space --------------------------------------------------------------------------------------------


def test_the_space_block_counts_waiting_and_paid_and_warns(data, signed_in):
    response = signed_in.get(reverse("enterprises:space", kwargs={"uscc": data.enterprise.uscc}))
    assert response.status_code == 200
    block = next(b for b in response.context["space_blocks"] if b["key"] == "payouts")["data"]
    # 待拨付: failed 30000.00 + pending 8000.50 + held 500.00; cancelled not counted.
    assert (block["waiting"], block["waiting_total"]) == (3, Decimal("38500.50"))
    assert (block["paid"], block["paid_total"]) == (1, Decimal("120000.00"))
    assert (block["failed"], block["no_account"]) == (1, 2)
    html = response.content.decode()
    assert 'id="payouts"' in html
    assert "38,500.50" in html and "待拨付 3 笔" in html and "120,000.00" in html and "已拨付 1 笔" in html
    assert "有 1 笔资金支付失败" in html and "有 2 笔资金等待拨付，贵企业尚未填写收款账户" in html
    assert reverse("payouts:records") in html


def test_the_menu_shows_records_to_enterprise_users_and_results_to_everyone(data):
    labels = [item["label"] for item in navigation("/", data.user)]
    assert "兑付记录" in labels and "兑付公开" in labels
    staff = member(data.source.department, Role.FINANCE)
    assert "兑付记录" not in [item["label"] for item in navigation("/", staff)]
    from django.contrib.auth.models import AnonymousUser

    anonymous = [item["label"] for item in navigation("/", AnonymousUser())]
    assert "兑付记录" not in anonymous and "兑付公开" in anonymous


# --- 收款账户 ---------------------------------------------------------------------------------------------------------


def test_the_account_form_starts_with_the_enterprise_name(data, signed_in):
    response = signed_in.get(reverse("payouts:account"))
    assert response.status_code == 200
    assert response.context["enterprise"] == data.enterprise
    assert response.context["form"].initial["payee_name"] == "宜昌兑付测试科技有限公司"
    html = response.content.decode()
    assert "尚未填写收款账户" in html and "有 1 笔资金支付失败" in html and "有 2 笔资金等待拨付" in html


def test_every_refusal_of_the_account_form_is_shown_at_once(data, signed_in):
    response = signed_in.post(
        account_url(data.enterprise),
        {
            "payee_name": "张三",
            "bank_name": "中国建设银行",
            "account_number": "6222020200012345678",
            "account_number_again": "6222020200012345670",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "须与企业名称" in errors["payee_name"][0]
    assert "校验位不正确" in errors["account_number"][0]
    assert not PayeeAccount.objects.filter(enterprise=data.enterprise).exists()


def test_a_valid_account_is_stored_encrypted_shown_masked_and_used(data, signed_in):
    full_width = "６２２２ ０２０２ ００００ １２３４ ５６２"
    response = signed_in.post(
        account_url(data.enterprise),
        {
            "payee_name": " 宜昌兑付测试科技有限公司 ",
            "bank_name": "中国建设银行",
            "branch": "宜昌西陵支行",
            "account_number": full_width,
            "account_number_again": "6222-0202-0000-1234-562",
        },
    )
    assert response.status_code == 302 and response["Location"] == account_url(data.enterprise)
    account = PayeeAccount.objects.get(enterprise=data.enterprise)
    assert (account.account_name, account.bank_name, account.branch) == (
        "宜昌兑付测试科技有限公司",
        "中国建设银行",
        "宜昌西陵支行",
    )
    assert account.account_number == GOOD_CARD
    assert account.updated_by == data.user
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM payouts_payeeaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert GOOD_CARD not in stored and "1234562" not in stored
    page = signed_in.get(response["Location"])
    html = page.content.decode()
    assert "收款账户已保存" in html and "支付失败的1笔资金已按新账户更正" in html
    assert "**** **** **** 4562" in html and GOOD_CARD not in html
    assert 'value="6222' not in html  # the number is never sent back in the form
    # The waiting payouts took the account; the failed one is corrected for the next batch; the paid one kept its own.
    data.waiting.refresh_from_db()
    data.held.refresh_from_db()
    data.failed.refresh_from_db()
    data.paid.refresh_from_db()
    assert data.waiting.account_number == GOOD_CARD and data.waiting.bank_name == "中国建设银行"
    assert data.held.account_number == GOOD_CARD
    assert data.failed.state == P.CORRECTED and data.failed.account_number == GOOD_CARD
    assert data.paid.account_number == CORPORATE
    assert account.history.count() == 1
    assert [c.bank_name for c in page.context["changes"]] == ["中国建设银行"]


def test_leaving_the_number_empty_keeps_the_current_one(data, signed_in):
    PayeeAccount.objects.create(
        enterprise=data.enterprise,
        account_name="宜昌兑付测试科技有限公司",
        bank_name="中国银行",
        account_number=CORPORATE,
    )
    form = signed_in.get(reverse("payouts:account")).context["form"]
    assert not form.fields["account_number"].required and "**** **** **** 2345" in str(
        form.fields["account_number"].help_text
    )
    assert not form.fields["account_number_again"].required
    kept = {"payee_name": "宜昌兑付测试科技有限公司", "bank_name": "中国银行", "branch": "夷陵支行"}
    # Only one of the two entries filled: refused, the current number kept.
    half = signed_in.post(reverse("payouts:account"), {**kept, "account_number": "", "account_number_again": GOOD_CARD})
    assert half.status_code == 400
    assert half.context["form"].errors["account_number_again"] == ["两次输入的银行账号不一致，请核对后重新填写。"]
    response = signed_in.post(reverse("payouts:account"), {**kept, "account_number": "", "account_number_again": ""})
    assert response.status_code == 302
    account = PayeeAccount.objects.get(enterprise=data.enterprise)
    assert (account.branch, account.account_number) == ("夷陵支行", CORPORATE)


def test_the_two_entries_are_compared_with_full_width_digits_and_spaces_folded(data, signed_in):
    """The second entry typed with full-width digits, spaces and a full-width hyphen still matches."""
    response = signed_in.post(
        reverse("payouts:account"),
        {
            "payee_name": "宜昌兑付测试科技有限公司",
            "bank_name": "中国工商银行",
            "account_number": "1207 0000 0910 0012 345",
            "account_number_again": "１２０７０００００９１０００１２３４５　",
        },
    )
    assert response.status_code == 302
    assert PayeeAccount.objects.get(enterprise=data.enterprise).account_number == CORPORATE
    mismatch = signed_in.post(
        reverse("payouts:account"),
        {
            "payee_name": "宜昌兑付测试科技有限公司",
            "bank_name": "中国工商银行",
            "account_number": "1207000009100012345",
            "account_number_again": "1207000009100012354",
        },
    )
    assert mismatch.status_code == 400
    assert "两次输入的银行账号不一致，请核对后重新填写。" in mismatch.content.decode()
    assert PayeeAccount.objects.get(enterprise=data.enterprise).history.count() == 1


def test_the_account_page_says_what_happens_without_an_account_and_after_a_failed_payment(data, signed_in):
    html = signed_in.get(reverse("payouts:account")).content.decode()
    assert 'id="what-happens"' in html
    assert "再次输入银行账号" in html
    assert "以本企业名称开户的对公账户" in html
    assert "资金会一直等待拨付" in html and "随下一拨付批次拨付" in html
    assert "银行退回的资金不会丢失" in html and "更正后的账户用于下一拨付批次" in html


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"account_number": BAD_CARD}, "account_number", f"银行卡号“{BAD_CARD}”校验位不正确，请核对后重新填写"),
        ({"account_number": "6222ABCD00001234"}, "account_number", "银行账号应为8至30位数字"),
        ({"account_number": "1234567"}, "account_number", "银行账号应为8至30位数字"),
        ({"account_number": ""}, "account_number", "请填写银行账号。"),
        ({"payee_name": ""}, "payee_name", "请填写收款户名。"),
        ({"payee_name": "　 "}, "payee_name", "请填写收款户名。"),
        ({"bank_name": ""}, "bank_name", "请填写开户银行。"),
        (
            {"account_number": GOOD_CARD, "account_number_again": "6222020200001234526"},
            "account_number_again",
            "两次输入的银行账号不一致，请核对后重新填写。",
        ),
        ({"account_number": GOOD_CARD, "account_number_again": ""}, "account_number_again", "请再次输入银行账号。"),
    ],
)
def test_an_invalid_account_is_refused_in_chinese_and_nothing_changes(data, signed_in, posted, field, message):
    valid = {
        "payee_name": "宜昌兑付测试科技有限公司",
        "bank_name": "中国建设银行",
        "branch": "",
        "account_number": GOOD_CARD,
    }
    if "account_number" in posted:
        posted = {"account_number_again": posted["account_number"], **posted}
    response = signed_in.post(reverse("payouts:account"), {**valid, **posted})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not PayeeAccount.objects.filter(enterprise=data.enterprise).exists()
    data.failed.refresh_from_db()
    assert data.failed.state == P.FAILED


def test_everything_empty_shows_every_message(data, signed_in):
    response = signed_in.post(reverse("payouts:account"), {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["payee_name"] == ["请填写收款户名。"]
    assert errors["bank_name"] == ["请填写开户银行。"]
    assert errors["account_number"] == ["请填写银行账号。"]
    assert "account_number_again" not in errors  # one message for the number, not two


def test_the_account_form_needs_the_csrf_token(data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(data.user)
    response = client.post(
        reverse("payouts:account"),
        {"payee_name": "宜昌兑付测试科技有限公司", "bank_name": "中国建设银行", "account_number": GOOD_CARD},
    )
    assert response.status_code == 403
    assert not PayeeAccount.objects.filter(enterprise=data.enterprise).exists()


def test_only_the_enterprises_members_reach_its_account(data, signed_in, client):
    assert signed_in.get(account_url(data.other)).status_code == 404
    assert (
        signed_in.post(
            account_url(data.other), {"payee_name": "x", "bank_name": "y", "account_number": GOOD_CARD}
        ).status_code
        == 404
    )
    assert not PayeeAccount.objects.filter(enterprise=data.other).exists()
    # An agent (经办人) of the enterprise may keep the account.
    agent = EnterpriseUserFactory()
    EnterpriseMemberFactory(enterprise=data.enterprise, user=agent, role=EnterpriseMember.Role.AGENT)
    other_client = Client()
    other_client.force_login(agent)
    response = other_client.post(
        account_url(data.enterprise),
        {
            "payee_name": "宜昌兑付测试科技有限公司",
            "bank_name": "中国农业银行",
            "account_number": CORPORATE,
            "account_number_again": CORPORATE,
        },
    )
    assert response.status_code == 302
    assert PayeeAccount.objects.get(enterprise=data.enterprise).updated_by == agent


def test_a_user_of_several_enterprises_chooses_one(data, client):
    second = EnterpriseFactory(name="第二家公司")
    EnterpriseMemberFactory(enterprise=second, user=data.user, role=EnterpriseMember.Role.AGENT)
    client.force_login(data.user)
    response = client.get(reverse("payouts:account"))
    assert response.status_code == 200
    assert "请选择企业" in response.content.decode() and account_url(second) in response.content.decode()
    page = client.get(account_url(second))
    assert page.context["enterprise"] == second
    records = client.get(reverse("payouts:records"))
    assert records.context["many"] is True


# --- amounts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_amounts_have_thousands_separators_in_every_language(data, signed_in, settings, language):
    """100,000.00 in Chinese as in English, on the records, one record and the space block."""
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    records = signed_in.get(reverse("payouts:records")).content.decode()
    assert "120,000.00" in records and "30,000.00" in records and "8,000.50" in records and "500.00" in records
    assert "120000.00" not in records
    record = signed_in.get(reverse("payouts:record", kwargs={"number": data.paid.number})).content.decode()
    assert record.count("120,000.00") == 2 and "120000.00" not in record  # the state line and the details
    space = signed_in.get(reverse("enterprises:space", kwargs={"uscc": data.enterprise.uscc})).content.decode()
    assert "38,500.50" in space and "120,000.00" in space and "38500.50" not in space


def test_the_yuan_filter():
    from payouts.templatetags.payout_tags import yuan

    assert yuan(Decimal("100000")) == "100,000.00"
    assert yuan(Decimal("1234567.5")) == "1,234,567.50"
    assert yuan(Decimal("0.01")) == "0.01"
    assert yuan(0) == "0.00"
    assert yuan("8000.5") == "8,000.50"
    assert yuan(None) == "" and yuan("") == ""
    assert yuan("—") == "—"


# --- the application's page -------------------------------------------------------------------------------------------


def test_the_application_page_shows_its_payout(data, signed_in):
    page = signed_in.get(data.paid.application.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    box = html[html.index('id="payout"') : html.index("</section>", html.index('id="payout"'))]
    assert "资金兑付" in box
    assert f'href="{reverse("payouts:record", kwargs={"number": data.paid.number})}"' in box
    for text in (data.paid.number, "已支付", "120,000.00", "2026-03-16", "YH2026031600001"):
        assert text in box, text
    assert CORPORATE not in html
    failed = signed_in.get(data.failed.application.get_absolute_url()).content.decode()
    assert "支付失败" in failed and "更正收款账户后将在下一拨付批次重新拨付" in failed
    waiting = signed_in.get(data.waiting.application.get_absolute_url()).content.decode()
    assert "贵企业尚未填写收款账户" in waiting and account_url(data.enterprise) in waiting


def test_an_application_without_a_payout_has_no_payout_box(data, signed_in):
    application = Application.objects.create(
        number="SB20260301999999",
        enterprise=data.enterprise,
        matter=data.matter,
        period="1999",
        status=Status.TO_PAYOUT,
        approved_amount=Decimal("100.00"),
    )
    page = signed_in.get(application.get_absolute_url())
    assert page.status_code == 200
    assert 'id="payout"' not in page.content.decode()


def test_the_help_page_explains_payouts(client):
    html = client.get("/help/").content.decode()
    section = html[html.index('id="payouts"') : html.index("<h2", html.index('id="payouts"'))]
    assert "资金兑付" in section
    for url in (reverse("payouts:records"), reverse("payouts:account"), reverse("payouts:results")):
        assert f'href="{url}"' in section, url
    assert "对公账户" in section and "在下一拨付批次重新拨付" in section and "涉密事项除外" in section


# --- the progress on one record ---------------------------------------------------------------------------------------

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _steps(payout, steps):
    """Gives `payout` the history of `steps` [(state, Beijing time)]: its first row dated at the first step, then
    one row per step (copies of the first, as the services' history rows are)."""
    first = payout.history.earliest()
    first.state, first.history_date = steps[0]
    first.save()
    for state, at in steps[1:]:
        first.history_id, first.state, first.history_date, first.history_type = None, state, at, "~"
        first.save()


def test_each_step_of_the_progress_shows_its_own_time(data, signed_in):
    _steps(
        data.paid,
        [
            (P.PENDING, dt.datetime(2026, 3, 9, 10, 0, tzinfo=BEIJING)),
            (P.BATCHED, dt.datetime(2026, 3, 12, 9, 30, tzinfo=BEIJING)),
            (P.APPROVED, dt.datetime(2026, 3, 12, 15, 5, tzinfo=BEIJING)),
            (P.SENT, dt.datetime(2026, 3, 13, 9, 0, tzinfo=BEIJING)),
            (P.PAID, dt.datetime(2026, 3, 17, 11, 20, tzinfo=BEIJING)),
        ],
    )
    response = signed_in.get(reverse("payouts:record", kwargs={"number": data.paid.number}))
    assert [step["label"] for step in response.context["progress"]] == [
        "待拨付",
        "已编批",
        "批次已复核",
        "已报送银行",
        "已支付",
    ]
    html = response.content.decode()
    progress = html[html.index('id="progress"') :]
    for text in ("2026-03-09 10:00", "2026-03-12 09:30", "2026-03-12 15:05", "2026-03-13 09:00", "2026-03-17 11:20"):
        assert text in progress, text
    # The result file was read the day after the bank paid: the bank's date is said.
    assert "（银行支付日期 2026-03-16）" in progress


def test_steps_taken_within_one_minute_show_their_day_only(data, signed_in):
    same = dt.datetime(2026, 3, 16, 10, 0, 12, tzinfo=BEIJING)
    _steps(
        data.paid,
        [(P.PENDING, same), (P.BATCHED, same), (P.APPROVED, same), (P.SENT, same), (P.PAID, same)],
    )
    response = signed_in.get(reverse("payouts:record", kwargs={"number": data.paid.number}))
    progress = response.content.decode()
    progress = progress[progress.index('id="progress"') :]
    assert progress.count("2026-03-16</time>") == 5
    assert "2026-03-16 10:00" not in progress and "银行支付日期" not in progress  # paid the day it was recorded


def test_each_change_of_the_account_names_the_numbers_last_four_digits(data, signed_in):
    valid = {"payee_name": "宜昌兑付测试科技有限公司", "bank_name": "中国建设银行"}
    for number in (GOOD_CARD, CORPORATE):
        response = signed_in.post(
            reverse("payouts:account"), {**valid, "account_number": number, "account_number_again": number}
        )
        assert response.status_code == 302
    account = PayeeAccount.objects.get(enterprise=data.enterprise)
    account.history.filter(account_tail="4562").update(account_tail="")  # a change recorded before tails were kept
    page = signed_in.get(reverse("payouts:account"))
    assert [c.account_tail for c in page.context["changes"]] == ["2345", ""]
    html = page.content.decode()
    changes = html[html.index('id="changes"') :]
    assert changes.count("账号尾号") == 1 and "账号尾号 2345" in changes
    assert GOOD_CARD not in html and CORPORATE not in html
