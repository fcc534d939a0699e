"""The Python compiler: one enterprise, one rule set, every criterion explained (自测).

Three-valued (Kleene) logic, the same as the SQL compiler's:
* a criterion passes, fails, or is unknown (its fact is missing, stale, or
  it is a `manual` criterion only staff can judge);
* an OR group passes when one member passes, fails when all fail;
* the rule set fails when one term fails, passes when all pass; otherwise
  it is unknown. Unknown is never eligible.

A near miss (差一条) is a rule set where exactly one machine term fails and
every other machine term passes; terms made only of manual criteria are left
out of that judgement, since staff judge them at application time anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from matters.eligibility import text
from matters.eligibility.operators import OPERATORS, prepare
from matters.eligibility.text import FAIL, PASS, UNKNOWN
from portal.core.facts import Fact, FactContext, Reading, facts

ELIGIBLE, INELIGIBLE = "eligible", "ineligible"
STATUS_UNKNOWN = "unknown"


def combine_any(outcomes: Iterable[str]) -> str:
    """OR: pass if one passes, fail if all fail."""
    outcomes = list(outcomes)
    if PASS in outcomes:
        return PASS
    return FAIL if all(o == FAIL for o in outcomes) else UNKNOWN


def combine_all(outcomes: Iterable[str]) -> str:
    """AND: fail if one fails, pass if all pass (an empty AND passes)."""
    outcomes = list(outcomes)
    if FAIL in outcomes:
        return FAIL
    return PASS if all(o == PASS for o in outcomes) else UNKNOWN


def terms(criteria) -> list[list[Any]]:
    """The AND-ed terms: each ungrouped criterion alone, each OR group together, in order of first appearance."""
    grouped: dict[str, list] = {}
    for criterion in criteria:
        key = f"group:{criterion.group}" if criterion.group else f"criterion:{id(criterion)}"
        grouped.setdefault(key, []).append(criterion)
    return list(grouped.values())


def fact_of(criterion) -> Fact | None:
    """The criterion's registered fact; None for a manual criterion or a fact no longer registered."""
    if criterion.manual or criterion.fact not in facts:
        return None
    return facts.get(criterion.fact)


@dataclass
class CriterionResult:
    """One criterion judged for one enterprise: outcome, the reading it used, its explanation and gap."""

    criterion: Any
    outcome: str
    fact: Fact | None = None
    reading: Reading | None = None
    param: Any = None

    @property
    def manual(self) -> bool:
        return bool(self.criterion.manual)

    @cached_property
    def message(self) -> str:
        return text.criterion_text(self.criterion, self.fact, self.reading, self.outcome)

    @property
    def legal_reference(self) -> str:
        return self.criterion.legal_reference

    @property
    def value(self):
        return None if self.reading is None or self.fact is None or self.fact.is_set else self.reading.value

    @property
    def source(self) -> str:
        return self.reading.source if self.reading else ""

    @property
    def as_of(self) -> dt.date | None:
        return self.reading.as_of if self.reading else None

    @cached_property
    def gap(self) -> Decimal | None:
        """Signed distance to passing for a failed number criterion (positive: 还差; negative: 超出)."""
        if self.outcome != FAIL or self.fact is None or self.fact.is_set:
            return None
        return text.gap_of(self.criterion.operator, self.reading.value, self.param)

    @property
    def gap_text(self) -> str:
        return text.gap_text(self.criterion, self.fact, self.gap)


@dataclass
class Evaluation:
    """The result of `evaluate`: `.status` and `.criteria` in the rule set's order."""

    rule_set: Any
    enterprise: Any
    on: dt.date
    status: str
    criteria: list[CriterionResult] = field(default_factory=list)
    near_miss: CriterionResult | None = None

    @property
    def rule_version(self) -> int:
        return self.rule_set.version

    @property
    def manual(self) -> list[CriterionResult]:
        """需人工审核: what staff must still judge."""
        return [r for r in self.criteria if r.manual]

    @property
    def failed(self) -> list[CriterionResult]:
        return [r for r in self.criteria if r.outcome == FAIL]

    @property
    def missing(self) -> list[CriterionResult]:
        return [r for r in self.criteria if r.outcome == UNKNOWN and not r.manual]


def judge(criterion, ctx: FactContext) -> CriterionResult:
    """One criterion for the enterprise of `ctx` (readings are cached in `ctx`, one per fact)."""
    fact = fact_of(criterion)
    if fact is None:
        return CriterionResult(criterion, UNKNOWN)
    reading = ctx.once(("reading", fact.key), lambda: fact.read(ctx))
    operator = OPERATORS[criterion.operator]
    param = prepare(operator, fact.type, criterion.value, ctx.on)
    if not fact.is_set and reading.value is None:
        return CriterionResult(criterion, UNKNOWN, fact, reading, param)
    outcome = PASS if operator.holds(reading.value, param) else FAIL
    return CriterionResult(criterion, outcome, fact, reading, param)


def _near_miss(term_results: list[list[CriterionResult]]) -> CriterionResult | None:
    machine = [t for t in term_results if not all(r.manual for r in t)]
    outcomes = [combine_any(r.outcome for r in t) for t in machine]
    if outcomes.count(FAIL) != 1 or outcomes.count(PASS) != len(outcomes) - 1:
        return None
    return machine[outcomes.index(FAIL)][0]


def evaluate(rule_set, enterprise, *, on: dt.date, context: FactContext | None = None, criteria=None) -> Evaluation:
    """申报条件自测: `rule_set` judged for `enterprise` on day `on`.

    `context` shares fact readings across several rule sets for one enterprise
    (the self-test against every open matter); `criteria` may pass the rows
    already loaded (otherwise `rule_set.criteria.all()`, prefetch-aware).
    """
    ctx = context or FactContext(enterprise, on)
    rows = list(rule_set.criteria.all() if criteria is None else criteria)
    results = [judge(c, ctx) for c in rows]
    by_criterion = {id(r.criterion): r for r in results}
    term_results = [[by_criterion[id(c)] for c in term] for term in terms(rows)]
    overall = combine_all(combine_any(r.outcome for r in t) for t in term_results)
    status = {PASS: ELIGIBLE, FAIL: INELIGIBLE, UNKNOWN: STATUS_UNKNOWN}[overall]
    return Evaluation(rule_set, enterprise, on, status, results, _near_miss(term_results))


def evaluate_many(rule_sets, enterprise, *, on: dt.date) -> list[Evaluation]:
    """Every rule set for one enterprise, reading each fact once (prefetch `criteria` on `rule_sets`)."""
    ctx = FactContext(enterprise, on)
    return [evaluate(rule_set, enterprise, on=on, context=ctx) for rule_set in rule_sets]
