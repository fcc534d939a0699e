"""Reads of the follow-up (办件跟踪) for dashboards and the back office: overdue steps and rectifications."""

from __future__ import annotations

from django.db.models import QuerySet

from applications.models import Rectification, ReviewStep, StepStatus


def overdue_steps(*, department=None, open_only: bool = True) -> QuerySet[ReviewStep]:
    """审核环节超期: steps recorded overdue by the deadline sweep (`overdue_at`), the oldest first.

    `open_only` keeps the steps still being handled; without it, steps finished late are counted too.
    """
    steps = ReviewStep.objects.filter(overdue_at__isnull=False).select_related(
        "application", "application__matter", "department"
    )
    if open_only:
        steps = steps.filter(status=StepStatus.ACTIVE)
    if department is not None:
        steps = steps.filter(department=department)
    return steps.order_by("overdue_at", "id")


def overdue_rectifications(*, department=None, today=None) -> QuerySet[Rectification]:
    """差评整改超期: open rectifications past their due date."""
    from applications import followup

    rows = followup.overdue_rectifications(today).select_related("department", "rating__application")
    if department is not None:
        rows = rows.filter(department=department)
    return rows
