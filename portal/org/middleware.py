from .permissions import remembered_for_the_request


class PermissionCacheMiddleware:
    """Reads each user's roles and role permissions once per request (see permissions.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembered_for_the_request():
            return self.get_response(request)
