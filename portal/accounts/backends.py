"""Signing in with a mobile number and a password, seen by django-axes like any other login."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from portal.core import crypto

from .models import User
from .phones import normalize_phone


class PhoneBackend(ModelBackend):
    """Authenticates an enterprise user by `phone` + `password` (call `authenticate(request, phone=…, password=…)`).

    Staff accounts never match here, even if they have a phone: they sign in
    to the back office with a user name and a second factor.
    """

    def authenticate(self, request, phone=None, password=None, **kwargs):
        if phone is None or password is None:
            return None
        try:
            digest = crypto.digest(normalize_phone(phone))
            user = User.objects.get(phone_digest=digest, kind=User.Kind.ENTERPRISE)
        except (ValidationError, User.DoesNotExist):
            # Same cost as a real check, so timing does not tell which numbers are registered.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials: dict | None) -> str | None:
    """The name django-axes counts failures under (AXES_USERNAME_CALLABLE).

    A phone login is counted under the keyed digest of the normalised
    number: every spelling of one number shares one counter, and axes'
    tables never hold a phone number in clear.
    """
    credentials = credentials or {}
    data = getattr(request, "data", None) or request.POST
    # On success axes passes only the generated user name; the login form's
    # phone field is still in the request, so the same counter is reset.
    phone = credentials.get("phone") or data.get("phone")
    if phone:
        try:
            return "phone:" + crypto.digest(normalize_phone(phone))
        except ValidationError:
            return "phone:" + crypto.digest(str(phone))
    return credentials.get("username") or data.get("username")
