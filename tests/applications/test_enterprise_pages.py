"""The enterprise's application pages: start from the guide, the one form, materials, confirmation, the case
page with 补正, withdrawal and 好差评, 我的申报, and the public progress page — each as the enterprise user,
with valid and invalid input, and another enterprise's user getting 404."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import ratings, services
from applications.models import Application, Rating, RatingLevel, Rectification, Status
from applications.workflow import perform
from matters.models import DeliveryKind
from portal.org.roles import Role
from portal.workcalendar import clocks
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def pdf(name="材料.pdf"):
    return files.upload(name, files.pdf())


@pytest.fixture
def matter():
    return published_matter(steps=2, shared=1)


@pytest.fixture
def enterprise():
    return enterprise_with_user()


@pytest.fixture
def signed_in(client, enterprise):
    client.force_login(enterprise.user, backend=BACKEND)
    return client


@pytest.fixture
def draft(matter, enterprise):
    return services.start(enterprise, matter, by=enterprise.user)


def url(name, application, **kwargs):
    return reverse(f"applications:{name}", kwargs={"number": application.number, **kwargs})


def complete(application, user):
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    for material in application.matter.materials.filter(shared=False):
        services.attach(application, material, pdf(), by=user)
    return application


def submitted(application, user):
    return services.submit(complete(application, user), by=user)


# --- the guide's button -------------------------------------------------------------------------------------------


def test_the_guide_offers_online_application_to_a_member(signed_in, matter):
    page = signed_in.get(matter.get_absolute_url())
    assert "在线申报" in page.content.decode()
    assert reverse("applications:new", kwargs={"code": matter.code}) in page.content.decode()


def test_the_guide_links_the_existing_application(signed_in, draft):
    page = signed_in.get(draft.matter.get_absolute_url()).content.decode()
    assert draft.number in page
    assert draft.get_absolute_url() in page


def test_the_guide_explains_an_automatic_matter(signed_in):
    automatic = published_matter(delivery_kind=DeliveryKind.AUTOMATIC)
    page = signed_in.get(automatic.get_absolute_url()).content.decode()
    assert "免申即享，无需申报" in page
    assert reverse("applications:new", kwargs={"code": automatic.code}) not in page


def test_the_guide_explains_a_closed_window(signed_in):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    from matters.models import Matter

    closed = published_matter()
    Matter.objects.filter(pk=closed.pk).update(
        window_kind="fixed", window_opens=today - dt.timedelta(days=60), window_closes=today - dt.timedelta(days=1)
    )
    page = signed_in.get(closed.get_absolute_url()).content.decode()
    assert "截止" in page
    assert reverse("applications:new", kwargs={"code": closed.code}) not in page


# --- start and the one form ----------------------------------------------------------------------------------------


def test_start_opens_the_draft_and_shows_the_prefilled_form(signed_in, matter, enterprise):
    response = signed_in.post(reverse("applications:new", kwargs={"code": matter.code}))
    application = Application.objects.get(enterprise=enterprise, matter=matter)
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    page = signed_in.get(application.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert enterprise.name in html
    assert "来源：" in html
    assert "数据共享获取，免提交" in html
    estimate = services.eligibility_snapshot(application)["amount_text"]
    assert "测算金额" in html and estimate and estimate in html
    assert "符合全部条件" in html


def test_start_refused_for_an_automatic_matter_with_its_message(signed_in):
    automatic = published_matter(delivery_kind=DeliveryKind.AUTOMATIC)
    response = signed_in.post(reverse("applications:new", kwargs={"code": automatic.code}))
    assert response.status_code == 400
    assert "免申即享事项，无需申报" in response.content.decode()


def test_start_without_an_enterprise_goes_to_the_claim(client, matter):
    from tests.factories.accounts import EnterpriseUserFactory

    client.force_login(EnterpriseUserFactory(), backend=BACKEND)
    response = client.get(reverse("applications:new", kwargs={"code": matter.code}))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:claim")


def test_saving_the_draft_normalises_and_marks_edits(signed_in, draft, enterprise):
    response = signed_in.post(
        draft.get_absolute_url(),
        {
            "save": "1",
            "name": enterprise.name + "（分公司）",
            "contact_name": "李四",
            "contact_phone": "１３８ ００１３ ８０００",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.contact_phone == "13800138000"
    assert "name" in draft.edited_fields
    html = signed_in.get(draft.get_absolute_url()).content.decode()
    assert "已修改，审核人员可见" in html


def test_an_invalid_phone_is_refused_in_chinese(signed_in, draft):
    response = signed_in.post(draft.get_absolute_url(), {"save": "1", "contact_phone": "12345"})
    assert response.status_code == 400
    assert "手机" in response.content.decode() or "电话" in response.content.decode()
    draft.refresh_from_db()
    assert draft.contact_phone == ""


def test_upload_and_remove_a_material(signed_in, draft):
    material = draft.matter.materials.filter(shared=False).first()
    response = signed_in.post(url("upload", draft, material_id=material.pk), {"file": pdf("营业执照.pdf")})
    assert response.status_code == 302
    row = draft.materials.get(material=material)
    assert row.sha256 and row.original_name == "营业执照.pdf"
    assert signed_in.get(reverse("media", kwargs={"name": row.file.name})).status_code == 200
    response = signed_in.post(url("remove_material", draft, row_id=row.pk))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.superseded


def test_an_executable_renamed_pdf_is_refused_and_nothing_stored(signed_in, draft):
    material = draft.matter.materials.filter(shared=False).first()
    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = signed_in.post(url("upload", draft, material_id=material.pk), {"file": fake})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="alert alert-error"' in html
    assert not draft.materials.exclude(file="").exists()


def test_upload_without_a_file_says_so(signed_in, draft):
    material = draft.matter.materials.filter(shared=False).first()
    response = signed_in.post(url("upload", draft, material_id=material.pk), {})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


# --- submit ---------------------------------------------------------------------------------------------------------


def test_submit_goes_through_the_summary_to_success(signed_in, draft, enterprise):
    complete(draft, enterprise.user)
    response = signed_in.post(draft.get_absolute_url(), {"submit": "1", "contact_name": "李四"})
    assert response.status_code == 302 and response["Location"] == url("submit_confirm", draft)
    summary = signed_in.get(url("submit_confirm", draft)).content.decode()
    for text in (draft.matter.name, enterprise.name, "申报材料1", "测算金额", "承诺时限", "符合全部条件"):
        assert text in summary
    response = signed_in.post(url("submit_confirm", draft))
    assert response.status_code == 302 and response["Location"] == url("done", draft)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    done = signed_in.get(url("done", draft)).content.decode()
    assert draft.number in done and draft.grouped_code in done


def test_submit_incomplete_shows_what_is_missing(signed_in, draft):
    response = signed_in.post(url("submit_confirm", draft))
    assert response.status_code == 400
    assert "请上传以下必要材料" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_confirmation_needs_post_with_csrf(client, draft, enterprise):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(enterprise.user, backend=BACKEND)
    complete(draft, enterprise.user)
    assert strict.post(url("submit_confirm", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- another enterprise ---------------------------------------------------------------------------------------------


def test_another_enterprise_gets_404_everywhere(client, draft, enterprise):
    material = draft.matter.materials.filter(shared=False).first()
    row = services.attach(draft, material, pdf(), by=enterprise.user)
    other = enterprise_with_user()
    client.force_login(other.user, backend=BACKEND)
    for name, kwargs, method in [
        ("detail", {}, "get"),
        ("detail", {}, "post"),
        ("upload", {"material_id": material.pk}, "post"),
        ("remove_material", {"row_id": row.pk}, "post"),
        ("submit_confirm", {}, "get"),
        ("done", {}, "get"),
        ("supplement", {}, "post"),
        ("withdraw", {}, "get"),
        ("rate", {}, "post"),
    ]:
        response = getattr(client, method)(url(name, draft, **kwargs))
        assert response.status_code == 404, name
    assert client.get(reverse("media", kwargs={"name": row.file.name})).status_code == 404
    row.refresh_from_db()
    assert not row.superseded


def test_staff_do_not_use_the_enterprise_pages(client, draft):
    reviewer = member(draft.matter.department, Role.REVIEWER)
    client.force_login(reviewer, backend=BACKEND)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, draft):
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the case page: status, 补正, withdraw ------------------------------------------------------------------------


def test_the_case_page_shows_status_timeline_and_step(signed_in, draft, enterprise):
    application = submitted(draft, enterprise.user)
    reviewer = member(application.matter.department, Role.REVIEWER)
    perform(application, "accept", by=reviewer)
    html = signed_in.get(application.get_absolute_url()).content.decode()
    assert "已受理" in html
    assert "第1环节审核" in html
    assert "剩余" in html
    assert application.matter.department.name in html
    reviewer.name = "王审核"
    reviewer.save(update_fields=["name"])
    html = signed_in.get(application.get_absolute_url()).content.decode()
    assert "王审核" not in html
    assert "办理文书" in html


def test_supplement_flow(signed_in, draft, enterprise):
    application = submitted(draft, enterprise.user)
    reviewer = member(application.matter.department, Role.REVIEWER)
    perform(application, "accept", by=reviewer)
    material = application.matter.materials.filter(shared=False).first()
    perform(
        application,
        "request_supplement",
        by=reviewer,
        reason="请补正",
        items=[
            {"material": material.pk, "problem": "defective", "detail": "须加盖公章"},
            {"subject": "申报表", "problem": "defective", "detail": "联系人电话无法接通"},
        ],
    )
    html = signed_in.get(application.get_absolute_url()).content.decode()
    assert "一次性告知书" in html and "须加盖公章" in html and "联系人电话无法接通" in html
    response = signed_in.post(url("supplement", application))
    assert response.status_code == 400
    assert "请按一次性告知书补正以下材料" in response.content.decode()
    response = signed_in.post(application.get_absolute_url(), {"contact_phone": "12"})
    assert response.status_code == 400 and "手机号码" in response.content.decode()
    response = signed_in.post(application.get_absolute_url(), {"contact_phone": "139-1234-5678"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.contact_phone == "13912345678"
    response = signed_in.post(url("upload", application, material_id=material.pk), {"file": pdf("盖章版.pdf")})
    assert response.status_code == 302
    response = signed_in.post(url("supplement", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REVIEWING
    assert clocks.of(application.current_step, services.STEP_CLOCK).get().state == "running"


def test_withdraw_with_a_reason(signed_in, draft, enterprise):
    application = submitted(draft, enterprise.user)
    assert signed_in.get(url("withdraw", application)).status_code == 200
    response = signed_in.post(url("withdraw", application), {"reason": "资料准备不足"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_a_draft_cannot_be_withdrawn(signed_in, draft):
    response = signed_in.get(url("withdraw", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- 好差评 ---------------------------------------------------------------------------------------------------------


def concluded(draft, enterprise):
    application = submitted(draft, enterprise.user)
    reviewer = member(application.matter.department, Role.REVIEWER)
    return perform(application, "not_accept", by=reviewer, reason="不属于支持范围")


def test_rating_refused_before_the_case_is_concluded(signed_in, draft, enterprise):
    application = submitted(draft, enterprise.user)
    response = signed_in.post(url("rate", application), {"level": 5})
    assert response.status_code == 400
    assert "办结后才能评价" in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_once_concluded_and_only_once(signed_in, draft, enterprise):
    application = concluded(draft, enterprise)
    assert "评价本次服务" in signed_in.get(application.get_absolute_url()).content.decode()
    response = signed_in.post(url("rate", application), {"level": 5, "comment": "办理很快"})
    assert response.status_code == 302
    assert Rating.objects.get(application=application).level == RatingLevel.VERY_SATISFIED
    response = signed_in.post(url("rate", application), {"level": 1})
    assert response.status_code == 400
    assert "只能评价一次" in response.content.decode()
    assert Rating.objects.count() == 1
    assert not Rectification.objects.exists()


def test_rating_without_a_level_is_refused(signed_in, draft, enterprise):
    application = concluded(draft, enterprise)
    response = signed_in.post(url("rate", application), {"level": "9"})
    assert response.status_code == 400
    assert "请选择评价等级" in response.content.decode()


def test_a_bad_rating_opens_a_rectification_on_a_clock(draft, enterprise, settings):
    settings.RECTIFICATION_DAYS = 7
    application = concluded(draft, enterprise)
    rating = ratings.rate(application, level=RatingLevel.DISSATISFIED, comment="等待太久", by=enterprise.user)
    rectification = rating.rectification
    assert rectification.department == application.matter.department
    clock = clocks.of(rectification, "rating_rectification").get()
    assert clock.limit_days == 7
    assert rectification.due_on == clock.due_on


# --- 我的申报 -------------------------------------------------------------------------------------------------------


def test_my_applications_list_drafts_and_submitted(signed_in, draft, enterprise):
    other = published_matter()
    application = submitted(services.start(enterprise, other, by=enterprise.user), enterprise.user)
    html = signed_in.get(reverse("applications:mine")).content.decode()
    assert draft.number in html and "继续填写并提交" in html
    assert application.number in html and "等待办理" in html
    space = signed_in.get(reverse("enterprises:space", kwargs={"uscc": enterprise.uscc})).content.decode()
    assert "我的申报" in space and draft.number in space


# --- public progress ------------------------------------------------------------------------------------------------


def test_progress_by_code_accepts_typed_variants(client, draft, enterprise):
    application = submitted(draft, enterprise.user)
    typed = "  " + "-".join(application.code[i : i + 4] for i in range(0, 12, 4)).lower() + " "
    typed = typed.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    response = client.post(reverse("applications:progress"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:progress_detail", kwargs={"code": application.code})
    html = client.get(response["Location"]).content.decode()
    assert application.matter.name in html and "已提交" in html
    assert enterprise.name not in html
    assert "13800138000" not in html and "李四" not in html
    assert str(Decimal("200000")) not in html


def test_progress_lower_case_in_the_url_redirects(client, draft, enterprise):
    application = submitted(draft, enterprise.user)
    response = client.get(reverse("applications:progress_detail", kwargs={"code": application.code.lower()}))
    assert response.status_code == 302


def test_progress_unknown_or_malformed_code(client, draft):
    response = client.post(reverse("applications:progress"), {"code": "abc"})
    assert response.status_code == 400 and "查询码为12位" in response.content.decode()
    response = client.get(reverse("applications:progress_detail", kwargs={"code": "ABCDEFGHJKMN"}))
    assert response.status_code == 404 and "没有找到" in response.content.decode()
    # A draft is nobody's business yet.
    response = client.get(reverse("applications:progress_detail", kwargs={"code": draft.code}))
    assert response.status_code == 404
