"""`{% apply_action matter %}`: the 在线申报 button on a matter's guide page, or why there is none
(免申即享, outside the window, already applied — with a link to that application)."""

from django import template
from django.utils import timezone

from applications import selectors, services
from enterprises import selectors as enterprise_selectors
from matters.models import DeliveryKind

register = template.Library()


@register.inclusion_tag("applications/_apply_action.html", takes_context=True)
def apply_action(context, matter):
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    result = {"matter": matter, "state": "", "application": None, "reason": "", "request": request}
    if matter.delivery_kind == DeliveryKind.AUTOMATIC:
        result["state"] = "automatic"
        return result
    if user is None or not user.is_authenticated:
        result["state"] = "anonymous" if matter.window_open_on(today) else "closed"
        if result["state"] == "closed":
            result["reason"] = _window_reason(matter, today)
        return result
    if user.is_staff:
        result["state"] = "staff"
        return result
    enterprises = list(enterprise_selectors.enterprises_for_user(user))
    if not enterprises:
        result["state"] = "no_enterprise"
        return result
    for enterprise in enterprises:
        existing = selectors.active_application(enterprise, matter, on=today)
        if existing is not None:
            result.update(state="applied", application=existing)
            return result
    if not matter.window_open_on(today):
        result.update(state="closed", reason=_window_reason(matter, today))
        return result
    result["state"] = "open"
    return result


def _window_reason(matter, today) -> str:
    from django.core.exceptions import ValidationError

    try:
        services.check_window(matter, today)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""
