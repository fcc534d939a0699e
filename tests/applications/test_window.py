"""一窗受理: the clerk workbench — find the enterprise, apply on its behalf with paper originals and scans,
hand the case to the department, supplement at the window, give the result back, log walk-in questions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services, window
from applications.models import Application, Channel, Consultation, MaterialSource, Rating, Status
from applications.workflow import perform
from portal.org.roles import Role
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    return DepartmentFactory(name="宜昌市政务服务中心")


@pytest.fixture
def clerk(hall):
    return member(hall, Role.CLERK, name="王窗口")


@pytest.fixture
def matter():
    return published_matter(steps=1, shared=1, materials=2)


@pytest.fixture
def company():
    return enterprise_with_user(name="宜昌云台智能科技有限公司")


@pytest.fixture
def signed_in(client, clerk):
    client.force_login(clerk)
    return client


def started(company, matter, clerk):
    return services.start(company, matter, by=clerk, channel=Channel.WINDOW)


def complete_form(client, application, **extra):
    data = {"contact_name": "李四", "contact_phone": "１３８ ００１３ ８０００", "action": "save", **extra}
    return client.post(reverse("window:case", args=[application.number]), data)


def paper_ticks(application):
    return [str(m.pk) for m in application.matter.materials.filter(shared=False)]


def submitted(client, company, matter, clerk):
    application = started(company, matter, clerk)
    complete_form(client, application, paper=paper_ticks(application), action="submit")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    return application


# --- who may use the workbench ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get(reverse("window:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_enterprise_user_is_refused_in_chinese(client, company):
    client.force_login(company.user)
    response = client.get(reverse("window:home"))
    assert response.status_code == 403
    assert "仅供政务服务大厅的窗口人员使用" in response.content.decode()


def test_staff_without_the_clerk_role_are_refused_in_chinese(client, matter, company, clerk):
    application = started(company, matter, clerk)
    client.force_login(member(matter.department, Role.REVIEWER))
    for url in (reverse("window:home"), reverse("window:case", args=[application.number])):
        response = client.get(url)
        assert response.status_code == 403
        assert "您没有窗口受理权限" in response.content.decode()


def test_the_clerk_sees_the_workbench_in_the_main_navigation_and_others_do_not(client, signed_in, company):
    page = signed_in.get(reverse("window:home")).content.decode()
    assert 'href="/window/"' in page
    assert 'accesskey="1"' in page and "autofocus" in page
    client.logout()
    client.force_login(company.user)
    assert 'href="/window/"' not in client.get("/").content.decode()


# --- finding the enterprise -------------------------------------------------------------------------------------------


def test_a_uscc_typed_full_width_lower_case_and_spaced_opens_the_enterprise(signed_in, company, matter):
    typed = " ".join(company.uscc.lower()[i : i + 4] for i in range(0, 18, 4))
    typed = typed.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    response = signed_in.get(reverse("window:home"), {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("window:enterprise", args=[company.uscc])
    page = signed_in.get(response["Location"]).content.decode()
    assert company.name in page
    assert matter.name in page and "代为申报" in page


def test_a_name_in_part_and_in_traditional_characters_lists_the_enterprise(signed_in, company):
    EnterpriseFactory(name="宜昌别的公司")
    for typed in ("云台智能", "雲臺智能"):
        page = signed_in.get(reverse("window:home"), {"q": typed}).content.decode()
        assert company.name in page
        assert "宜昌别的公司" not in page


def test_an_unknown_uscc_says_so(signed_in):
    page = signed_in.get(reverse("window:home"), {"q": "91420500MA4KXXXX0X"}).content.decode()
    assert "未找到与" in page


def test_a_code_mangled_by_a_spreadsheet_is_not_an_error(signed_in):
    assert "未找到与" in signed_in.get(reverse("window:home"), {"q": "9.14205E+17"}).content.decode()
    assert signed_in.get(reverse("window:enterprise", args=["9.14205E+17"])).status_code == 404
    response = signed_in.post(
        reverse("window:consultations"), {"visitor": "张", "question": "问", "enterprise_code": "9.1E+17"}
    )
    assert "未找到统一社会信用代码" in response.content.decode()


def test_the_enterprise_page_shows_its_applications(signed_in, company, matter, clerk):
    application = started(company, matter, clerk)
    page = signed_in.get(reverse("window:enterprise", args=[company.uscc])).content.decode()
    assert application.number in page and "草稿" in page


# --- starting and submitting ------------------------------------------------------------------------------------------


def test_the_clerk_starts_an_application_on_behalf_of_the_enterprise(signed_in, company, matter, clerk):
    response = signed_in.post(reverse("window:start", args=[company.uscc]), {"matter": matter.pk})
    application = Application.objects.get(enterprise=company, matter=matter)
    assert response["Location"] == reverse("window:case", args=[application.number])
    assert application.channel == Channel.WINDOW
    assert application.clerk == clerk and application.applicant is None
    page = signed_in.get(response["Location"]).content.decode()
    assert company.name in page and application.grouped_code in page
    assert "已收纸质原件" in page and "提交（分流转办）" in page
    assert services.may_view(company.user, application)


def test_a_matter_out_of_its_window_is_refused_in_chinese(signed_in, company):
    from matters.models import Matter

    today = timezone.localdate()
    closed = published_matter()
    Matter.objects.filter(pk=closed.pk).update(
        window_kind="fixed", window_opens=today - dt.timedelta(days=60), window_closes=today - dt.timedelta(days=30)
    )
    response = signed_in.post(reverse("window:start", args=[company.uscc]), {"matter": closed.pk}, follow=True)
    assert "申报已于" in response.content.decode()
    assert not Application.objects.filter(matter=closed).exists()


def test_an_unknown_matter_is_refused_in_chinese(signed_in, company):
    response = signed_in.post(reverse("window:start", args=[company.uscc]), {"matter": "x"}, follow=True)
    assert "请选择要申报的事项" in response.content.decode()


def test_applying_twice_is_refused_in_chinese(signed_in, company, matter, clerk):
    submitted(signed_in, company, matter, clerk)
    response = signed_in.post(reverse("window:start", args=[company.uscc]), {"matter": matter.pk}, follow=True)
    assert "不能重复申报" in response.content.decode()
    assert Application.objects.filter(enterprise=company, matter=matter).count() == 1


def test_submitting_without_the_materials_names_them(signed_in, company, matter, clerk):
    application = started(company, matter, clerk)
    response = complete_form(signed_in, application, action="submit")
    response = signed_in.get(response["Location"])
    assert "请上传以下必要材料" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_paper_originals_make_the_case_submittable_and_hand_it_to_the_department(signed_in, company, matter, clerk):
    application = started(company, matter, clerk)
    complete_form(signed_in, application, paper=paper_ticks(application))
    application.refresh_from_db()
    assert application.contact_phone == "13800138000"
    assert services.missing_materials(application) == []
    assert application.materials.filter(paper_received=True, source=MaterialSource.WINDOW).count() == 2
    response = signed_in.post(
        reverse("window:case", args=[application.number]), {"action": "submit", "paper": paper_ticks(application)}
    )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    page = signed_in.get(response["Location"]).content.decode()
    assert f"已转{matter.department.name}办理" in page
    assert services.matter_department_reviewer(member(matter.department, Role.REVIEWER), application)


def test_unticking_a_paper_original_withdraws_it(signed_in, company, matter, clerk):
    application = started(company, matter, clerk)
    complete_form(signed_in, application, paper=paper_ticks(application))
    complete_form(signed_in, application, paper=paper_ticks(application)[:1])
    assert len(services.missing_materials(application)) == 1


def test_a_scan_is_stored_with_its_checksum_and_an_executable_is_refused(signed_in, company, matter, clerk):
    application = started(company, matter, clerk)
    material = matter.materials.filter(shared=False).first()
    url = reverse("window:case", args=[application.number])
    signed_in.post(url, {"action": "save", f"scan-{material.pk}": files.upload("营业执照.pdf", files.pdf())})
    row = application.materials.get(material=material, source=MaterialSource.WINDOW)
    assert row.sha256 and row.size > 0
    response = signed_in.post(
        url, {"action": "save", f"scan-{material.pk}": files.upload("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 200)}
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert "文件内容不是允许的类型" in page
    assert application.materials.filter(source=MaterialSource.WINDOW).count() == 1


def test_a_submitted_case_cannot_be_changed_at_the_window(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    response = complete_form(signed_in, application, contact_name="张三")
    assert "不能再修改" in signed_in.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert application.contact_name == "李四"


def test_an_online_case_is_not_opened_at_the_window(signed_in, company, matter):
    application = services.start(company, matter, by=company.user)
    assert signed_in.get(reverse("window:case", args=[application.number])).status_code == 404


# --- printing ---------------------------------------------------------------------------------------------------------


def test_the_slip_prints_number_code_matter_materials_and_clerk(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    page = signed_in.get(reverse("window:slip", args=[application.number])).content.decode()
    expected = [application.number, application.grouped_code, matter.name, "已收纸质原件", "王窗口"]
    expected.append("宜昌市政务服务中心")
    assert all(text in page for text in expected)


def test_a_document_not_yet_issued_says_so(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    page = signed_in.get(reverse("window:case", args=[application.number])).content.decode()
    assert "尚未出具" in page
    response = signed_in.get(reverse("window:document", args=[application.number, "receipt"]))
    assert response.status_code == 404
    assert "尚未出具" in response.content.decode()
    assert signed_in.get(reverse("window:document", args=[application.number, "other"])).status_code == 404


@pytest.mark.documents
def test_the_issued_receipt_is_served_as_pdf(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    perform(application, "accept", by=member(matter.department, Role.REVIEWER))
    response = signed_in.get(reverse("window:document", args=[application.number, "receipt"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    again = signed_in.get(reverse("window:document", args=[application.number, "receipt"]))
    assert again.status_code == 200
    from applications import documents

    assert documents.documents_of(application).filter(kind="application_receipt").count() == 1


# --- 补正 at the window --------------------------------------------------------------------------------------------


def test_a_supplement_is_answered_at_the_window(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    reviewer = member(matter.department, Role.REVIEWER)
    material = matter.materials.filter(shared=False).first()
    perform(
        application,
        "request_supplement",
        by=reviewer,
        reason="请补正",
        items=[{"material": material.pk, "problem": "defective", "detail": "须加盖公章"}],
    )
    assert application.number in signed_in.get(reverse("window:supplements")).content.decode()
    url = reverse("window:case", args=[application.number])
    page = signed_in.get(url).content.decode()
    assert "须加盖公章" in page and "提交补正材料" in page
    assert f'value="{material.pk}" checked' not in page  # the earlier original does not answer the notice
    response = signed_in.post(url, {"action": "resubmit"})
    assert "请按一次性告知书补正" in signed_in.get(response["Location"]).content.decode()
    signed_in.post(url, {"action": "resubmit", "paper": [str(material.pk)], "contact_name": "王五"})
    application.refresh_from_db()
    assert application.status == Status.PRE_REVIEW
    assert application.contact_name == "王五"


# --- 统一反馈 and 好差评 ---------------------------------------------------------------------------------------------


@pytest.fixture
def concluded(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    perform(application, "not_accept", by=member(matter.department, Role.REVIEWER), reason="不符合申报条件")
    application.refresh_from_db()
    return application


def test_a_concluded_case_is_given_back_with_a_rating(signed_in, concluded, clerk):
    url = reverse("window:give_back", args=[concluded.number])
    assert url in signed_in.get(reverse("window:feedback")).content.decode()
    signed_in.post(url, {"level": "4", "comment": "窗口服务热情"})
    concluded.refresh_from_db()
    assert concluded.feedback_at is not None and concluded.feedback_by == clerk
    rating = Rating.objects.get(application=concluded)
    assert rating.channel == Channel.WINDOW and rating.level == 4 and rating.rated_by == clerk
    assert url not in signed_in.get(reverse("window:feedback")).content.decode()
    response = signed_in.post(url, {"level": "1"}, follow=True)
    assert "已于" in response.content.decode()
    assert Rating.objects.filter(application=concluded).count() == 1


def test_feedback_without_a_rating(signed_in, concluded):
    signed_in.post(reverse("window:give_back", args=[concluded.number]), {"level": ""})
    concluded.refresh_from_db()
    assert concluded.feedback_at is not None
    assert not Rating.objects.filter(application=concluded).exists()


def test_a_case_not_concluded_cannot_be_given_back_or_rated(signed_in, company, matter, clerk):
    application = submitted(signed_in, company, matter, clerk)
    response = signed_in.post(reverse("window:give_back", args=[application.number]), {"level": "5"}, follow=True)
    assert "尚未办结" in response.content.decode()
    with pytest.raises(services.ValidationError):
        window.rate_at_window(application, 5, "", by=clerk)


def test_a_bad_level_is_refused(concluded, clerk):
    with pytest.raises(services.ValidationError, match="评价等级"):
        window.give_feedback(concluded, by=clerk, level="9")
    concluded.refresh_from_db()
    assert concluded.feedback_at is None


# --- 帮办 ------------------------------------------------------------------------------------------------------------


def test_a_walk_in_consultation_is_logged_and_listed_for_today(signed_in, company, matter, hall, clerk):
    url = reverse("window:consultations")
    assert "autofocus" in signed_in.get(url).content.decode()
    response = signed_in.post(
        url,
        {
            "visitor": "张先生",
            "enterprise_code": company.uscc.lower(),
            "matter": matter.pk,
            "question": "研发补助需要哪些材料？",
            "answer": "已告知申报指南",
            "handed_to": matter.department.pk,
        },
    )
    assert response.status_code == 302
    row = Consultation.objects.get()
    assert (row.enterprise, row.matter, row.clerk, row.hall) == (company, matter, clerk, hall)
    page = signed_in.get(url).content.decode()
    assert "张先生" in page and "研发补助需要哪些材料？" in page


def test_an_incomplete_consultation_or_unknown_enterprise_is_refused(signed_in):
    url = reverse("window:consultations")
    response = signed_in.post(url, {"visitor": "", "question": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    response = signed_in.post(url, {"visitor": "张先生", "question": "问", "enterprise_code": "91420500MA4KXXXX0X"})
    assert "未找到统一社会信用代码" in response.content.decode()
    assert not Consultation.objects.exists()
