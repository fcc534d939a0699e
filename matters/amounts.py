"""Amount estimate (预计可获金额): a matter's support standard (扶持标准) applied to one enterprise's figures.

    estimate(matter, enterprise, on=day) -> Estimate(amount: Decimal | None, text: str, exact: bool)

Amounts are Decimal 元, rounded half up to the fen. The support standard is data
on the matter (`SupportKind`):

* 定额 (fixed): `support_amount`;
* 按比例 (rate): the base fact (a money figure, taken in 元) × `support_rate` %,
  capped by `support_cap` when set;
* 分档 (tiers): the tier whose [lower, upper) holds the base fact, in the fact's unit;
* 非资金类: no amount.

A base figure that is missing or stale is unknown: the estimate has no
amount and says which figure is lacking, never zero. `lint_support` refuses
an ill-formed standard when it is saved: a cap below the fixed amount, a rate
or tier without a number base, overlapping tiers, and a tier no eligible
enterprise can reach because the matter's criteria exclude its whole range.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from matters.eligibility import text
from portal.core.facts import FactContext, FactType, Unit, facts

FEN = Decimal("0.01")
WAN = Decimal(10_000)
NUMBER_TYPES = (FactType.DECIMAL, FactType.INTEGER)
MONEY_UNITS = {Unit.WAN_YUAN: WAN, Unit.YUAN: Decimal(1)}


def money_text(amount: Decimal | None) -> str:
    """An amount in 元 as people say it: 50万元, 12.5万元, 8,000元."""
    if amount is None:
        return _("无法测算")
    amount = Decimal(amount)
    if abs(amount) >= WAN:
        return f"{text.number((amount / WAN).quantize(FEN, ROUND_HALF_UP))}万元"
    return f"{amount.quantize(FEN).normalize():,f}元"


@dataclass(frozen=True)
class Estimate:
    """预计金额: `amount` in 元 (None when it cannot be computed) and how it was computed, in Chinese."""

    amount: Decimal | None
    text: str
    exact: bool = True

    @property
    def amount_text(self) -> str:
        return money_text(self.amount)


def base_fact(matter):
    """The registered fact the rate or tiers are computed on, or None."""
    key = matter.support_base_fact
    return facts.get(key) if key and key in facts else None


def _reading(matter, enterprise, on: dt.date, ctx: FactContext | None):
    fact = base_fact(matter)
    if fact is None:
        return None, None
    ctx = ctx or FactContext(enterprise=enterprise, on=on)
    return fact, fact.read(ctx)


def _quantity(fact, value) -> str:
    return f"{text.number(value)}{fact.unit}"


def _tier_for(tiers, value: Decimal):
    for tier in sorted(tiers, key=lambda t: t.lower, reverse=True):
        if tier.lower <= value and (tier.upper is None or value < tier.upper):
            return tier
    return None


def estimate(matter, enterprise=None, *, on: dt.date, ctx: FactContext | None = None, figures: dict | None = None):
    """The support standard of `matter` applied to `enterprise` (or to `figures`, {fact key: value}, for a visitor)."""
    from matters.models import SupportKind

    kind = matter.support_kind
    if kind == SupportKind.FIXED:
        amount = Decimal(matter.support_amount or 0).quantize(FEN)
        return Estimate(amount, _("定额奖补%(amount)s") % {"amount": money_text(amount)})
    if kind not in (SupportKind.RATE, SupportKind.TIERS):
        return Estimate(None, _("非资金类或无法测算，详见扶持标准"), exact=False)
    fact = base_fact(matter)
    if fact is None:
        return Estimate(None, _("扶持标准未设置计算基数"), exact=False)
    if figures is not None:
        value = figures.get(fact.key)
        missing = _("缺少%(label)s数据") % {"label": fact.label}
        prefix = ""
    else:
        fact, reading = _reading(matter, enterprise, on, ctx)
        value, missing, prefix = reading.value, reading.missing, reading.prefix
    if value is None:
        return Estimate(None, missing or _("缺少%(label)s数据") % {"label": fact.label}, exact=False)
    value = Decimal(value)
    base = f"{prefix}{fact.label}{_quantity(fact, value)}"
    if kind == SupportKind.RATE:
        factor = MONEY_UNITS.get(fact.unit)
        if factor is None:
            return Estimate(None, _("计算基数不是金额，无法按比例测算"), exact=False)
        raw = (value * factor * Decimal(matter.support_rate or 0) / 100).quantize(FEN, ROUND_HALF_UP)
        raw = max(raw, Decimal(0))
        described = _("%(base)s × %(rate)s%% = %(raw)s") % {
            "base": base,
            "rate": text.number(matter.support_rate or 0),
            "raw": money_text(raw),
        }
        if matter.support_cap is not None and raw > matter.support_cap:
            cap = Decimal(matter.support_cap).quantize(FEN)
            return Estimate(cap, described + _("，超过上限%(cap)s，按上限计") % {"cap": money_text(cap)})
        return Estimate(raw, described)
    tier = _tier_for(list(matter.tiers.all()), value)
    if tier is None:
        return Estimate(Decimal(0), _("%(base)s，不在任何奖补档次内") % {"base": base})
    upper = _("以上") if tier.upper is None else _("至%(upper)s") % {"upper": _quantity(fact, tier.upper)}
    return Estimate(
        Decimal(tier.amount).quantize(FEN),
        _("%(base)s，属%(lower)s%(upper)s档，奖补%(amount)s")
        % {"base": base, "lower": _quantity(fact, tier.lower), "upper": upper, "amount": money_text(tier.amount)},
    )


def mark_exclusive(items: list[tuple[object, Estimate | None]]) -> dict[int, object]:
    """就高不重复: for each `exclusive_group`, the matter with the highest estimate; {matter pk: that matter}.

    `items` are (matter, estimate) pairs. The result maps the pk of every matter sharing its group with
    another of `items` to its group's best matter (itself when it is the best), so a page can say
    "与××就高不重复，按最高一项享受"; a matter alone of its group among `items` is left out.
    """
    sizes: dict[str, int] = {}
    for matter, _est in items:
        group = getattr(matter, "exclusive_group", "")
        if group:
            sizes[group] = sizes.get(group, 0) + 1
    items = [(m, e) for m, e in items if sizes.get(getattr(m, "exclusive_group", ""), 0) > 1]
    best: dict[str, tuple[object, Decimal]] = {}
    for matter, est in items:
        group = getattr(matter, "exclusive_group", "")
        if not group:
            continue
        amount = est.amount if est is not None and est.amount is not None else Decimal(-1)
        if group not in best or amount > best[group][1]:
            best[group] = (matter, amount)
    return {m.pk: best[m.exclusive_group][0] for m, _e in items if getattr(m, "exclusive_group", "")}


def _criteria_floor(matter, fact) -> tuple[Decimal | None, Decimal | None]:
    """The least and greatest base value the matter's latest rule version admits on `fact` (ungrouped criteria)."""
    rule_set = matter.rule_sets.order_by("-version").first() if matter.pk else None
    low = high = None
    if rule_set is None:
        return low, high
    for c in rule_set.criteria.filter(fact=fact.key, manual=False, group=""):
        try:
            if c.operator in ("gte", "gt"):
                v = Decimal(str(c.value))
                low = v if low is None else max(low, v)
            elif c.operator in ("lte", "lt"):
                v = Decimal(str(c.value))
                high = v if high is None else min(high, v)
            elif c.operator == "between":
                a, b = (Decimal(str(x)) for x in c.value)
                low = a if low is None else max(low, a)
                high = b if high is None else min(high, b)
        except (TypeError, ValueError, ArithmeticError):
            continue
    return low, high


