"""兑付结果与绩效评价 (宜昌 §39, 常州 §32): what the platform paid, per matter and per policy.

Two readers:

- the public (`public_results`): paid amounts per matter — its name and department, the number of enterprises
  paid, the total and the latest payment date; matters marked confidential (`Matter.confidential`) never appear;
- staff and supervisors (`Statistics`): per policy and per matter the total paid through the platform, the
  enterprises reached by industry section, size and region, the average working days from application to
  payment and from approval to payment, the share of 免申即享 payouts, and the money departments paid outside
  the platform (奖补汇聚, `SubsidyRecord`) beside it.

Every figure is one SQL aggregate over the rows; Python only merges the aggregated rows (one per matter,
policy or breakdown value), never loops over payouts. Working days are the official calendar's
(`portal.workdays`): `WorkdaysBetween` computes in SQL exactly what `workdays.workdays_between` computes
(Monday–Friday, with the holidays and 调休 days of the years entered in `workcalendar`).

"Paid" is a payout in state 已支付; its year is the year of `paid_on`. An off-platform record marked as a
suspected duplicate of another (`duplicate_of`) is left out so no subsidy is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum
from django.db.models.aggregates import Avg
from django.db.models.functions import Cast, Coalesce, ExtractYear, Substr, TruncDate
from django.utils.translation import gettext as _

from payouts.models import Payout, PayoutState, SubsidyRecord
from portal.org.models import Role
from portal.workcalendar.sql import WorkdaysBetween

ZERO = Decimal("0.00")
ONE_PLACE = Decimal("0.1")


def application_date():
    """The day the case began, per payout: the application's submission (or, for a case pushed by a department's
    system without one, its acceptance); for 免申即享 the list's acceptance (受理), else the enterprise's
    confirmation."""
    return Coalesce(
        TruncDate("application__submitted_at"),
        TruncDate("application__accepted_at"),
        TruncDate("confirmation__confirmation_list__accepted_at"),
        TruncDate("confirmation__answered_at"),
    )


def _avg_days(expression):
    return Avg(Cast(expression, DecimalField(max_digits=12, decimal_places=2)))


def one_place(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


# --- the public list ------------------------------------------------------------------------------------------------


def paid() -> QuerySet[Payout]:
    return Payout.objects.filter(state=PayoutState.PAID)


def public_paid(*, year: int | None = None, region: int | None = None, matter: str = "") -> QuerySet[Payout]:
    """Paid payouts of matters that are not confidential, optionally of one payment year, one matter region and one
    matter (by its code, for the link from a matter's page)."""
    rows = paid().filter(matter__confidential=False)
    if matter:
        rows = rows.filter(matter__code=matter)
    if year:
        rows = rows.filter(paid_on__year=year)
    if region:
        rows = rows.filter(matter__region_id=region)
    return rows


def public_results(*, year: int | None = None, region: int | None = None, matter: str = ""):
    """One row per matter: matter_id, code, name, status, department, region, enterprises, payouts, total, latest —
    the latest payment first."""
    return (
        public_paid(year=year, region=region, matter=matter)
        .values("matter_id")
        .annotate(
            code=F("matter__code"),
            name=F("matter__name"),
            status=F("matter__status"),
            department=F("matter__department__name"),
            region=F("matter__region__name"),
            enterprises=Count("enterprise_id", distinct=True),
            payouts=Count("pk"),
            total=Sum("amount"),
            latest=Max("paid_on"),
        )
        .order_by("-latest", "code")
    )


def public_totals(*, year: int | None = None, region: int | None = None, matter: str = "") -> dict:
    """matters, enterprises, payouts and total over the public rows."""
    totals = public_paid(year=year, region=region, matter=matter).aggregate(
        matters=Count("matter_id", distinct=True),
        enterprises=Count("enterprise_id", distinct=True),
        payouts=Count("pk"),
        total=Sum("amount"),
    )
    totals["total"] = totals["total"] or ZERO
    return totals


def public_matter(code: str):
    """The matter of `?matter=<code>` on the public list — None when no matter has that code or it is confidential
    (the two are not told apart: a confidential matter's existence is not public either). Codes are compared
    without regard to case, spaces and full-width forms."""
    from matters.models import Matter
    from portal.core import normalize

    code = normalize.compact(code)
    if not code:
        return None
    return (
        Matter.objects.filter(code__iexact=code, confidential=False)
        .select_related("department", "region")
        .order_by("pk")
        .first()
    )


def public_years(*, region: int | None = None, matter: str = "") -> list[dict]:
    """[{year, matters}] of the payment years with public payouts (of one region and one matter when given),
    newest first."""
    return list(
        public_paid(region=region, matter=matter)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(matters=Count("matter_id", distinct=True))
        .order_by("-year")
    )


def public_regions(*, year: int | None = None, matter: str = "") -> list[dict]:
    """[{region_id, name, code, matters}] of the regions of matters with public payouts (in `year` and of one
    matter when given)."""
    return list(
        public_paid(year=year, matter=matter)
        .values(region_id=F("matter__region_id"), name=F("matter__region__name"), code=F("matter__region__code"))
        .annotate(matters=Count("matter_id", distinct=True))
        .order_by("code")
    )


# --- staff statistics -----------------------------------------------------------------------------------------------


def sees_everything(user) -> bool:
    return bool(user.is_superuser or user.memberships.filter(role__in=[Role.SUPERVISOR, Role.ADMIN]).exists())


def scoped_payouts(user) -> QuerySet[Payout]:
    """The paid payouts `user` may count: those `payouts.services.visible_to` shows them."""
    from payouts import services

    return services.visible_to(user).filter(state=PayoutState.PAID)


def scoped_records(user) -> QuerySet[SubsidyRecord]:
    """The off-platform subsidy records `user` may count (suspected duplicates left out): supervisors and platform
    admins all; department staff those their departments reported or that belong to their departments' matters;
    finance officers besides those the records of the matters whose payouts they pay (`services.visible_to`) and
    the records reported by the departments of their finance department's region — so the 财政局 sees the money
    its region's departments paid outside the platform beside the money it paid through it."""
    from payouts import services
    from payouts.models import FundingSource
    from portal.org.models import Department
    from portal.org.permissions import can

    records = SubsidyRecord.objects.filter(duplicate_of__isnull=True)
    if user is None or not user.is_authenticated or not user.is_staff:
        return records.none()
    if sees_everything(user):
        return records
    if not can(user, "payouts.view_payout"):
        return records.none()
    departments = user.memberships.values("department_id")
    scope = Q(department_id__in=departments) | Q(matter__department_id__in=departments)
    finance = user.memberships.filter(role=Role.FINANCE).values("department_id")
    if finance.exists():
        regions = Department.objects.filter(pk__in=finance).values("region_id")
        funded = FundingSource.matters.through.objects.filter(fundingsource__department_id__in=finance)
        scope |= (
            Q(matter_id__in=services.visible_to(user).values("matter_id"))
            | Q(matter_id__in=funded.values("matter_id"))
            | Q(department__region_id__in=regions)
        )
    return records.filter(scope)


@dataclass
class Filters:
    year: int | None = None
    department: int | None = None
    policy: int | None = None
    matter: int | None = None

    def payouts(self, rows: QuerySet[Payout]) -> QuerySet[Payout]:
        if self.year:
            rows = rows.filter(paid_on__year=self.year)
        if self.department:
            rows = rows.filter(matter__department_id=self.department)
        if self.policy:
            rows = rows.filter(matter__policy_id=self.policy)
        if self.matter:
            rows = rows.filter(matter_id=self.matter)
        return rows

    def records(self, rows: QuerySet[SubsidyRecord]) -> QuerySet[SubsidyRecord]:
        rows = rows.annotate(policy_key=Coalesce("policy_id", "matter__policy_id"))
        if self.year:
            rows = rows.filter(paid_on__year=self.year)
        if self.department:
            rows = rows.filter(
                Q(matter__department_id=self.department) | Q(matter__isnull=True, department_id=self.department)
            )
        if self.policy:
            rows = rows.filter(policy_key=self.policy)
        if self.matter:
            rows = rows.filter(matter_id=self.matter)
        return rows


def _platform_figures(rows: QuerySet[Payout], key: str):
    """Per value of `key`: total, payouts, enterprises, exempt (免申即享 payouts), days_approval, days_application."""
    return rows.values(key=F(key)).annotate(
        total=Sum("amount"),
        payouts=Count("pk"),
        enterprises=Count("enterprise_id", distinct=True),
        exempt=Count("pk", filter=Q(confirmation__isnull=False)),
        exempt_total=Sum("amount", filter=Q(confirmation__isnull=False)),
        days_approval=_avg_days("workdays_to_pay"),
        days_application=_avg_days(WorkdaysBetween(application_date(), F("paid_on"))),
    )


def _outside_figures(rows: QuerySet[SubsidyRecord], key: str):
    """Per value of `key`: outside_total, outside_records, outside_enterprises (by USCC)."""
    return rows.values(key=F(key)).annotate(
        outside_total=Sum("amount"),
        outside_records=Count("pk"),
        outside_enterprises=Count("uscc", distinct=True),
    )


@dataclass
class Row:
    """One line of the statistics: a policy, a matter, or the total."""

    key: object
    label: str
    department: str = ""
    code: str = ""
    total: Decimal = ZERO
    payouts: int = 0
    enterprises: int = 0
    exempt: int = 0
    exempt_total: Decimal = ZERO
    days_approval: Decimal | None = None
    days_application: Decimal | None = None
    outside_total: Decimal = ZERO
    outside_records: int = 0
    outside_enterprises: int = 0

    @property
    def exempt_share(self) -> Decimal | None:
        """免申即享 payouts as a percentage of the payouts (by number), one decimal."""
        return percent(self.exempt, self.payouts)

    @property
    def combined_total(self) -> Decimal:
        return self.total + self.outside_total


def _merge(platform, outside, labels: dict) -> list[Row]:
    """Rows by key from the aggregated platform and off-platform figures (one loop over aggregated rows)."""
    rows: dict = {}

    def row(key) -> Row:
        if key not in rows:
            label = labels.get(key, {})
            rows[key] = Row(key=key, **label) if label else Row(key=key, label=_("（未关联）"))
        return rows[key]

    for figures in platform:
        target = row(figures["key"])
        target.total = figures["total"] or ZERO
        target.payouts = figures["payouts"]
        target.enterprises = figures["enterprises"]
        target.exempt = figures["exempt"]
        target.exempt_total = figures["exempt_total"] or ZERO
        target.days_approval = one_place(figures["days_approval"])
        target.days_application = one_place(figures["days_application"])
    for figures in outside:
        target = row(figures["key"])
        target.outside_total = figures["outside_total"] or ZERO
        target.outside_records = figures["outside_records"]
        target.outside_enterprises = figures["outside_enterprises"]
    return sorted(rows.values(), key=lambda r: (r.key is None, -r.combined_total, r.code, r.label))


def _breakdown(payouts: QuerySet[Payout], records: QuerySet[SubsidyRecord], key, labels, order=None) -> list[dict]:
    """Enterprises reached and money by one enterprise attribute (`key`, an expression on the enterprise): on the
    platform, and outside it (the records matched to an enterprise of the archive). Rows by `order(value)`, blank
    values last."""

    def figures(rows):
        return {
            row["key"]: row
            for row in rows.values(key=key).annotate(
                enterprises=Count("enterprise_id", distinct=True), total=Sum("amount")
            )
        }

    inside = figures(payouts)
    outside = figures(records.filter(enterprise__isnull=False))
    return [
        {
            "key": value,
            "label": labels(value),
            "enterprises": inside.get(value, {}).get("enterprises", 0),
            "total": inside.get(value, {}).get("total") or ZERO,
            "outside_enterprises": outside.get(value, {}).get("enterprises", 0),
            "outside_total": outside.get(value, {}).get("total") or ZERO,
        }
        for value in sorted(set(inside) | set(outside), key=lambda k: (k is None or k == "", (order or str)(k)))
    ]


def _section_labels(key) -> str:
    from enterprises.industries import industry_name

    if not key:
        return _("未登记行业")
    name = industry_name(key)
    return f"{key} {name}" if name else key


def _size_labels(key) -> str:
    from enterprises.models import Enterprise

    sizes = dict(Enterprise._meta.get_field("size").choices)
    return str(sizes.get(key, key or _("未划型")))


@dataclass
class Statistics:
    """The staff statistics for `user` under `filters`: rows per policy and per matter, the total, and the
    enterprises reached by industry section, size and region."""

    user: object
    filters: Filters = field(default_factory=Filters)

    def __post_init__(self):
        self.payouts = self.filters.payouts(scoped_payouts(self.user))
        self.records = self.filters.records(scoped_records(self.user))

    def by_matter(self) -> list[Row]:
        from matters.models import Matter

        platform = _platform_figures(self.payouts, "matter_id")
        # records whose item matches no matter of the platform are one row, （未关联）, so the rows add up to the total
        outside = _outside_figures(self.records, "matter_id")
        ids = {r["key"] for r in platform} | {r["key"] for r in outside}
        labels = {
            m["pk"]: {"label": m["name"], "code": m["code"], "department": m["department__name"]}
            for m in Matter.objects.filter(pk__in=ids).values("pk", "name", "code", "department__name")
        }
        return _merge(platform, outside, labels)

    def by_policy(self) -> list[Row]:
        from policies.models import Policy

        platform = _platform_figures(self.payouts, "matter__policy_id")
        outside = _outside_figures(self.records, "policy_key")
        ids = {r["key"] for r in platform} | {r["key"] for r in outside}
        labels = {
            p["pk"]: {"label": p["title"], "department": p["lead_department__name"]}
            for p in Policy.objects.filter(pk__in=ids).values("pk", "title", "lead_department__name")
        }
        return _merge(platform, outside, labels)

    def total(self) -> Row:
        platform = self.payouts.aggregate(
            total=Sum("amount"),
            payouts=Count("pk"),
            enterprises=Count("enterprise_id", distinct=True),
            exempt=Count("pk", filter=Q(confirmation__isnull=False)),
            exempt_total=Sum("amount", filter=Q(confirmation__isnull=False)),
            days_approval=_avg_days("workdays_to_pay"),
            days_application=_avg_days(WorkdaysBetween(application_date(), F("paid_on"))),
        )
        outside = self.records.aggregate(
            outside_total=Sum("amount"), outside_records=Count("pk"), outside_enterprises=Count("uscc", distinct=True)
        )
        [row] = _merge([{"key": "total", **platform}], [{"key": "total", **outside}], {"total": {"label": _("合计")}})
        return row

    def by_section(self) -> list[dict]:
        return _breakdown(self.payouts, self.records, Substr("enterprise__industry_code", 1, 1), _section_labels)

    def by_size(self) -> list[dict]:
        from enterprises.models import Size

        sizes = list(Size.values)
        return _breakdown(
            self.payouts,
            self.records,
            F("enterprise__size"),
            _size_labels,
            order=lambda k: sizes.index(k) if k in sizes else len(sizes),
        )

    def by_region(self) -> list[dict]:
        from portal.org.models import Region

        rows = _breakdown(self.payouts, self.records, F("enterprise__region_id"), str)
        regions = {
            r["pk"]: r for r in Region.objects.filter(pk__in=[r["key"] for r in rows]).values("pk", "code", "name")
        }
        for row in rows:
            row["label"] = regions[row["key"]]["name"] if row["key"] in regions else _("未登记地区")
        return sorted(rows, key=lambda r: regions.get(r["key"], {}).get("code", "999999"))
