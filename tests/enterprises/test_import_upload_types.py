"""Import files are judged by the kernel's content check (portal.core.uploads) and stored as what they are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from enterprises.importing.models import ImportJob, ImportKind
from enterprises.importing.services import UploadRejectedError, submit_import
from tests.factories import files
from tests.factories.accounts import StaffUserFactory

pytestmark = pytest.mark.django_db


def submit(name: str, content: bytes) -> ImportJob:
    return submit_import(
        uploaded_file=SimpleUploadedFile(name, content),
        kind=ImportKind.ENTERPRISES,
        source="market_regulation",
        user=StaffUserFactory(),
    )


def xlsx_bytes() -> bytes:
    import io

    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "企业名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["企业名单.xls", "企业名单.et", "企业名单.csv"])
def test_an_excel_97_or_wps_spreadsheet_is_refused_with_what_to_do(name):
    with pytest.raises(UploadRejectedError, match=r"请另存为\.xlsx或CSV"):
        submit(name, files.ole("Workbook"))
    assert not ImportJob.objects.exists()


def test_a_pdf_named_csv_is_refused_saying_what_it_is():
    with pytest.raises(
        UploadRejectedError, match=r"该文件实为PDF.*另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（\.xlsx）"
    ):
        submit("企业名单.csv", files.pdf())


def test_a_damaged_pdf_is_still_named_a_pdf_with_what_to_do():
    with pytest.raises(UploadRejectedError, match="该文件实为PDF文档，不能导入；请在Excel中打开原始表格"):
        submit("企业名单.csv", b"%PDF-1.4\n\x00\x01\x02 truncated")


def test_utf16_text_is_named_as_such_with_what_to_do():
    content = "统一社会信用代码\t企业名称\r\n".encode("utf-16")
    with pytest.raises(UploadRejectedError, match=r"该文件实为UTF-16编码的文本.*另存为“CSV UTF-8（逗号分隔）”"):
        submit("企业名单.csv", content)


def test_a_workbook_named_csv_is_stored_as_xlsx():
    job = submit("企业名单.csv", xlsx_bytes())

    assert job.file_format == "xlsx"
    assert job.file.name.endswith("企业名单.xlsx")
    assert job.original_name == "企业名单.csv"
