"""Real inputs (issue 8, kinds 1–5): what people type and what Excel and WPS write is read as they meant it.

Each kind has the issue's example and one more of the same kind.
"""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enterprises.forms import ClaimConfirmForm, ClaimForm
from enterprises.importing.models import ImportJob, ImportKind
from enterprises.importing.services import run_import_job, submit_import
from enterprises.models import AnnualFigure, Enterprise, UsccCheck
from enterprises.services import ensure_qualification_types
from enterprises.uscc import CHARSET, check_char, org_code_check_char, uscc_error
from portal.core.crypto import digest
from tests.factories.accounts import EnterpriseUserFactory, StaffUserFactory
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db

# A real, valid code (GB 32100 check characters hold) as a person types it in full-width mode.
FULL_WIDTH = "９１４２０５０２ＭＡ００２１０００７"
CODE = "91420502MA00210007"
HEADER = ["统一社会信用代码", "企业名称", "法定代表人", "登记地区划代码", "成立日期", "登记联系电话"]
ROUNDED = "该单元格是数字格式，Excel只保留了15位有效数字，后几位已丢失；请把该列设置为文本格式，重新填写后再导出"


@pytest.fixture
def staff():
    CountyFactory()
    ensure_qualification_types()
    return StaffUserFactory()


def row(n=1, *, uscc=None, date="2015-03-01", phone=""):
    return [uscc if uscc is not None else uscc_for(n), f"宜昌导入{n}有限公司", "王五", "420502", date, phone]


def csv_bytes(*rows, header=HEADER) -> bytes:
    def cell(value):
        return "" if value is None else str(value)

    return ("\n".join(",".join(cell(v) for v in r) for r in [header, *rows]) + "\n").encode()


