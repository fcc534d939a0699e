"""Demo applications: cases of the 科技局's matters in every stage, for the demo enterprise and others.

The showcase enterprise (user 13800138000) has a draft, a case waiting for pre-review, one in 补正 with a
one-time notice, one at its first review step, one in publicity and one decided (ready for 好差评); other
enterprises fill the 科技局 reviewers' queue and the publicity page; one case was taken at the window.
Everything goes through the services and the workflow, as people would do it.
"""

from __future__ import annotations

import io
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

REASON_OK = "申报材料齐全，符合申报条件。"


def _pdf(title: str) -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue())


def _fill(application, user, *, phone="13800138000"):
    from applications import services

    services.update_form(
        application,
        {
            "contact_name": application.enterprise.contact_name or "王经办",
            "contact_phone": phone,
            "project": "按申报指南要求申报。",
        },
        by=user,
    )
    for material in application.matter.materials.filter(shared=False, required=True):
        services.attach(application, material, _pdf(material.name), by=user)


def _staff(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


# The showcase's cases, most telling first (the 科技局 has only a few matters open at any time).
STAGES = ["to_payout", "supplement", "accepted", "submitted", "publicity", "draft"]


def _run_to(application, stage, user):
    from applications import services
    from applications.workflow import perform

    if stage == "draft":
        services.update_form(application, {"contact_name": "王经办"}, by=user)
        return
    _fill(application, user)
    application = services.submit(application, by=user)
    application.refresh_from_db()
    if application.status != "submitted":
        return
    reviewer, approver = _staff("kjj_reviewer"), _staff("kjj_approver")
    if stage == "supplement":
        material = application.matter.materials.filter(shared=False).first()
        items = [{"subject": "申报表", "problem": "defective", "detail": "请补充项目实施情况说明（不少于300字）"}]
        if material is not None:
            items.insert(0, {"material": material.pk, "problem": "defective", "detail": "须加盖企业公章的扫描件"})
        perform(application, "request_supplement", by=reviewer, reason="材料需补正", items=items)
    elif stage == "accepted":
        perform(application, "accept", by=reviewer)
    elif stage in ("publicity", "to_payout"):
        perform(application, "accept", by=reviewer)
        application.refresh_from_db()
        while application.current_step is not None and not services.is_last_step(application):
            holder = approver if application.current_step.role == "approver" else reviewer
            perform(application, "pass_step", by=holder, reason=REASON_OK)
            application.refresh_from_db()
        perform(
            application,
            "approve",
            by=approver,
            reason="同意支持",
            approved_amount=application.estimated_amount or 50000,
        )
        application.refresh_from_db()
        if application.status == "approved":  # its after-commit effect would publicize it once the demo commits
            perform(application, "publicize", by=None)
            application.refresh_from_db()
        if stage == "to_payout" and application.status == "publicity":
            # As if approved a publicity period ago: the period is over today.
            from portal.workdays import add_workdays

            today = timezone.localdate()
            type(application).objects.filter(pk=application.pk).update(
                publicity_from=add_workdays(today, -application.matter.publicity_days), publicity_to=today
            )
            perform(application, "end_publicity", by=None)


def _candidates(enterprise, department, delivery):
    from matters.models import Matter

    today = timezone.localdate()
    matters = Matter.objects.filter(status="published", department=department, delivery_kind=delivery).order_by("code")
    return [m for m in matters if m.window_open_on(today) and m.materials.exists()]


def _apply(enterprise, user, matters, stage, *, channel="online", used=None):
    """Applies for the first matter that takes this enterprise now; returns it or None."""
    from applications import services

    used = used if used is not None else set()
    for matter in matters:
        if matter.pk in used or (matter.exclusive_group and matter.exclusive_group in used):
            continue
        try:
            with transaction.atomic():
                application = services.start(enterprise, matter, by=user, channel=channel)
                _run_to(application, stage, user)
        except (ValidationError, PermissionDenied) as error:
            log.info("demo application skipped: %s", error)
            continue
        used.add(matter.pk)
        if matter.exclusive_group:
            used.add(matter.exclusive_group)
        return application
    return None


def load():
    from applications.models import Application
    from enterprises.models import Enterprise, EnterpriseMember
    from matters.models import DeliveryKind
    from portal.accounts.models import User
    from portal.core.crypto import digest
    from portal.org.demo import ENTERPRISE_PHONE
    from portal.org.models import Department

    if Application.objects.exists():
        return
    department = Department.objects.filter(code="yc-kjj").first()
    user = User.objects.filter(phone_digest=digest(ENTERPRISE_PHONE)).first()
    member = EnterpriseMember.objects.filter(user=user).select_related("enterprise").first() if user else None
    if department is None or member is None:
        return
    showcase = member.enterprise
    reviewed = _candidates(showcase, department, DeliveryKind.REVIEWED)
    used: set = set()
    for stage in STAGES:
        _apply(showcase, user, reviewed, stage, used=used)
    # 即申即享: approved at once when the shared data prove every criterion.
    _apply(showcase, user, _candidates(showcase, department, DeliveryKind.INSTANT), "submitted", used=used)
    # Others fill the reviewers' queue and the publicity page, each through its own (demo) member login.
    others = Enterprise.objects.filter(region__code__startswith="4205").exclude(pk=showcase.pk).order_by("uscc")[:8]
    stages = ["submitted", "submitted", "accepted", "accepted", "publicity", "publicity", "to_payout", "supplement"]
    for enterprise, stage in zip(others, stages, strict=False):
        agent = _member_of(enterprise)
        _apply(enterprise, agent, reviewed, stage)
    _confirmation_list(department)
    clerk = _staff("zwfw_clerk")
    if clerk is not None:
        walk_in = Enterprise.objects.filter(region__code__startswith="4205").exclude(pk=showcase.pk).order_by("-uscc")
        _apply(walk_in.first(), clerk, reviewed, "submitted", channel="window")


def _confirmation_list(department):
    """免申即享: the first automatic matter with eligible enterprises (the 科技局's if it has one) gets its list,
    built, accepted and pushed (by the platform admin where the department has no demo staff)."""
    from applications import confirmations
    from matters.matching import eligible_for_confirmation, match_matter
    from matters.models import DeliveryKind, Matter

    admin = _staff("platform_admin")
    matters = Matter.objects.filter(status="published", delivery_kind=DeliveryKind.AUTOMATIC)
    for matter in sorted(matters, key=lambda m: (m.department_id != department.pk, m.code)):
        if not eligible_for_confirmation(matter).exists():
            match_matter(matter)
        if not eligible_for_confirmation(matter).exists():
            continue
        own = matter.department_id == department.pk
        reviewer = _staff("kjj_reviewer") if own else admin
        approver = _staff("kjj_approver") if own else admin
        if reviewer is None or approver is None:
            continue
        try:
            with transaction.atomic():
                listed = confirmations.build_list(matter, by=reviewer)
                confirmations.accept(listed, by=approver)
        except ValidationError as error:
            log.info("demo confirmation list skipped: %s", error)
            continue
        confirmations.notify_list(listed.pk)
        return


def _member_of(enterprise):
    """A demo 经办人 login for an enterprise without one (no password: it cannot sign in)."""
    from enterprises.models import EnterpriseMember
    from portal.accounts.models import User

    existing = EnterpriseMember.objects.filter(enterprise=enterprise).select_related("user").first()
    if existing is not None:
        return existing.user
    user = User.objects.create(username=f"demo-{enterprise.uscc}", kind=User.Kind.ENTERPRISE)
    user.set_unusable_password()
    user.save()
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=EnterpriseMember.Role.AGENT, added_by=user)
    return user
