"""How results read in Chinese: values with units, sources and dates, and the gap of a near miss.

"2025年营业收入 2,300万元（税务，2026-03-02）≥ 2,000万元 ✓"; "营业收入还差 180万元".
Both compilers use these, so an outreach list and an enterprise's own page say the same thing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from matters.eligibility.operators import OPERATORS, Shape, shape_of
from portal.core.facts import FactType, Reading

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
MARKS = {PASS: "✓", FAIL: "✗", UNKNOWN: "?"}


def number(value) -> str:
    """2300.00 → '2,300'; 2300.5 → '2,300.5'; thousands separated, no trailing zeros."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def _quantity(fact, value) -> str:
    return f"{number(value)}{fact.unit}"


def value_text(fact, value) -> str:
    """A known value of `fact` as shown to people."""
    if fact.type in (FactType.DECIMAL, FactType.INTEGER):
        return _quantity(fact, value)
    if fact.type == FactType.DATE:
        return value.isoformat()
    if fact.type == FactType.BOOLEAN:
        return _("是") if value else _("否")
    return fact.label_for(value)


def param_text(fact, operator_key: str, value) -> str:
    """The criterion's JSON value as shown to people: '2,000万元', '100–500人', '3年', '小型、微型'."""
    operator = OPERATORS[operator_key]
    shape = shape_of(operator, fact.type)
    if shape == Shape.NUMBER:
        return _quantity(fact, value)
    if shape == Shape.RANGE:
        return f"{number(value[0])}–{number(value[1])}{fact.unit}"
    if shape == Shape.YEARS:
        return _("%(n)d年") % {"n": value}
    if shape == Shape.CODES:
        return "、".join(fact.label_for(v) for v in value)
    if shape in (Shape.CODE, Shape.DATE):
        return fact.label_for(value) if shape == Shape.CODE else str(value)
    return ""


def source_text(source: str, as_of: dt.date | None) -> str:
    if source and as_of:
        return f"（{source}，{as_of.isoformat()}）"
    return f"（{source}）" if source else ""


def criterion_text(criterion, fact, reading: Reading | None, outcome: str) -> str:
    """One line of the explanation (MyFriendBen's condition, OpenFisca's trace node)."""
    if criterion.manual:
        return _("需人工审核：%(message)s") % {"message": criterion.message}
    if fact is None:
        return _("条件要素“%(fact)s”已停用，无法判断：%(message)s") % {
            "fact": criterion.fact,
            "message": criterion.message,
        }
    if outcome == UNKNOWN:
        return reading.missing
    operator = OPERATORS[criterion.operator]
    mark = MARKS[outcome]
    if fact.is_set:
        code = criterion.value
        held = reading.value.get(code)
        name = fact.label_for(code)
        if held:
            source, since, until = held
            if since is None:  # declared in the calculator: no certificate dates to quote
                return _("%(label)s：持有%(name)s（%(source)s）%(mark)s") % {
                    "label": fact.label,
                    "name": name,
                    "source": source,
                    "mark": mark,
                }
            period = (
                _("%(since)s至%(until)s") % {"since": since, "until": until}
                if until
                else _("%(since)s起长期") % {"since": since}
            )
            return _("%(label)s：持有%(name)s（%(source)s，%(period)s）%(mark)s") % {
                "label": fact.label,
                "name": name,
                "source": source,
                "period": period,
                "mark": mark,
            }
        return _("%(label)s：未持有%(name)s %(mark)s") % {"label": fact.label, "name": name, "mark": mark}
    shown = value_text(fact, reading.value)
    # "2,300万元（税务，2026-03-02）≥ 2,000万元": no space after a closing bracket, one otherwise.
    head = f"{reading.prefix}{fact.label} {shown}{source_text(reading.source, reading.as_of)}"
    gap = "" if head.endswith("）") else " "
    if fact.type == FactType.BOOLEAN:
        return f"{reading.prefix}{fact.label}：{shown}{source_text(reading.source, reading.as_of)}{mark}"
    wanted = param_text(fact, criterion.operator, criterion.value)
    if operator.shape == Shape.YEARS:
        return f"{head}{gap}{operator.label}{wanted} {mark}"
    return f"{head}{gap}{operator.symbol or operator.label} {wanted} {mark}"


def gap_of(operator_key: str, value: Decimal, param) -> Decimal | None:
    """The signed distance of a number to passing, in the fact's unit: positive = 还差 (needs more),
    negative = 超出 (must come down); None for operators without a number."""
    if operator_key in ("gte", "gt", "lte", "lt"):
        return param - value
    if operator_key == "between":
        low, high = param
        return low - value if value < low else high - value
    return None


def gap_text(criterion, fact, gap: Decimal | None) -> str:
    """'营业收入还差 180万元', '资产总额超出 20万元'; the criterion's own message when there is no number."""
    if gap is None or fact is None:
        return _("未满足：%(message)s") % {"message": criterion.message}
    if gap > 0:
        return _("%(label)s还差 %(gap)s") % {"label": fact.label, "gap": _quantity(fact, gap)}
    if gap < 0:
        return _("%(label)s超出 %(gap)s") % {"label": fact.label, "gap": _quantity(fact, -gap)}
    symbol = OPERATORS[criterion.operator].label
    wanted = param_text(fact, criterion.operator, criterion.value)
    return _("%(label)s须%(op)s%(param)s") % {"label": fact.label, "op": symbol, "param": wanted}
