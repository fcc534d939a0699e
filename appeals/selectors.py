"""Reads for the appeals back office (诉求办理后台): queues, the current due date, the dispatch suggestion.

Nothing here changes an appeal; the workflow (`appeals.workflow.APPEAL`) does. Each queue is a queryset
condition on `Appeal`, so the admin's filters, the statistics' links and the tests read the same rule.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, AppealState, ExtensionRequest, ExtensionState
from portal import workdays
from portal.org.models import Department, Role
from portal.workcalendar.models import Clock

S = AppealState

# 我的待办 of the operators (12345话务员) of an operations centre, and of the handlers of a department.
OPERATOR_QUEUES = [
    ("submitted", _("待受理")),
    ("accepted", _("待派单")),
    ("returned", _("已退单待改派")),
    ("extension", _("延期待审")),
    ("overdue", _("超期/督办")),
]
DEPARTMENT_QUEUES = [
    ("dispatched", _("待签收")),
    ("handling", _("办理中")),
    ("waiting", _("待补充信息")),
    ("due_soon", _("即将到期")),
    ("late", _("已超期")),
]
OPEN_STATES = [S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.WAITING, S.REPLIED]
HANDLING_STATES = [S.DISPATCHED, S.HANDLING, S.WAITING]


def centres_of(user) -> QuerySet[Department]:
    """The operations centres where `user` is an operator (12345话务员)."""
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(
        kind=Department.Kind.OPERATIONS, memberships__user=user, memberships__role=Role.OPERATOR
    ).distinct()


def handling_departments_of(user) -> QuerySet[Department]:
    """The departments where `user` may sign, handle and reply (reviewer, approver or operator)."""
    from appeals.workflow import HANDLER_ROLES

    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(memberships__user=user, memberships__role__in=HANDLER_ROLES).distinct()


def _clocks(**filters):
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=OuterRef("pk"), **filters
    )


def running_clocks():
    """The appeal's running clocks (for an `Exists` or `Subquery` on `Appeal`)."""
    return _clocks(state=Clock.State.RUNNING)


def with_current_due(queryset):
    """Annotates `current_due`: the earliest due date of the appeal's running clocks (受理, 签收, 办理 or 评价)."""
    earliest = running_clocks().exclude(due_on__isnull=True).order_by("due_on", "id")
    return queryset.annotate(current_due=Subquery(earliest.values("due_on")[:1]))


def soon_day(today: dt.date | None = None) -> dt.date:
    """The last day that counts as 即将到期: the next working day after today."""
    return workdays.add_workdays(today or timezone.localdate(), 1)


def overdue_condition(today: dt.date | None = None):
    """超期: a running clock past its due date, or escalated (督办) and still open."""
    today = today or timezone.localdate()
    return Q(status__in=OPEN_STATES) & (
        Exists(running_clocks().filter(due_on__lt=today)) | Q(escalated_on__isnull=False, status__in=HANDLING_STATES)
    )


def queue(queryset, name: str, user, *, today: dt.date | None = None):
    """The appeals of `queryset` in 我的待办 `name` for `user` (see OPERATOR_QUEUES and DEPARTMENT_QUEUES)."""
    today = today or timezone.localdate()
    centres = centres_of(user)
    departments = handling_departments_of(user)
    mine_centre = Q(operations_centre__in=centres)
    mine_department = Q(department__in=departments)
    if name in {"submitted", "accepted", "returned"}:
        return queryset.filter(mine_centre, status=name)
    if name == "extension":
        pending = ExtensionRequest.objects.filter(appeal=OuterRef("pk"), status=ExtensionState.PENDING)
        return queryset.filter(mine_centre).filter(Exists(pending))
    if name == "overdue":
        return queryset.filter(mine_centre).filter(overdue_condition(today))
    if name in {"dispatched", "handling", "waiting"}:
        return queryset.filter(mine_department, status=name)
    if name == "due_soon":
        soon = running_clocks().filter(due_on__gte=today, due_on__lte=soon_day(today))
        return queryset.filter(mine_department, status__in=HANDLING_STATES).filter(Exists(soon))
    if name == "late":
        late = running_clocks().filter(due_on__lt=today)
        return queryset.filter(mine_department, status__in=HANDLING_STATES).filter(Exists(late))
    return queryset


def queues_for(user) -> list[tuple[str, str]]:
    """The queues offered to `user`: the operators', the departments', or both (an operator handles tickets
    reopened to the centre from the centre's own queues, so the departments' are offered for other departments)."""
    offered = []
    centres = centres_of(user)
    if centres.exists():
        offered += OPERATOR_QUEUES
    if handling_departments_of(user).exclude(pk__in=centres).exists():
        offered += [q for q in DEPARTMENT_QUEUES if q[0] not in dict(offered)]
    return offered


def suggestion(appeal) -> tuple[Department | None, str]:
    """派单建议 and its basis: (`services.suggested_department(appeal)`, "相关事项" / "相关申报" / "相关政策" /
    "同类诉求的办理部门"), or (None, "")."""
    from appeals import services

    department = services.suggested_department(appeal)
    if department is None:
        return None, ""
    if appeal.matter_id and appeal.matter.department_id == department.pk:
        return department, str(_("相关事项"))
    if appeal.application_id and appeal.application.matter.department_id == department.pk:
        return department, str(_("相关申报"))
    if appeal.policy_id and appeal.policy.lead_department_id == department.pk:
        return department, str(_("相关政策"))
    return department, str(_("同类诉求的办理部门"))
