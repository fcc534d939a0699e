"""拨付批次 in the back office, as the finance officers do it through the admin (Django test client).

Two finance officers of 宜昌市财政局 (the maker and the checker), one of 伍家岗区财政局, a supervisor. Approved
cases in 待兑付 and one confirmed 免申即享 entry become payouts (`services.open_payouts`); the maker makes a
batch on 新建拨付批次, the checker approves it (never the maker: 四眼原则), exports the payment file (Excel and
CSV, read back), imports the bank's result file (one failure), the same file again (nothing changes) and bad
files (a wrong amount, an unknown number: the report, nothing changed).
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, Confirmation, ConfirmationList
from applications.models import Status as ApplicationStatus
from payouts import bankfiles, services
from payouts.models import BankResultImport, BatchState, FundingSource, Payout, PayoutBatch, PayoutState
from portal.audit.models import SensitiveAccessLog
from portal.org.models import Department, Region, Role
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import CityFactory, CountyFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member

pytestmark = pytest.mark.django_db

P = PayoutState
B = BatchState


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


# --- the world ---------------------------------------------------------------------------------------------------


def account_number(seed: int) -> str:
    """A 19-digit 对公 account (no card prefix, so no Luhn rule)."""
    return f"1207{seed:015d}"


def approved_case(matter, enterprise, amount, *, days_ago=3, number=None):
    """An application in 待兑付 with its 核定金额, decided `days_ago` days ago."""
    count = Application.objects.count() + 1
    return Application.objects.create(
        number=number or f"SB{timezone.localdate():%Y%m%d}{count:04d}",
        enterprise=enterprise,
        matter=matter,
        period=str(timezone.localdate().year),
        status=ApplicationStatus.TO_PAYOUT,
        approved_amount=Decimal(amount),
        decided_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def confirmed_entry(matter, enterprise, amount, *, bank_account):
    rule_set = matter.rule_sets.order_by("pk").first()
    confirmation_list = ConfirmationList.objects.create(
        matter=matter, period=str(timezone.localdate().year), rule_set=rule_set, status="notified"
    )
    return Confirmation.objects.create(
        confirmation_list=confirmation_list,
        enterprise=enterprise,
        state=Confirmation.State.CONFIRMED,
        amount=Decimal(amount),
        bank_name="中国农业银行宜昌分行",
        bank_account=bank_account,
        answered_at=timezone.now() - dt.timedelta(days=1),
    )


def with_account(enterprise, seed):
    services.save_account(
        enterprise,
        {
            "payee_name": enterprise.name,
            "bank_name": "中国工商银行宜昌分行",
            "branch": "夷陵支行",
            "account_number": account_number(seed),
        },
        by=None,
    )
    return enterprise


def make_world():
    city = CityFactory()
    county = CountyFactory(code="420503", name="伍家岗区")
    czj = DepartmentFactory(code="t-czj", name="宜昌市财政局", region=city, kind=Department.Kind.FINANCE)
    wjg = DepartmentFactory(code="t-wjg-czj", name="伍家岗区财政局", region=county, kind=Department.Kind.FINANCE)
    kjj = DepartmentFactory(code="t-kjj", name="宜昌市科学技术局", region=city)
    jxj = DepartmentFactory(code="t-jxj", name="宜昌市经济和信息化局", region=city)
    maker = member(czj, Role.FINANCE, username="czj-maker", name="制单员甲")
    checker = member(czj, Role.FINANCE, username="czj-checker", name="复核员乙")
    other = member(wjg, Role.FINANCE, username="wjg-finance", name="区财政丙")
    supervisor = member(kjj, Role.SUPERVISOR, username="supervisor", name="督查丁")
    approver = member(kjj, Role.APPROVER, username="kjj-approver", name="审批戊")
    matter = published_matter(policy=PolicyFactory(lead_department=kjj, region=city), name="高新技术企业认定奖励")
    matter2 = published_matter(policy=PolicyFactory(lead_department=jxj, region=city), name="技术改造补贴")
    source = FundingSource.objects.create(
        payer_name="宜昌市财政局国库存款",
        payer_account="42050110000000000001",
        payer_bank="中国人民银行宜昌市中心支库",
        name="2026年市级科技创新专项资金",
        level=Region.Level.CITY,
        region=city,
        department=czj,
        budget_line="2060499",
        pay_within_days=15,
    )
    source.matters.add(matter, matter2)
    county_source = FundingSource.objects.create(
        payer_name="宜昌市财政局国库存款",
        payer_account="42050110000000000001",
        payer_bank="中国人民银行宜昌市中心支库",
        name="伍家岗区产业发展资金",
        level=Region.Level.COUNTY,
        region=county,
        department=wjg,
    )
    enterprises = [with_account(enterprise_with_user(name=f"宜昌测试科技{n}有限公司"), n) for n in range(1, 4)]
    no_account = enterprise_with_user(name="宜昌未填账户有限公司")
    automatic = enterprise_with_user(name="宜昌免申即享有限公司")
    cases = [
        approved_case(matter, enterprises[0], "120000.00"),
        approved_case(matter, enterprises[1], "80000.50"),
        approved_case(matter2, enterprises[2], "5000.00", days_ago=40),
        approved_case(matter, no_account, "30000.00"),
    ]
    entry = confirmed_entry(matter, automatic, "20000.00", bank_account=account_number(99))
    assert services.open_payouts() == 5
    return SimpleNamespace(
        city=city,
        czj=czj,
        wjg=wjg,
        kjj=kjj,
        jxj=jxj,
        maker=maker,
        checker=checker,
        other=other,
        supervisor=supervisor,
        approver=approver,
        matter=matter,
        matter2=matter2,
        source=source,
        county_source=county_source,
        enterprises=enterprises,
        no_account=no_account,
        cases=cases,
        entry=entry,
    )


@pytest.fixture
def world(db):
    return make_world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def follow_messages(client, response) -> tuple[str, list[str]]:
    """The page a redirect leads to, and the messages shown on it."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return page.content.decode(), [str(m) for m in page.context["messages"]]


