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
