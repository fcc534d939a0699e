"""Attachments are accepted by what they contain, never by their name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from policies.filetypes import validate_document, validate_media
from policies.models import PolicyAttachment
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _office(main_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="application/{main_type}"/></Types>',
        )
    return buffer.getvalue()


DOCX = _office("vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = _office("vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


def _upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("原文.pdf", PDF, "pdf"), ("流程图.png", PNG, "png"), ("申报表.docx", DOCX, "docx"), ("清单.xlsx", XLSX, "xlsx")],
)
def test_documents_are_recognised_by_content(name, content, kind):
    attachment = PolicyAttachment.objects.create(policy=PolicyFactory(), title=name, file=_upload(name, content))
    assert attachment.kind == kind
    assert attachment.size == len(content)
    assert len(attachment.sha256) == 64


def test_an_executable_renamed_pdf_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="可执行文件"):
        validate_document(_upload("政策原文.pdf", EXE))


def test_an_executable_renamed_pdf_is_never_stored():
    policy = PolicyFactory()
    with pytest.raises(ValidationError):
        PolicyAttachment.objects.create(policy=policy, title="政策原文", file=_upload("政策原文.pdf", EXE))
    assert not policy.attachments.exists()


def test_a_plain_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("payload.bin", b"x")
    with pytest.raises(ValidationError):
        validate_document(_upload("申报表.docx", buffer.getvalue()))


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="1MB"):
        validate_document(_upload("大文件.pdf", PDF + b"0" * (1024 * 1024)))


def test_the_same_file_twice_on_one_policy_is_refused():
    policy = PolicyFactory()
    PolicyAttachment.objects.create(policy=policy, title="原文", file=_upload("a.pdf", PDF))
    with pytest.raises(Exception, match="policy_attachment_unique_file"):
        PolicyAttachment.objects.create(policy=policy, title="原文（重复）", file=_upload("b.pdf", PDF))


def test_interpretation_media_must_be_audio_or_video():
    with pytest.raises(ValidationError, match="音视频"):
        validate_media(_upload("解读.mp4", PDF))


def test_an_mp4_is_accepted_as_interpretation_media():
    validate_media(_upload("解读.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16))
