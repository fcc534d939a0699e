"""Reads for the public matter pages (事项目录、申报指南): what a visitor may see of matters, and how.

Public means 已上架 (published) or 已截止 (closed); a draft, a matter in review and a
withdrawn one (已下架) are 404 (`get_public_matter`). The catalogue (政策资金上架目录,
宜昌 §21–22) is one light row per public matter (`CatalogueRow`), read with three
queries (the matters with their highest tier, their published rule versions, those
versions' criteria); facets are counted and the search is matched on those rows in
Python: each facet is one pass over the rows. A city lists hundreds of matters, a province
a few thousand; 2,000 generated rows took about 0.1 s to filter, count and sort on the
2-core test machine (0.2 s with a two-word search). Past that, cache the rows per day.

Facets (筛选项), each a URL parameter:

* ``department`` 实施部门 (the department's code), ``delivery`` 服务方式 (免申即享 /
  即申即享 / 申报审批), ``window`` 申报状态 (申报中 / 未开始 / 期限待定 / 已截止, on today);
* ``amount`` 扶持金额: the band of the most a matter can give (`top_amount`): the fixed
  amount, the cap of a rate, the highest tier;
* ``industry`` 适用行业 (a GB/T 4754 section letter) and ``size`` 企业规模: read from the
  published rule version's criteria on the facts ``industry`` and ``size``
  (`scope_of`); a matter whose criteria do not restrict them applies to every one.

A value that is not one of a facet's options is ignored and reported, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matters.amounts import WAN, base_fact, money_text
from matters.eligibility.evaluator import terms
from matters.models import (
    Criterion,
    DeliveryKind,
    Matter,
    MatterStatus,
    RuleSet,
    RuleSetStatus,
    SupportKind,
    WindowKind,
)
from portal.core.translation import in_reader_language
from portal.search import segment, synonyms
from portal.search.query import MAX_QUERY_LENGTH, NOT_WORD, is_content_word

INDUSTRY_FACT, SIZE_FACT = "industry", "size"


def public_matters() -> QuerySet[Matter]:
    """Matters the public may see: 已上架 and 已截止. Never drafts, matters in review or withdrawn ones."""
    return Matter.objects.filter(status__in=Matter.PUBLIC_STATUSES)


def get_public_matter(code: str) -> Matter:
    """A public matter by its catalogue code, with what its guide shows; 404 for anything else."""
    queryset = public_matters().select_related("policy", "department", "region")
    try:
        return queryset.get(code=code)
    except Matter.DoesNotExist:
        raise Http404 from None


def published_matters_of(policy) -> list[MatterCard]:
    """本政策的资金事项: the policy's public matters as cards, by window closing date (open ones first)."""
    return cards(public_matters().filter(policy=policy), timezone.localdate())


@dataclass(frozen=True)
class MatterCard:
    """A public matter as a list shows it: the matter, its window state and text, its support in brief."""

    matter: Matter
    name: str
    state: str
    state_label: str
    window_text: str
    summary: str


def cards(queryset: QuerySet[Matter], today: dt.date) -> list[MatterCard]:
    """The matters of `queryset` as cards, sorted by window closing date (`sort_key`)."""
    matters = queryset.select_related("department", "policy").annotate(highest_tier=Max("tiers__amount"))
    found = []
    for matter in matters:
        state = window_state(matter, today)
        found.append(
            MatterCard(
                matter=matter,
                name=display_name(matter),
                state=state,
                state_label=WindowState.LABELS[state],
                window_text=window_text(matter),
                summary=support_summary(matter, matter.highest_tier),
            )
        )
    return sorted(found, key=lambda c: sort_key(c.state, c.matter.window_kind, c.matter.window_closes, c.matter.code))


# ---- 申报时间: the window's state on a day


class WindowState:
    OPEN = "open"
    UPCOMING = "upcoming"
    TBD = "tbd"
    ENDED = "ended"

    CHOICES = [
        (OPEN, _("申报中")),
        (UPCOMING, _("未开始")),
        (TBD, _("期限待定")),
        (ENDED, _("已截止")),
    ]
    LABELS = dict(CHOICES)


