"""政策计算器 (宜昌 §29): an enterprise self-tests every listed matter, and is told why for each one.

Two ways in, one engine:

* a visitor fills `forms.CalculatorForm`; `declared_enterprise` turns the
  answers into a `DeclaredEnterprise`, an in-memory object with the
  attributes the archive's facts read (`enterprises/facts.py`). The same fact
  readers, the same evaluator (`evaluate_many`), the same explanations and
  the same amount estimate (`amounts.estimate`) then run on it; nothing is
  saved, and every value is quoted with the source 企业自报 and today's date;
* a signed-in enterprise user's archive (一企一档) is used as it is, each
  figure quoted with its source and as-of date and a link to report it as
  wrong (纠错, `enterprises:correction_new`).

`self_test(enterprise, on=)` judges each published matter (已上架) by its rule
version valid that day (the one `Matter.rule_set_on` returns) and groups
them: 可申报 (eligible), 可能符合（缺少数据）(unknown: data missing or a
condition only staff can judge), 暂不符合 (ineligible: each failed condition
quoted, the gap of a near miss named). Matters of one 就高不重复 group are
marked (`amounts.mark_exclusive`); the total counts each group once, at its
highest amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises import selectors, sizing
from enterprises.industries import industries
from enterprises.models import (
    AnnualFigure,
    CreditStatus,
    Enterprise,
    OperatingStatus,
    QualificationType,
    Size,
    Source,
)
from matters.amounts import Estimate, estimate, mark_exclusive, money_text
from matters.eligibility import evaluate_many
from matters.eligibility.evaluator import ELIGIBLE, INELIGIBLE, STATUS_UNKNOWN, Evaluation
from matters.eligibility.text import FAIL, value_text
from matters.forms import CalculatorForm
from matters.models import Matter, MatterStatus, RuleSet, RuleSetStatus, WindowKind
from portal.core.facts import FactContext, Period, facts
from portal.supervision import activity

# ---------------------------------------------------------------- the declared enterprise (visitor)


class _Rows:
    """A related manager's stand-in holding rows in memory: what the fact readers call (all, select_related,
    order_by) answers from the list, never the database."""

    def __init__(self, rows=()):
        self._rows = list(rows)

    def all(self):
        return list(self._rows)

    def select_related(self, *fields):
        return self

    def order_by(self, *fields):
        return self

    def __iter__(self):
        return iter(self._rows)


@dataclass(frozen=True)
class DeclaredQualification:
    """A qualification the visitor ticked: held on the day of the test, no certificate dates known."""

    type: QualificationType
    source: str = Source.SELF_DECLARED
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def is_valid_on(self, day) -> bool:
        return True


@dataclass
class DeclaredEnterprise:
    """An enterprise as a visitor describes it (企业自报): the attributes of `Enterprise` that the eligibility
    facts read, with the year's figures as one unsaved `AnnualFigure` and the ticked qualifications.

    `tags` is None: a visitor cannot state the platform's tags, so a criterion on a tag is unknown, not failed.
    """

    region: object
    industry_code: str = ""
    registration_date: dt.date | None = None
    size: str = Size.UNKNOWN
    size_year: int | None = None
    size_reason: str = ""
    credit_status: str = CreditStatus.NORMAL
    operating_status: str = OperatingStatus.EXISTING
    source: str = Source.SELF_DECLARED
    source_updated_at: dt.datetime = field(default_factory=timezone.now)
    credit_updated_at: dt.datetime = field(default_factory=timezone.now)
    annual_figures: _Rows = field(default_factory=_Rows)
    qualifications: _Rows = field(default_factory=_Rows)
    tags: None = None
    pk: None = None
    name: str = ""


FIGURE_FIELDS = ("revenue_wan", "profit_wan", "tax_paid_wan", "rd_expense_wan", "employees", "total_assets_wan")


def declared_enterprise(data: dict, *, on: dt.date) -> DeclaredEnterprise:
    """A `DeclaredEnterprise` from `CalculatorForm.cleaned_data`; figures are those of year `on.year - 1`.

    The size (企业规模) is classified from the stated industry and figures by the same standard the
    archive uses (`enterprises.sizing`, 工信部联企业〔2011〕300号).
    """
    now = timezone.now()
    year = on.year - 1
    figure = AnnualFigure(
        year=year,
        source=Source.SELF_DECLARED,
        source_updated_at=now,
        export_value_wan=data.get("export_value_wan"),
        **{name: data.get(name) for name in FIGURE_FIELDS},
    )
    industry = data.get("industry") or ""
    sized = sizing.assess_size(industry, figure.employees, figure.revenue_wan, figure.total_assets_wan)
    types = QualificationType.objects.filter(code__in=data.get("qualifications") or []).order_by("sort_order")
    return DeclaredEnterprise(
        region=data["region"],
        industry_code=industry,
        registration_date=data.get("registration_date"),
        size=sized.size,
        size_year=year if sized.size != Size.UNKNOWN else None,
        size_reason=sized.reason,
        credit_status=data.get("credit") or CreditStatus.NORMAL,
        source_updated_at=now,
        credit_updated_at=now,
        annual_figures=_Rows([figure]),
        qualifications=_Rows(DeclaredQualification(type=t) for t in types),
    )


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """申报时间 of a matter on a day: its text, its state (open / upcoming / closed / tbd) and closing day."""

    text: str
    state: str
    state_text: str
    closes: dt.date | None
    opens: dt.date | None = None

    @property
    def sort_key(self) -> tuple:
        """Soonest closing first; year-round and undecided windows after every dated one."""
        order = {"open": 0, "upcoming": 1, "tbd": 2, "closed": 3}[self.state]
        return (self.closes or dt.date.max, order)


def window_of(matter: Matter, on: dt.date) -> Window:
    """The matter's window as the calculator and the enterprise space show it on day `on`."""
    opens, closes = matter.window_opens, matter.window_closes
    if matter.window_kind == WindowKind.YEAR_ROUND:
        return Window(_("常年申报"), "open", _("常年可申报"), None)
    if opens is None:
        return Window(_("期限待定"), "tbd", _("申报时间确定后公布"), None)
    text = _("%(opens)s 至 %(closes)s") % {"opens": opens.isoformat(), "closes": closes.isoformat() if closes else "—"}
    if on < opens:
        days = (opens - on).days
        starts = ngettext("%(n)d天后开始申报", "%(n)d天后开始申报", days) % {"n": days}
        return Window(text, "upcoming", starts, closes, opens)
    if closes is not None and on > closes:
        return Window(text, "closed", _("已截止"), closes, opens)
    if closes is None:
        return Window(text, "open", _("申报中"), None, opens)
    days = (closes - on).days
    if days == 0:
        return Window(text, "open", _("今天截止"), closes, opens)
    left = ngettext("申报中，还剩%(n)d天", "申报中，还剩%(n)d天", days) % {"n": days}
    return Window(text, "open", left, closes, opens)


