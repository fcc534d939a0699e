"""条件要素 (eligibility facts): what a matter's 申报条件 may speak of, declared once.

Each domain registers its facts from its own `facts.py` (autodiscovered when
the kernel is ready), so the kernel imports no domain and the eligibility
engine reads enterprises only through this registry. A fact says, once:

* its key, Chinese label, type (`FactType`) and unit (万元, 元, 人, %);
* its period (`Period`): "上一年度" means the figure of year N-1 for an
  evaluation on a day of year N; an older figure does not stand in for it;
* how to read it for one enterprise in Python (`read(ctx) -> Reading`, with
  the value's source and as-of date, or the reason it is missing);
* how to express it in SQL over `Enterprise` rows: a scalar fact gives an
  expression (`expression(on)`, NULL meaning unknown, or else `known(on)`
  saying when it is known) and the filtered relations it needs
  (`relations(on)`); a set fact (qualifications, tags)
  gives an `Exists` for one member (`member_exists(code, on)`).

The two readings must agree: `tests/matters` runs the same rows through both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core import checks

from portal.core.registry import Registry


class FactType:
    """The closed set of fact types; each admits its own operators (matters.eligibility.operators)."""

    DECIMAL = "decimal"  # a figure with a unit (万元, 元, %)
    INTEGER = "integer"  # a count (人)
    DATE = "date"
    BOOLEAN = "boolean"
    CODE = "code"  # one value of a fixed list (企业规模)
    CODE_PREFIX = "code_prefix"  # a hierarchical code matched by prefix (GB/T 4754 行业代码)
    REGION = "region"  # a 6-digit 行政区划 code, matched within a subtree
    QUALIFICATION = "qualification"  # the set of qualifications valid on the evaluation date
    TAG = "tag"  # the set of tags the enterprise carries

    SCALAR = frozenset({DECIMAL, INTEGER, DATE, BOOLEAN, CODE, CODE_PREFIX, REGION})
    SETS = frozenset({QUALIFICATION, TAG})
    ALL = SCALAR | SETS


class Unit:
    WAN_YUAN = "万元"
    YUAN = "元"
    PERSONS = "人"
    PERCENT = "%"
    YEARS = "年"


class Period:
    CURRENT = ""  # as the archive holds it now
    PREVIOUS_YEAR = "上一年度"  # year N-1 of the evaluation date, that year's figure only

    @staticmethod
    def year_for(period: str, on: dt.date) -> int | None:
        return on.year - 1 if period == Period.PREVIOUS_YEAR else None


@dataclass(frozen=True)
class Reading:
    """One fact read for one enterprise: the value (None = unknown), where it came from and when.

    For a set fact `value` maps each member code to its own (source, as_of).
    `missing` is the Chinese reason when the value is unknown ("缺少2025年研发费用数据").
    `prefix` names the period in messages ("2025年").
    """

    value: Any
    source: str = ""
    as_of: dt.date | None = None
    missing: str = ""
    prefix: str = ""


@dataclass
class FactContext:
    """What reading facts for one enterprise on one day shares: the enterprise, the day and a cache."""

    enterprise: Any
    on: dt.date
    cache: dict = field(default_factory=dict)

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        """`load()` the first time `key` is asked for, the cached value afterwards (one query per kind)."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


@dataclass(frozen=True)
class Fact:
    """One 条件要素. See the module docstring for the meaning of each part."""

    key: str
    label: str
    type: str
    read: Callable[[FactContext], Reading]
    unit: str = ""
    period: str = Period.CURRENT
    expression: Callable[[dt.date], Any] | None = None
    # When the SQL value is never NULL but some value means "unknown" (an empty code), the Q of "known";
    # better than NULLIF(...) IS NOT NULL, whose selectivity the planner cannot estimate.
    known: Callable[[dt.date], Any] | None = None
    relations: Callable[[dt.date], dict] | None = None
    member_exists: Callable[[str, dt.date], Any] | None = None
    # For code facts: the allowed values; for set/prefix/region facts: a check of one code.
    choices: Callable[[], list[tuple[str, str]]] | None = None
    code_error: Callable[[str], str | None] | None = None
    code_label: Callable[[str], str] | None = None
    # The least and greatest meaningful value of a number fact (for the linter).
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    help_text: str = ""

    @property
    def is_set(self) -> bool:
        return self.type in FactType.SETS

    def label_for(self, code: str) -> str:
        """The Chinese name of a code value (a qualification type, a size class …), or the code."""
        if self.code_label is not None:
            return self.code_label(code) or code
        if self.choices is not None:
            return dict(self.choices()).get(code, code)
        return code

    def check(self) -> list:
        """System check: the fact can be read both ways its type needs."""
        problems = []
        if self.type not in FactType.ALL:
            problems.append(f"unknown type {self.type!r}")
        elif self.is_set and self.member_exists is None:
            problems.append("a set fact needs member_exists")
        elif not self.is_set and self.expression is None:
            problems.append("a scalar fact needs an expression")
        if self.type == FactType.CODE and self.choices is None:
            problems.append("a code fact needs choices")
        return [checks.Error(f"eligibility fact {self.key!r}: {p}", id="core.E101") for p in problems]


facts: Registry[Fact] = Registry("eligibility_facts", label="条件要素")


def register_fact(fact: Fact, *, order: int = 0) -> Fact:
    """Adds `fact` to the registry under its key (a duplicate key fails at import)."""
    facts.add(fact.key, fact, label=fact.label, order=order)
    return fact


def fact_choices() -> list[tuple[str, str]]:
    """(key, label) of every registered fact, for `Criterion.fact`."""
    return facts.choices()
