"""The application's signed documents (签章文书): 受理回执, 一次性告知书 and 办理决定书.

Each is rendered by WeasyPrint from templates/applications/documents/, sealed and signed (PAdES) with the
deciding department's key by `portal.documents.services.issue`, and carries a verification code. The receipt
also carries the case's 查询码 and a QR code of the public progress page. Issued after the transition commits;
a failure is logged and `issue_missing` (the beat sweep) issues it again, never twice for the same event.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application, Status
from portal.documents.models import IssuedDocument

log = logging.getLogger(__name__)

KINDS = {
    "receipt": "application_receipt",
    "notice": "application_notice",
    "decision": "application_decision",
}


def progress_url(application) -> str:
    """The public progress page of the case (its 查询码), as printed and in the receipt's QR code."""
    return settings.PORTAL_URL.rstrip("/") + reverse("applications:progress_detail", args=[application.code])


def documents_of(application):
    """The documents issued for `application`, newest first."""
    return IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=str(application.pk)
    ).order_by("-issued_at", "-id")


def _decision_title(application) -> str:
    return {
        Status.NOT_ACCEPTED: _("不予受理决定书"),
        Status.REJECTED: _("不予通过决定书"),
    }.get(application.status, _("核准决定书"))


def _context(application, kind: str) -> dict:
    from portal.documents.services import qr_data_uri

    progress = progress_url(application)
    steps = list(application.steps.select_related("department").order_by("position", "id"))
    notice = application.notices.prefetch_related("items").order_by("-created_at").first()
    return {
        "application": application,
        "matter": application.matter,
        "enterprise": application.enterprise,
        "steps": steps,
        "notice": notice if kind == "notice" else None,
        "materials": application.materials.filter(superseded=False).order_by("material__position", "id"),
        "progress_url": progress,
        "progress_qr": qr_data_uri(progress) if kind == "receipt" else "",
        "grouped_code": application.grouped_code,
    }


def issue_for(application, kind: str):
    """Issues the `kind` document ("receipt" | "notice" | "decision") for the application's current event.

    The decision is issued by the department that decided (the current step's, else the matter's).
    Returns the IssuedDocument; a retried effect returns the one already issued for this event.
    """
    from portal.documents.services import issue

    application = Application.objects.select_related(
        "matter__department", "enterprise", "current_step__department"
    ).get(pk=application.pk)
    key = KINDS[kind]
    event = f"{application.status}#{application.notices.count()}" if kind == "notice" else application.status
    department = application.matter.department
    if kind == "decision" and application.current_step_id:
        department = application.current_step.department
    titles = {"receipt": _("受理回执"), "notice": _("一次性告知书"), "decision": _decision_title(application)}
    title = titles[kind]
    document = issue(
        key,
        f"applications/documents/{kind}.html",
        _context(application, kind),
        title=title,
        department=department,
        obj=application,
        event=event,
    )
    if kind == "notice":
        notice = application.notices.order_by("-created_at").first()
        if notice is not None:
            notice.document_code = document.code
            notice.save(update_fields=["document_code"])
    return document