# ---------------------------------------------------------------- the self-test


def open_matters(on: dt.date):
    """Published matters (已上架) annotated with `current_rule_set_id`, the rule version valid on `on` (the same
    one `Matter.rule_set_on(on)` returns); matters without one are left out, they cannot be judged."""
    current = (
        RuleSet.objects.filter(matter=OuterRef("pk"), status=RuleSetStatus.PUBLISHED, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-version")
        .values("pk")[:1]
    )
    return (
        Matter.objects.filter(status=MatterStatus.PUBLISHED)
        .annotate(current_rule_set_id=Subquery(current))
        .filter(current_rule_set_id__isnull=False)
        .select_related("department", "policy")
        .prefetch_related("tiers")
        .order_by("code")
    )


@dataclass
class MatterResult:
    """One matter judged for one enterprise: the evaluation (per criterion), the estimate and the window.

    `exclusive_best` is the matter of its 就高不重复 group with the highest estimate among those shown as
    eligible or possibly eligible (None when the matter is in no group); `exclusive_peers` the others.
    """

    matter: Matter
    evaluation: Evaluation
    estimate: Estimate | None
    window: Window
    exclusive_best: Matter | None = None
    exclusive_peers: list = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.evaluation.status

    @property
    def near_miss(self):
        return self.evaluation.near_miss

    @cached_property
    def criteria(self):
        return self.evaluation.criteria

    @cached_property
    def failed(self):
        return [c for c in self.criteria if c.outcome == FAIL]

    @cached_property
    def missing(self):
        return self.evaluation.missing

    @cached_property
    def manual(self):
        return self.evaluation.manual

    @property
    def only_manual_pending(self) -> bool:
        """Every machine-judged condition passes; only conditions staff judge at review remain."""
        return self.status == STATUS_UNKNOWN and not self.missing and not self.failed

    @property
    def is_exclusive_best(self) -> bool:
        return self.exclusive_best is not None and self.exclusive_best.pk == self.matter.pk


@dataclass
class SelfTest:
    """The self-test's result on day `on`, grouped, each group in the order shown."""

    on: dt.date
    eligible: list[MatterResult]
    unknown: list[MatterResult]
    ineligible: list[MatterResult]

    @property
    def count(self) -> int:
        return len(self.eligible) + len(self.unknown) + len(self.ineligible)

    @cached_property
    def total(self) -> Decimal:
        """预计可获合计 of the eligible matters, in 元: each 就高不重复 group counted once, at its highest."""
        best = mark_exclusive([(r.matter, r.estimate) for r in self.eligible])
        return sum(
            (
                r.estimate.amount
                for r in self.eligible
                if r.estimate is not None
                and r.estimate.amount is not None
                and (r.matter.pk not in best or best[r.matter.pk].pk == r.matter.pk)
            ),
            Decimal(0),
        )

    @property
    def total_text(self) -> str:
        return money_text(self.total)

    @property
    def has_exclusive(self) -> bool:
        return any(r.matter.exclusive_group for r in self.eligible)


def self_test(enterprise, *, on: dt.date | None = None) -> SelfTest:
    """自测: `enterprise` (an `Enterprise` or a `DeclaredEnterprise`) against every published matter on `on`.

    One `evaluate_many` call (two queries for the rules, one reading per fact); estimates for the matters
    that are or may be eligible. Groups are sorted by window closing day; near misses lead 暂不符合.
    """
    on = on or timezone.localdate()
    matters = list(open_matters(on))
    by_rule_set = {m.current_rule_set_id: m for m in matters}
    evaluations = evaluate_many(RuleSet.objects.filter(pk__in=by_rule_set).order_by("pk"), enterprise, on=on)
    ctx = FactContext(enterprise, on)
    results = []
    for evaluation in evaluations:
        matter = by_rule_set[evaluation.rule_set.pk]
        amount = None if evaluation.status == INELIGIBLE else estimate(matter, enterprise, on=on, ctx=ctx)
        results.append(MatterResult(matter, evaluation, amount, window_of(matter, on)))
    hopeful = [r for r in results if r.status != INELIGIBLE]
    best = mark_exclusive([(r.matter, r.estimate) for r in hopeful])
    for result in hopeful:
        if result.matter.pk in best:
            result.exclusive_best = best[result.matter.pk]
            result.exclusive_peers = [
                r.matter
                for r in hopeful
                if r.matter.exclusive_group == result.matter.exclusive_group and r.matter.pk != result.matter.pk
            ]

    def amount_key(r):
        return -(r.estimate.amount or 0) if r.estimate else 0

    eligible = sorted((r for r in results if r.status == ELIGIBLE), key=lambda r: (r.window.sort_key, amount_key(r)))
    unknown = sorted(
        (r for r in results if r.status == STATUS_UNKNOWN),
        key=lambda r: (not r.only_manual_pending, len(r.missing), r.window.sort_key),
    )
    ineligible = sorted(
        (r for r in results if r.status == INELIGIBLE),
        key=lambda r: (r.near_miss is None, len(r.failed), r.window.sort_key),
    )
    return SelfTest(on, eligible, unknown, ineligible)


# ---------------------------------------------------------------- the archive's figures, with their sources

# Which 纠错项目 (enterprises.models.CORRECTABLE_FIELDS) a wrong fact is reported under.
CORRECTION_FIELD = {
    "registration_date": "registration_date",
    "industry": "industry_code",
    "region": "region",
    "size": "size",
    "operating_status": "operating_status",
    "credit_good": "credit_status",
    "qualification": "qualifications",
    "tag": "tags",
}


@dataclass(frozen=True)
class FactLine:
    """One fact of the archive as the calculator used it: label, value (or why it is missing), source, date."""

    key: str
    label: str
    value: str
    source: str
    as_of: dt.date | None
    missing: bool
    correction_field: str


def correction_field(fact) -> str:
    if fact.key in CORRECTION_FIELD:
        return CORRECTION_FIELD[fact.key]
    return "annual_figures" if fact.period == Period.PREVIOUS_YEAR else "other"


def archive_facts(enterprise: Enterprise, *, on: dt.date) -> list[FactLine]:
    """Every registered fact read for `enterprise` on `on`, through the same readers the evaluator uses."""
    ctx = FactContext(enterprise, on)
    lines = []
    for entry in facts.entries():
        fact = entry.obj
        reading = fact.read(ctx)
        label = f"{reading.prefix}{fact.label}"
        fix = correction_field(fact)
        if fact.is_set:
            held = reading.value or {}
            if not held:
                lines.append(FactLine(fact.key, label, _("无"), "", None, False, fix))
            for code, (source, since, _until) in held.items():
                lines.append(FactLine(fact.key, label, fact.label_for(code), source, since, False, fix))
            continue
        if reading.value is None:
            lines.append(FactLine(fact.key, label, reading.missing, "", None, True, fix))
        else:
            shown = value_text(fact, reading.value)
            lines.append(FactLine(fact.key, label, shown, reading.source, reading.as_of, False, fix))
    return lines


# ---------------------------------------------------------------- the page


def archive_enterprise(enterprise: Enterprise) -> Enterprise:
    """The enterprise with what the fact readers walk prefetched (figures, qualifications and their types)."""
    return (
        Enterprise.objects.select_related("region")
        .prefetch_related("annual_figures", "qualifications__type")
        .get(pk=enterprise.pk)
    )


def calculator(request):
    """/matters/calculator/: the form for visitors (POST, so figures stay out of URLs and logs); a signed-in
    enterprise user's archive without typing (?enterprise=<USCC> to pick one of theirs, ?manual=1 for the form).

    Another enterprise's USCC is a 404. A refused form is shown again with a Chinese message on each field.
    """
    today = timezone.localdate()
    mine = list(selectors.enterprises_for_user(request.user))
    enterprise = None
    if request.GET.get("enterprise"):
        enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, request.GET["enterprise"])
    elif mine:
        enterprise = mine[0]
    manual = request.method == "POST" or request.GET.get("manual") == "1" or enterprise is None
    context = {"enterprises": mine, "enterprise": enterprise, "today": today, "manual": manual}
    if manual:
        form = CalculatorForm(request.POST or None, today=today)
        context.update(form=form, industry_options=industries())
        if form.is_bound and form.is_valid():
            declared = declared_enterprise(form.cleaned_data, on=today)
            context.update(result=self_test(declared, on=today), declared=declared)
            activity.count("calculator")  # 测算次数: one per result shown
    else:
        archived = archive_enterprise(enterprise)
        context.update(result=self_test(archived, on=today), facts=archive_facts(archived, on=today))
        activity.count("calculator")
    return render(request, "matters/calculator.html", context)