def window_state(matter, today: dt.date) -> str:
    """申报中 / 未开始 / 期限待定 / 已截止 of a public matter on `today` (a closed matter has ended)."""
    if matter.status == MatterStatus.CLOSED:
        return WindowState.ENDED
    if matter.window_kind == WindowKind.YEAR_ROUND:
        return WindowState.OPEN
    if matter.window_opens is None:
        return WindowState.TBD
    if today < matter.window_opens:
        return WindowState.UPCOMING
    if matter.window_closes is not None and matter.window_closes < today:
        return WindowState.ENDED
    return WindowState.OPEN


def sort_key(state: str, window_kind: str, closes: dt.date | None, code: str) -> tuple:
    """By window closing date: the soonest closing first, then year-round, then TBD; ended windows last."""
    return (
        state == WindowState.ENDED,
        closes is None,
        closes or dt.date.max,
        window_kind == WindowKind.TBD,
        code,
    )


# ---- 扶持金额: the most a matter can give, and its band

AMOUNT_BANDS = [
    ("le10", _("10万元及以下"), Decimal(0), 10 * WAN),
    ("10to50", _("10万–50万元"), 10 * WAN, 50 * WAN),
    ("50to100", _("50万–100万元"), 50 * WAN, 100 * WAN),
    ("gt100", _("100万元以上"), 100 * WAN, None),
]
OTHER_BAND = ("other", _("不定额或非资金类"))


def top_amount(support_kind: str, amount, cap, highest_tier) -> Decimal | None:
    """The most a matter gives, in 元: the fixed amount, a cap (a rate's, or the 最高 of an amount assessed
    case by case), the highest tier; None when unbounded."""
    if support_kind == SupportKind.FIXED:
        return amount
    if support_kind in (SupportKind.RATE, SupportKind.NONE):
        return cap
    if support_kind == SupportKind.TIERS:
        return highest_tier
    return None


def amount_band(top: Decimal | None) -> str:
    """The band key of `top` 元: (low, high] for each band, `other` without an amount."""
    if top is None:
        return OTHER_BAND[0]
    for key, _label, _low, high in AMOUNT_BANDS:
        if high is None or top <= high:
            return key
    return OTHER_BAND[0]


def support_summary(matter, highest_tier=None) -> str:
    """The support standard in a few characters, for lists: 20万元, 最高50万元, 按研发费用的10%, 详见扶持标准."""
    kind = matter.support_kind
    if kind == SupportKind.FIXED and matter.support_amount is not None:
        return money_text(matter.support_amount)
    if kind == SupportKind.RATE:
        if matter.support_cap is not None:
            return str(_("最高%(amount)s")) % {"amount": money_text(matter.support_cap)}
        fact = base_fact(matter)
        return str(_("按%(base)s的%(rate)s%%")) % {
            "base": fact.label if fact else _("计算基数"),
            "rate": _number(matter.support_rate),
        }
    if kind == SupportKind.TIERS and highest_tier is not None:
        return str(_("最高%(amount)s")) % {"amount": money_text(highest_tier)}
    if matter.support_cap is not None:
        return str(_("最高%(amount)s")) % {"amount": money_text(matter.support_cap)}
    return str(_("详见扶持标准"))


def _number(value) -> str:
    from matters.eligibility.text import number

    return number(value or 0)


# ---- 实施范围: the industries and sizes a matter's criteria admit


@dataclass(frozen=True)
class Scope:
    """The codes one code fact may take under a rule version: `allowed` (None: any) minus `excluded`.

    Codes compare by prefix, as the industry operators do (C39 lies within C); sizes are
    whole codes, for which a prefix is the code itself.
    """

    allowed: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()

    @property
    def restricted(self) -> bool:
        return self.allowed is not None or bool(self.excluded)

    def admits(self, code: str) -> bool:
        """True when some value within `code` may pass (section C admits a matter for C39 only)."""
        if any(code.startswith(x) for x in self.excluded):
            return False
        return self.allowed is None or any(a.startswith(code) or code.startswith(a) for a in self.allowed)


