"""Issuing, revoking and verifying signed documents (签章文书的出具、作废与核验).

issue(kind, template_name, context, *, title, department, obj, issued_by=None) -> IssuedDocument
revoke(document, *, reason, by=None) -> IssuedDocument
supersede(document, *, by_document, reason, by=None) -> IssuedDocument
verify(code, pdf_bytes=None) -> Verification
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import uploads
from portal.core.pdf import render_pdf

from . import signing
from .models import CODE_LENGTH, IssuedDocument, new_code, normalise_code
from .registry import document_kinds


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verification_page_url() -> str:
    """The public address of the verification page (文书核验), printed on every document."""
    return settings.PORTAL_URL.rstrip("/") + reverse("documents:verify")


def verification_url(code: str) -> str:
    """The public address that checks `code`, which the QR code on the document holds."""
    return settings.PORTAL_URL.rstrip("/") + reverse("documents:verify_code", args=[code])


def _data_uri(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def qr_png(text: str) -> bytes:
    import qrcode

    image = qrcode.make(text, box_size=6, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data URI, for a document template's <img>."""
    return _data_uri("image/png", qr_png(text))


def _unused_code() -> str:
    # 31^12 codes: a collision is astronomically rare, but the unique index is what guarantees it.
    for _attempt in range(5):
        code = new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no unused verification code after 5 attempts")


def issue(kind, template_name, context, *, title, department, obj, issued_by=None, event: str = "") -> IssuedDocument:
    """Renders, seals and signs a document of `kind` for `obj` and records it (出具签章文书).

    `template_name` extends "documents/base.html"; besides `context` it receives `document_code`
    (grouped, ABCD-EFGH-JKLM), `verification_url`, `verification_page_url`, `qr_code` and `seal`
    (data URIs), `department`, `issued_at`, `kind_label` and `title`. The PDF is signed with
    `department`'s key (the platform's when None) and stored privately; only its facts are public.
    Raises `LookupError` for an unregistered kind and `signing.SigningNotConfigured` where keys are
    required and missing. With an `event` ("受理", "补正告知#2"), a document of this kind already issued
    for `obj` and that event is returned instead of a second one (a retried effect issues once).
    """
    entry = document_kinds.entry(kind)
    if event:
        existing = IssuedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), kind=kind, event=event
        ).first()
        if existing is not None:
            return existing
    code = _unused_code()
    issued_at = timezone.now()
    document = IssuedDocument(
        kind=kind,
        code=code,
        title=title,
        department=department,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        event=event,
        issued_at=issued_at,
        issued_by=issued_by,
    )
    pdf = render_pdf(
        template_name,
        {
            **context,
            "document": document,
            "document_code": document.grouped_code,
            "verification_url": verification_url(code),
            "verification_page_url": verification_page_url(),
            "qr_code": qr_data_uri(verification_url(code)),
            "seal": _data_uri("image/png", signing.seal_png(department)),
            "department": department,
            "issued_at": issued_at,
            "kind_label": entry.label,
        },
        title=title,
    )
    signed = signing.sign_pdf(pdf, department, reason=str(entry.label), location=settings.PORTAL_NAME)
    document.sha256 = sha256(signed)
    document.file = ContentFile(signed, name=f"{code}.pdf")
    uploads.save_with_upload(document, "file", document.save)
    return document


def _change_status(document, status, *, reason: str, by=None, superseded_by=None) -> IssuedDocument:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"status_reason": _("请填写作废或替代的原因。")}, code="reason_required")
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != IssuedDocument.Status.VALID:
            raise ValidationError(_("该文书已作废或已被替代。"), code="not_valid")
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.superseded_by = superseded_by
        locked._history_user = by
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "superseded_by"])
    return locked


def revoke(document: IssuedDocument, *, reason: str, by=None) -> IssuedDocument:
    """Declares `document` void (作废), with the reason; the verification page says so from now on."""
    return _change_status(document, IssuedDocument.Status.REVOKED, reason=reason, by=by)


def supersede(document: IssuedDocument, *, by_document: IssuedDocument, reason: str, by=None) -> IssuedDocument:
    """Declares `document` replaced by `by_document` (e.g. a corrected 决定书)."""
    return _change_status(document, IssuedDocument.Status.SUPERSEDED, reason=reason, by=by, superseded_by=by_document)


def find(code: str) -> IssuedDocument | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return IssuedDocument.objects.select_related("department").filter(code=code).first()


@dataclass(frozen=True)
class Verification:
    """The answer of the verification page: which document a code names and, for an uploaded file,
    whether the file is that document as signed (hash) and carries a valid signature of ours."""

    document: IssuedDocument | None
    checked_file: bool = False
    hash_matches: bool = False
    signature: signing.SignatureCheck | None = None

    @property
    def found(self) -> bool:
        return self.document is not None

    @property
    def authentic(self) -> bool:
        """The uploaded file is, byte for byte, a document the platform signed."""
        return self.checked_file and self.hash_matches and self.signature is not None and self.signature.valid

    @property
    def valid(self) -> bool:
        """The document exists and is in force (and the uploaded file, if any, is authentic)."""
        return self.found and self.document.is_valid and (self.authentic or not self.checked_file)

    @property
    def message(self) -> str:
        if self.checked_file and not self.authentic:
            return _("文件已被篡改或不是本平台出具的文书。")
        if not self.found:
            return _("未找到该核验码对应的文书，请核对核验码。")
        if self.document.status == IssuedDocument.Status.REVOKED:
            return _("该文书已作废。")
        if self.document.status == IssuedDocument.Status.SUPERSEDED:
            return _("该文书已被新出具的文书替代。")
        if self.checked_file:
            return _("文书真实有效：文件与本平台出具的文书一致，数字签名有效。")
        return _("文书真实有效。")


def verify(code: str | None, pdf_bytes: bytes | None = None) -> Verification:
    """What the platform issued under `code` and, given a file, whether the file is that document.

    Without a code, an uploaded file is looked up by its SHA-256.
    """
    document = find(code) if code else None
    if pdf_bytes is None:
        return Verification(document=document)
    digest = sha256(pdf_bytes)
    if document is None and not code:
        document = IssuedDocument.objects.select_related("department").filter(sha256=digest).first()
    return Verification(
        document=document,
        checked_file=True,
        hash_matches=document is not None and document.sha256 == digest,
        signature=signing.check_signature(pdf_bytes),
    )
