"""Attachments are accepted by what they contain, stored and served as what they are, never by their name."""

import pytest
from django.core.exceptions import ValidationError

from policies.models import Interpretation, PolicyAttachment
from portal.core.uploads import validate_document, validate_media
from tests.factories import files
from tests.factories.files import upload
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("原文.pdf", files.pdf(), "pdf"),
        ("流程图.png", files.png(), "png"),
        ("申报表.docx", files.docx(), "docx"),
        ("清单.xlsx", files.xlsx(), "xlsx"),
        ("电子公文.ofd", files.ofd(), "ofd"),
    ],
)
def test_documents_are_recognised_by_content(name, content, kind):
    attachment = PolicyAttachment.objects.create(policy=PolicyFactory(), title=name, file=upload(name, content))
    assert attachment.kind == kind
    assert attachment.size == len(content)
    assert len(attachment.sha256) == 64


def test_an_executable_renamed_pdf_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="可执行文件"):
        validate_document(upload("政策原文.pdf", files.EXE))


def test_an_executable_renamed_pdf_is_never_stored():
    policy = PolicyFactory()
    with pytest.raises(ValidationError):
        PolicyAttachment.objects.create(policy=policy, title="政策原文", file=upload("政策原文.pdf", files.EXE))
    assert not policy.attachments.exists()


def test_a_plain_zip_renamed_docx_is_refused():
    with pytest.raises(ValidationError):
        validate_document(upload("申报表.docx", files.zip_package({"payload.bin": b"x"})))


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="1MB"):
        validate_document(upload("大文件.pdf", files.pdf() + b"0" * (1024 * 1024)))


def test_the_same_file_twice_on_one_policy_is_refused():
    policy = PolicyFactory()
    PolicyAttachment.objects.create(policy=policy, title="原文", file=upload("a.pdf", files.pdf()))
    with pytest.raises(Exception, match="policy_attachment_unique_file"):
        PolicyAttachment.objects.create(policy=policy, title="原文（重复）", file=upload("b.pdf", files.pdf()))


def test_interpretation_media_must_be_audio_or_video():
    with pytest.raises(ValidationError, match="音视频"):
        validate_media(upload("解读.mp4", files.pdf()))


def test_an_mp4_is_accepted_as_interpretation_media():
    validate_media(upload("解读.mp4", files.mp4()))


def test_a_pdf_html_polyglot_named_html_is_stored_as_pdf_under_its_original_name():
    attachment = PolicyAttachment.objects.create(
        policy=PolicyFactory(), title="政策解读", file=upload("政策解读.html", files.pdf_html_polyglot())
    )
    assert attachment.kind == "pdf"
    assert attachment.file.name.endswith("/政策解读.pdf")
    assert attachment.original_name == "政策解读.html"


def test_a_wps_file_is_stored_under_the_extension_of_what_it_holds():
    attachment = PolicyAttachment.objects.create(
        policy=PolicyFactory(), title="申报通知", file=upload("申报通知.wps", files.ole("WordDocument"))
    )
    assert attachment.kind == "doc"
    assert attachment.file.name.endswith("/申报通知.doc")


def test_interpretation_media_is_stored_under_the_detected_extension():
    interpretation = Interpretation.objects.create(
        policy=PolicyFactory(), title="视频解读", kind=Interpretation.Kind.VIDEO, media=upload("解读.mov", files.mp4())
    )
    assert interpretation.media.name.endswith("/解读.mp4")
