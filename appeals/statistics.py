"""诉求统计 for the dashboards (宜昌 §36, 常州 §29, 无锡 §22): per department and per kind, over a period.

The appeals counted are those submitted in the period (`Period`, local dates, both ends included) that the
reader may see (`services.visible_to`); a department's own staff (without `appeals.view_appeal_statistics`)
see their own department's row only. Per appeal (one row per department it is with now — 承办部门, or
（未派单） — and per kind):

- 受理数 (received): every appeal submitted;
- 按时受理 (accepted within limit): accepted, its 受理 clock stopped on time (`stopped_late` false);
- 按时签收 (signed within limit): the dispatch record of the department the appeal is with now (its latest record)
  was signed (`DispatchRecord.signed_at`) and the 签收 clock stopped by that signature did not stop late; a
  dispatch returned unsigned counts as signed for nobody, one still waiting counts as not (yet) signed;
- 已答复 / 按时答复 (replied within limit): answered, and none of its 办理 clocks stopped late or running overdue,
  leaving out a 办理 clock stopped by a 退单 (the lateness of the department that returned it is not the lateness
  of the department that answered);
- 平均答复用时: working days (the official calendar, in SQL) from submission to the first reply;
- 满意 / 基本满意 / 不满意 / 未评价 (answered, no evaluation yet or lapsed); 满意率 = (满意 + 基本满意) ÷ evaluated;
- 重办率 = appeals reopened ÷ appeals answered;
- 退单 (returns) and 延期申请 / 同意延期 (extensions): counted for the department that returned or asked,
  on the appeals of the period;
- 超时限三倍 (`triple_overdue_on` set) and 超期督办 (`escalated_on` set).

Every figure is an SQL aggregate (`Count(filter=…)`, `Avg`); Python only merges the aggregated rows. The
conditions are `conditions()`, which the admin list's 统计口径 filter applies too, so each number links to the
appeals behind it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery
from django.db.models.aggregates import Avg
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals.models import Appeal, AppealKind, DispatchRecord, ExtensionRequest, ExtensionState, Satisfaction
from portal.org.models import Department
from portal.org.permissions import can
from portal.supervision import periods
from portal.workcalendar.models import Clock
from portal.workcalendar.sql import WorkdaysBetween

PERMISSION = "appeals.view_appeal_statistics"
ONE_PLACE = Decimal("0.1")


class Period(periods.Period):
    """The kernel's period (local dates, both included), whose admin-list query is the appeals' submission date."""

    def query(self) -> dict[str, str]:
        """The admin list's query for the same appeals (submitted_at__gte / __lt)."""
        first, after = self.bounds()
        return {"submitted_at__gte": first.isoformat(), "submitted_at__lt": after.isoformat()}


def _clocks(kind: str):
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=OuterRef("pk"), kind=kind
    )


def _late(kind: str, today: dt.date):
    return _clocks(kind).filter(Q(stopped_late=True) | Q(state=Clock.State.RUNNING, due_on__lt=today))


def _late_handling(today: dt.date):
    """The late 办理 clocks of an appeal but those a 退单 stopped (they belong to the department that returned it)."""
    returned = DispatchRecord.objects.filter(appeal_id=OuterRef("object_id"), returned_at=OuterRef("stopped_at"))
    return _late("appeal_handle", today).filter(~Exists(returned))


def _signed_in_time():
    """The appeal's latest dispatch is to its current department, signed, and the 签收 clock that signature
    stopped (stopped at the same moment) did not stop late."""
    latest = DispatchRecord.objects.filter(appeal_id=OuterRef(OuterRef("pk"))).order_by("-dispatched_at", "-id")
    on_time = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id=OuterRef("appeal_id"),
        kind="appeal_sign",
        state=Clock.State.STOPPED,
        stopped_at=OuterRef("signed_at"),
        stopped_late=False,
    )
    signed = DispatchRecord.objects.filter(
        pk=Subquery(latest.values("pk")[:1]),
        department_id=OuterRef("department_id"),
        signed_at__isnull=False,
    ).filter(Exists(on_time))
    return Exists(signed)


def conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The condition of each counted figure, as a `Q` on `Appeal` (see the module's definitions)."""
    today = today or timezone.localdate()
    stopped = {"state": Clock.State.STOPPED}
    replied = Q(replied_at__isnull=False)
    return {
        "received": Q(),
        "accepted_in_time": Q(
            Exists(_clocks("appeal_accept").filter(stopped_late=False, **stopped)), accepted_at__isnull=False
        ),
        "signed_in_time": Q(_signed_in_time()),
        "replied": replied,
        "replied_in_time": replied & Q(~Exists(_late_handling(today))),
        "satisfied": Q(satisfaction=Satisfaction.SATISFIED),
        "basic": Q(satisfaction=Satisfaction.BASIC),
        "unsatisfied": Q(satisfaction=Satisfaction.UNSATISFIED),
        "unevaluated": replied & Q(satisfaction=""),
        "reopened": Q(reopen_count__gt=0),
        "triple": Q(triple_overdue_on__isnull=False),
        "escalated": Q(escalated_on__isnull=False),
    }


CONDITION_LABELS = {
    "received": gettext_lazy("受理数"),
    "accepted_in_time": gettext_lazy("按时受理"),
    "signed_in_time": gettext_lazy("按时签收"),
    "replied": gettext_lazy("已答复"),
    "replied_in_time": gettext_lazy("按时答复"),
    "satisfied": gettext_lazy("满意"),
    "basic": gettext_lazy("基本满意"),
    "unsatisfied": gettext_lazy("不满意"),
    "unevaluated": gettext_lazy("未评价"),
    "reopened": gettext_lazy("重办"),
    "triple": gettext_lazy("超时限三倍"),
    "escalated": gettext_lazy("超期督办"),
}

COLUMNS = [
    ("label", gettext_lazy("名称")),
    *CONDITION_LABELS.items(),
    ("avg_days", gettext_lazy("平均答复用时（工作日）")),
    ("satisfaction_rate", gettext_lazy("满意率（%）")),
    ("reopen_rate", gettext_lazy("重办率（%）")),
    ("returns", gettext_lazy("退单")),
    ("extensions", gettext_lazy("延期申请")),
    ("extensions_approved", gettext_lazy("同意延期")),
]
# Without the name column: what the page's cells show.
STATISTIC_COLUMNS = COLUMNS[1:]
# The figures that link to the appeal list behind them.
LINKED = set(CONDITION_LABELS)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _first_reply():
    from appeals.models import AppealReply

    first = AppealReply.objects.filter(appeal=OuterRef("pk")).order_by("replied_at", "id")
    return Subquery(first.values("replied_at")[:1])


def _aggregates(today: dt.date) -> dict:
    figures = {
        name: Count("pk", filter=condition) if condition else Count("pk")
        for name, condition in conditions(today).items()
    }
    days = WorkdaysBetween(TruncDate("submitted_at"), TruncDate(_first_reply()))
    figures["avg_days"] = Avg(
        Cast(days, DecimalField(max_digits=12, decimal_places=2)), filter=Q(replied_at__isnull=False)
    )
    return figures


def may_view(user) -> bool:
    """Holders of `appeals.view_appeal_statistics` (operators, supervisors, platform admins) see every row of the
    appeals they may see; the handlers of a department see their department's row."""
    from appeals.selectors import handling_departments_of

    if not (user.is_active and user.is_staff):
        return False
    return can(user, PERMISSION) or handling_departments_of(user).exists()


@dataclass
class Row:
    key: object
    label: str
    figures: dict

    def __getitem__(self, name):
        return self.label if name == "label" else self.figures.get(name)

    def get(self, name):
        return self[name]


class Statistics:
    """The tables for `user` over `period` (as of `today`, for clocks still running)."""

    def __init__(self, user, period: Period, *, today: dt.date | None = None):
        from appeals import services
        from appeals.selectors import handling_departments_of

        self.user = user
        self.period = period
        self.today = today or timezone.localdate()
        first, after = period.bounds()
        base = services.visible_to(user).filter(submitted_at__gte=first, submitted_at__lt=after)
        self.own_only = not can(user, PERMISSION)
        self.departments = None
        if self.own_only:
            self.departments = set(handling_departments_of(user).values_list("pk", flat=True))
            base = base.filter(department_id__in=self.departments)
        self.base = base

    def _rows(self, group: str, labels: dict, *, other_group: str) -> list[Row]:
        rows = {}
        aggregated = self.base.values(group).annotate(**_aggregates(self.today)).order_by(group)
        for values in aggregated:
            key = values.pop(group)
            rows[key] = Row(key, labels.get(key, str(_("（未派单）"))), values)
        appeals = self.base.values("pk")
        returns = (
            DispatchRecord.objects.filter(appeal__in=appeals, returned_at__isnull=False)
            .values(other_group)
            .annotate(n=Count("pk"))
        )
        extensions = (
            ExtensionRequest.objects.filter(appeal__in=appeals)
            .values(other_group)
            .annotate(n=Count("pk"), approved=Count("pk", filter=Q(status=ExtensionState.APPROVED)))
        )
        for values in returns:
            self._row(rows, values[other_group], labels)["returns"] = values["n"]
        for values in extensions:
            row = self._row(rows, values[other_group], labels)
            row["extensions"], row["extensions_approved"] = values["n"], values["approved"]
        if self.departments is not None and group == "department":
            rows = {key: row for key, row in rows.items() if key in self.departments}
        return [self._finish(row) for row in rows.values()]

    def _row(self, rows, key, labels) -> dict:
        if key not in rows:
            rows[key] = Row(key, labels.get(key, str(_("（未派单）"))), dict.fromkeys(CONDITION_LABELS, 0))
        return rows[key].figures

    @staticmethod
    def _finish(row: Row) -> Row:
        f = row.figures
        for name in ("returns", "extensions", "extensions_approved"):
            f.setdefault(name, 0)
        evaluated = f["satisfied"] + f["basic"] + f["unsatisfied"]
        f["satisfaction_rate"] = percent(f["satisfied"] + f["basic"], evaluated)
        f["reopen_rate"] = percent(f["reopened"], f["replied"])
        if f.get("avg_days") is not None:
            f["avg_days"] = Decimal(f["avg_days"]).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
        return row

    def by_department(self) -> list[Row]:
        ids = set(self.base.values_list("department_id", flat=True))
        ids |= set(
            DispatchRecord.objects.filter(appeal__in=self.base.values("pk")).values_list("department_id", flat=True)
        )
        departments = Department.objects.filter(pk__in=ids - {None}).select_related("region")
        labels = {d.pk: d.name for d in departments}
        order = {d.pk: (d.region.code, d.code) for d in departments}
        rows = self._rows("department", labels, other_group="department")
        return sorted(rows, key=lambda row: (row.key is None, order.get(row.key, ("", ""))))

    def by_kind(self) -> list[Row]:
        labels = dict(AppealKind.choices)
        labels = {key: str(label) for key, label in labels.items()}
        rows = self._rows("kind", labels, other_group="appeal__kind")
        order = list(AppealKind.values)
        return sorted(rows, key=lambda row: order.index(row.key) if row.key in order else len(order))

    def total(self) -> Row:
        values = self.base.aggregate(**_aggregates(self.today))
        appeals = self.base.values("pk")
        if self.departments is not None:
            returned = DispatchRecord.objects.filter(department_id__in=self.departments)
            asked = ExtensionRequest.objects.filter(department_id__in=self.departments)
        else:
            returned, asked = DispatchRecord.objects.all(), ExtensionRequest.objects.all()
        values["returns"] = returned.filter(appeal__in=appeals, returned_at__isnull=False).count()
        extensions = asked.filter(appeal__in=appeals).aggregate(
            n=Count("pk"), approved=Count("pk", filter=Q(status=ExtensionState.APPROVED))
        )
        values["extensions"], values["extensions_approved"] = extensions["n"], extensions["approved"]
        return self._finish(Row("total", str(_("合计")), values))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in an exported sheet
    return value


def workbook(statistics: Statistics, *, title: str) -> bytes:
    """Two sheets, 按部门 and 按诉求类型, each with the total row; the period in the first line."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    total = statistics.total()
    for index, (name, rows) in enumerate(
        [(_("按部门"), statistics.by_department()), (_("按诉求类型"), statistics.by_kind())]
    ):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name[:31]
        sheet.append([title])
        sheet.append([str(label) for _key, label in COLUMNS])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*rows, total]:
            sheet.append([_cell(row[key]) for key, _label in COLUMNS])
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
