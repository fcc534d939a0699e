"""Counting public page views (访问量, 无锡 §24–25) as they are served.

`VisitCountingMiddleware` adds one `visit` (`activity.count`) for each public page a reader was shown: a GET
answered 200 with an HTML page, outside the back office and the machine paths (`NOT_COUNTED`), not an htmx
fragment of a page already counted, and not seen by a staff user (staff looking at the portal are at work, not
visiting it). A 404, a redirect, a file download, a JSON answer or an admin page is not a visit. Counting is one
Redis INCR after the response is made, and never breaks the response.

Searches and calculator uses are counted where they happen, by their views (`policies.views`,
`matters.views`, `matters.calculator`, `appeals.interaction_views`).
"""

from __future__ import annotations

import logging

from . import activity

logger = logging.getLogger(__name__)

# Paths that are never a public page view: the back office, the clerk workbenches, the dashboards, files,
# the integration API and the health check.
NOT_COUNTED = (
    "/admin/",
    "/static/",
    "/media/",
    "/api/",
    "/healthz",
    "/window/",
    "/appeals/window/",
    "/supervision/",
)


def is_public_page_view(request, response) -> bool:
    """Whether this request and response are one public page view (see the module's docstring)."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if request.path.startswith(NOT_COUNTED):
        return False
    if request.headers.get("HX-Request"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


class VisitCountingMiddleware:
    """Counts public page views into `activity` (kind "visit")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            if is_public_page_view(request, response):
                activity.count("visit")
        except Exception:
            logger.exception("page view not counted")
        return response