INCLUDE = {INDUSTRY_FACT: {"prefix_in"}, SIZE_FACT: {"eq", "in"}}
EXCLUDE = {INDUSTRY_FACT: {"not_prefix_in"}, SIZE_FACT: {"ne", "not_in"}}


def _codes(value) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value if isinstance(v, str | int))
    return frozenset()


def _meet(a: frozenset[str] | None, b: frozenset[str]) -> frozenset[str]:
    """Codes in both sets, by prefix: {C} and {C39, I65} → {C39}."""
    if a is None:
        return b
    return frozenset(x for x in a if any(x.startswith(y) for y in b)) | frozenset(
        y for y in b if any(y.startswith(x) for x in a)
    )


def scope_of(criteria: Iterable, fact_key: str) -> Scope:
    """What the AND of `criteria` admits of `fact_key`: each ungrouped criterion on it narrows the codes;
    an OR group narrows them only when all its members speak of `fact_key` (otherwise another
    member may pass instead). Manual criteria say nothing a machine can read."""
    allowed: frozenset[str] | None = None
    excluded: set[str] = set()
    for term in terms([c for c in criteria if not c.manual]):
        if any(c.fact != fact_key for c in term):
            continue
        if len(term) == 1 and term[0].operator in EXCLUDE[fact_key]:
            excluded |= _codes(term[0].value)
        elif all(c.operator in INCLUDE[fact_key] for c in term):
            allowed = _meet(allowed, frozenset().union(*(_codes(c.value) for c in term)))
    return Scope(allowed, frozenset(excluded))


def published_rule_set(matter, today: dt.date) -> RuleSet | None:
    """The 申报条件 a visitor reads: the version valid today, else the latest published one (a closed matter)."""
    return (
        matter.rule_set_on(today)
        or matter.rule_sets.filter(status=RuleSetStatus.PUBLISHED).order_by("-version").first()
    )


def _choose_rule_sets(rows: Iterable[dict], today: dt.date) -> dict[int, int]:
    """{matter pk: rule set pk} as `published_rule_set` chooses, for many matters at once."""
    chosen: dict[int, tuple] = {}
    for row in rows:
        valid = row["valid_from"] <= today and (row["valid_to"] is None or today <= row["valid_to"])
        rank = (valid, row["version"])
        if row["matter_id"] not in chosen or rank > chosen[row["matter_id"]][0]:
            chosen[row["matter_id"]] = (rank, row["id"])
    return {matter: pk for matter, (_rank, pk) in chosen.items()}


# ---- the catalogue


def fold(text: str) -> str:
    """Text as search compares it: NFKC (全角 → 半角), lower case, traditional → simplified, punctuation → spaces."""
    return " ".join(NOT_WORD.sub(" ", segment.normalise(text or "")).split())


@dataclass
class CatalogueRow:
    """One public matter as the catalogue filters, counts and sorts it."""

    pk: int
    code: str
    department: str
    department_name: str
    delivery_kind: str
    window_kind: str
    closes: dt.date | None
    state: str
    band: str
    industry_sections: frozenset[str] | None  # the 门类 the criteria admit; None: every one
    size_values: frozenset[str] | None  # the sizes the criteria admit; None: every one
    haystack: str

    @property
    def sort_key(self) -> tuple:
        return sort_key(self.state, self.window_kind, self.closes, self.code)


# What the search reads of a matter: 事项编码, 名称, 服务对象 and its policy's title and 文号.
SEARCHED = ("code", "name", "name_en", "target", "policy__title", "policy__document_number")


