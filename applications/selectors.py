"""Reads of applications.

For the enterprise's pages, every page of an application goes through `application_for`: an application the
user does not act for (another enterprise's number, or a staff account — staff review in the admin) is a 404,
never a 403, so that its existence is not revealed.

For staff, `visible_to` is `services.may_view` as a query (the same rules, one SQL filter), so a list never
shows a case its page would refuse; `steps_waiting_for` is `services.current_step_holder` as a query (我的待办).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services
from applications.models import (
    RELEASED_STATES,
    Application,
    Channel,
    MaterialSource,
    ReviewStep,
    Status,
    StepStatus,
    SubmittedMaterial,
)
from enterprises import selectors as enterprise_selectors
from portal.documents.models import normalise_code
from portal.org.models import Role
from portal.org.permissions import can, is_platform_admin
from portal.workdays import workdays_between


def application_for(user, number: str) -> Application:
    """The application `number` if `user` is a member of its enterprise (法定代表人 or 经办人), else Http404."""
    application = (
        Application.objects.select_related("matter__department", "enterprise", "current_step__department")
        .filter(number=str(number or "").upper())
        .first()
    )
    if application is None or not services.is_member(user, application.enterprise):
        raise Http404
    return application


def material_for(application: Application, pk) -> SubmittedMaterial:
    try:
        return application.materials.get(pk=pk, superseded=False)
    except (SubmittedMaterial.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def applications_of(enterprise):
    """我的申报: every application of the enterprise, drafts included, newest first."""
    return enterprise.applications.select_related("matter", "current_step").order_by("-created_at", "-id")


def applications_for_user(user):
    return (
        Application.objects.filter(enterprise__in=enterprise_selectors.enterprises_for_user(user))
        .select_related("matter", "enterprise", "current_step")
        .order_by("-created_at", "-id")
    )


def active_application(enterprise, matter, *, on: dt.date | None = None) -> Application | None:
    """The enterprise's application of `matter` in the current period that still holds it (a draft included)."""
    period = services.period_for(matter, on or timezone.localdate())
    return (
        Application.objects.filter(enterprise=enterprise, matter=matter, period=period)
        .exclude(status__in=RELEASED_STATES)
        .first()
    )


def next_action(application: Application) -> str:
    """What the enterprise should do next (下一步), in one phrase."""
    if application.status == Status.DRAFT:
        return _("继续填写并提交")
    if application.status == Status.SUPPLEMENT:
        return _("按一次性告知书补正材料")
    if application.is_concluded and not hasattr(application, "rating"):
        return _("评价本次服务")
    if application.status in (Status.WITHDRAWN, Status.CLOSED, Status.PAID) or application.is_concluded:
        return _("无需操作")
    return _("等待办理，可随时查看进度")


# --- the one form's fields as shown ----------------------------------------------------------------------------


@dataclass
class ShownField:
    key: str
    label: str
    required: bool
    kind: str
    value: str
    prefilled: bool
    source: str
    as_of: str | None
    edited: bool
    missing: str


def shown_fields(application: Application, edited: list[str] | None = None) -> list[ShownField]:
    data = application.form_data or {}
    edited = set(edited if edited is not None else services.edited_fields(application))
    rows = []
    for field in services.form_fields(application):
        entry = data.get(field.key) or {}
        rows.append(
            ShownField(
                key=field.key,
                label=str(field.label),
                required=field.required,
                kind=field.kind,
                value=str(entry.get("value", "")),
                prefilled=bool(entry.get("prefilled")),
                source=str(entry.get("source") or ""),
                as_of=entry.get("as_of"),
                edited=field.key in edited,
                missing=str(entry.get("missing") or ""),
            )
        )
    return rows


@dataclass
class MaterialRow:
    material: object
    files: list
    shared: bool
    missing: bool


def material_rows(application: Application) -> list[MaterialRow]:
    """The guide's materials (申报材料) with what is on file for each; files not tied to a guide material last."""
    on_file = list(application.materials.filter(superseded=False).select_related("material"))
    rows = []
    for material in application.matter.materials.order_by("position", "id"):
        files = [row for row in on_file if row.material_id == material.pk]
        present = any(row.file or row.paper_received or row.source == MaterialSource.SHARED for row in files)
        rows.append(MaterialRow(material, files, material.shared, material.required and not present))
    others = [row for row in on_file if row.material_id is None]
    if others:
        rows.append(MaterialRow(None, others, False, False))
    return rows


