"""Verifying a document: by its code the facts, by its file whether it is what the platform signed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.documents import services
from portal.documents.models import IssuedDocument
from portal.documents.views import document_download_response
from tests.documents.conftest import read

pytestmark = pytest.mark.django_db


def _tampered(pdf: bytes) -> bytes:
    """One byte of the signed content changed, the file otherwise intact (the producer's name in the metadata)."""
    at = pdf.index(b"WeasyPrint") + 9
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def test_the_issued_file_is_authentic(issued):
    result = services.verify(issued.code, read(issued))
    assert result.authentic and result.valid
    assert result.message.startswith("文书真实有效")


def test_one_changed_byte_fails_both_the_hash_and_the_signature(issued):
    result = services.verify(issued.code, _tampered(read(issued)))
    assert not result.hash_matches
    assert result.signature.signed and not result.signature.intact
    assert not result.authentic
    assert result.message == "文件已被篡改或不是本平台出具的文书。"


def test_a_pdf_signed_by_another_root_is_not_trusted(issued, settings, tmp_path):
    original = read(issued)
    settings.DOCUMENT_SIGNING_DIR = tmp_path / "another-ca"
    assert not services.verify(issued.code, original).signature.trusted


def test_a_file_that_is_not_a_pdf_is_neither_found_nor_signed(issued):
    result = services.verify(issued.code, b"not a pdf at all")
    assert not result.authentic and not result.signature.signed


def test_a_code_is_found_as_printed_with_hyphens_and_in_lower_case(issued):
    assert services.verify(issued.grouped_code.lower()).document == issued


def test_a_revoked_document_says_so(issued):
    services.revoke(issued, reason="误出具，已重新出具。")
    result = services.verify(issued.code)
    assert result.found and not result.valid
    assert result.message == "该文书已作废。"


def test_revoking_needs_a_reason(issued):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.revoke(issued, reason="  ")
    issued.refresh_from_db()
    assert issued.status == IssuedDocument.Status.VALID


# The public page.


def test_the_page_by_code_shows_the_facts_and_never_the_file(client, issued):
    page = client.get(reverse("documents:verify_code", args=[issued.code]))
    assert page.status_code == 200
    body = page.content.decode()
    for fact in ["文书真实有效", "受理回执", issued.title, "宜昌市科学技术局", issued.sha256, issued.grouped_code]:
        assert fact in body
    assert issued.file.name not in body
    assert "download" not in body


def test_the_code_form_leads_to_the_codes_page(client, issued):
    page = client.get(reverse("documents:verify"), {"code": issued.grouped_code.lower()})
    assert page.status_code == 302
    assert page["Location"] == reverse("documents:verify_code", args=[issued.code])


def test_an_unknown_code_is_not_found(client, db):
    page = client.get(reverse("documents:verify_code", args=["ABCDEFGHJKMN"]))
    assert page.status_code == 404
    assert "未找到该核验码对应的文书" in page.content.decode()


def test_a_revoked_document_is_shown_as_revoked(client, issued):
    services.revoke(issued, reason="误出具")
    body = client.get(reverse("documents:verify_code", args=[issued.code])).content.decode()
    assert "该文书已作废" in body and "已作废" in body
    assert "误出具" not in body


def test_uploading_the_issued_file_confirms_it(client, issued):
    page = client.post(
        reverse("documents:verify_code", args=[issued.code]),
        {"file": SimpleUploadedFile("回执.pdf", read(issued), content_type="application/pdf")},
    )
    body = page.content.decode()
    assert "文书真实有效" in body and "数字签名有效" in body


def test_uploading_a_tampered_file_is_refused(client, issued):
    page = client.post(
        reverse("documents:verify_code", args=[issued.code]),
        {"file": SimpleUploadedFile("回执.pdf", _tampered(read(issued)), content_type="application/pdf")},
    )
    body = page.content.decode()
    assert "文件已被篡改或不是本平台出具的文书" in body
    assert issued.title not in body


def test_a_file_uploaded_without_a_code_is_found_by_its_hash(client, issued):
    page = client.post(
        reverse("documents:verify"),
        {"file": SimpleUploadedFile("回执.pdf", read(issued), content_type="application/pdf")},
    )
    body = page.content.decode()
    assert "文书真实有效" in body and issued.grouped_code in body


def test_file_checks_are_limited_per_address(client, issued, settings):
    settings.DOCUMENT_VERIFY_UPLOADS_PER_HOUR = 1
    url = reverse("documents:verify")
    client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7 x")})
    page = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7 x")})
    assert page.status_code == 429
    assert "核验次数过多" in page.content.decode()


# Downloads: only where a domain allows, and in the back office for those who may view documents.


def test_the_download_helper_serves_the_signed_bytes_as_an_attachment(rf, issued):
    response = document_download_response(rf.get("/"), issued)
    assert b"".join(response.streaming_content) == read(issued)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_non_staff_user_cannot_download_from_the_back_office(client, issued):
    from tests.factories.org import EnterpriseUserFactory

    client.force_login(EnterpriseUserFactory())
    page = client.get(reverse("admin:documents_issueddocument_download", args=[issued.pk]))
    assert page.status_code in {302, 403}
    assert page.get("Content-Type") != "application/pdf"


def test_staff_without_the_permission_cannot_download(client, issued, department):
    from tests.factories.org import staff_member

    client.force_login(staff_member(department, "editor"))
    page = client.get(reverse("admin:documents_issueddocument_download", args=[issued.pk]))
    assert page.status_code == 403


def test_a_platform_admin_finds_a_document_by_its_printed_code_and_revokes_it(client, issued, department):
    from tests.factories.org import staff_member

    client.force_login(staff_member(department, "admin"))
    listing = client.get(reverse("admin:documents_issueddocument_changelist"), {"q": issued.grouped_code})
    assert issued.title in listing.content.decode()
    url = reverse("admin:documents_issueddocument_revoke", args=[issued.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "误出具"}).status_code == 302
    issued.refresh_from_db()
    assert issued.status == IssuedDocument.Status.REVOKED
    assert issued.history.first().history_user.username
