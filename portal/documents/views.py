"""The public verification page (文书核验) and the download helper the domains serve documents with.

Anyone may check a code or a file; nobody anonymous ever receives a document from here, only the facts
(kind, title, department, date, SHA-256, status). Files are checked in memory and never stored.
"""

from datetime import timedelta

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts import ratelimit
from portal.audit.network import client_ip
from portal.core import crypto

from . import services
from .forms import CodeForm, UploadForm
from .models import normalise_code


def _may_check_a_file(request) -> bool:
    """At most DOCUMENT_VERIFY_UPLOADS_PER_HOUR files per address and hour: checking a signature costs CPU."""
    key = "document-verify:" + crypto.digest(client_ip(request) or "unknown")
    return ratelimit.hit(key, window=timedelta(hours=1)) <= settings.DOCUMENT_VERIFY_UPLOADS_PER_HOUR


def _check_upload(request, code):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    if not _may_check_a_file(request):
        form.add_error(None, _("核验次数过多，请一小时后再试。"))
        return form, None
    upload = form.cleaned_data["file"]
    upload.seek(0)
    return form, services.verify(code, upload.read())


@require_http_methods(["GET", "POST"])
def verify(request):
    """文书核验: a code typed in (GET) leads to its page; a file uploaded alone is found by its SHA-256."""
    result = None
    code_form = CodeForm(request.GET or None)
    upload_form = UploadForm()
    if request.method == "POST":
        upload_form, result = _check_upload(request, None)
    elif code_form.is_valid():
        return redirect("documents:verify_code", code=code_form.cleaned_data["code"])
    status = 429 if upload_form.non_field_errors() else 200
    return render(
        request,
        "documents/verify.html",
        {"code_form": code_form, "upload_form": upload_form, "result": result},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def verify_code(request, code):
    """The facts of the document a code names (where the QR code leads), and a file checked against it."""
    if normalise_code(code) != code:
        return redirect("documents:verify_code", code=normalise_code(code) or "-")
    upload_form = UploadForm()
    if request.method == "POST":
        upload_form, result = _check_upload(request, code)
        result = result or services.verify(code)
    else:
        result = services.verify(code)
    status = 429 if upload_form.non_field_errors() else (200 if result.found else 404)
    return render(
        request,
        "documents/verify.html",
        {"code_form": CodeForm(initial={"code": code}), "upload_form": upload_form, "result": result, "code": code},
        status=status,
    )


def document_download_response(request, document) -> FileResponse:
    """The signed PDF of `document` as a download, for a domain view that has decided this request may have it.

    The caller checks who may download (the enterprise the document was issued to, the issuing department's
    staff); this only serves the bytes as they were signed: attachment, `nosniff`, never cached by proxies.
    """
    if not document.file or not document.file.storage.exists(document.file.name):
        raise Http404(_("文书文件不存在"))
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.title}（{document.grouped_code}）.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
