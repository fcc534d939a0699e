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
import json
from collections.abc import Iterable
from dataclasses import dataclass
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


class Evaluation:
    """The result of `evaluate`: `.status`, and `.criteria` in the rule set's order (built when first read).

    `.near_miss` is the failed criterion when exactly one machine term fails
    (for an OR group, its first member), with `.gap` and `.gap_text`.
    """

    def __init__(self, rule_set, enterprise, on: dt.date, status: str, rows: list, judged: list, near: int | None):
        self.rule_set = rule_set
        self.enterprise = enterprise
        self.on = on
        self.status = status
        self._rows = rows
        self._judged = judged
        self._near = near

    def __repr__(self):
        return f"<Evaluation {self.rule_set} {self.status}>"

    @cached_property
    def criteria(self) -> list[CriterionResult]:
        return [CriterionResult(row, *judged) for row, judged in zip(self._rows, self._judged, strict=True)]

    @property
    def near_miss(self) -> CriterionResult | None:
        return None if self._near is None else self.criteria[self._near]

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


UNJUDGED = (UNKNOWN, None, None, None)


def judge(criterion, ctx: FactContext) -> tuple:
    """(outcome, fact, reading, param) of one criterion for the enterprise of `ctx`.

    Readings are cached in `ctx`, one per fact; so is the outcome of each
    distinct (fact, operator, value), which many matters share (信用, 规模 …).
    """
    fact = fact_of(criterion)
    if fact is None:
        return UNJUDGED
    key = getattr(criterion, "value_key", None)
    if key is None:
        key = json.dumps(criterion.value, sort_keys=True)
    return ctx.once(("judge", fact.key, criterion.operator, key), lambda: _judge(criterion, fact, ctx))


def _judge(criterion, fact: Fact, ctx: FactContext) -> tuple:
    reading = ctx.once(("reading", fact.key), lambda: fact.read(ctx))
    operator = OPERATORS[criterion.operator]
    param = prepare(operator, fact.type, criterion.value, ctx.on)
    # A set fact of an archived enterprise is always known (the register of what was granted); a profile that
    # cannot state it (the calculator's visitor has no tags) reads None, and None is unknown for every fact.
    if reading.value is None:
        return UNKNOWN, fact, reading, param
    return (PASS if operator.holds(reading.value, param) else FAIL), fact, reading, param


def term_indexes(rows) -> tuple[tuple[tuple[int, ...], ...], tuple[bool, ...]]:
    """The AND-ed terms as indexes into `rows`, and for each whether it is made only of manual criteria."""
    positions = {id(row): i for i, row in enumerate(rows)}
    grouped = tuple(tuple(positions[id(c)] for c in term) for term in terms(rows))
    return grouped, tuple(all(rows[i].manual for i in term) for term in grouped)


_STATUS = {PASS: ELIGIBLE, FAIL: INELIGIBLE, UNKNOWN: STATUS_UNKNOWN}


def evaluate(
    rule_set, enterprise, *, on: dt.date, context: FactContext | None = None, criteria=None, shape=None
) -> Evaluation:
    """申报条件自测: `rule_set` judged for `enterprise` on day `on`.

    `context` shares fact readings across several rule sets for one enterprise
    (the self-test against every open matter); `criteria` may pass the rows
    already loaded (otherwise `rule_set.criteria.all()`, prefetch-aware) and
    `shape` their `term_indexes`.
    """
    ctx = context or FactContext(enterprise, on)
    rows = list(rule_set.criteria.all() if criteria is None else criteria)
    grouped, manual_only = shape or term_indexes(rows)
    judged = [judge(c, ctx) for c in rows]
    outcomes = [combine_any(judged[i][0] for i in term) for term in grouped]
    status = _STATUS[combine_all(outcomes)]
    near = None
    machine = [k for k in range(len(grouped)) if not manual_only[k]]
    failed = [k for k in machine if outcomes[k] == FAIL]
    if len(failed) == 1 and all(outcomes[k] == PASS for k in machine if k != failed[0]):
        near = grouped[failed[0]][0]
    return Evaluation(rule_set, enterprise, on, status, rows, judged, near)


@dataclass(frozen=True)
class RuleHead:
    """A rule set as `evaluate_many` loads it: enough to name it and record the version judged by."""

    pk: int
    code: str
    name: str
    version: int
    status: str


@dataclass(frozen=True)
class Rule:
    """A criterion row as `evaluate_many` loads it (the same attributes the evaluator reads on `Criterion`)."""

    pk: int
    rule_set_id: int
    position: int
    fact: str
    operator: str
    value_key: str  # the value's JSON text, as stored
    group: str
    manual: bool
    message: str
    legal_reference: str

    @cached_property
    def value(self):
        return json.loads(self.value_key)


def load_rules(rule_set_ids) -> dict[int, list[Rule]]:
    """The criteria of many rule sets in one query, as plain rows (no model instances), in order."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from matters.models import Criterion

    rows: dict[int, list[Rule]] = {pk: [] for pk in rule_set_ids}
    fields = (
        "pk",
        "rule_set_id",
        "position",
        "fact",
        "operator",
        "raw",
        "group",
        "manual",
        "message",
        "legal_reference",
    )
    queryset = (
        Criterion.objects.filter(rule_set_id__in=rule_set_ids)
        .annotate(raw=Cast("value", TextField()))
        .order_by("rule_set_id", "position", "pk")
        .values_list(*fields)
    )
    for row in queryset:
        rule = Rule(*row[:5], row[5] or "null", *row[6:])
        rows[rule.rule_set_id].append(rule)
    return rows


# Published rule versions are frozen (the linter refuses edits), so their rows are kept per process.
_PUBLISHED: dict[int, tuple[list[Rule], tuple]] = {}


def _published_rules(heads) -> dict[int, tuple[list[Rule], tuple]]:
    missing = [h.pk for h in heads if h.pk not in _PUBLISHED or h.status != "published"]
    loaded = load_rules(missing) if missing else {}
    found = {}
    for head in heads:
        if head.pk in loaded:
            rows = loaded[head.pk]
            found[head.pk] = (rows, term_indexes(rows))
            if head.status == "published":
                _PUBLISHED[head.pk] = found[head.pk]
        else:
            found[head.pk] = _PUBLISHED[head.pk]
    return found


def evaluate_many(rule_sets, enterprise, *, on: dt.date) -> list[Evaluation]:
    """自测 against many rule sets (a RuleSet queryset): two queries for the rules, one reading per fact.

    Built for the policy calculator (one enterprise against every open
    matter); each `Evaluation.rule_set` is a `RuleHead`.
    """
    heads = [RuleHead(*row) for row in rule_sets.values_list("pk", "code", "name", "version", "status")]
    rules = _published_rules(heads)
    ctx = FactContext(enterprise, on)
    return [
        evaluate(head, enterprise, on=on, context=ctx, criteria=rules[head.pk][0], shape=rules[head.pk][1])
        for head in heads
    ]
