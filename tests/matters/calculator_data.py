"""Listed matters for the calculator and enterprise-space tests: published, with a published rule version."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from matters.models import MatterStatus, SupportKind, SupportTier, WindowKind
from matters.services import publish_rule_set
from tests.factories.matters import MatterFactory
from tests.matters import build

REVENUE_2000 = {"fact": "revenue", "operator": "gte", "value": 2000, "message": "上一年度营业收入不低于2000万元"}
EMPLOYEES_50 = {"fact": "employees", "operator": "gte", "value": 50, "message": "从业人员不少于50人"}
HITECH = {"fact": "qualification", "operator": "has_qualification", "value": "hitech", "message": "高新技术企业"}
SAFETY = {"manual": True, "message": "近三年未发生重大安全生产事故"}
RD_100 = {"fact": "rd_expense", "operator": "gte", "value": 100, "message": "研发费用不低于100万元"}


def today() -> dt.date:
    return timezone.localdate()


def listed(criteria, *, tiers=(), **fields):
    """A published matter (已上架) whose rule version with `criteria` is valid since 30 days ago."""
    matter = MatterFactory(status=MatterStatus.PUBLISHED, **fields)
    rules = build.rule_set(criteria, matter=matter, code=matter.code.lower(), name=f"{matter.name}申报条件")
    publish_rule_set(rules, valid_from=today() - dt.timedelta(days=30))
    for lower, upper, amount in tiers:
        SupportTier.objects.create(
            matter=matter,
            lower=Decimal(lower),
            upper=None if upper is None else Decimal(upper),
            amount=Decimal(amount),
        )
    return matter


def rate_matter(criteria, rate="10", cap="500000", base="rd_expense", **fields):
    """A matter paying `rate` % of the base figure (in 元), capped."""
    return listed(
        criteria,
        support_kind=SupportKind.RATE,
        support_amount=None,
        support_rate=Decimal(rate),
        support_cap=Decimal(cap),
        support_base_fact=base,
        support_text="按研发费用的10%给予补助，最高50万元",
        **fields,
    )


def fixed_window(opens_in: int, closes_in: int, **fields) -> dict:
    return {
        "window_kind": WindowKind.FIXED,
        "window_opens": today() + dt.timedelta(days=opens_in),
        "window_closes": today() + dt.timedelta(days=closes_in),
        **fields,
    }
