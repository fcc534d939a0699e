"""The portal's URLs plus views that fail on purpose, to reach the error handlers."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns


def bad(request):
    raise SuspiciousOperation("malformed request")


def forbidden(request):
    raise PermissionDenied


def missing(request):
    raise Http404


def broken(request):
    raise RuntimeError("the database went away")


urlpatterns = [
    path("raise/400/", bad),
    path("raise/403/", forbidden),
    path("raise/404/", missing),
    path("raise/500/", broken),
    *portal_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
