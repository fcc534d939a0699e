"""奖补汇聚 in the back office, through the Django test client as the demo staff use it: the editor uploads a file
(the report of bad rows, or the result), downloads the template; the lists by role and department."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.importing.reading import Rows
from payouts import subsidies
from payouts.models import SubsidyRecord, SubsidySubmission
from portal.org.models import Department
from tests.backoffice import pages
from tests.backoffice.conftest import staff_by_login
from tests.backoffice.roundtrip import signed_in
from tests.factories.enterprises import uscc_for
from tests.payouts.subsidy_files import csv_file, row, xlsx

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(dt.datetime(2026, 10, 12, 10, 0))
UPLOAD = "/admin/payouts/subsidysubmission/upload/"
RECORDS = "/admin/payouts/subsidyrecord/"
SUBMISSIONS = "/admin/payouts/subsidysubmission/"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def staff(db):
    """The demo accounts (kjj_editor, czj_finance, sjj_supervisor …) in their real departments and roles."""
    from portal.org import demo as org_demo

    org_demo.load()
    return staff_by_login()


def kjj():
    return Department.objects.get(code="yc-kjj")


def post_file(client, f):
    client.get(UPLOAD)
    return client.post(UPLOAD, {"department": kjj().pk, "file": f, "csrfmiddlewaretoken": pages.csrf_cookie(client)})


def test_the_editor_uploads_a_valid_file_and_sees_the_result(staff):
    client = signed_in(staff["kjj_editor"])
    page = client.get(UPLOAD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "统一社会信用代码" in html and "发放日期" in html and "template.xlsx" in html
    response = post_file(
        client, xlsx([row("KJ-1", uscc_for(6001), paid_on=dt.date(2026, 9, 30)), row("KJ-2", uscc_for(6002))])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "新增 2 条，更正 0 条，此前已报送未变化 0 条" in html
    submission = SubsidySubmission.objects.get()
    assert (submission.department, submission.submitted_by, submission.records) == (kjj(), staff["kjj_editor"], 2)
    assert f"?submission__id__exact={submission.pk}" in html
    record = SubsidyRecord.objects.get(record_id="KJ-1")
    assert record.history.get().history_user == staff["kjj_editor"]
    listing = client.get(RECORDS + f"?submission__id__exact={submission.pk}")
    assert listing.status_code == 200
    assert "KJ-1" in listing.content.decode() and "KJ-2" in listing.content.decode()


def test_the_editor_uploads_a_file_with_bad_rows_and_sees_every_one_and_nothing_is_stored(staff):
    client = signed_in(staff["kjj_editor"])
    response = post_file(
        client,
        csv_file(
            [row("KJ-1", uscc_for(6003)), row("KJ-2", uscc_for(6004), amount="12.345"), row("KJ-1", uscc_for(6005))]
        ),
    )
    assert response.status_code == 200
    tree = pages.parse(response.content)
    report = pages.text(tree, "errornote")
    assert "文件中有2处错误，全部未导入" in report
    html = response.content.decode()
    assert "不是有效金额（元，最多两位小数）" in html and "记录编号与第2行重复" in html
    assert not SubsidyRecord.objects.exists() and not SubsidySubmission.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_on_the_form(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.backoffice.roundtrip import SMALL_PDF

    client = signed_in(staff["kjj_editor"])
    response = post_file(client, SimpleUploadedFile("奖补.xlsx", SMALL_PDF))
    assert response.status_code == 200
    assert "PDF" in pages.text(pages.parse(response.content), "errorlist")
    assert not SubsidySubmission.objects.exists()


def test_the_template_can_be_filled_in_and_its_example_row_is_not_imported(staff):
    client = signed_in(staff["kjj_editor"])
    response = client.get(reverse("admin:payouts_subsidysubmission_template", args=["xlsx"]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["奖补数据", "填表说明"]
    sheet = workbook["奖补数据"]
    assert [c.value for c in sheet[1]] == [column.header for column in subsidies.COLUMNS]
    assert sheet["B3"].number_format == "@" and sheet["G2"].is_date
    rows = Rows(io.BytesIO(response.content), "xlsx")
    assert rows.open() == [column.header for column in subsidies.COLUMNS]
    outcome = subsidies.submit_records(kjj(), [])  # nothing: the template alone imports nothing either
    assert outcome.total == 0
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = subsidies.submit_file(SimpleUploadedFile("t.xlsx", response.content), department=kjj(), user=None)
    assert [e["message"] for e in refused.report.errors] == ["这是模板中的示例行，请删除后再上传"]
    csv_template = client.get(reverse("admin:payouts_subsidysubmission_template", args=["csv"]))
    assert csv_template.content.decode("utf-8-sig").startswith("记录编号,统一社会信用代码,企业名称")


def _records_of_two_departments():
    jxj = Department.objects.get(code="yc-jxj")
    subsidies.submit_records(kjj(), [_api_record("KJ-OWN", uscc_for(6010))], now=MONDAY)
    subsidies.submit_records(jxj, [_api_record("JX-OTHER", uscc_for(6011), paid_on="2026-09-01")], now=MONDAY)
    return SubsidyRecord.objects.get(record_id="KJ-OWN"), SubsidyRecord.objects.get(record_id="JX-OTHER")


def _api_record(record_id, uscc, paid_on="2026-09-30"):
    return {
        "record_id": record_id,
        "uscc": uscc,
        "enterprise_name": f"{record_id}公司",
        "policy": "政策",
        "item": "事项",
        "amount": "100.00",
        "paid_on": paid_on,
        "funding_source": "市级资金",
    }


@pytest.mark.parametrize(
    ("login", "sees_other"),
    [
        ("kjj_editor", False),
        ("kjj_approver", False),
        ("czj_finance", True),
        ("sjj_supervisor", True),
        ("platform_admin", True),
    ],
)
def test_the_lists_render_and_show_only_what_the_role_may_see(staff, login, sees_other):
    own, other = _records_of_two_departments()
    client = signed_in(staff[login])
    listing = client.get(RECORDS)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "KJ-OWN" in html
    assert ("JX-OTHER" in html) is sees_other
    submissions = client.get(SUBMISSIONS)
    assert submissions.status_code == 200
    shown = {s.department.code for s in submissions.context["cl"].result_list}
    assert shown == ({"yc-kjj", "yc-jxj"} if sees_other else {"yc-kjj"})
    assert client.get(reverse("admin:payouts_subsidyrecord_change", args=[own.pk])).status_code == 200
    other_page = client.get(reverse("admin:payouts_subsidyrecord_change", args=[other.pk]))
    assert other_page.status_code == (200 if sees_other else 404)
    other_submission = client.get(reverse("admin:payouts_subsidysubmission_change", args=[other.submission_id]))
    assert other_submission.status_code == (200 if sees_other else 404)


def test_the_record_list_filters_and_searches(staff):
    _records_of_two_departments()
    subsidies.submit_records(kjj(), [_api_record("KJ-COPY", uscc_for(6010))], now=MONDAY)
    client = signed_in(staff["czj_finance"])

    def ids(query):
        response = client.get(RECORDS + query)
        assert response.status_code == 200
        return {r.record_id for r in response.context["cl"].result_list}

    assert ids("?duplicate=yes") == {"KJ-COPY"}
    assert ids("?duplicate=original") == {"KJ-OWN"}
    assert ids("?duplicate=no") == {"JX-OTHER"}
    assert ids(f"?department__id__exact={kjj().pk}") == {"KJ-OWN", "KJ-COPY"}
    # Paid 2026-09-01, reported 2026-10-12: late; paid 2026-09-30: 4 working days over National Day, in time.
    assert ids("?late__exact=1") == {"JX-OTHER"}
    assert ids("?late__exact=0") == {"KJ-OWN", "KJ-COPY"}
    assert ids("?paid_on__gte=2026-09-30&paid_on__lt=2026-10-01") == {"KJ-OWN", "KJ-COPY"}
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc_for(6011))
    assert ids(f"?q={full_width}") == {"JX-OTHER"}
    assert ids("?q=KJ-OWN公司") == {"KJ-OWN"}
    late_row = pages.parse(client.get(RECORDS + "?late__exact=1").content)
    assert "逾期报送" in pages.text(late_row, "field-flags_display")
    html = client.get(RECORDS + "?duplicate=yes").content.decode()
    assert "与市科技局记录KJ-OWN重复" in html


def test_records_are_read_only_and_others_cannot_upload(staff):
    own, _other = _records_of_two_departments()
    editor = signed_in(staff["kjj_editor"])
    page = editor.get(reverse("admin:payouts_subsidyrecord_change", args=[own.pk])).content.decode()
    assert 'name="_save"' not in page
    assert editor.get("/admin/payouts/subsidyrecord/add/").status_code == 403
    assert "上传奖补数据" in editor.get(SUBMISSIONS).content.decode()
    for login in ("kjj_reviewer", "sjj_supervisor", "zwfw_clerk"):
        client = signed_in(staff[login])
        assert client.get(UPLOAD).status_code == 403, login
        assert "上传奖补数据" not in client.get(SUBMISSIONS).content.decode()
    assert signed_in(staff["kjj_reviewer"]).get(RECORDS).status_code == 403


def test_a_text_file_is_refused_as_an_unsupported_type_not_read_as_csv(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(staff["kjj_editor"])
    text = csv_file([row("KJ-1", uscc_for(6090))], encoding="utf-8").read()
    response = post_file(client, SimpleUploadedFile("奖补数据.txt", text))
    assert response.status_code == 200
    tree = pages.parse(response.content)
    assert pages.text(tree, "errorlist") == "文件类型不支持：请上传.xlsx或.csv"
    assert "缺少必填列" not in response.content.decode()
    assert 'accept=".xlsx,.csv"' in response.content.decode()
    assert not SubsidySubmission.objects.exists()


def test_the_templates_example_amount_is_a_number_cell_and_its_codes_are_text(staff):
    from decimal import Decimal

    from openpyxl import load_workbook

    client = signed_in(staff["kjj_editor"])
    response = client.get(reverse("admin:payouts_subsidysubmission_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["奖补数据"]
    amount = sheet["F2"]
    assert sheet["F1"].value == "金额（元）"
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("200000")
    assert amount.number_format == "0.00" and sheet["F3"].number_format == "0.00"
    for code in ("A2", "B2"):  # 记录编号, 统一社会信用代码: text cells, so Excel keeps every digit
        assert sheet[code].data_type == "s" and sheet[code].number_format == "@"
    assert sheet["B2"].value == "91420502MA00210007"
    csv_template = client.get(reverse("admin:payouts_subsidysubmission_template", args=["csv"]))
    assert ",200000.00,2026-09-30," in csv_template.content.decode("utf-8-sig")


def test_another_departments_history_is_a_404_like_its_page(staff):
    own, other = _records_of_two_departments()
    editor = signed_in(staff["kjj_editor"])
    for name, obj in (("subsidyrecord", other), ("subsidysubmission", other.submission)):
        history = reverse(f"admin:payouts_{name}_history", args=[obj.pk])
        assert editor.get(reverse(f"admin:payouts_{name}_change", args=[obj.pk])).status_code == 404
        assert editor.get(history).status_code == 404, name
        version = obj.history.first().history_id
        assert editor.get(f"{history}{version}/").status_code == 404, name
    assert editor.get(reverse("admin:payouts_subsidyrecord_history", args=["not-a-number"])).status_code == 404
    own_history = editor.get(reverse("admin:payouts_subsidyrecord_history", args=[own.pk]))
    assert own_history.status_code == 200 and "接口报送" in own_history.content.decode()
    finance = signed_in(staff["czj_finance"])
    assert finance.get(reverse("admin:payouts_subsidyrecord_history", args=[other.pk])).status_code == 200


def test_the_same_file_again_reports_no_change_and_no_late_or_duplicate_rows(staff):
    client = signed_in(staff["kjj_editor"])
    rows = [row("KJ-L", uscc_for(6091), paid_on="2026-01-05"), row("KJ-D", uscc_for(6091), paid_on="2026-01-05")]
    first = post_file(client, csv_file(rows)).content.decode()
    assert "逾期报送 2 条" in first and "疑似重复 1 条" in first and "逾期报送的记录" in first
    again = post_file(client, csv_file(rows))
    html = again.content.decode()
    assert "文件中的2条记录此前均已报送，内容相同，未作任何改动" in html
    assert "新增 0 条，更正 0 条，此前已报送未变化 2 条" in html
    assert "逾期报送 2 条" not in html and "逾期报送的记录" not in html
    assert "疑似重复 1 条" not in html and "疑似重复的记录" not in html
    # A file with one new row among known ones tells only of the new row.
    today = timezone.localdate().isoformat()
    more = post_file(client, csv_file([*rows, row("KJ-N", uscc_for(6092), paid_on=today)])).content.decode()
    assert "新增 1 条，更正 0 条，此前已报送未变化 2 条" in more
    assert "逾期报送 0 条" in more and "疑似重复 0 条" in more
    assert SubsidySubmission.objects.count() == 2


def _records_link(response):
    tree = pages.parse(response.content)
    return next(a.get("href") for a in tree.iter(f"{pages.NS}a") if a.get("id") == "subsidy-records-link")


def test_the_results_records_link_opens_only_this_uploads_records(staff):
    client = signed_in(staff["kjj_editor"])
    first_rows = [row("KJ-A1", uscc_for(6093)), row("KJ-A2", uscc_for(6094))]
    first = post_file(client, csv_file(first_rows))
    second = post_file(client, csv_file([row("KJ-B1", uscc_for(6095))]))
    one, two = SubsidySubmission.objects.order_by("pk")

    def listed(url):
        response = client.get(url)
        assert response.status_code == 200
        return {r.record_id for r in response.context["cl"].result_list}, response.content.decode()

    assert _records_link(first) == f"{RECORDS}?submission__id__exact={one.pk}"
    ids, html = listed(_records_link(second))
    assert ids == {"KJ-B1"}
    assert f"仅显示报送批次 {two.pk} 的记录" in html and "查看全部奖补记录" in html
    # The same first file again changes nothing: its link opens the records of the submission they are in.
    again = post_file(client, csv_file(first_rows))
    assert _records_link(again) == f"{RECORDS}?submission__id__in={one.pk}"
    ids, html = listed(_records_link(again))
    assert ids == {"KJ-A1", "KJ-A2"}
    ids, html = listed(RECORDS)
    assert ids == {"KJ-A1", "KJ-A2", "KJ-B1"} and "仅显示报送批次" not in html


def test_a_name_other_than_the_archives_is_flagged_in_the_result_the_list_and_its_filter(staff):
    from tests.factories.enterprises import EnterpriseFactory

    company = EnterpriseFactory(name="宜昌档案名称科技有限公司")
    client = signed_in(staff["kjj_editor"])
    response = post_file(
        client,
        csv_file([row("KJ-M", company.uscc, name="宜昌报送名称有限公司"), row("KJ-S", uscc_for(6096))]),
    )
    html = response.content.decode()
    assert "企业名称与档案不一致 1 条" in html
    assert "企业名称与档案不一致：档案为宜昌档案名称科技有限公司" in html
    record = SubsidyRecord.objects.get(record_id="KJ-M")
    assert record.enterprise == company and record.enterprise_name == "宜昌报送名称有限公司"

    def ids(query):
        return {r.record_id for r in client.get(RECORDS + query).context["cl"].result_list}

    assert ids("?name_mismatch=yes") == {"KJ-M"}
    assert ids("?name_mismatch=none") == {"KJ-S"}
    assert ids("?name_mismatch=no") == set()
    listing = client.get(RECORDS)
    assert "企业名称与档案" in listing.content.decode()  # the filter's title
    flag = pages.text(pages.parse(listing.content), "subsidy-name-mismatch")
    assert flag == "企业名称与档案不一致：档案为宜昌档案名称科技有限公司"
    detail = client.get(reverse("admin:payouts_subsidyrecord_change", args=[record.pk])).content.decode()
    assert "企业名称与档案不一致：档案为宜昌档案名称科技有限公司" in detail


def test_the_original_of_a_duplicate_shows_its_later_copies_with_a_link(staff):
    own, _other = _records_of_two_departments()
    jxj = Department.objects.get(code="yc-jxj")
    # The same payment reported again by 经信局, later: a copy of 科技局's KJ-OWN.
    subsidies.submit_records(jxj, [_api_record("JX-COPY", uscc_for(6010))], now=MONDAY)
    copy = SubsidyRecord.objects.get(record_id="JX-COPY")
    assert copy.duplicate_of == own
    editor = signed_in(staff["kjj_editor"])
    listing = editor.get(RECORDS)
    tree = pages.parse(listing.content)
    assert pages.text(tree, "subsidy-later-duplicates") == "后报1条疑似重复"
    links = tree.iter(f"{pages.NS}a")
    link = next(a.get("href") for a in links if "subsidy-later-duplicates" in (a.get("class") or ""))
    assert link == f"{RECORDS}?duplicate_of__id__exact={own.pk}"
    detail = editor.get(reverse("admin:payouts_subsidyrecord_change", args=[own.pk])).content.decode()
    assert "后报1条疑似重复" in detail
    # Finance sees the copy behind the link; the copy names its original.
    finance = signed_in(staff["czj_finance"])
    behind = finance.get(link)
    assert {r.record_id for r in behind.context["cl"].result_list} == {"JX-COPY"}
    html = behind.content.decode()
    assert "仅显示与记录KJ-OWN疑似重复的后报记录" in html and "与市科技局记录KJ-OWN重复" in html
    assert "后报1条疑似重复" not in pages.text(pages.parse(behind.content), "field-flags_display")
