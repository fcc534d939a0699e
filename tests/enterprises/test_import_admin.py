"""The import back office: upload, status JSON, error report, blank templates, size refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.importing.models import ImportJob
from enterprises.importing.services import run_import_job
from enterprises.services import ensure_qualification_types
from tests.factories.accounts import SuperuserFactory
from tests.factories.enterprises import uscc_for
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:enterprise_imports_importjob_upload")
HEADER = "统一社会信用代码,企业名称,法定代表人,登记地区划代码\n"


@pytest.fixture
def admin_client(client):
    CountyFactory()
    ensure_qualification_types()
    client.force_login(SuperuserFactory())
    return client


def upload(client, content: bytes, name="data.csv", **extra):
    data = {"kind": "enterprises", "source": "market_regulation", "file": SimpleUploadedFile(name, content)}
    return client.post(UPLOAD, data, **extra)


def test_the_upload_page_documents_every_column_with_its_template(admin_client):
    page = admin_client.get(UPLOAD).content.decode()
    assert "统一社会信用代码" in page
    assert "<code>registered_phone</code>" in page
    assert reverse("admin:enterprise_imports_importjob_template", args=["figures"]) in page


def test_an_upload_creates_a_queued_job_and_shows_its_page(admin_client):
    response = upload(admin_client, (HEADER + f"{uscc_for(1)},宜昌甲有限公司,王五,420502\n").encode())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:enterprise_imports_importjob_change", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED
    page = admin_client.get(response.url).content.decode()
    assert 'data-status-url="' in page
    assert "js/import_progress.js" in page


def test_the_status_endpoint_reports_progress_as_json(admin_client):
    upload(admin_client, (HEADER + f"{uscc_for(1)},宜昌甲有限公司,王五,420502\n").encode())
    job = run_import_job(ImportJob.objects.get().pk)
    status = admin_client.get(reverse("admin:enterprise_imports_importjob_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_display": "已完成",
        "progress": 100,
        "total_rows": 1,
        "message": "导入完成：读取数据1行，新增1，更新0，未变化0",
        "finished": True,
    }


def test_the_error_report_is_shown_as_a_table_and_downloadable_as_csv(admin_client):
    upload(admin_client, (HEADER + "91991008772551611J,宜昌甲有限公司,王五,420502\n").encode())
    job = run_import_job(ImportJob.objects.get().pk)
    page = admin_client.get(reverse("admin:enterprise_imports_importjob_change", args=[job.pk])).content.decode()
    assert "统一社会信用代码第3–8位行政区划码“991008”不合法" in page
    assert 'data-status-url="' not in page
    report = admin_client.get(reverse("admin:enterprise_imports_importjob_errors", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv")
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "行号,列,内容,错误说明",
        "2,统一社会信用代码,91991008772551611J,统一社会信用代码第3–8位行政区划码“991008”不合法",
    ]


def test_a_blank_template_has_the_chinese_headers(admin_client):
    response = admin_client.get(reverse("admin:enterprise_imports_importjob_template", args=["qualifications"]))
    assert (
        response.content.decode("utf-8-sig").strip() == "统一社会信用代码,资质类型,有效期起,有效期止,认定机关,证书编号"
    )


def test_a_fake_excel_upload_is_refused_on_the_form(admin_client):
    response = upload(admin_client, b"not a workbook", name="data.xlsx")
    assert "文件不是有效的Excel文件" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_upload_declared_larger_than_the_limit_is_refused_before_reading_it(admin_client, settings):
    settings.MAX_IMPORT_MB = 200
    response = admin_client.post(
        UPLOAD, data=b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(201 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "文件超过200 MB，不能导入" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_body_that_exceeds_the_limit_while_streaming_is_refused(admin_client, settings):
    settings.MAX_IMPORT_MB = 1
    response = upload(admin_client, b"a" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert ImportJob.objects.count() == 0


def test_a_refused_job_shows_its_state_not_a_stalled_progress_in_the_list(admin_client):
    upload(admin_client, (HEADER + "91991008772551611J,宜昌甲有限公司,王五,420502\n").encode())
    job = run_import_job(ImportJob.objects.get().pk)
    assert job.status == ImportJob.Status.FAILED
    page = admin_client.get(reverse("admin:enterprise_imports_importjob_changelist")).content.decode()
    assert "60%" not in page
    assert '<td class="field-progress_display">未导入</td>' in page


def test_the_job_list_keeps_few_columns_to_fit_a_laptop_screen(admin_client):
    from enterprises.importing.admin import ImportJobAdmin

    assert len(ImportJobAdmin.list_display) <= 10