def catalogue_rows(today: dt.date) -> list[CatalogueRow]:
    """Every public matter as a `CatalogueRow` (three queries)."""
    matters = list(
        public_matters()
        .annotate(highest_tier=Max("tiers__amount"))
        .values(
            "pk",
            "code",
            "name",
            "name_en",
            "target",
            "status",
            "delivery_kind",
            "window_kind",
            "window_opens",
            "window_closes",
            "support_kind",
            "support_amount",
            "support_cap",
            "highest_tier",
            "department__code",
            "department__name",
            "policy__title",
            "policy__document_number",
        )
    )
    versions = _choose_rule_sets(
        RuleSet.objects.filter(matter__in=[m["pk"] for m in matters], status=RuleSetStatus.PUBLISHED).values(
            "id", "matter_id", "version", "valid_from", "valid_to"
        ),
        today,
    )
    criteria: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(rule_set__in=versions.values()).only(
        "id", "rule_set_id", "fact", "operator", "value", "group", "manual"
    ):
        criteria.setdefault(criterion.rule_set_id, []).append(criterion)

    rows = []
    for m in matters:
        ours = criteria.get(versions.get(m["pk"]), [])
        state = window_state(_WindowView(m), today)
        top = top_amount(m["support_kind"], m["support_amount"], m["support_cap"], m["highest_tier"])
        rows.append(
            CatalogueRow(
                pk=m["pk"],
                code=m["code"],
                department=m["department__code"],
                department_name=m["department__name"],
                delivery_kind=m["delivery_kind"],
                window_kind=m["window_kind"],
                closes=m["window_closes"],
                state=state,
                band=amount_band(top),
                industry_sections=admitted(scope_of(ours, INDUSTRY_FACT), SECTIONS),
                size_values=admitted(scope_of(ours, SIZE_FACT), SIZES),
                haystack=fold(" | ".join(m[key] or "" for key in SEARCHED)),
            )
        )
    return rows


class _WindowView:
    """The fields `window_state` reads, from a values() row."""

    def __init__(self, row: dict):
        self.status = row["status"]
        self.window_kind = row["window_kind"]
        self.window_opens = row["window_opens"]
        self.window_closes = row["window_closes"]


SECTIONS = tuple("ABCDEFGHIJKLMNOPQRST")  # GB/T 4754-2017 门类
SIZES = ("large", "medium", "small", "micro")


def admitted(scope: Scope, codes: tuple[str, ...]) -> frozenset[str] | None:
    """The `codes` (sections, sizes) `scope` admits, or None when it admits every one."""
    if not scope.restricted:
        return None
    return frozenset(code for code in codes if scope.admits(code))


@dataclass(frozen=True)
class Facet:
    """One filter of the catalogue.

    `values(row)` is the set of option values a row has, or None for a row that has every
    one (a matter for any industry); `options(rows)` gives the (value, label) pairs to offer.
    """

    name: str
    label: object
    values: Callable[[CatalogueRow], frozenset[str] | None]
    options: Callable[[list[CatalogueRow]], list[tuple[str, object]]]
    note: object = ""

    def matches(self, row: CatalogueRow, value: str) -> bool:
        found = self.values(row)
        return found is None or value in found

    def counts(self, rows: list[CatalogueRow]) -> tuple[dict[str, int], int]:
        """How many rows have each value, and how many have every value."""
        counts: dict[str, int] = {}
        every = 0
        for row in rows:
            found = self.values(row)
            if found is None:
                every += 1
                continue
            for value in found:
                counts[value] = counts.get(value, 0) + 1
        return counts, every


def _department_options(rows):
    names = {r.department: r.department_name for r in rows}
    return sorted(names.items(), key=lambda item: item[0])


def _industry_options(rows):
    from enterprises.industries import get_industry

    named = {s for r in rows if r.industry_sections is not None for s in r.industry_sections}
    return [(s, f"{s} {get_industry(s).name}" if get_industry(s) else s) for s in SECTIONS if s in named]


def _size_options(rows):
    from enterprises.models import Size

    if all(r.size_values is None for r in rows):
        return []
    return [(value, label) for value, label in Size.choices if value in SIZES]


FACETS = [
    Facet("department", _("实施部门"), lambda row: frozenset({row.department}), _department_options),
    Facet(
        "delivery", _("服务方式"), lambda row: frozenset({row.delivery_kind}), lambda rows: list(DeliveryKind.choices)
    ),
    Facet("window", _("申报状态"), lambda row: frozenset({row.state}), lambda rows: list(WindowState.CHOICES)),
    Facet(
        "amount",
        _("扶持金额"),
        lambda row: frozenset({row.band}),
        lambda rows: [(key, label) for key, label, _low, _high in AMOUNT_BANDS] + [OTHER_BAND],
        note=_("按事项最高可获金额（定额、上限或最高档）"),
    ),
    Facet(
        "industry",
        _("适用行业"),
        lambda row: row.industry_sections,
        _industry_options,
        note=_("含不限行业的事项"),
    ),
    Facet("size", _("企业规模"), lambda row: row.size_values, _size_options, note=_("含不限规模的事项")),
]
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


