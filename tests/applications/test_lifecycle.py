"""The application lifecycle through the services and the workflow kernel: every state of 申报审批,
即申即享 on authoritative data, one-time notices pausing the clocks, duplicates refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from applications import services
from applications.models import Application, Channel, Status, StepStatus
from applications.workflow import available, perform
from matters.models import DeliveryKind
from portal.org.roles import Role
from portal.workcalendar import clocks
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.policies import member

pytestmark = pytest.mark.django_db


def pdf(name="材料.pdf"):
    return files.upload(name, files.pdf())


def filled(application, user):
    services.update_form(application, {"contact_name": "李四", "contact_phone": "１３８ ００１３ ８０００"}, by=user)
    for material in application.matter.materials.filter(shared=False):
        services.attach(application, material, pdf(), by=user)
    return application


@pytest.fixture
def two_step():
    return published_matter(steps=2, shared=1)


def test_full_path_through_two_departments(two_step):
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, two_step, by=user)
    assert application.status == Status.DRAFT
    assert application.form_data["name"]["value"] == enterprise.name
    assert application.form_data["name"]["source"]
    assert application.materials.filter(source="shared").count() == 1
    filled(application, user)
    assert application.contact_phone == "13800138000"
    application = services.submit(application, by=user)
    assert application.status == Status.SUBMITTED
    assert application.eligibility["status"] == "eligible"
    assert application.estimated_amount == Decimal("200000.00")

    reviewer = member(two_step.department, Role.REVIEWER)
    approver_a = member(two_step.department, Role.APPROVER)
    reviewer_b = member(two_step.second_department, Role.REVIEWER)
    approver_b = member(two_step.second_department, Role.APPROVER)
    names = {t.name for t in available(application, reviewer)}
    assert names == {"start_pre_review", "request_supplement", "not_accept", "accept"}
    assert available(application, reviewer_b) == []

    perform(application, "accept", by=reviewer)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.current_step.department == two_step.department
    assert clocks.of(application, services.CASE_CLOCK).get().state == "running"
    with pytest.raises(PermissionDenied):
        perform(application, "pass_step", by=reviewer_b)
    assert {t.name for t in available(application, reviewer)} == {"request_supplement", "pass_step", "reject"}

    perform(application, "pass_step", by=reviewer, reason="材料齐全")
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    assert application.current_step.department == two_step.second_department
    with pytest.raises(PermissionDenied):
        perform(application, "approve", by=approver_a, approved_amount="200000")
    with pytest.raises(ValidationError):
        perform(application, "approve", by=approver_b, approved_amount="二十万")
    perform(application, "approve", by=approver_b, approved_amount="２００,０００", reason="同意")
    application.refresh_from_db()
    assert application.approved_amount == Decimal("200000.00")
    assert application.status == Status.PUBLICITY  # after commit, by the platform
    assert application.publicity_to is not None
    assert list(application.steps.values_list("status", flat=True)) == [StepStatus.PASSED, StepStatus.PASSED]


def test_supplement_pauses_and_returns_to_the_same_step(two_step):
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, two_step, by=user), user), by=user)
    reviewer = member(two_step.department, Role.REVIEWER)
    perform(application, "accept", by=reviewer)
    perform(application, "pass_step", by=reviewer)
    application.refresh_from_db()
    reviewer_b = member(two_step.second_department, Role.REVIEWER)
    material = two_step.materials.filter(shared=False).first()
    with pytest.raises(ValidationError):
        perform(application, "request_supplement", by=reviewer_b, items=[])
    notice = perform(
        application,
        "request_supplement",
        by=reviewer_b,
        reason="请补正",
        items=[
            {"material": material.pk, "problem": "defective", "detail": "须加盖公章"},
            {"subject": "申报表", "problem": "defective", "detail": "联系人电话无法接通"},
        ],
    )
    assert notice.items.count() == 2
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT
    step_clock = clocks.of(application.current_step, services.STEP_CLOCK).get()
    assert step_clock.state == "paused"
    assert clocks.of(application, services.CASE_CLOCK).get().state == "paused"
    assert [t.name for t in available(application, user)] == ["resubmit_to_step", "withdraw"]
    with pytest.raises(ValidationError, match="申报材料1"):
        perform(application, "resubmit_to_step", by=user)
    services.attach(application, material, pdf("盖章版.pdf"), by=user)
    perform(application, "resubmit_to_step", by=user)
    current = application.materials.filter(material=material, superseded=False)
    assert list(current.values_list("original_name", flat=True)) == ["盖章版.pdf"]
    assert application.materials.filter(material=material, superseded=True).count() == 1
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    assert application.current_step.department == two_step.second_department
    assert clocks.of(application.current_step, services.STEP_CLOCK).get().state == "running"


def test_instant_matter_is_approved_at_once_on_authoritative_data():
    matter = published_matter(delivery_kind=DeliveryKind.INSTANT)
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, matter, by=user), user), by=user)
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert application.auto_approved


def test_an_edited_prefill_sends_an_instant_application_to_the_department():
    matter = published_matter(delivery_kind=DeliveryKind.INSTANT)
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = filled(services.start(enterprise, matter, by=user), user)
    services.update_form(application, {"fact:revenue": "6000"}, by=user)
    assert application.edited_fields == ["fact:revenue"]
    application = services.submit(application, by=user)
    assert application.status == Status.SUBMITTED
    assert "申报人修改了预填数据" in services.instant_blockers(application)


def test_a_forged_original_counts_as_an_edit():
    matter = published_matter()
    enterprise = enterprise_with_user()
    application = services.start(enterprise, matter, by=enterprise.user)
    application.form_data["name"]["original"] = "别的公司"
    application.form_data["name"]["value"] = "别的公司"
    assert services.edited_fields(application) == ["name"]


def test_applying_twice_is_refused_by_the_service_and_the_database():
    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, matter, by=user), user), by=user)
    with pytest.raises(ValidationError, match="不能重复申报"):
        services.start(enterprise, matter, by=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            number="SB2099010100001",
            enterprise=enterprise,
            matter=matter,
            period=application.period,
            status=Status.SUBMITTED,
        )


def test_one_exclusive_group_is_applied_for_once():
    first = published_matter(exclusive_group="高企奖励")
    second = published_matter(exclusive_group="高企奖励")
    enterprise = enterprise_with_user()
    services.start(enterprise, first, by=enterprise.user)
    with pytest.raises(ValidationError, match="就高不重复"):
        services.start(enterprise, second, by=enterprise.user)


def test_withdrawn_application_frees_the_period():
    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, matter, by=user), user), by=user)
    reviewer = member(matter.department, Role.REVIEWER)
    perform(application, "accept", by=reviewer)
    perform(application, "withdraw", by=user, reason="项目调整")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert set(application.steps.values_list("status", flat=True)) == {StepStatus.CANCELLED}
    assert clocks.of(application, services.CASE_CLOCK).get().state == "stopped"
    again = services.start(enterprise, matter, by=user)
    assert again.pk != application.pk


def test_not_accepted_needs_a_reason_and_is_concluded():
    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, matter, by=user), user), by=user)
    reviewer = member(matter.department, Role.REVIEWER)
    with pytest.raises(ValidationError):
        perform(application, "not_accept", by=reviewer)
    perform(application, "not_accept", by=reviewer, reason="不属于本事项支持范围")
    application.refresh_from_db()
    assert application.is_concluded


def test_an_executable_renamed_pdf_is_refused():
    matter = published_matter()
    enterprise = enterprise_with_user()
    application = services.start(enterprise, matter, by=enterprise.user)
    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.attach(application, matter.materials.first(), fake, by=enterprise.user)
    assert not application.materials.exclude(file="").exists()


def test_a_paper_tick_taken_back_leaves_the_material_missing():
    from applications.models import SubmittedMaterial

    matter = published_matter()
    enterprise = enterprise_with_user()
    application = services.start(enterprise, matter, by=enterprise.user)
    material = matter.materials.get()
    row = SubmittedMaterial.objects.create(
        application=application, material=material, name=material.name, source="window", paper_received=True
    )
    assert services.missing_materials(application) == []
    row.paper_received = False
    row.save()
    assert services.missing_materials(application) == [material]


def test_window_case_is_started_by_the_clerk():
    matter = published_matter()
    enterprise = enterprise_with_user()
    from tests.factories.org import DepartmentFactory

    hall = DepartmentFactory(region=matter.region, name="宜昌市政务服务中心")
    clerk = member(hall, Role.CLERK)
    application = services.start(enterprise, matter, by=clerk, channel=Channel.WINDOW)
    assert application.clerk == clerk
    filled(application, clerk)
    application = services.submit(application, by=clerk)
    assert application.status == Status.SUBMITTED


def test_a_self_declared_qualification_sends_an_instant_application_to_the_department():
    from enterprises.models import Source
    from tests.factories.enterprises import QualificationFactory

    matter = published_matter(
        delivery_kind=DeliveryKind.INSTANT,
        criteria=[
            {"fact": "qualification", "operator": "has_qualification", "value": "hitech", "message": "高新技术企业"}
        ],
    )
    enterprise = enterprise_with_user()
    QualificationFactory(enterprise=enterprise, source=Source.SELF_DECLARED)
    user = enterprise.user
    application = services.submit(filled(services.start(enterprise, matter, by=user), user), by=user)
    application.refresh_from_db()
    assert application.eligibility["status"] == "eligible"
    assert application.status == Status.SUBMITTED
    assert "所用数据含企业自报数据" in services.instant_blockers(application)