# --- timeline (办理过程) -----------------------------------------------------------------------------------------


@dataclass
class Event:
    at: dt.datetime
    what: str
    who: str


def _actor(user, application) -> str:
    """Who did it, as a department or role, never a person's name."""
    if user is None:
        return _("平台自动办理")
    if services.is_member(user, application.enterprise):
        return _("申报企业")
    memberships = list(user.memberships.select_related("department")) if getattr(user, "is_staff", False) else []
    if not memberships:
        return _("工作人员")
    related = {application.matter.department_id, *application.steps.values_list("department_id", flat=True)}
    chosen = next((m for m in memberships if m.department_id in related), memberships[0])
    if application.channel == Channel.WINDOW and application.clerk_id == user.pk:
        return _("%(department)s窗口") % {"department": chosen.department.name}
    return chosen.department.name


def timeline(application: Application) -> list[Event]:
    """The case's history: each change of state of the application and of its steps, with the acting department."""
    events = []
    previous = None
    for record in application.history.select_related("history_user").order_by("history_date", "history_id"):
        if previous is None or record.status != previous:
            what = record.history_change_reason or Status(record.status).label
            events.append(Event(record.history_date, what, _actor(record.history_user, application)))
        previous = record.status
    for step in application.steps.select_related("department"):
        before = None
        for record in step.history.order_by("history_date", "history_id"):
            if record.status != before and record.status != StepStatus.WAITING:
                label = StepStatus(record.status).label
                events.append(Event(record.history_date, f"{step.name}：{label}", step.department.name))
            before = record.status
    for notice in application.notices.all():
        if notice.answered_at:
            events.append(Event(notice.answered_at, _("补正材料已提交"), _("申报企业")))
    events.sort(key=lambda e: e.at)
    return events


def working_days_left(step) -> int | None:
    if step is None or step.due_on is None:
        return None
    today = timezone.localdate()
    if step.due_on < today:
        return -workdays_between(step.due_on, today)
    return workdays_between(today, step.due_on)


# --- the public progress page (办件进度查询) --------------------------------------------------------------------------


def by_code(code: str) -> Application | None:
    code = normalise_code(code)
    if len(code) != 12:
        return None
    return (
        Application.objects.select_related("matter__department").exclude(status=Status.DRAFT).filter(code=code).first()
    )


@dataclass
class Stage:
    label: str
    day: dt.date | None
    department: str
    state: str  # done | current | waiting


def public_stages(application: Application) -> list[Stage]:
    """Only what anyone holding the code may see: stages, dates and departments; no names, contacts or amounts."""
    department = application.matter.department.name
    stages = [Stage(_("提交申报"), _day(application.submitted_at), department, "done")]
    accepted = application.accepted_at is not None
    if application.status == Status.NOT_ACCEPTED:
        stages.append(Stage(_("不予受理"), _day(application.decided_at), department, "done"))
        return stages
    stages.append(Stage(_("受理"), _day(application.accepted_at), department, "done" if accepted else "current"))
    for step in application.steps.select_related("department").order_by("position", "id"):
        state = {StepStatus.ACTIVE: "current", StepStatus.WAITING: "waiting"}.get(step.status, "done")
        label = f"{step.name}（{step.get_status_display()}）"
        stages.append(Stage(label, _day(step.decided_at), step.department.name, state))
    if application.decided_at and application.status not in (Status.WITHDRAWN,):
        stages.append(Stage(_("办结"), _day(application.decided_at), department, "done"))
    return stages


def _day(value):
    return timezone.localdate(value) if value else None


# --- staff ----------------------------------------------------------------------------------------------------------

VIEW = "applications.view_application"


def _sees_everything(user) -> bool:
    """Supervisors (督查) and platform admins read every case."""
    return can(user, VIEW) and (is_platform_admin(user) or user.memberships.filter(role=Role.SUPERVISOR).exists())


def visible_to(user) -> QuerySet[Application]:
    """The applications `user` may see: an enterprise's members their enterprise's; staff the cases of their
    departments (the matter's implementing department or any step's department); finance the cases of its
    region from 待兑付 on; a window clerk every window case; supervisors and platform admins all.
    The query form of `services.may_view`."""
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
        for prefix in services.finance_region_prefixes(user):
            seen |= Q(status__in=services.PAYOUT_STATES, matter__region__code__startswith=prefix)
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
