"""Register files as they really come (issue: a tester's first imports): missing or renamed columns, an
instruction sheet first, extra columns, blank optional cells, register wordings, stale data, header-only files.

Each is uploaded through the admin, as the tester did, then the job is run.
"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enterprises.importing.columns import COLUMNS, header_key, header_lookup
from enterprises.importing.models import ImportJob, ImportKind
from enterprises.importing.services import run_import_job
from enterprises.models import Enterprise, OperatingStatus, OwnershipType, Qualification
from enterprises.services import ensure_qualification_types
from tests.factories.accounts import SuperuserFactory
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:enterprise_imports_importjob_upload")
HEADER = ["统一社会信用代码", "企业名称", "法定代表人", "登记地区划代码"]
SYSTEM_ERROR = "导入过程中发生系统错误，未导入任何数据，请联系管理员"


@pytest.fixture
def admin_client(client):
    CountyFactory()
    ensure_qualification_types()
    client.force_login(SuperuserFactory())
    return client


def line(n: int) -> list[str]:
    return [uscc_for(n), f"宜昌导入{n}有限公司", "王五", "420502"]


def csv_bytes(header, *rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n").encode()


def upload(client, content: bytes, name="data.csv", kind="enterprises", **fields) -> ImportJob:
    data = {"kind": kind, "source": "market_regulation", "file": SimpleUploadedFile(name, content), **fields}
    response = client.post(UPLOAD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return run_import_job(ImportJob.objects.latest("pk").pk)


def messages(job: ImportJob) -> set[str]:
    return {e["message"] for e in job.errors}


# --- 1. A file without the code column is refused as such, never as a system error ------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["企业名称", "法定代表人", "登记地区划代码"],
        ["本表由市场监管局导出，请勿修改表头"],
        ["统一代码错写", "企业名称", "法定代表人", "登记地区划代码"],
    ],
    ids=["no code column", "a sentence as header", "an unknown code header"],
)
def test_a_file_without_the_code_column_says_which_column_is_missing(admin_client, header):
    job = upload(admin_client, csv_bytes(header, ["x"] * len(header)))
    assert job.status == ImportJob.Status.FAILED
    assert job.message != SYSTEM_ERROR
    assert "缺少必填列“统一社会信用代码”" in messages(job)


@pytest.mark.parametrize("synonym", ["统一信用代码", "社会信用代码", "信用代码", "统一代码", "*统一社会信用代码"])
def test_common_synonyms_of_the_code_header_are_accepted(admin_client, synonym):
    job = upload(admin_client, csv_bytes([synonym, *HEADER[1:]], line(1)))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.filter(uscc=uscc_for(1)).exists()


def test_every_column_synonym_is_unique_to_its_column():
    for kind in COLUMNS:
        lookup = header_lookup(kind)
        for column in COLUMNS[kind]:
            for name in column.aliases:
                assert lookup[header_key(name)].key == column.key, (kind, name)


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for r in rows:
            sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_whose_first_sheet_is_an_instruction_sheet_is_read_from_the_data_sheet(admin_client):
    content = workbook(
        ("填表说明", [["填表说明"], ["1. 统一社会信用代码为18位"], ["2. 日期写成2019-03-08"]]),
        ("企业名录", [["2026年企业名录"], HEADER, line(1), line(2)]),
    )
    job = upload(admin_client, content, name="register.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.total_rows, job.created_count) == (2, 2)
    assert any("企业名录" in n["message"] and "填表说明" in n["message"] for n in job.notices)


def test_a_workbook_with_no_sheet_having_the_header_says_which_sheet_was_read(admin_client):
    content = workbook(("填表说明", [["填表说明"], ["请按模板填写"]]), ("附表", [["序号", "备注"]]))
    job = upload(admin_client, content, name="register.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert job.message != SYSTEM_ERROR
    assert "缺少必填列“统一社会信用代码”" in messages(job)
    assert any("填表说明" in n["message"] for n in job.notices)


def test_a_figures_file_without_the_code_column_is_refused_as_such(admin_client):
    job = upload(admin_client, csv_bytes(["年度", "营业收入（万元）"], [2024, 5]), kind="figures")
    assert job.message != SYSTEM_ERROR
    assert "缺少必填列“统一社会信用代码”" in messages(job)


# --- 2. Every optional column accepts a blank cell ---------------------------------------------------------------


def test_every_optional_column_accepts_a_blank_cell(admin_client):
    EnterpriseFactory(uscc=uscc_for(1))
    ensure_qualification_types()
    samples = {
        ImportKind.ENTERPRISES: line(1),
        ImportKind.FIGURES: [uscc_for(1), 2024],
        ImportKind.QUALIFICATIONS: [uscc_for(1), "高新技术企业", "2024-01-01"],
    }
    for kind, columns in COLUMNS.items():
        required = [c.header for c in columns if c.required]
        for column in (c for c in columns if not c.required):
            job = upload(
                admin_client,
                csv_bytes([*required, column.header], [*samples[kind], ""]),
                kind=kind,
            )
            assert job.status == ImportJob.Status.DONE, (kind, column.header, job.errors)


def test_a_blank_ownership_type_keeps_the_stored_one(admin_client):
    EnterpriseFactory(uscc=uscc_for(1), ownership_type=OwnershipType.PRIVATE)
    job = upload(admin_client, csv_bytes([*HEADER, "登记注册类型"], [*line(1), ""]))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get(uscc=uscc_for(1)).ownership_type == OwnershipType.PRIVATE


# --- 3. Unknown columns are ignored with a notice; every row is checked -------------------------------------------


def test_unknown_columns_are_ignored_with_a_notice_and_every_row_is_read(admin_client):
    job = upload(admin_client, csv_bytes(["序号", *HEADER, "备注"], [1, *line(1), "新设"], [2, *line(2), ""]))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.total_rows, job.created_count) == (2, 2)
    assert {n["message"] for n in job.notices} == {"未知的列“序号”，已忽略", "未知的列“备注”，已忽略"}
    page = admin_client.get(reverse("admin:enterprise_imports_importjob_change", args=[job.pk])).content.decode()
    assert "未知的列“备注”，已忽略" in page


def test_with_an_unknown_column_bad_rows_are_still_found_and_counted(admin_client):
    job = upload(admin_client, csv_bytes([*HEADER, "备注"], [*line(1), ""], ["X", "甲", "王五", "420502", ""]))
    assert job.status == ImportJob.Status.FAILED
    assert job.total_rows == 2
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "uscc")]


# --- 4. Repeated codes are reported in the same pass as bad cells ---------------------------------------------------


def test_a_repeated_code_is_reported_with_the_other_cell_errors(admin_client):
    bad_region = [uscc_for(2), "宜昌乙有限公司", "王五", "999999"]
    job = upload(admin_client, csv_bytes(HEADER, line(1), bad_region, line(2)))
    assert {(e["line"], e["message"]) for e in job.errors} == {
        (3, "行政区划代码“999999”不存在"),
        (4, "统一社会信用代码与第3行重复"),
    }


# --- 5. Values as 市场监管 writes them ---------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["0717-6221234", "(0717)6221234", "010-12345678", "13800138000"])
def test_a_registered_phone_may_be_a_landline_with_its_area_code(admin_client, phone):
    job = upload(admin_client, csv_bytes([*HEADER, "登记联系电话"], [*line(1), phone]))
    assert job.status == ImportJob.Status.DONE, job.errors


def test_a_registered_phone_without_area_code_is_refused(admin_client):
    job = upload(admin_client, csv_bytes([*HEADER, "登记联系电话"], [*line(1), "6221234"]))
    assert messages(job) == {"请填写手机号或带区号的固定电话（如 0717-6221234）"}


@pytest.mark.parametrize(
    ("wording", "status"),
    [
        ("在营（开业）", OperatingStatus.OPERATING),
        ("在营(开业)企业", OperatingStatus.OPERATING),
        ("开业", OperatingStatus.OPERATING),
        ("存续（在营、开业、在册）", OperatingStatus.EXISTING),
        ("吊销，未注销", OperatingStatus.REVOKED),
    ],
)
def test_register_wordings_of_the_operating_status_are_understood(admin_client, wording, status):
    job = upload(admin_client, csv_bytes([*HEADER, "经营状态"], [*line(1), f'"{wording}"']))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get(uscc=uscc_for(1)).operating_status == status


@pytest.mark.parametrize("wording", ["长期", "长期有效"])
def test_a_long_term_validity_is_open_ended(admin_client, wording):
    EnterpriseFactory(uscc=uscc_for(1))
    header = ["统一社会信用代码", "资质类型", "有效期起", "有效期止"]
    job = upload(
        admin_client, csv_bytes(header, [uscc_for(1), "高新技术企业", "2024-01-01", wording]), kind="qualifications"
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Qualification.objects.get().valid_to is None


# --- 6. A header-only file is not a success -------------------------------------------------------------------------


def test_a_header_only_file_is_not_imported(admin_client):
    job = upload(admin_client, csv_bytes(HEADER))
    assert job.status == ImportJob.Status.FAILED
    assert "文件中没有数据行" in job.message
    assert messages(job) == {"文件中没有数据行"}


# --- 7. Stale data does not overwrite newer data ---------------------------------------------------------------------


def test_rows_older_than_the_archive_are_skipped_and_listed(admin_client):
    newer = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    EnterpriseFactory(uscc=uscc_for(1), name="宜昌新名有限公司", source="market_regulation", source_updated_at=newer)
    job = upload(
        admin_client,
        csv_bytes(HEADER, line(1), line(2)),
        source_updated_at="2020-01-01 00:00",
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    kept = Enterprise.objects.get(uscc=uscc_for(1))
    assert (kept.name, kept.source_updated_at) == ("宜昌新名有限公司", newer)
    assert (job.created_count, job.updated_count) == (1, 0)
    assert [(n["line"], n["message"]) for n in job.notices] == [(2, "数据早于档案现有数据，未更新")]
    assert "1行数据早于档案现有数据，未更新" in job.message


def test_a_nul_character_deep_in_a_csv_is_not_a_system_error(admin_client):
    """Past the first 64 KB that the type check reads, a NUL reaches the cells: it is dropped, not sent to COPY."""
    rows = [[*line(n), "宜昌市西陵区"] for n in range(1, 1500)]
    rows.append([*line(1500), "宜昌市\x00西陵区"])
    job = upload(admin_client, csv_bytes([*HEADER, "住所"], *rows))
    assert job.message != SYSTEM_ERROR
    assert job.status == ImportJob.Status.DONE, job.errors


def test_a_nul_character_in_a_refused_cell_is_reported_not_a_system_error(admin_client):
    rows = [[*line(n), "存续"] for n in range(1, 1500)]
    rows.append([*line(1500), "存\x00续中"])
    job = upload(admin_client, csv_bytes([*HEADER, "经营状态"], *rows))
    assert job.status == ImportJob.Status.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(1501, "operating_status")]
