"""Bulk import (数据共享交换): the whole file is checked first; any bad row → nothing imported."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.importing.models import ImportJob, ImportKind
from enterprises.importing.services import UploadRejectedError, run_import_job, submit_import
from enterprises.models import AnnualFigure, ChangeEvent, Enterprise, Qualification
from enterprises.services import ensure_qualification_types
from tests.factories.accounts import StaffUserFactory
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADER = "统一社会信用代码,企业名称,法定代表人,登记地区划代码,成立日期,行业代码,经营状态"


@pytest.fixture
def staff():
    CountyFactory()
    ensure_qualification_types()
    return StaffUserFactory()


def enterprise_line(n: int, **overrides) -> str:
    row = {
        "uscc": uscc_for(n),
        "name": f"宜昌导入{n}有限公司",
        "legal_rep": "王五",
        "region": "420502",
        "date": "2015-03-01",
        "industry": "C3911",
        "status": "存续",
    }
    row.update(overrides)
    return ",".join(row.values())


def run(
    content: str | bytes, staff, kind=ImportKind.ENTERPRISES, name="data.csv", source="market_regulation"
) -> ImportJob:
    data = content.encode("utf-8") if isinstance(content, str) else content
    job = submit_import(uploaded_file=SimpleUploadedFile(name, data), kind=kind, source=source, user=staff)
    return run_import_job(job.pk)


def csv_of(*lines: str, header: str = ENTERPRISE_HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


def test_a_good_file_creates_the_enterprises_with_provenance(staff):
    job = run(csv_of(enterprise_line(1), enterprise_line(2)), staff)
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    enterprise = Enterprise.objects.get(uscc=uscc_for(1))
    assert enterprise.name == "宜昌导入1有限公司"
    assert enterprise.operating_status == "existing"
    assert enterprise.source == "market_regulation"
    assert enterprise.source_updated_at == job.source_updated_at


def test_importing_the_same_file_twice_changes_nothing_and_writes_no_history(staff):
    content = csv_of(enterprise_line(1), enterprise_line(2))
    run(content, staff)
    histories = Enterprise.history.count()
    events = ChangeEvent.objects.count()
    updated_at = list(Enterprise.objects.order_by("id").values_list("updated_at", flat=True))
    job = run(content, staff)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert Enterprise.history.count() == histories
    assert ChangeEvent.objects.count() == events
    assert list(Enterprise.objects.order_by("id").values_list("updated_at", flat=True)) == updated_at


def test_a_changed_row_is_updated_with_one_history_row_and_one_change_event(staff):
    run(csv_of(enterprise_line(1), enterprise_line(2)), staff)
    job = run(csv_of(enterprise_line(1, name="宜昌改名有限公司"), enterprise_line(2)), staff)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    enterprise = Enterprise.objects.get(uscc=uscc_for(1))
    latest = enterprise.history.first()
    assert latest.name == "宜昌改名有限公司"
    assert latest.history_type == "~"
    assert latest.history_user == staff
    assert f"任务{job.pk}" in latest.history_change_reason
    assert ChangeEvent.objects.filter(enterprise=enterprise, kind="facts").count() == 2


def test_a_column_absent_from_the_file_is_left_as_it_is(staff):
    existing = EnterpriseFactory(uscc=uscc_for(1), address="原地址")
    run(csv_of(enterprise_line(1)), staff)
    existing.refresh_from_db()
    assert existing.address == "原地址"
    assert existing.name == "宜昌导入1有限公司"


def test_the_size_is_recomputed_after_figures_are_imported(staff):
    run(csv_of(enterprise_line(1)), staff)
    job = run(
        f"统一社会信用代码,年度,营业收入（万元）,从业人员（人）\n{uscc_for(1)},2024,25000,1200\n",
        staff,
        kind=ImportKind.FIGURES,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    enterprise = Enterprise.objects.get(uscc=uscc_for(1))
    assert (enterprise.size, enterprise.size_year) == ("medium", 2024)
    assert AnnualFigure.objects.get(enterprise=enterprise).revenue_wan == Decimal(25000)
    assert enterprise.history.first().size == "medium"


def test_qualifications_are_imported_by_type_name_or_code(staff):
    run(csv_of(enterprise_line(1)), staff)
    job = run(
        "统一社会信用代码,资质类型,有效期起,有效期止,证书编号\n"
        f"{uscc_for(1)},高新技术企业,2023-12-01,2026-11-30,GR202342000001\n"
        f"{uscc_for(1)},tech_sme,2024/05/01,,\n",
        staff,
        kind=ImportKind.QUALIFICATIONS,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert set(Qualification.objects.values_list("type__code", flat=True)) == {"hitech", "tech_sme"}
    assert ChangeEvent.objects.filter(kind="qualification").count() == 1


def test_english_keys_are_accepted_as_headers(staff):
    job = run(
        csv_of(
            enterprise_line(1),
            header="uscc,name,legal_rep_name,region_code,registration_date,industry_code,operating_status",
        ),
        staff,
    )
    assert job.status == ImportJob.Status.DONE


def test_gb18030_and_utf8_with_bom_are_read(staff):
    assert run(csv_of(enterprise_line(1)).encode("gb18030"), staff).status == ImportJob.Status.DONE
    assert run(b"\xef\xbb\xbf" + csv_of(enterprise_line(2)).encode(), staff).status == ImportJob.Status.DONE
    assert Enterprise.objects.get(uscc=uscc_for(1)).name == "宜昌导入1有限公司"


def test_an_excel_file_is_imported(staff):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ENTERPRISE_HEADER.split(","))
    sheet.append([uscc_for(1), "宜昌表格有限公司", "王五", "420502", dt.date(2015, 3, 1), "C3911", "在业"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(buffer.getvalue(), staff, name="data.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get(uscc=uscc_for(1)).registration_date == dt.date(2015, 3, 1)


# --- Bad input: clear Chinese errors, nothing imported ----------------------------------------------------------


def only_error(job: ImportJob) -> dict:
    assert job.status == ImportJob.Status.FAILED
    assert job.error_count == 1, job.errors
    return job.errors[0]


def test_an_invalid_uscc_is_reported_by_line_and_column_and_nothing_is_imported(staff):
    job = run(csv_of(enterprise_line(1), enterprise_line(2, uscc="91110108772551611K")), staff, source="staff")
    error = only_error(job)
    assert (error["line"], error["header"]) == (3, "统一社会信用代码")
    assert error["message"] == "统一社会信用代码校验位错误，请核对营业执照上的代码"
    assert Enterprise.objects.count() == 0


def test_an_unknown_industry_code_is_refused(staff):
    error = only_error(run(csv_of(enterprise_line(1, industry="C98")), staff))
    assert (error["line"], error["column"]) == (2, "industry_code")
    assert "不在《国民经济行业分类》" in error["message"]
    assert Enterprise.objects.count() == 0


def test_a_region_code_that_does_not_exist_is_refused(staff):
    error = only_error(run(csv_of(enterprise_line(1, region="429999")), staff))
    assert error["message"] == "行政区划代码“429999”不存在"


def test_a_date_whose_year_is_not_first_is_refused_listing_the_accepted_forms(staff):
    error = only_error(run(csv_of(enterprise_line(1, date="01/03/2015")), staff))
    assert (error["column"], error["message"]) == (
        "registration_date",
        "日期“01/03/2015”无法确定年月日；请把年份写在最前，如：2019-03-08、2019/3/8、2019.3.8、2019年3月8日、20190308",
    )


def test_a_duplicate_uscc_in_one_file_names_the_first_line(staff):
    error = only_error(run(csv_of(enterprise_line(1), enterprise_line(2), enterprise_line(1)), staff))
    assert (error["line"], error["message"]) == (4, "统一社会信用代码与第2行重复")
    assert Enterprise.objects.count() == 0


def figures_file(*rows: str) -> str:
    return "统一社会信用代码,年度,营业收入（万元）,利润总额（万元）,从业人员（人）\n" + "\n".join(rows) + "\n"


def test_a_negative_figure_is_refused_but_a_loss_is_accepted(staff):
    EnterpriseFactory(uscc=uscc_for(1))
    job = run(figures_file(f"{uscc_for(1)},2023,-5,-100,10"), staff, kind=ImportKind.FIGURES)
    error = only_error(job)
    assert (error["column"], error["message"]) == ("revenue_wan", "不能为负数")
    assert AnnualFigure.objects.count() == 0


def test_a_figure_for_a_future_year_is_refused(staff):
    EnterpriseFactory(uscc=uscc_for(1))
    next_year = timezone.localdate().year + 1
    error = only_error(run(figures_file(f"{uscc_for(1)},{next_year},5,1,10"), staff, kind=ImportKind.FIGURES))
    assert error["message"] == f"年度{next_year}晚于当前年度，不能导入未来年度的数据"


def test_figures_of_an_enterprise_not_in_the_archive_are_refused(staff):
    error = only_error(run(figures_file(f"{uscc_for(7)},2023,5,1,10"), staff, kind=ImportKind.FIGURES))
    assert error["message"] == "企业档案中没有此统一社会信用代码，请先导入企业基本信息"


def test_missing_required_columns_are_reported_on_the_header_line_and_unknown_ones_noted(staff):
    job = run("统一社会信用代码,企业名称,登记地区划代码,行业代玛\n", staff)
    assert job.status == ImportJob.Status.FAILED
    assert {(e["line"], e["message"]) for e in job.errors} == {(1, "缺少必填列“法定代表人”")}
    assert [(n["line"], n["message"]) for n in job.notices] == [(1, "未知的列“行业代玛”，已忽略")]


def test_every_bad_cell_is_counted(staff):
    job = run(
        csv_of(enterprise_line(1, uscc="X", industry="Q1"), enterprise_line(2), enterprise_line(3, date="2015-02-30")),
        staff,
    )
    assert (job.error_count, job.bad_row_count) == (3, 2)
    assert [(e["line"], e["column"]) for e in job.errors] == [
        (2, "industry_code"),
        (2, "uscc"),
        (4, "registration_date"),
    ]


def test_a_file_named_xlsx_that_is_not_excel_is_refused_before_a_job_exists(staff):
    with pytest.raises(UploadRejectedError, match="文件不是有效的Excel文件"):
        submit_import(
            uploaded_file=SimpleUploadedFile("data.xlsx", csv_of(enterprise_line(1)).encode()),
            kind=ImportKind.ENTERPRISES,
            source="market_regulation",
            user=staff,
        )
    assert ImportJob.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(staff):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UploadRejectedError, match="文件不是有效的Excel文件"):
        submit_import(
            uploaded_file=SimpleUploadedFile("data.xlsx", buffer.getvalue()),
            kind=ImportKind.ENTERPRISES,
            source="market_regulation",
            user=staff,
        )


def test_an_oversized_upload_is_refused_with_a_chinese_message(staff, settings):
    settings.MAX_IMPORT_MB = 1
    with pytest.raises(UploadRejectedError, match="文件超过1 MB，不能导入"):
        submit_import(
            uploaded_file=SimpleUploadedFile("big.csv", b"a" * (1024 * 1024 + 1)),
            kind=ImportKind.ENTERPRISES,
            source="market_regulation",
            user=staff,
        )
    assert ImportJob.objects.count() == 0


def test_a_bad_row_deep_in_a_100000_row_file_is_reported_and_nothing_is_imported(staff):
    lines = [enterprise_line(n) for n in range(1, 100_001)]
    lines[73_410] = enterprise_line(73_411, industry="C999")  # line 73,412 of the file: the header is line 1
    job = run(csv_of(*lines), staff)
    error = only_error(job)
    assert (error["line"], error["column"], error["header"]) == (73_412, "industry_code", "行业代码")
    assert job.total_rows == 100_000
    assert Enterprise.objects.count() == 0


def test_the_sweep_restarts_a_job_whose_message_was_lost_and_closes_a_dead_one(staff, monkeypatch):
    from enterprises.importing import tasks

    lost = ImportJob.objects.create(
        kind=ImportKind.ENTERPRISES,
        original_name="a.csv",
        file_format="csv",
        source="market_regulation",
        source_updated_at=timezone.now(),
        uploaded_by=staff,
    )
    dead = ImportJob.objects.create(
        kind=ImportKind.ENTERPRISES,
        original_name="b.csv",
        file_format="csv",
        source="market_regulation",
        source_updated_at=timezone.now(),
        uploaded_by=staff,
        status=ImportJob.Status.IMPORTING,
        started_at=timezone.now() - dt.timedelta(hours=4),
    )
    ImportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    started = []
    monkeypatch.setattr(tasks.run_import_job_task, "delay", started.append)
    tasks.sweep_import_jobs()
    assert started == [lost.pk]
    dead.refresh_from_db()
    assert dead.status == ImportJob.Status.FAILED
    assert dead.message == "导入任务中断，未导入任何数据；请重新上传"


def test_a_blank_coded_cell_keeps_the_stored_code(staff):
    EnterpriseFactory(uscc=uscc_for(1), operating_status="revoked")
    job = run(csv_of(enterprise_line(1, status="")), staff)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Enterprise.objects.get(uscc=uscc_for(1)).operating_status == "revoked"


def test_an_unknown_choice_lists_the_allowed_labels(staff):
    error = only_error(run(csv_of(enterprise_line(1, status="营业中")), staff))
    assert error["message"].startswith("“营业中”不是有效选项，可选：存续、在业、吊销、注销")
