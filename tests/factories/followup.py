"""Applications brought through the workflow to the follow-up states: in publicity, concluded, rated."""

from django.utils import timezone

from applications import services
from applications.models import Application, Rating, RatingLevel, Rectification, Status
from applications.workflow import perform
from portal.org.roles import Role
from portal.workdays import add_workdays
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.policies import member


def submitted(matter=None, enterprise=None) -> Application:
    """An application filled from the archive, its materials attached, submitted by the enterprise."""
    matter = matter or published_matter()
    enterprise = enterprise or enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    for material in matter.materials.filter(shared=False):
        services.attach(application, material, files.upload("材料.pdf", files.pdf()), by=user)
    return services.submit(application, by=user)


def accepted(matter=None, enterprise=None, at=None) -> Application:
    """受理 by the matter's department (at `at`, default now): the first step is open, with its clock."""
    application = submitted(matter, enterprise)
    perform(application, "accept", by=member(application.matter.department, Role.REVIEWER), at=at)
    application.refresh_from_db()
    return application


def in_publicity(matter=None, enterprise=None, amount="200000") -> Application:
    """核准 at the only step (a one-step matter), then 公示 (by the platform, as after commit)."""
    application = accepted(matter, enterprise)
    approver = member(application.current_step.department, Role.APPROVER)
    perform(application, "approve", by=approver, approved_amount=amount, reason="同意")
    application.refresh_from_db()
    if application.status == Status.APPROVED:
        perform(application, "publicize", by=None)
        application.refresh_from_db()
    return application


def concluded(matter=None, enterprise=None) -> Application:
    """公示期满 → 待兑付 (办结 for rating purposes)."""
    application = in_publicity(matter, enterprise)
    Application.objects.filter(pk=application.pk).update(publicity_to=timezone.localdate())
    application.refresh_from_db()
    perform(application, "end_publicity", by=None)
    application.refresh_from_db()
    return application


def rated(application, level=RatingLevel.DISSATISFIED, comment="审核周期较长，电话无人接听。") -> Rating:
    return Rating.objects.create(
        application=application, level=level, comment=comment, rated_by=application.enterprise.members.first().user
    )


def rectification(rating, *, due_on=None) -> Rectification:
    """差评整改 of the matter's department, due in 15 working days unless told otherwise."""
    return Rectification.objects.create(
        rating=rating,
        department=rating.application.matter.department,
        due_on=due_on or add_workdays(timezone.localdate(), 15),
    )
