"""可申报事项 in the enterprise space (企业空间): the matters an enterprise can apply for, with amounts and
deadlines, sorted by window closing day, and its near misses (差一条) with what it lacks.

The stored match (`MatchResult`, written by the set-based matching when a matter is published or the
archive changes) is used where it is current: a row of this enterprise for a published matter, judged by
the rule version valid today. Matters without such a row are evaluated live (`evaluate_many`), so a new
enterprise or a matter published a minute ago is never missing. Amounts are estimated live from the
archive (`amounts.estimate`), in 元.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from enterprises import selectors
from matters.amounts import Estimate, estimate, mark_exclusive, money_text
from matters.calculator import Window, archive_enterprise, open_matters, window_of
from matters.eligibility import evaluate_many
from matters.eligibility.evaluator import ELIGIBLE, INELIGIBLE, STATUS_UNKNOWN
from matters.models import MatchResult, Matter, RuleSet
from portal.core.facts import FactContext

BLOCK_SIZE = 5


@dataclass
class SpaceItem:
    """One matter for the enterprise: status, near miss and gap (还差…), estimate, window, where it came from."""

    matter: Matter
    status: str
    near_miss: bool
    gap: str
    estimate: Estimate | None
    window: Window
    matched_at: dt.datetime | None  # when the stored match judged it; None when judged live now
    exclusive_best: Matter | None = None


@dataclass
class EnterpriseMatters:
    eligible: list[SpaceItem]
    near_misses: list[SpaceItem]
    unknown: list[SpaceItem]
    on: dt.date

    @property
    def total(self):
        """预计可获合计 in 元, each 就高不重复 group counted once at its highest."""
        total = Decimal(0)
        for item in self.eligible:
            amount = item.estimate.amount if item.estimate else None
            if amount is not None and (item.exclusive_best is None or item.exclusive_best.pk == item.matter.pk):
                total += amount
        return total

    @property
    def total_text(self) -> str:
        return money_text(self.total)

    @property
    def stored(self) -> bool:
        return any(i.matched_at for i in (*self.eligible, *self.near_misses, *self.unknown))


def enterprise_matters(enterprise, *, on: dt.date | None = None) -> EnterpriseMatters:
    """The enterprise's matched matters and near misses on `on`: stored matches where current, live otherwise."""
    on = on or timezone.localdate()
    matters = list(open_matters(on))
    stored = {
        row.matter_id: row
        for row in MatchResult.objects.filter(enterprise=enterprise, matter__in=[m.pk for m in matters])
    }
    items, live = [], []
    for matter in matters:
        row = stored.get(matter.pk)
        if row is not None and row.rule_set_id == matter.current_rule_set_id:
            items.append(
                SpaceItem(matter, row.status, row.near_miss, row.gap, None, window_of(matter, on), row.matched_at)
            )
        else:
            live.append(matter)
    if live:
        by_rule_set = {m.current_rule_set_id: m for m in live}
        for evaluation in evaluate_many(RuleSet.objects.filter(pk__in=by_rule_set).order_by("pk"), enterprise, on=on):
            near = evaluation.near_miss
            matter = by_rule_set[evaluation.rule_set.pk]
            items.append(
                SpaceItem(
                    matter,
                    evaluation.status,
                    near is not None,
                    near.gap_text if near is not None else "",
                    None,
                    window_of(matter, on),
                    None,
                )
            )
    ctx = FactContext(enterprise, on)
    for item in items:
        if item.status == ELIGIBLE or item.near_miss:
            item.estimate = estimate(item.matter, enterprise, on=on, ctx=ctx)
    eligible = sorted((i for i in items if i.status == ELIGIBLE), key=lambda i: i.window.sort_key)
    best = mark_exclusive([(i.matter, i.estimate) for i in eligible])
    for item in eligible:
        item.exclusive_best = best.get(item.matter.pk)
    near_misses = sorted((i for i in items if i.status == INELIGIBLE and i.near_miss), key=lambda i: i.window.sort_key)
    unknown = sorted((i for i in items if i.status == STATUS_UNKNOWN), key=lambda i: i.window.sort_key)
    return EnterpriseMatters(eligible, near_misses, unknown, on)


@login_required
def space_matters(request, uscc):
    """/matters/enterprise/<USCC>/: 可申报事项 of one of the user's enterprises; any other USCC is a 404."""
    enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, uscc)
    context = {
        "enterprise": enterprise,
        "enterprises": selectors.enterprises_for_user(request.user),
        "summary": enterprise_matters(archive_enterprise(enterprise)),
    }
    return render(request, "matters/space_matters.html", context)


def space_block(enterprise, user) -> dict:
    """The enterprise space's 可申报事项 block: the first eligible matters by closing day, counts and total."""
    summary = enterprise_matters(archive_enterprise(enterprise))
    return {
        "enterprise": enterprise,
        "summary": summary,
        "eligible": summary.eligible[:BLOCK_SIZE],
        "more": max(len(summary.eligible) - BLOCK_SIZE, 0),
    }
