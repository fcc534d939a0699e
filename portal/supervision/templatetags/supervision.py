"""Filters of the supervision pages: numbers as the figures show them, definitions, trend rows."""

from decimal import Decimal

from django import template

from portal.supervision.measures import measures

register = template.Library()


@register.filter
def figure(value):
    """1234 → "1,234"; Decimal("98.5") → "98.5"; money keeps its two decimals; None → "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent) if value.as_tuple().exponent < 0 else 0
        return f"{value:,.{places}f}"
    return str(value)


@register.filter
def signed(value):
    """A change with its sign: +3, -1.5, 0."""
    if value is None:
        return "—"
    text = figure(value)
    return f"+{text}" if value > 0 else text


@register.filter
def definition(fig):
    """The figure's definition (统计口径): its own, else its measure's (and its base's, for a ratio)."""
    if fig.description:
        return fig.description
    own = measures.get(fig.measure).description
    if fig.base:
        base = measures.get(fig.base)
        return f"{own} ÷ {base.label}：{base.description}" if base.description else own
    return own


@register.filter
def by_month(trends):
    """(month, [(value, link) per trend]) rows of several trends over the same months: one table for all charts."""
    if not trends:
        return []
    return [
        (month, [(trend.values[i], trend.links[i]) for trend in trends]) for i, month in enumerate(trends[0].months)
    ]
