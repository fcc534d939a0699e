"""Template tags of disbursement.

- `{{ amount|yuan }}`: an amount of money as the payouts pages show it in every language — two decimals, thousands
  separated by commas (100,000.00). Django's `floatformat:"2g"` follows the language's format, and Chinese has no
  thousands separator there, so the same amount read 100000.00 in Chinese and 100,000.00 in English.
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """`Decimal("100000")` -> "100,000.00"; None and "" -> ""; anything not a number unchanged."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return value
    if not amount.is_finite():
        return value
    return f"{amount:,.2f}"


@register.inclusion_tag("payouts/space/_application_payout.html", takes_context=True)
def payout_for(context, application):
    """`{% payout_for application %}`: the 资金兑付 box of an application's page — 兑付编号 (linking to the record),
    state, amount, payment date and bank reference — when the case has a payout; nothing otherwise."""
    from payouts.models import Payout
    from payouts.views import BADGES, PayoutState

    payout = None
    if application is not None and getattr(application, "pk", None):
        payout = Payout.objects.filter(application_id=application.pk).first()
    request = context.get("request")
    user = getattr(request, "user", None)
    if payout is not None:
        payout.badge = BADGES.get(payout.state, "pending")
        payout.waits_for_account = payout.state in (PayoutState.PENDING, PayoutState.HELD) and not payout.account_number
    return {
        "payout": payout,
        # the record page is the enterprise's; staff (never an enterprise there) see the box without the link
        "linked": bool(user is not None and user.is_authenticated and not user.is_staff),
    }
