import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import health, uploads
from . import home as home_page
from .context_processors import FONT_SIZES, a11y_preferences, identity

A11Y_COOKIE_AGE = 365 * 24 * 3600


@require_GET
@never_cache
def healthz(request):
    """200 when the database, Redis and at least one Celery worker are alive; 503 naming what is down."""
    report = health.status()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_POST
def accessibility(request):
    """Stores the reader's font size and contrast (适老化) in cookies and returns to the page.

    A plain form post is redirected back to the page it came from; the script's
    background post (X-Requested-With: fetch) gets 204, the page applies the choice itself.
    """
    if request.headers.get("X-Requested-With") == "fetch":
        response = HttpResponse(status=204)
    else:
        target = request.POST.get("next") or request.headers.get("referer") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = HttpResponseRedirect(target)
    font = request.POST.get("font")
    if font in FONT_SIZES:
        response.set_cookie("a11y_font", font, max_age=A11Y_COOKIE_AGE, samesite="Lax", secure=request.is_secure())
    contrast = request.POST.get("contrast")
    if contrast in ("high", "normal"):
        response.set_cookie(
            "a11y_contrast", contrast, max_age=A11Y_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
        )
    return response


def home(request):
    """The home page: search first, the calculator's entry, then the blocks the domains registered (cached)."""
    return render(request, "home.html", {"home_rows": home_page.home_rows()})


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """系统繁忙. Rendered without the request, so no context processor, session or database is touched:
    whatever broke the page must not break its error page too."""
    template = loader.get_template("errors/500.html")
    body = template.render(
        {
            **identity(),
            "a11y": a11y_preferences(request),
            "request_id": getattr(request, "id", ""),
        }
    )
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """页面已过期: the form's CSRF token is missing or stale (an old tab, cookies cleared)."""
    return render(request, "errors/403_csrf.html", status=403)


@require_GET
def media(request, name):
    """An upload (上传文件), served with the content type of what it is, never of what it is called.

    Only files a domain claims in `uploads.served_uploads` are served, to whom it allows.
    `nosniff` stops a browser from second-guessing the type; everything but PDFs and
    images is a download (`Content-Disposition: attachment`), so no upload ever runs
    as a page of the portal's origin.
    """
    if name != posixpath.normpath(name) or name.startswith(("/", "../")) or "\\" in name:
        raise Http404
    filename = uploads.download_name(request, name)
    if filename is None or not default_storage.exists(name):
        raise Http404
    handle = default_storage.open(name, "rb")
    kind = uploads.detect(handle)
    response = FileResponse(
        handle,
        as_attachment=not (kind and kind.inline),
        filename=uploads.stored_name(filename, kind) if kind else filename,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
