import re
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .logging import request_id_var

# A request id given by the reverse proxy is kept only when it looks like one,
# so that a client cannot inject text into the logs.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id, logs it with every record, returns it in `X-Request-ID`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        # Not reset on the way out: Django logs the response ("Not Found", errors)
        # after the middleware chain has returned, and that line needs the id too.
        # The next request on this thread sets its own.
        request_id_var.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the reader chose another language with the language switch.

    Django's own middleware follows the browser's Accept-Language, which would
    show a Chinese government portal in English to anyone whose browser or
    operating system happens to be English. Here only the explicit choice (the
    language cookie set by the switch) counts; otherwise LANGUAGE_CODE.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class MethodNotAllowedPageMiddleware:
    """A reader who opens a POST-only address (a bookmarked "remove" link) gets the site's Chinese page
    saying what happened, not the empty 405 `require_POST` answers; the Allow header is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method in ("GET", "HEAD"):
            from django.shortcuts import render

            page = render(request, "errors/405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