def xlsx_bytes(*rows, header=HEADER, dimension: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r in [header, *rows]:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    return forge_dimension(data, dimension) if dimension else data


def forge_dimension(data: bytes, ref: str) -> bytes:
    """Rewrites the sheet's <dimension ref> as WPS and other generators write it: smaller than the sheet."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), content)
                assert n == 1
            target.writestr(item, content)
    return out.getvalue()


def run(data: bytes, staff, *, name="data.csv", kind=ImportKind.ENTERPRISES, source="market_regulation") -> ImportJob:
    job = submit_import(uploaded_file=SimpleUploadedFile(name, data), kind=kind, source=source, user=staff)
    return run_import_job(job.pk)


def errors_of(job) -> list[tuple[int, str, str]]:
    return [(e["line"], e["column"], e["message"]) for e in job.errors]


# --- 1. Normalise before validating, in one place ----------------------------------------------------------------


def test_a_full_width_uscc_typed_into_the_claim_form_is_the_code():
    form = ClaimForm({"uscc": FULL_WIDTH, "legal_rep_name": "刘敏"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == CODE


def test_a_full_width_uscc_claims_the_enterprise_through_the_page(client, monkeypatch):
    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: "135790")
    enterprise = EnterpriseFactory(uscc=CODE, legal_rep_name="刘敏")
    client.force_login(EnterpriseUserFactory())

    step1 = client.post(reverse("enterprises:claim"), {"uscc": FULL_WIDTH + "\u3000", "legal_rep_name": "刘敏"})
    step2 = client.post(reverse("enterprises:claim_confirm"), {"code": "１３５７９０"})

    assert step1["Location"] == reverse("enterprises:claim_confirm")
    assert step2["Location"] == reverse("enterprises:space", kwargs={"uscc": enterprise.uscc})


def test_a_full_width_sms_code_is_the_same_code():
    form = ClaimConfirmForm({"code": " １３５ ７９０ "})

    assert form.is_valid()
    assert form.cleaned_data["code"] == "135790"


def test_a_full_width_uscc_in_an_import_cell_imports(staff):
    job = run(csv_bytes(row(uscc=FULL_WIDTH)), staff)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().uscc == CODE


def test_a_phone_typed_in_full_width_with_spaces_imports_as_its_digits(staff):
    job = run(csv_bytes(row(phone="１３８ ００１３ ８０００")), staff)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().registered_phone_digest == digest("13800138000")


def test_a_full_width_amount_and_year_import_in_a_figures_file(staff):
    EnterpriseFactory(uscc=uscc_for(1))
    header = ["统一社会信用代码", "年度", "营业收入（万元）", "从业人员（人）"]

    job = run(csv_bytes([uscc_for(1), "２０２３", '"1,234.50"', "１２"], header=header), staff, kind=ImportKind.FIGURES)

    assert job.status == ImportJob.Status.DONE, job.errors
    figure = AnnualFigure.objects.get()
    assert (figure.year, str(figure.revenue_wan), figure.employees) == (2023, "1234.50", 12)


def test_an_amount_with_a_unit_is_refused_rather_than_guessed(staff):
    EnterpriseFactory(uscc=uscc_for(1))
    header = ["统一社会信用代码", "年度", "营业收入（万元）"]

    job = run(csv_bytes([uscc_for(1), "2023", "1234元"], header=header), staff, kind=ImportKind.FIGURES)

    assert errors_of(job) == [(2, "revenue_wan", "“1234元”含有单位或货币符号；金额只填数字，单位见栏目名称")]


def test_the_admin_search_finds_an_enterprise_by_its_full_width_code(admin_client):
    enterprise = EnterpriseFactory(uscc=CODE)
    EnterpriseFactory()

    page = admin_client.get(reverse("admin:enterprises_enterprise_changelist"), {"q": FULL_WIDTH})

    assert list(page.context["cl"].queryset) == [enterprise]


# --- 2. Dates as Chinese spreadsheets write them -----------------------------------------------------------------


def test_a_csv_date_saved_by_excel_in_zh_cn_imports(staff):
    job = run(csv_bytes(row(date="2019/3/8")), staff)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().registration_date == dt.date(2019, 3, 8)


@pytest.mark.parametrize("typed", ["2019.3.8", "2019年3月8日", "20190308", "２０１９－０３－０８", "2019/3/8 0:00"])
def test_every_year_first_form_imports(staff, typed):
    job = run(csv_bytes(row(date=typed)), staff)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().registration_date == dt.date(2019, 3, 8)


def test_a_real_date_cell_and_a_date_serial_import_from_excel(staff):
    job = run(xlsx_bytes(row(1, date=dt.date(2019, 3, 8)), row(2, date=43532)), staff, name="data.xlsx")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert set(Enterprise.objects.values_list("registration_date", flat=True)) == {dt.date(2019, 3, 8)}


@pytest.mark.parametrize("typed", ["3/8/2019", "19/3/8"])
def test_an_ambiguous_date_is_refused_listing_the_accepted_forms(staff, typed):
    job = run(csv_bytes(row(date=typed)), staff)

    assert errors_of(job) == [
        (
            2,
            "registration_date",
            f"日期“{typed}”无法确定年月日；请把年份写在最前，如：2019-03-08、2019/3/8、2019.3.8、2019年3月8日、20190308",
        )
    ]


# --- 3. A number cell that Excel rounded -------------------------------------------------------------------------


def test_a_uscc_that_excel_turned_into_a_number_in_a_csv_is_reported_as_such(staff):
    job = run(csv_bytes(row(uscc="9.14205027109322E+17")), staff)

    assert errors_of(job) == [(2, "uscc", ROUNDED)]


@pytest.mark.parametrize("cell", [9.14205027109322e17, 914205027109322000])
def test_a_uscc_in_an_excel_number_cell_is_reported_as_such(staff, cell):
    job = run(xlsx_bytes(row(uscc=cell)), staff, name="data.xlsx")

    assert errors_of(job) == [(2, "uscc", ROUNDED)]


def test_a_phone_number_in_an_excel_number_cell_still_imports(staff):
    # 11 digits fit in Excel's 15: nothing was lost, so nothing is refused.
    job = run(xlsx_bytes(row(phone=13800138000)), staff, name="data.xlsx")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().registered_phone_digest == digest("13800138000")


def test_a_phone_number_in_scientific_notation_is_reported_as_rounded(staff):
    job = run(csv_bytes(row(phone="1.38001E+10")), staff)

    assert errors_of(job) == [(2, "registered_phone", ROUNDED)]


# --- 4. Read every row, whatever the file says about itself ------------------------------------------------------


def test_an_xlsx_whose_dimension_understates_it_imports_every_row(staff):
    data = xlsx_bytes(*(row(n) for n in range(1, 5)), dimension="A1:E2")
    assert load_workbook(io.BytesIO(data), read_only=True).active.max_row == 2  # the forged tag is what a reader sees

    job = run(data, staff, name="data.xlsx")

    assert (job.status, job.total_rows, job.created_count) == (ImportJob.Status.DONE, 4, 4)
    assert job.message == "导入完成：读取数据4行，新增4，更新0，未变化0"


def test_a_1000_row_xlsx_whose_dimension_says_a1_imports_1000_rows(staff):
    data = xlsx_bytes(*(row(n) for n in range(1, 1001)), dimension="A1")

    job = run(data, staff, name="data.xlsx")

    assert (job.status, job.total_rows, job.created_count) == (ImportJob.Status.DONE, 1000, 1000)
    assert Enterprise.objects.count() == 1000
    assert "读取数据1000行" in job.message


def test_a_refused_file_also_says_how_many_rows_were_read(staff):
    job = run(csv_bytes(row(1), row(2, date="3/8/2019"), row(3)), staff)

    assert job.message == "读取数据3行，发现1行共1处错误，未导入任何数据；请修改后重新上传整个文件"
    assert job.total_rows == 3


# --- 5. Identifiers the authority really issued ------------------------------------------------------------------


def legacy_code(n: int) -> str:
    """A code whose shape is right and whose 18th check character is not (issued before GB 32100 was enforced)."""
    code = uscc_for(n)
    wrong = next(c for c in CHARSET if c != check_char(code[:17]))
    return code[:17] + wrong


def test_a_market_regulation_file_imports_a_legacy_code_flagged_with_the_rest(staff):
    job = run(csv_bytes(row(1), row(2, uscc=legacy_code(2)), row(3)), staff, source="market_regulation")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(uscc=legacy_code(2)).uscc_check == UsccCheck.LEGACY_PENDING
    assert Enterprise.objects.get(uscc=uscc_for(1)).uscc_check == UsccCheck.PASSED
    assert job.flagged_count == 1
    assert [(f["line"], f["uscc"], f["message"]) for f in job.flagged] == [
        (3, legacy_code(2), "校验位不符（存量赋码）")
    ]
    assert job.message.endswith("其中1个统一社会信用代码校验位不符（存量赋码），已标记，待工作人员确认")


def test_a_legacy_code_failing_the_inner_organisation_code_check_is_flagged_too(staff):
    code = uscc_for(4)
    inner = next(c for c in "0123456789" if c != org_code_check_char(code[8:16]))
    body = code[:16] + inner
    typed = body + check_char(body)

    job = run(csv_bytes(row(4, uscc=typed)), staff, source="market_regulation")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get().uscc_check == UsccCheck.LEGACY_PENDING


def test_a_file_from_another_source_refuses_a_code_that_fails_its_check(staff):
    job = run(csv_bytes(row(1), row(2, uscc=legacy_code(2))), staff, source="staff")

    assert errors_of(job) == [(3, "uscc", "统一社会信用代码校验位错误，请核对营业执照上的代码")]
    assert not Enterprise.objects.exists()


def test_figures_for_a_flagged_enterprise_import_from_any_source(staff):
    run(csv_bytes(row(2, uscc=legacy_code(2))), staff, source="market_regulation")
    header = ["统一社会信用代码", "年度", "从业人员（人）"]

    job = run(csv_bytes([legacy_code(2), "2023", "12"], header=header), staff, kind=ImportKind.FIGURES, source="tax")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert AnnualFigure.objects.get().enterprise.uscc == legacy_code(2)


def test_a_confirmed_legacy_code_stays_confirmed_when_the_register_is_imported_again(staff):
    content = csv_bytes(row(2, uscc=legacy_code(2)))
    run(content, staff)
    Enterprise.objects.update(uscc_check=UsccCheck.LEGACY_CONFIRMED)

    job = run(content, staff)

    assert (job.status, job.unchanged_count, job.flagged_count) == (ImportJob.Status.DONE, 1, 0)
    assert Enterprise.objects.get().uscc_check == UsccCheck.LEGACY_CONFIRMED


def test_a_code_typed_by_an_enterprise_user_must_pass_the_check():
    form = ClaimForm({"uscc": legacy_code(2), "legal_rep_name": "刘敏"})

    assert form.errors["uscc"] == ["统一社会信用代码校验位错误，请核对营业执照上的代码"]


def test_staff_editing_an_unflagged_enterprise_cannot_store_a_code_failing_its_check():
    from django.core.exceptions import ValidationError

    enterprise = EnterpriseFactory()
    enterprise.uscc = legacy_code(9)
    with pytest.raises(ValidationError) as refused:
        enterprise.full_clean()
    assert refused.value.message_dict["uscc"] == ["统一社会信用代码校验位错误，请核对营业执照上的代码"]


@pytest.mark.parametrize("position", [16, 17])
def test_no_message_depends_on_the_character_that_would_pass(position):
    code = uscc_for(3)
    messages = {uscc_error(code[:position] + c + code[position + 1 :]) for c in CHARSET if c != code[position]}
    messages.discard(None)
    # One message whatever was typed: it cannot be used to find the character that passes.
    assert len(messages) == 1
    assert "应为" not in messages.pop()


def test_staff_find_flagged_codes_with_the_filter_and_confirm_them_with_the_action(admin_client, admin_user):
    flagged = EnterpriseFactory(uscc=legacy_code(2), uscc_check=UsccCheck.LEGACY_PENDING)
    EnterpriseFactory()
    changelist = reverse("admin:enterprises_enterprise_changelist")

    listed = list(admin_client.get(changelist, {"uscc_check__exact": "legacy_pending"}).context["cl"].queryset)
    response = admin_client.post(
        changelist, {"action": "confirm_legacy_uscc", "_selected_action": [flagged.pk]}, follow=True
    )

    assert listed == [flagged]
    assert "已确认1个存量赋码。" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.uscc_check == UsccCheck.LEGACY_CONFIRMED
    assert flagged.history.first().history_user == admin_user


def test_the_job_page_lists_the_flagged_codes(admin_client, staff):
    job = run(csv_bytes(row(1), row(2, uscc=legacy_code(2))), staff)

    page = admin_client.get(reverse("admin:enterprise_imports_importjob_change", args=[job.pk])).content.decode()

    assert "校验位不符（存量赋码）：1个，已导入并标记，待工作人员确认" in page
    assert f"<td>3</td><td>{legacy_code(2)}</td><td>宜昌导入2有限公司</td>" in page


def test_the_enterprise_space_url_accepts_the_code_as_typed(client):
    from tests.factories.enterprises import EnterpriseMemberFactory

    member = EnterpriseMemberFactory(enterprise=EnterpriseFactory(uscc=CODE))
    client.force_login(member.user)

    response = client.get(reverse("enterprises:space", kwargs={"uscc": FULL_WIDTH.lower()}))

    assert response.status_code == 200