def create_url():
    return reverse("admin:payouts_payoutbatch_create")


def change_url(batch):
    return reverse("admin:payouts_payoutbatch_change", args=[batch.pk])


def transition_url(batch, name):
    return reverse("admin:payouts_payoutbatch_transition", args=[batch.pk, name])


def export_url(batch, fmt):
    return reverse("admin:payouts_payoutbatch_export", args=[batch.pk, fmt])


def import_url(batch):
    return reverse("admin:payouts_payoutbatch_import", args=[batch.pk])


def make_batch(world, **data):
    """The maker's 生成拨付批次 on the admin page; returns the batch."""
    response = client_for(world.maker).post(create_url(), {"funding_source": world.source.pk, "_create": "1", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return PayoutBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def approved_batch(world):
    batch = make_batch(world)
    response = client_for(world.checker).post(transition_url(batch, "approve"), {"confirm": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == B.APPROVED
    return batch


def sent_batch(world):
    batch = approved_batch(world)
    client = client_for(world.checker)
    response = client.post(export_url(batch, "xlsx"), {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == change_url(batch)
    batch.refresh_from_db()
    assert batch.state == B.SENT
    download = client.get(export_url(batch, "xlsx"))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    return batch


def upload(client, batch, content: bytes, name="回单.xlsx"):
    return client.post(import_url(batch), {"file": SimpleUploadedFile(name, content)})


def states(batch) -> dict[str, str]:
    return dict(Payout.objects.filter(batch=batch).values_list("number", "state"))


# --- 新建拨付批次 ---------------------------------------------------------------------------------------------------


def test_the_maker_sees_what_would_be_batched_and_makes_the_batch(world):
    client = client_for(world.maker)
    page = client.get(create_url())
    assert page.status_code == 200
    choices = {str(source) for source in page.context["form"].fields["funding_source"].queryset}
    assert choices == {"2026年市级科技创新专项资金"}, "only the sources of the maker's department"
    # The only source is chosen already: the preview shows at once.
    summary = page.context["summary"]
    assert {key: summary[key] for key in ("count", "total", "without_account", "held", "more")} == {
        "count": 4,
        "total": "225,000.50",
        "without_account": 1,
        "held": 0,
        "more": 0,
    }
    html = page.content.decode()
    assert "可编入<strong" in html and "225,000.50" in html and "另有1笔因企业尚未填写收款账户" in html
    # The payouts that would be batched, before the officer makes the batch.
    ready = Payout.objects.exclude(enterprise=world.no_account).order_by("pk")
    assert [row["number"] for row in summary["rows"]] == [p.number for p in ready]
    first = ready[0]
    row = html[html.index(f'<tr data-number="{first.number}"') :]
    row = row[: row.index("</tr>")]
    for text in (first.enterprise.name, first.matter.name, "120,000.00", first.approved_on.isoformat()):
        assert text in row, text
    assert Payout.objects.get(enterprise=world.no_account).number not in html
    assert "及另外" not in html

    response = client.post(create_url(), {"funding_source": world.source.pk, "note": " 第一批 ", "_create": "1"})
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(batch)
    assert (batch.count, batch.total, batch.state, batch.created_by) == (4, Decimal("225000.50"), B.DRAFT, world.maker)
    assert batch.note == "第一批" and batch.department == world.czj
    assert set(Payout.objects.filter(batch=batch).values_list("state", flat=True)) == {P.BATCHED}
    assert Payout.objects.get(enterprise=world.no_account).state == P.PENDING
    html, messages = follow_messages(client, response)
    assert any(f"已生成拨付批次{batch.number}：4笔，合计225,000.50元" in m for m in messages)
    # The batch page: its lines with masked accounts, never the full number.
    assert "**** **** **** 0001" in html and account_number(1) not in html
    assert "拨付明细（共4笔）" in html and "待银行回单4笔" in html
    assert "本批次没有兑付记录" not in html and "本批次已撤销" not in html


def test_the_preview_lists_the_first_rows_and_counts_the_others(world, monkeypatch):
    from payouts import admin_batches

    monkeypatch.setattr(admin_batches, "PREVIEW_ROWS", 3)
    page = client_for(world.maker).get(create_url())
    summary = page.context["summary"]
    assert len(summary["rows"]) == 3 and summary["more"] == 1
    assert "及另外1笔" in page.content.decode()


def test_the_batch_is_narrowed_by_matter_department_and_approval_dates(world):
    client = client_for(world.maker)
    today = timezone.localdate()
    by_date = client.post(
        create_url(),
        {
            "funding_source": world.source.pk,
            "approved_from": (today - dt.timedelta(days=10)).isoformat(),
            "_preview": "1",
        },
    )
    assert by_date.context["summary"]["count"] == 3
    by_department = client.post(create_url(), {"funding_source": world.source.pk, "department": world.jxj.pk})
    assert by_department.context["summary"]["count"] == 1
    batch = make_batch(world, matter=world.matter.pk)
    assert batch.count == 3 and batch.total == Decimal("220000.50")
    assert set(batch.payouts.values_list("matter", flat=True)) == {world.matter.pk}


def test_no_funding_source_chosen_is_refused_with_a_message(world):
    response = client_for(world.maker).post(create_url(), {"funding_source": "", "_create": "1"})
    assert response.status_code == 200
    assert "请选择资金来源。" in response.content.decode()
    assert not PayoutBatch.objects.exists()


def test_another_departments_source_cannot_be_chosen(world):
    response = client_for(world.maker).post(create_url(), {"funding_source": world.county_source.pk, "_create": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["funding_source"]
    assert not PayoutBatch.objects.exists()


def test_nothing_to_batch_is_refused_with_a_message(world):
    make_batch(world)
    response = client_for(world.maker).post(create_url(), {"funding_source": world.source.pk, "_create": "1"})
    assert response.status_code == 200
    assert "没有可编入批次的待拨付记录" in response.content.decode()
    assert PayoutBatch.objects.count() == 1


def test_a_date_range_ending_before_it_starts_is_refused(world):
    response = client_for(world.maker).post(
        create_url(),
        {"funding_source": world.source.pk, "approved_from": "2026-05-01", "approved_to": "2026-04-01", "_create": "1"},
    )
    assert "截止日期不能早于起始日期。" in response.content.decode()
    assert not PayoutBatch.objects.exists()


def test_only_finance_officers_make_batches(world):
    assert client_for(world.supervisor).get(create_url()).status_code == 403
    assert client_for(world.approver).get(create_url()).status_code == 403
    listing = client_for(world.maker).get(reverse("admin:payouts_payoutbatch_changelist"))
    assert "新建拨付批次" in listing.content.decode()
    assert (
        "新建拨付批次"
        not in client_for(world.supervisor).get(reverse("admin:payouts_payoutbatch_changelist")).content.decode()
    )


# --- 复核: 四眼原则 ---------------------------------------------------------------------------------------------------


def test_the_maker_is_never_offered_the_approval_and_is_refused_when_forcing_it(world):
    batch = make_batch(world)
    client = client_for(world.maker)
    page = client.get(change_url(batch)).content.decode()
    assert 'data-transition="approve"' not in page
    assert 'data-transition="cancel"' in page, "the maker may withdraw the draft"
    assert "须由本财政部门的其他人员复核（四眼原则）" in page
    response = client.post(transition_url(batch, "approve"), {"confirm": "1"})
    _html, messages = follow_messages(client, response)
    assert messages == ["批次须由制单人以外的本财政部门人员复核（四眼原则）。"]
    batch.refresh_from_db()
    assert batch.state == B.DRAFT and batch.approved_by is None
    assert set(states(batch).values()) == {P.BATCHED}


def test_the_checker_approves(world):
    batch = make_batch(world)
    client = client_for(world.checker)
    page = client.get(change_url(batch)).content.decode()
    assert 'data-transition="approve"' in page
    assert 'data-tool="export-xlsx"' not in page, "no export before approval"
    confirm = client.get(transition_url(batch, "approve"))
    assert confirm.status_code == 200 and "复核通过" in confirm.content.decode()
    response = client.post(transition_url(batch, "approve"), {"confirm": "1"})
    _html, messages = follow_messages(client, response)
    assert messages == ["复核通过：已完成。"]
    batch.refresh_from_db()
    assert (batch.state, batch.approved_by) == (B.APPROVED, world.checker)
    assert set(states(batch).values()) == {P.APPROVED}


def test_the_draft_is_withdrawn_with_a_reason_and_its_payouts_wait_again(world):
    batch = make_batch(world)
    client = client_for(world.maker)
    refused = client.post(transition_url(batch, "cancel"), {"confirm": "1", "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    batch.refresh_from_db()
    assert batch.state == B.DRAFT
    response = client.post(transition_url(batch, "cancel"), {"confirm": "1", "reason": "金额核对有误，重新制单"})
    assert response.status_code == 302
    batch.refresh_from_db()
    # the withdrawn batch keeps what it held, as its lines, marked 批次撤销; the payouts wait again
    assert batch.state == B.CANCELLED and batch.count == 4
    assert set(batch.lines.values_list("outcome", flat=True)) == {"withdrawn"}
    assert not Payout.objects.filter(batch=batch).exists()
    assert Payout.objects.filter(state=P.PENDING).count() == 5
    again = make_batch(world)
    assert again.count == 4
    # The withdrawn batch's page still lists what it held, each line 批次撤销, and says why.
    page = client.get(change_url(batch))
    html = page.content.decode()
    assert "本批次已撤销，下列兑付记录已退回待拨付" in html and "批次撤销4笔" in html
    assert [line.outcome for line in page.context["batch_lines"]] == ["withdrawn"] * 4
    assert html.count('class="batch-line line-withdrawn"') == 4


# --- 导出支付文件 ---------------------------------------------------------------------------------------------------


def test_an_unapproved_batch_is_not_exported(world):
    batch = make_batch(world)
    client = client_for(world.maker)
    response = client.get(export_url(batch, "xlsx"))
    _html, messages = follow_messages(client, response)
    assert messages == ["批次尚未复核，不能导出支付文件。"]
    batch.refresh_from_db()
    assert batch.state == B.DRAFT and batch.checksum == ""
    assert not SensitiveAccessLog.objects.exists()


def test_the_payment_file_in_excel_and_csv(world):
    batch = approved_batch(world)
    client = client_for(world.checker)
    # An approved batch asks first: the export reports it to the bank.
    ask = client.get(export_url(batch, "xlsx"))
    assert ask.status_code == 200 and "确认导出" in ask.content.decode()
    batch.refresh_from_db()
    assert batch.state == B.APPROVED

    # Confirmed: the batch is sent and its page opens, which starts the download (once) and says so.
    confirmed = client.post(export_url(batch, "xlsx"), {"confirm": "1"})
    assert confirmed.status_code == 302 and confirmed["Location"] == change_url(batch)
    batch.refresh_from_db()
    assert batch.state == B.SENT and batch.sent_by == world.checker
    assert not SensitiveAccessLog.objects.exists(), "no file has left the platform yet"
    html, messages = follow_messages(client, confirmed)
    refresh = f'<meta http-equiv="refresh" content="1;url={export_url(batch, "xlsx")}">'
    assert refresh in html
    assert messages[0].startswith("批次已报送银行，支付文件（Excel）开始下载。")
    assert export_url(batch, "xlsx") in messages[0], "a link when the download does not start"
    assert refresh not in client.get(change_url(batch)).content.decode(), "the download starts once"
    response = client.get(export_url(batch, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{batch.number}.xlsx"'
    payouts = list(batch.payouts.order_by("number"))
    assert batch.checksum == bankfiles.checksum(batch)
    assert {p.state for p in payouts} == {P.SENT}

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "政策资金拨付文件"
    assert rows[1][:4] == ["批次号", batch.number, "资金来源", "2026年市级科技创新专项资金"]
    assert rows[1][5] == "2060499"
    assert rows[2][0] == "付款户名"
    assert rows[3][:6] == ["笔数", "4", "合计金额（元）", "225000.50", "批次校验码", batch.checksum]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    assert rows[header] == bankfiles.PAYMENT_COLUMNS
    lines = [row for row in rows[header + 1 :] if row and row[0]]
    assert [line[1] for line in lines] == [p.number for p in payouts]
    assert all(isinstance(line[6], str) and len(line[6].split(".")[1]) == 2 for line in lines), "amounts as text"
    assert sorted(line[6] for line in lines) == sorted(f"{p.amount:.2f}" for p in payouts)
    assert all(isinstance(line[3], str) and len(line[3]) == 19 for line in lines), "accounts as text, every digit"
    recomputed = bankfiles.sha256("\n".join(sorted(f"{line[1]}|{line[3]}|{line[6]}" for line in lines)).encode())
    assert recomputed == batch.checksum

    # A sent batch downloads again at once, identical in content; CSV too.
    csv_response = client.get(export_url(batch, "csv"))
    assert csv_response.status_code == 200
    assert csv_response["Content-Disposition"] == f'attachment; filename="{batch.number}.csv"'
    assert csv_response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel and WPS"
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert table[3][5] == batch.checksum and table[3][3] == "225000.50"
    header = table.index(bankfiles.PAYMENT_COLUMNS)
    assert [(line[1], line[3], line[6]) for line in table[header + 1 :]] == [
        (line[1], line[3], line[6]) for line in lines
    ]
    # Every export is a sensitive access (full account numbers), logged with its purpose.
    logs = SensitiveAccessLog.objects.filter(user=world.checker)
    assert logs.count() == 2 and set(logs.values_list("purpose", flat=True)) == {"导出支付文件"}


def test_the_maker_and_the_checker_may_export_but_the_supervisor_may_not(world):
    batch = sent_batch(world)
    assert client_for(world.maker).get(export_url(batch, "csv")).status_code == 200
    client = client_for(world.supervisor)
    page = client.get(change_url(batch)).content.decode()
    assert 'data-tool="export-xlsx"' not in page and 'data-tool="import"' not in page
    _html, messages = follow_messages(client, client.get(export_url(batch, "csv")))
    assert messages == ["只有拨付该资金的财政部门人员可以办理。"]


# --- 导入银行回单 ---------------------------------------------------------------------------------------------------


def test_the_bank_result_with_one_failure_and_the_same_file_again(world):
    batch = sent_batch(world)
    failing = batch.payouts.order_by("number").last()
    content = bankfiles.results_template(batch, {failing.number: (False, "", None, "账户已销户")})
    client = client_for(world.checker)
    form = client.get(import_url(batch))
    assert form.status_code == 200 and "银行回单文件" in form.content.decode()

    response = upload(client, batch, content)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.paid, report.failed, report.unchanged, report.errors) == (3, 1, 0, [])
    html = response.content.decode()
    assert 'data-paid="3"' in html and 'data-failed="1"' in html
    assert failing.number in html and "账户已销户" in html
    assert messages_of(response) == ["回单已导入：支付成功3笔，支付失败1笔，此前已处理0笔。"]
    found = states(batch)
    assert found.pop(failing.number) == P.FAILED
    assert set(found.values()) == {P.PAID}
    failing.refresh_from_db()
    assert failing.failure_reason == "账户已销户"
    batch.refresh_from_db()
    assert batch.state == B.SETTLED
    paid = batch.payouts.filter(state=P.PAID)
    assert all(p.bank_reference and p.paid_on == timezone.localdate() for p in paid)
    assert BankResultImport.objects.get(batch=batch).failed == 1

    before = {p.number: (p.state, p.paid_at, p.bank_reference) for p in batch.payouts.all()}
    again = upload(client, batch, content, name="回单（重发）.xlsx")
    assert again.context["report"].already
    assert "本次未作任何更改" in again.content.decode()
    assert messages_of(again) == ["该回单文件此前已导入，本次未作任何更改。"]
    assert {p.number: (p.state, p.paid_at, p.bank_reference) for p in batch.payouts.all()} == before
    assert BankResultImport.objects.filter(batch=batch).count() == 1

    # The batch page shows the import and the failed line.
    page = client.get(change_url(batch)).content.decode()
    assert "回单.xlsx" in page and "支付失败" in page and "账户已销户" in page
    assert "支付成功3笔；支付失败1笔" in page


def _line_row(html: str, number: str) -> str:
    start = html.index(f'data-number="{number}"')
    return html[start : html.index("</tr>", start)]


def test_the_batch_page_keeps_a_failed_line_after_the_payout_is_corrected_and_batched_again(world):
    batch = sent_batch(world)
    lines = list(batch.lines.select_related("payout").order_by("position"))
    assert [line.position for line in lines] == [1, 2, 3, 4]
    failing = lines[0].payout
    content = bankfiles.results_template(batch, {failing.number: (False, "", None, "账户已冻结")})
    client = client_for(world.checker)
    upload(client, batch, content)
    paid_line = batch.lines.get(position=2)
    row = _line_row(client.get(change_url(batch)).content.decode(), paid_line.payout.number)
    assert "支付成功" in row and paid_line.bank_reference in row and timezone.localdate().isoformat() in row

    # The officer corrects the payout's account: it leaves the batch, the batch keeps the line as sent.
    enterprise = failing.enterprise
    services.correct(
        failing,
        by=world.maker,
        account={
            "payee_name": enterprise.name,
            "bank_name": "中国银行宜昌分行",
            "account_number": account_number(77),
        },
    )
    failing.refresh_from_db()
    assert failing.state == P.CORRECTED and failing.batch is None
    html = client.get(change_url(batch)).content.decode()
    row = _line_row(html, failing.number)
    assert "支付失败" in row and "账户已冻结" in row and "现为已更正待重拨" in row
    assert "**** **** **** 0001" in row and "0077" not in row, "the account as it was sent"
    assert "本批次没有兑付记录" not in html

    # Batched again: the old batch still shows its failed line; the new batch shows the new account.
    again = make_batch(world)
    assert list(again.lines.values_list("payout__number", flat=True)) == [failing.number]
    row = _line_row(client.get(change_url(batch)).content.decode(), failing.number)
    assert "支付失败" in row and "账户已冻结" in row and "现为已编批" in row
    new_row = _line_row(client.get(change_url(again)).content.decode(), failing.number)
    assert "**** **** **** 0077" in new_row and "待银行回单" in new_row and "现为" not in new_row


def _result_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(bankfiles.RESULT_COLUMNS.values()))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_file_with_a_wrong_amount_and_an_unknown_number_imports_nothing(world):
    batch = sent_batch(world)
    payouts = list(batch.payouts.order_by("number"))
    today = timezone.localdate().isoformat()
    rows = [[p.number, f"{p.amount:.2f}", "成功", f"BK{n:04d}", today, ""] for n, p in enumerate(payouts[:2], start=1)]
    rows.append([payouts[2].number, f"{payouts[2].amount + Decimal('0.01'):.2f}", "成功", "BK0003", today, ""])
    rows.append(["DF20990101999999", "100.00", "成功", "BK0004", today, ""])
    client = client_for(world.checker)
    response = upload(client, batch, _result_csv(rows), name="回单.csv")
    report = response.context["report"]
    assert len(report.errors) == 2
    assert report.errors[0].startswith("第4行：") and "与拨付金额" in report.errors[0]
    assert report.errors[1].startswith("第5行：") and "不属于本批次" in report.errors[1]
    html = response.content.decode()
    assert "未导入任何记录" in html and "第4行" in html and "第5行" in html
    assert messages_of(response) == ["回单有误，未导入任何记录。"]
    assert set(states(batch).values()) == {P.SENT}
    assert not BankResultImport.objects.exists()
    batch.refresh_from_db()
    assert batch.state == B.SENT


def test_a_file_that_is_not_a_result_file_is_refused(world):
    batch = sent_batch(world)
    response = upload(client_for(world.checker), batch, b"\x00\x01not a spreadsheet", name="回单.pdf")
    assert response.context["report"].errors
    assert set(states(batch).values()) == {P.SENT}
    missing = client_for(world.checker).post(import_url(batch), {})
    assert "请选择银行回单文件。" in missing.content.decode()


def test_results_before_the_batch_is_sent_are_refused(world):
    batch = approved_batch(world)
    response = upload(client_for(world.checker), batch, b"x")
    assert "批次尚未报送银行，不能导入回单。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == B.APPROVED


# --- other departments, supervisors ------------------------------------------------------------------------------


def test_another_departments_finance_officer_gets_404(world):
    batch = sent_batch(world)
    client = client_for(world.other)
    assert client.get(change_url(batch)).status_code == 404
    assert client.get(export_url(batch, "xlsx")).status_code == 404
    assert client.post(export_url(batch, "xlsx"), {"confirm": "1"}).status_code == 404
    assert client.post(import_url(batch), {"file": SimpleUploadedFile("x.csv", b"x")}).status_code == 404
    assert client.post(transition_url(batch, "cancel"), {"confirm": "1", "reason": "x"}).status_code == 404
    listing = client.get(reverse("admin:payouts_payoutbatch_changelist"))
    assert listing.status_code == 200 and batch.number not in listing.content.decode()
    assert not SensitiveAccessLog.objects.filter(user=world.other).exists()


def test_the_supervisor_reads_batches_and_imports_but_changes_nothing(world):
    batch = sent_batch(world)
    upload(client_for(world.checker), batch, bankfiles.results_template(batch))
    client = client_for(world.supervisor)
    listing = client.get(reverse("admin:payouts_payoutbatch_changelist")).content.decode()
    assert batch.number in listing
    page = client.get(change_url(batch)).content.decode()
    assert 'name="_save"' not in page and "data-transition" not in page and "data-tool" not in page
    imports = client.get(reverse("admin:payouts_bankresultimport_changelist")).content.decode()
    assert batch.number in imports
    _html, messages = follow_messages(client, client.post(import_url(batch), {}))
    assert messages == ["只有拨付该资金的财政部门人员可以导入银行回单。"]
    assert client.get(reverse("admin:payouts_payoutbatch_changelist")).status_code == 200


def test_the_approver_of_a_matter_department_has_no_batch_pages(world):
    batch = make_batch(world)
    client = client_for(world.approver)
    assert client.get(reverse("admin:payouts_payoutbatch_changelist")).status_code == 403
    assert client.get(change_url(batch)).status_code in (403, 404)


# --- 回单模板 ----------------------------------------------------------------------------------------------------


def results_template_url(batch):
    return reverse("admin:payouts_payoutbatch_results_template", args=[batch.pk])


def test_the_import_page_offers_the_batchs_result_template_and_says_what_the_columns_take(world):
    batch = sent_batch(world)
    client = client_for(world.checker)
    html = client.get(import_url(batch)).content.decode()
    assert "下载回单模板（本批次）" in html and results_template_url(batch) in html
    words = ("成功", "已支付", "支付成功", "<code>S</code>", "<code>1</code>", "支付失败", "退票", "<code>F</code>")
    for word in words:
        assert word in html, word
    for form in ("2026-11-30", "2026/11/30", "2026年11月30日", "Excel日期"):
        assert form in html, form

    response = client.get(results_template_url(batch))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["回单", "填表说明"]
    sheet = workbook["回单"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"银行回单（批次{batch.number}）"
    assert rows[1] == list(bankfiles.RESULT_COLUMNS.values())
    lines = list(batch.lines.select_related("payout").order_by("position"))
    assert [row[:2] for row in rows[2:]] == [[line.payout.number, f"{line.amount:.2f}"] for line in lines]
    assert all(row[2:] == [None, None, None, None] for row in rows[2:]), "the bank's answer left empty"
    guide = " ".join(str(c) for row in workbook["填表说明"].iter_rows(values_only=True) for c in row if c)
    assert "成功、已支付、支付成功、S、1" in guide and "2026年11月30日" in guide and "失败原因" in guide

    # The officer types the bank's answer into it (dates in three ways, one failure) and imports it.
    today = timezone.localdate()
    answers = [
        ("成功", "BK0001", today.isoformat(), None),
        ("S", "BK0002", f"{today.year}年{today.month}月{today.day}日", None),
        ("1", "BK0003", dt.datetime(today.year, today.month, today.day), None),
        ("退票", None, None, "户名与账号不符"),
    ]
    for index, (outcome, reference, day, reason) in enumerate(answers, start=3):
        for column, value in zip("CDEF", (outcome, reference, day, reason), strict=True):
            sheet[f"{column}{index}"] = value
    out = io.BytesIO()
    workbook.save(out)
    response = upload(client, batch, out.getvalue(), name="回单模板（已填）.xlsx")
    report = response.context["report"]
    assert report.errors == [] and (report.paid, report.failed) == (3, 1)
    assert [line.outcome for line in batch.lines.order_by("position")] == ["paid", "paid", "paid", "failed"]


def test_the_result_template_is_only_for_the_paying_department(world):
    batch = sent_batch(world)
    assert client_for(world.other).get(results_template_url(batch)).status_code == 404
    client = client_for(world.supervisor)
    _html, messages = follow_messages(client, client.get(results_template_url(batch)))
    assert messages == ["只有拨付该资金的财政部门人员可以导入银行回单。"]


# --- history -----------------------------------------------------------------------------------------------------


def test_the_history_shows_an_empty_foreign_key_as_a_dash(world):
    batch = approved_batch(world)
    client = client_for(world.checker)
    html = client.get(reverse("admin:payouts_payoutbatch_history", args=[batch.pk])).content.decode()
    assert "Deleted" not in html and "pk=None" not in html and ">None<" not in html
    row = html[html.index("复核人:</strong>") :]
    row = row[: row.index("</li>")]
    assert "—" in row and "复核员乙" in row, row
    payout = batch.payouts.order_by("number").first()
    html = client.get(reverse("admin:payouts_payout_history", args=[payout.pk])).content.decode()
    assert "Deleted" not in html and "pk=None" not in html
    row = html[html.index("所在批次:</strong>") :]
    row = row[: row.index("</li>")]
    assert "—" in row and batch.number in row, row