def lint_support(matter, tiers=None) -> dict[str, list[str]]:
    """Problems of the support standard, by field; empty when it is well-formed. `tiers` defaults to the saved ones."""
    from matters.models import SupportKind

    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    kind = matter.support_kind
    if kind == SupportKind.FIXED and matter.support_amount is None:
        add("support_amount", _("定额奖补须填写定额。"))
    if (
        matter.support_cap is not None
        and matter.support_amount is not None
        and Decimal(matter.support_cap) < Decimal(matter.support_amount)
    ):
        add(
            "support_cap",
            _("上限%(cap)s低于定额%(amount)s。")
            % {
                "cap": money_text(matter.support_cap),
                "amount": money_text(matter.support_amount),
            },
        )
    if kind in (SupportKind.RATE, SupportKind.TIERS):
        fact = base_fact(matter)
        if fact is None:
            add("support_base_fact", _("按比例或分档奖补须选择计算基数。"))
        elif fact.type not in NUMBER_TYPES:
            add("support_base_fact", _("计算基数“%(label)s”不是数值，不能用于测算。") % {"label": fact.label})
        elif kind == SupportKind.RATE and fact.unit not in MONEY_UNITS:
            add(
                "support_base_fact",
                _("按比例奖补的计算基数须为金额（如研发费用），“%(label)s”不是金额。") % {"label": fact.label},
            )
    if kind == SupportKind.RATE:
        if matter.support_rate is None:
            add("support_rate", _("按比例奖补须填写比例。"))
        elif not (0 < Decimal(matter.support_rate) <= 100):
            add("support_rate", _("比例须大于0且不超过100（单位为%，如10%请填写10）。"))
        elif Decimal(matter.support_rate) < 1:
            add(
                "support_rate",
                _("比例%(rate)s看起来是小数形式，单位为%%，如10%%请填写10。") % {"rate": matter.support_rate},
            )
    if kind == SupportKind.TIERS:
        tiers = list(tiers if tiers is not None else (matter.tiers.all() if matter.pk else []))
        if not tiers:
            add("support_kind", _("分档奖补须至少设置一个档次。"))
        fact = base_fact(matter)
        ordered = sorted(tiers, key=lambda t: t.lower)
        for previous, tier in itertools.pairwise(ordered):
            if previous.upper is None or tier.lower < previous.upper:
                add("support_kind", _("档次重叠：%(a)s与%(b)s。") % {"a": previous, "b": tier})
        if fact is not None and matter.pk:
            low, high = _criteria_floor(matter, fact)
            for tier in ordered:
                if low is not None and tier.upper is not None and tier.upper <= low:
                    add(
                        "support_kind",
                        _("档次“%(tier)s”不可达：申报条件要求%(label)s不低于%(low)s。")
                        % {"tier": tier, "label": fact.label, "low": _quantity(fact, low)},
                    )
                elif high is not None and tier.lower > high:
                    add(
                        "support_kind",
                        _("档次“%(tier)s”不可达：申报条件要求%(label)s不高于%(high)s。")
                        % {"tier": tier, "label": fact.label, "high": _quantity(fact, high)},
                    )
    return errors
