"""Audit of staff access to personal or financial data (敏感信息访问审计)."""

from django.contrib.contenttypes.models import ContentType

from .models import SensitiveAccessLog
from .network import client_ip


def log_sensitive_access(request, obj, fields: list[str], purpose: str = "") -> SensitiveAccessLog:
    """Records that request.user viewed `fields` of `obj` (who, what, when, from which IP, why).

    Call it where the clear value is shown, not where it is merely loaded, and
    in the same transaction as the view's other writes, if any.
    """
    user = getattr(request, "user", None)
    return SensitiveAccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        ip=client_ip(request),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        fields=[str(field) for field in fields],
        purpose=purpose[:200],
        request_id=getattr(request, "id", "")[:64],
    )
