"""The province's unified identity login (统一身份认证) through OpenID Connect (mozilla-django-oidc).

Installed only when OIDC_ENABLED. The identity provider vouches for a
mobile number and a name, and for a legal person's login also the
enterprise's USCC (统一社会信用代码). A user is found by the phone's digest, or
created as an enterprise user without a local password; the USCC is handed
to the enterprise archive through the `identity_verified` signal.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.core import crypto

from . import services
from .models import User
from .phones import normalize_phone
from .signals import identity_verified


def claims_profile(claims: dict) -> dict:
    """The phone (normalised, or "" when missing or malformed), name and USCC named by the claims."""
    try:
        phone = normalize_phone(str(claims.get(settings.OIDC_CLAIM_PHONE, "")))
    except ValidationError:
        phone = ""
    return {
        "phone": phone,
        "name": str(claims.get(settings.OIDC_CLAIM_NAME, "")).strip()[:64],
        "uscc": str(claims.get(settings.OIDC_CLAIM_USCC, "")).strip().upper(),
    }


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return bool(claims_profile(claims)["phone"])

    def filter_users_by_claims(self, claims):
        phone = claims_profile(claims)["phone"]
        if not phone:
            return User.objects.none()
        return User.objects.filter(phone_digest=crypto.digest(phone), kind=User.Kind.ENTERPRISE, is_active=True)

    def create_user(self, claims):
        profile = claims_profile(claims)
        user = services.create_enterprise_user(profile["phone"], None, profile["name"])
        self._announce(user, profile, claims)
        return user

    def update_user(self, user, claims):
        profile = claims_profile(claims)
        if profile["name"] and profile["name"] != user.name:
            user.name = profile["name"]
            user.save(update_fields=["name"])
        self._announce(user, profile, claims)
        return user

    def _announce(self, user, profile, claims):
        identity_verified.send(sender=self.__class__, user=user, uscc=profile["uscc"], claims=claims)