def query_words(typed: str) -> list[str]:
    """The reader's query as folded words (at most MAX_QUERY_LENGTH characters)."""
    return fold(typed[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].split()


def _matcher(word: str) -> Callable[[str], bool]:
    """A test of one folded word on a haystack: the word or a synonym (高企 ↔ 高新技术企业) is in it; else
    every content word jieba cuts the word into (or a synonym of it) is."""
    table = synonyms.groups()

    def variants(w):
        return tuple(table.get(w, frozenset()) | {w})

    whole = variants(word)
    parts = [variants(p) for p in segment.tokenizer().lcut(word) if is_content_word(p)]
    if len(parts) < 2:
        parts = []

    def matches(haystack: str) -> bool:
        if any(v in haystack for v in whole):
            return True
        return bool(parts) and all(any(v in haystack for v in part) for part in parts)

    return matches


def search_rows(rows: list[CatalogueRow], words: list[str]) -> list[CatalogueRow]:
    """The rows whose code, name, target or policy title hold every word (see `_matcher`)."""
    if not words:
        return rows
    tests = [_matcher(word) for word in words]
    return [row for row in rows if all(test(row.haystack) for test in tests)]


@dataclass
class Catalogue:
    """The filtered, sorted catalogue: `rows`, the facets with counts, the values that were ignored."""

    rows: list[CatalogueRow]
    facets: list[dict]
    chosen: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    total: int = 0


def catalogue(params, *, today: dt.date, words: list[str]) -> Catalogue:
    """The catalogue for a request's GET parameters: search, facets (each counted on the rows matching the
    search and every other facet, so a chosen facet's other options stay visible with what each would give)
    and the sort by window closing date."""
    everything = catalogue_rows(today)
    found = search_rows(everything, words)

    chosen: dict[str, str] = {}
    ignored: list[str] = []
    for facet in FACETS:
        value = params.get(facet.name)
        if value in (None, ""):
            continue
        value = str(value)
        if value in {v for v, _label in facet.options(everything)}:
            chosen[facet.name] = value
        else:
            ignored.append(facet.name)

    def narrowed(rows, skip=None):
        for name, value in chosen.items():
            if name != skip:
                rows = [r for r in rows if FACETS_BY_NAME[name].matches(r, value)]
        return rows

    facets = []
    for facet in FACETS:
        base = narrowed(found, skip=facet.name)
        counts, every = facet.counts(base)
        options = []
        for value, label in facet.options(base):
            count = counts.get(value, 0) + every
            selected = chosen.get(facet.name) == value
            if count or selected:
                options.append({"value": value, "label": label, "count": count, "selected": selected})
        if chosen.get(facet.name) and not any(o["selected"] for o in options):
            label = dict(facet.options(everything)).get(chosen[facet.name], chosen[facet.name])
            options.append({"value": chosen[facet.name], "label": label, "count": 0, "selected": True})
        if options:
            facets.append({"name": facet.name, "label": facet.label, "note": facet.note, "options": options})

    rows = sorted(narrowed(found), key=lambda r: r.sort_key)
    return Catalogue(rows=rows, facets=facets, chosen=chosen, ignored=ignored, total=len(rows))


def display_name(matter) -> str:
    """The matter's name in the reader's language (English when there is one and the reader chose English)."""
    return in_reader_language(matter.name, matter.name_en)


def exclusive_partners(matter) -> list[Matter]:
    """就高不重复: the other public matters of the matter's group, by code."""
    if not matter.exclusive_group:
        return []
    return list(public_matters().filter(exclusive_group=matter.exclusive_group).exclude(pk=matter.pk).order_by("code"))


# ---- the guide (申报指南): every field 宜昌 §23 and 常州 §14 list


def window_text(matter) -> str:
    """申报时间 as a sentence: 常年申报; 2026-06-01 至 2026-07-31; 期限待定（确定后3个工作日内公布）."""
    if matter.window_kind == WindowKind.YEAR_ROUND:
        return str(_("常年申报"))
    if matter.window_opens is None:
        return str(_("期限待定，申报期限确定后3个工作日内公布"))
    if matter.window_closes is None:
        return str(_("%(opens)s起")) % {"opens": matter.window_opens.isoformat()}
    return str(_("%(opens)s 至 %(closes)s")) % {
        "opens": matter.window_opens.isoformat(),
        "closes": matter.window_closes.isoformat(),
    }


def support_standard(matter, tiers: list) -> dict:
    """扶持标准 as data for the page: `kind` and, by kind, the amount, the rate × base with its cap, or the
    tier table (`tiers` rows: from, to, amount, as text with units)."""
    from matters.eligibility.text import number

    fact = base_fact(matter)
    unit = fact.unit if fact else ""
    standard = {"kind": matter.support_kind, "base": fact.label if fact else "", "unit": unit}
    if matter.support_kind == SupportKind.FIXED and matter.support_amount is not None:
        standard["amount"] = money_text(matter.support_amount)
    elif matter.support_kind == SupportKind.RATE:
        standard["rate"] = number(matter.support_rate or 0)
        standard["cap"] = money_text(matter.support_cap) if matter.support_cap is not None else ""
    elif matter.support_kind == SupportKind.TIERS:
        standard["tiers"] = [
            {
                "lower": f"{number(tier.lower)}{unit}",
                "upper": f"{number(tier.upper)}{unit}" if tier.upper is not None else "",
                "amount": money_text(tier.amount),
            }
            for tier in sorted(tiers, key=lambda t: t.lower)
        ]
    return standard


SCOPE_LABELS = {INDUSTRY_FACT: _("行业"), SIZE_FACT: _("企业规模")}


def scope_text(criteria, fact_key: str) -> dict | None:
    """实施范围 of one fact as labels: {"label", "allowed": [...], "excluded": [...]}, or None when unrestricted."""
    from portal.core.facts import facts

    scope = scope_of(criteria, fact_key)
    if not scope.restricted or fact_key not in facts:
        return None
    fact = facts.get(fact_key)
    # Sizes in the standard's order (大型 … 微型), industry codes in code order.
    order = [value for value, _label in fact.choices()] if fact.choices else []

    def ranked(codes):
        return sorted(codes, key=lambda c: (order.index(c) if c in order else len(order), c))

    return {
        "label": SCOPE_LABELS[fact_key],
        "allowed": [fact.label_for(c) for c in ranked(scope.allowed)] if scope.allowed is not None else [],
        "excluded": [fact.label_for(c) for c in ranked(scope.excluded)],
    }


def guide(matter: Matter, today: dt.date) -> dict:
    """Everything the guide page, its print form and its PDF show of a public matter."""
    rule_set = published_rule_set(matter, today)
    criteria = list(rule_set.criteria.order_by("position", "id")) if rule_set else []
    tiers = list(matter.tiers.all())
    steps = list(matter.steps.select_related("department").order_by("position", "id"))
    return {
        "matter": matter,
        "name": display_name(matter),
        "state": window_state(matter, today),
        "state_label": WindowState.LABELS[window_state(matter, today)],
        "window_text": window_text(matter),
        "rule_set": rule_set,
        "conditions": [{"any": len(term) > 1, "criteria": term} for term in terms(criteria)],
        "scopes": [s for s in (scope_text(criteria, INDUSTRY_FACT), scope_text(criteria, SIZE_FACT)) if s],
        "support": support_standard(matter, tiers),
        "summary": support_summary(matter, max((t.amount for t in tiers), default=None)),
        "partners": exclusive_partners(matter),
        "materials": list(matter.materials.order_by("position", "id")),
        "steps": steps,
        "steps_days": sum(step.days for step in steps),
        "faqs": list(matter.faqs.order_by("position", "id")),
    }
