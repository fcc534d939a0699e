"""Uploads judged by content as readers judge them (portal.core.uploads), and served as what they are."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from policies.models import Interpretation, Policy, PolicyAttachment
from portal.core import uploads
from tests.factories import files
from tests.factories.files import upload
from tests.factories.policies import PolicyFactory, StaffFactory


def kind_of(content: bytes) -> str | None:
    return uploads.detect_key(io.BytesIO(content))


def test_a_pdf_with_a_utf8_byte_order_mark_is_a_pdf():
    assert kind_of(b"\xef\xbb\xbf" + files.pdf()) == "pdf"


def test_a_pdf_with_bytes_before_its_header_within_1024_is_a_pdf():
    assert kind_of(b"X-Mailer: gateway\r\n" * 40 + files.pdf()) == "pdf"


def test_a_pdf_header_after_the_first_1024_bytes_is_not_found_as_readers_do_not_find_it():
    assert kind_of(b"x" * 1100 + files.pdf()) is None


def test_a_page_that_only_mentions_the_pdf_header_is_not_a_pdf():
    assert kind_of(b"<html>%PDF-1.7<script>alert(1)</script></html>") is None


def test_a_pdf_html_polyglot_is_a_pdf():
    assert kind_of(files.pdf_html_polyglot()) == "pdf"


@pytest.mark.parametrize(
    ("content", "kind"),
    [(files.ofd(), "ofd"), (files.ole("WordDocument"), "doc"), (files.ole("Workbook"), "xls"), (files.xlsx(), "xlsx")],
    ids=["ofd", "wps-or-doc", "et-or-xls", "xlsx"],
)
def test_ofd_and_wps_family_documents_are_documents(content, kind):
    assert kind_of(content) == kind
    uploads.validate_document(upload("文件", content))


def test_an_ole_file_without_a_document_stream_is_refused():
    assert kind_of(files.ole("Payload")) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("通知.pdf", files.HTML),
        ("脚本.pdf", b"alert(document.cookie);"),
        ("图.png", files.SVG),
        ("安装.pdf", files.EXE),
    ],
    ids=["html", "javascript", "svg-with-script", "executable"],
)
def test_forged_uploads_are_refused_with_a_chinese_message(name, content):
    with pytest.raises(ValidationError, match="网页、脚本、SVG和可执行文件不能上传"):
        uploads.validate_document(upload(name, content))


def test_a_png_that_pillow_cannot_open_is_refused():
    assert kind_of(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32) is None


def test_the_stored_name_takes_the_detected_extension():
    assert uploads.stored_name("政策解读.html", uploads.KINDS["pdf"]) == "政策解读.pdf"
    assert uploads.stored_name("..\\..\\evil.exe", uploads.KINDS["png"]) == "evil.png"


# Served through the portal's own view (/media/…), tested over HTTP.


def attachment(content: bytes, name: str, status=Policy.Status.PUBLISHED) -> PolicyAttachment:
    return PolicyAttachment.objects.create(policy=PolicyFactory(status=status), title=name, file=upload(name, content))


@pytest.mark.django_db
def test_a_polyglot_is_served_as_a_pdf_with_nosniff(client):
    stored = attachment(files.pdf_html_polyglot(), "政策解读.html")

    response = client.get(stored.file.url)

    assert stored.file.url.endswith(".pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''%E6%94%BF%E7%AD%96%E8%A7%A3%E8%AF%BB.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == files.pdf_html_polyglot()


@pytest.mark.django_db
def test_an_image_is_served_inline(client):
    response = client.get(attachment(files.png(), "流程图.png").file.url)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (files.ofd(), "application/ofd"),
        (files.ole("Workbook"), "application/vnd.ms-excel"),
    ],
    ids=["docx", "ofd", "xls"],
)
def test_documents_other_than_pdf_and_images_are_downloads(client, content, content_type):
    response = client.get(attachment(content, "附件").file.url)

    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_an_approved_interpretation_video_is_served_as_a_download_of_its_type(client):
    interpretation = Interpretation.objects.create(
        policy=PolicyFactory(status=Policy.Status.PUBLISHED),
        title="视频解读",
        kind=Interpretation.Kind.VIDEO,
        media=upload("解读.mov", files.mp4()),
    )
    assert client.get(interpretation.media.url).status_code == 404
    Interpretation.objects.filter(pk=interpretation.pk).update(
        status=Interpretation.Status.APPROVED, approved_at=timezone.now(), approved_by=StaffFactory()
    )

    response = client.get(interpretation.media.url)

    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_draft_policys_attachment_is_not_served_to_the_public(client, admin_client):
    stored = attachment(files.pdf(), "草稿原文.pdf", status=Policy.Status.DRAFT)

    assert client.get(stored.file.url).status_code == 404
    assert admin_client.get(stored.file.url).status_code == 200


@pytest.mark.django_db
def test_a_stored_file_no_domain_claims_is_never_served(client, settings, tmp_path):
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "企业名单.csv").write_text("统一社会信用代码\n")

    assert client.get("/media/imports/企业名单.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/media/policies/../imports/x.csv", "/media/policies/%2e%2e/imports/x.csv"])
def test_paths_out_of_an_uploads_folder_are_not_found(client, path):
    assert client.get(path).status_code == 404
