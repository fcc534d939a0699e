import re
import uuid

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
