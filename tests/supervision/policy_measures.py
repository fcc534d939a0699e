"""A small measure set over policies, registered only by the kernel's own tests (the domain's real ones live in
policies/supervision.py): published policies, those published more than 3 working days after issue, and the
working days each took — a count, a ratio, a mean and a 90th percentile, broken down by level.

Six policies, counted by hand on the 2026 calendar (中秋 9-25 Fri; 国庆 10-01…10-07; 调休 workdays Sun 9-20 and
Sat 10-10; 10-08 and 10-09 are working days):

  市科技局 P1 issued Mon 3-02, published 3-03 → 1 working day
           P2 issued Mon 3-02, published Fri 3-06 → 4 (late)
           P3 issued Wed 9-30, published Fri 10-09 → 10-08, 10-09 = 2
           P4 issued Tue 9-29, published Mon 10-12 → 9-30, 10-08, 10-09, 10-10 (Sat, 调休), 10-12 = 5 (late)
  市财政局 P5 issued Thu 9-24, published Mon 9-28 → 9-25 is 中秋, 9-26/27 weekend: 9-28 = 1
           P6 issued Mon 3-02, published Thu 3-05 → 3 (on time: within 3)
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from policies.models import Policy
from portal.supervision.measures import Figure, Measure, figures, measures
from portal.workcalendar.sql import WorkdaysBetween

TZ = ZoneInfo("Asia/Shanghai")
PUBLISHED = [
    # (department code, document number, issue date, publication date)
    ("yc-kjj", "P1", dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
    ("yc-kjj", "P2", dt.date(2026, 3, 2), dt.date(2026, 3, 6)),
    ("yc-kjj", "P3", dt.date(2026, 9, 30), dt.date(2026, 10, 9)),
    ("yc-kjj", "P4", dt.date(2026, 9, 29), dt.date(2026, 10, 12)),
    ("yc-czj", "P5", dt.date(2026, 9, 24), dt.date(2026, 9, 28)),
    ("yc-czj", "P6", dt.date(2026, 3, 2), dt.date(2026, 3, 5)),
]


def _days():
    return WorkdaysBetween("issue_date", TruncDate("published_at"))


def _published():
    return Policy.objects.filter(published_at__isnull=False)


def _late():
    return _published().annotate(sv_days=_days()).filter(sv_days__gt=3)


MEASURES = [
    Measure(
        key="testpolicies.published",
        label=_("发布政策"),
        records=_published,
        date="published_at",
        department="lead_department",
        category="document_number",
        columns=(("document_number", "文号"), ("title", "标题"), ("published_at", "发布时间")),
        description="统计期内发布的政策。",
    ),
    Measure(
        key="testpolicies.late",
        label=_("逾期发布政策"),
        records=_late,
        date="published_at",
        department="lead_department",
        category="document_number",
        columns=(("document_number", "文号"), ("issue_date", "印发日期"), ("published_at", "发布时间")),
        description="印发后超过3个工作日才发布的政策。",
    ),
    Measure(
        key="testpolicies.days",
        label=_("发布用时"),
        records=_published,
        date="published_at",
        department="lead_department",
        value=_days,
        distribution=True,
        columns=(("document_number", "文号"),),
    ),
]
FIGURES = [
    Figure(
        key="testpolicies.published",
        label="发布政策数",
        section="policies",
        kind=Figure.COUNT,
        measure="testpolicies.published",
        headline=True,
        trend=True,
    ),
    Figure(
        key="testpolicies.late_rate",
        label="逾期发布率",
        section="policies",
        kind=Figure.RATIO,
        measure="testpolicies.late",
        base="testpolicies.published",
        better=Figure.LOWER,
        target=0,
        headline=True,
        ranking=True,
    ),
    Figure(
        key="testpolicies.mean_days",
        label="平均发布用时",
        section="policies",
        kind=Figure.MEAN,
        measure="testpolicies.days",
        better=Figure.LOWER,
        ranking=True,
    ),
    Figure(
        key="testpolicies.p90_days",
        label="发布用时90分位",
        section="policies",
        kind=Figure.P90,
        measure="testpolicies.days",
    ),
]


def only_these(monkeypatch):
    """The dashboards show the test figures and the platform's only (the domains' figures are tested with their
    own data in tests/supervision/test_<domain>_metrics.py), so the hand-counted ranking stays the one above."""
    from portal.supervision import dashboard
    from portal.supervision.measures import figures_of

    def chosen(section=None, **flags):
        return [f for f in figures_of(section, **flags) if f.key.startswith(("testpolicies.", "platform."))]

    monkeypatch.setattr(dashboard, "figures_of", chosen)


def register():
    for measure in MEASURES:
        measures.register(measure)
    for figure in FIGURES:
        figures.register(figure)


def unregister():
    for figure in FIGURES:
        figures.unregister(figure.key)
    for measure in MEASURES:
        measures.unregister(measure.key)


def make_policies():
    """The six policies, published at 10:00 Beijing time on their publication dates."""
    from portal.org.models import Department
    from tests.factories.policies import PolicyFactory

    out = {}
    for code, number, issued, published in PUBLISHED:
        department = Department.objects.get(code=code)
        policy = PolicyFactory(
            lead_department=department, region=department.region, document_number=number, issue_date=issued
        )
        Policy.objects.filter(pk=policy.pk).update(
            status=Policy.Status.PUBLISHED,
            published_at=dt.datetime.combine(published, dt.time(10), tzinfo=TZ),
        )
        out[number] = policy
    return out
