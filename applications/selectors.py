"""Reads of applications: who sees which cases, and which steps wait for whom.

`visible_to` is `services.may_view` as a query (the same rules, one SQL filter), so a list never
shows a case its page would refuse; `steps_waiting_for` is `services.current_step_holder` as a query
(我的待办).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from applications import services
from applications.models import Application, Channel, ReviewStep, Status, StepStatus
from portal.org.models import Role
from portal.org.permissions import can, is_platform_admin

VIEW = "applications.view_application"


def _sees_everything(user) -> bool:
    """Supervisors (督查) and platform admins read every case."""
    return can(user, VIEW) and (is_platform_admin(user) or user.memberships.filter(role=Role.SUPERVISOR).exists())


def visible_to(user) -> QuerySet[Application]:
    """The applications `user` may see: an enterprise's members their enterprise's; staff the cases of their
    departments (the matter's implementing department or any step's department); a window clerk every window
    case; supervisors and platform admins all. The query form of `services.may_view`."""
    applications = Application.objects.all()
    if user is None or not getattr(user, "is_authenticated", False):
        return applications.none()
    if not user.is_staff:
        return applications.filter(enterprise__members__user=user).distinct()
    if _sees_everything(user):
        return applications
    seen = Q(pk__in=[])
    if can(user, VIEW):
        departments = user.memberships.values("department_id")
        stepped = ReviewStep.objects.filter(department_id__in=departments).values("application_id")
        seen |= Q(matter__department_id__in=departments) | Q(pk__in=stepped)
    if services.is_window_clerk(user):
        seen |= Q(channel=Channel.WINDOW)
    return applications.filter(seen)


def steps_waiting_for(user) -> QuerySet[ReviewStep]:
    """我的待办: the active steps of cases under review that `user` may decide — an approver's step by the
    department's approvers, a reviewer's step by its reviewers and approvers; supervisors and platform admins
    see every one. Steps of cases waiting for the enterprise's supplement (补正, clock paused) are not waiting
    for the department and are left out."""
    steps = ReviewStep.objects.filter(
        status=StepStatus.ACTIVE, application__status__in=(Status.ACCEPTED, Status.REVIEWING)
    )
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return steps.none()
    if is_platform_admin(user) or (
        can(user, "applications.view_reviewstep") and user.memberships.filter(role=Role.SUPERVISOR).exists()
    ):
        return steps
    if not can(user, services.PERM_REVIEW):
        return steps.none()
    approving = user.memberships.filter(role=Role.APPROVER).values("department_id")
    reviewing = user.memberships.filter(role=Role.REVIEWER).values("department_id")
    return steps.filter(Q(department_id__in=approving) | Q(department_id__in=reviewing, role=Role.REVIEWER))


def awaiting_pre_review(user) -> QuerySet[Application]:
    """待预审受理: submitted cases (提交、预审中) of the matters whose implementing department the user reviews
    for; every one for platform admins and supervisors."""
    applications = Application.objects.filter(status__in=(Status.SUBMITTED, Status.PRE_REVIEW))
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return applications.none()
    if _sees_everything(user):
        return applications
    departments = user.memberships.filter(role__in=(Role.REVIEWER, Role.APPROVER)).values("department_id")
    return applications.filter(matter__department_id__in=departments)
