"""Issuing a document: a PDF that says what it is, carries its code, and is signed by the department."""

import io
import subprocess

import pytest
from django.core.management import call_command

from portal.documents import signing
from portal.documents.models import CODE_ALPHABET, IssuedDocument
from portal.documents.services import issue, sha256
from tests.documents.conftest import TEST_KIND, read

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_shows_the_title_the_department_and_the_grouped_code(issued):
    text = _text(read(issued))
    assert "宜昌市科技创新奖励申报受理回执" in text
    assert "宜昌市科学技术局" in text
    assert issued.grouped_code in text
    assert "本文书经数字签名" in text


def test_the_code_is_twelve_unambiguous_characters_shown_in_groups_of_four(issued):
    assert len(issued.code) == 12
    assert set(issued.code) <= set(CODE_ALPHABET)
    assert not set(issued.code) & set("01OI")
    assert issued.grouped_code == "-".join([issued.code[:4], issued.code[4:8], issued.code[8:]])


def test_the_recorded_hash_is_that_of_the_stored_signed_file(issued):
    assert issued.sha256 == sha256(read(issued))


def test_the_file_is_kept_outside_the_public_media_folder(issued, settings):
    assert not str(issued.file.path).startswith(str(settings.MEDIA_ROOT))


def test_the_signature_is_intact_and_trusted_by_the_development_root(issued):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(read(issued)))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=signing.trust_roots(), allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "宜昌市科学技术局"


def test_a_document_without_a_department_is_signed_by_the_platform(department):
    document = issue(TEST_KIND, "documents/base.html", {}, title="平台回执", department=None, obj=department)
    check = signing.check_signature(read(document))
    assert check.valid
    assert check.signer == "惠企服务平台"


def test_the_document_belongs_to_its_object_and_keeps_history(issued, department):
    assert issued.target == department
    assert issued.history.count() == 1
    assert IssuedDocument.objects.get(object_id=str(department.pk)) == issued


def test_an_unregistered_kind_is_refused(department):
    with pytest.raises(LookupError):
        issue("no_such_kind", "documents/base.html", {}, title="x", department=department, obj=department)


def test_production_refuses_to_make_up_a_key(department, settings, tmp_path):
    settings.DOCUMENT_SIGNING_DIR = tmp_path / "empty"
    settings.DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS = True
    with pytest.raises(signing.SigningNotConfigured, match="没有配置"):
        issue(TEST_KIND, "documents/base.html", {}, title="x", department=department, obj=department)
    assert not IssuedDocument.objects.exists()


def test_create_signing_keys_is_idempotent(department, settings, tmp_path):
    out = io.StringIO()
    settings.DOCUMENT_SIGNING_DIR = tmp_path / "signing"
    call_command("create_signing_keys", stdout=out)
    made = {path.name: path.read_bytes() for path in (tmp_path / "signing").rglob("*") if path.is_file()}
    assert f"{department.code}.p12" in made and "root-ca.pem" in made and "platform.p12" in made
    assert f"{department.code}.png" in made
    call_command("create_signing_keys", stdout=out)
    again = {path.name: path.read_bytes() for path in (tmp_path / "signing").rglob("*") if path.is_file()}
    assert again == made


def test_create_signing_keys_is_refused_where_keys_must_be_configured(settings):
    from django.core.management.base import CommandError

    settings.DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS = True
    with pytest.raises(CommandError):
        call_command("create_signing_keys")


def test_the_development_seal_is_a_red_round_png(department):
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(signing.seal_png(department)))
    assert image.format == "PNG" and image.size == (signing.SEAL_SIZE, signing.SEAL_SIZE)
    red = image.getpixel((signing.SEAL_SIZE // 2, signing.SEAL_SIZE // 2))
    assert red[0] > 180 and red[1] < 40 and red[3] == 255
