"""窗口登记诉求: a service-hall clerk registers a walk-in visitor's appeal (with or without an enterprise), prints
the 回执, and finds it in 本窗口登记的诉求; the operations centre receives it like any other appeal."""

import pytest
from django.test import Client
from django.urls import reverse

from appeals import selectors
from appeals.models import Appeal, AppealAttachment, AppealState, Channel
from portal.org.models import Department, Role
from portal.workcalendar import clocks
from tests.factories import files
from tests.factories.appeals import centre_of, operator_of
from tests.factories.applications import enterprise_with_user
from tests.factories.org import CityFactory, CountyFactory, DepartmentFactory
from tests.factories.policies import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def centre():
    return centre_of(CityFactory())


@pytest.fixture
def hall(centre):
    return DepartmentFactory(name="宜昌市政务服务中心", region=centre.region, kind=Department.Kind.SERVICE_HALL)


@pytest.fixture
def clerk(hall):
    return member(hall, Role.CLERK, name="王窗口")


@pytest.fixture
def company(centre):
    company = enterprise_with_user(name="宜昌云台智能科技有限公司")
    company.contact_name = "李经理"
    company.contact_phone = "13900139000"
    company.save()
    return company


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def signed_in(clerk):
    return client_for(clerk)


def new_url(company=None):
    url = reverse("appeals:window_new")
    return f"{url}?enterprise={company.uscc}" if company is not None else url


COMPLAINT = {
    "kind": "complaint",
    "title": "技改补贴公示三个月仍未拨付",
    "content": "企业去年申报的技改补贴已公示三个月，至今未拨付，多次电话询问无果。",
    "urgency": "normal",
}


def register(client, company=None, **fields):
    return client.post(new_url(company), {**COMPLAINT, **fields})


# --- registering ------------------------------------------------------------------------------------------------------


def test_the_enterprise_page_and_the_workbench_link_to_the_form(signed_in, company):
    page = signed_in.get(reverse("window:enterprise", args=[company.uscc])).content.decode()
    assert f'href="{new_url(company)}"' in page and "登记诉求" in page
    home = signed_in.get(reverse("window:home")).content.decode()
    assert reverse("appeals:window_list") in home and "本窗口登记的诉求" in home
    assert f'href="{reverse("appeals:window_new")}"' in home


def test_the_form_for_an_enterprise_is_prefilled_with_its_contact(signed_in, company):
    response = signed_in.get(new_url(company))
    page = response.content.decode()
    assert response.status_code == 200
    assert company.name in page and 'value="李经理"' in page and 'value="13900139000"' in page
    assert 'name="region"' not in page


def test_a_complaint_for_an_enterprise_is_registered_by_the_clerk(signed_in, company, clerk, hall, centre):
    response = register(signed_in, company, contact_phone="１３９ ００１３ ９０００", contact_name="李经理")
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:window_slip", args=[appeal.number])
    assert appeal.channel == Channel.WINDOW and appeal.kind == "complaint"
    assert appeal.enterprise == company and appeal.submitted_by is None
    assert appeal.contact_phone == "13900139000" and appeal.contact_name == "李经理"
    assert appeal.operations_centre == centre and appeal.status == AppealState.SUBMITTED
    created = appeal.history.get(history_type="+")
    assert created.history_user == clerk
    assert created.history_change_reason == "窗口登记诉求（宜昌市政务服务中心）"
    assert clocks.of(appeal, "appeal_accept").exists()


def test_a_visitor_without_an_enterprise_leaves_a_name_and_a_mobile_in_the_halls_region(signed_in, hall, clerk):
    page = signed_in.get(new_url()).content.decode()
    assert f'<option value="{hall.region_id}" selected>' in page
    response = register(signed_in, kind="help", contact_name="张三", contact_phone="13700137000", region=hall.region_id)
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert appeal.enterprise is None and appeal.contact_name == "张三" and appeal.kind == "help"
    assert appeal.region == hall.region
    assert appeal.history.get(history_type="+").history_user == clerk


def test_a_visitor_in_a_district_goes_to_the_centre_above(signed_in, hall, centre):
    district = CountyFactory(parent=centre.region)
    register(signed_in, contact_name="张三", contact_phone="13700137000", region=district.pk)
    appeal = Appeal.objects.get()
    assert appeal.region == district and appeal.operations_centre == centre


def test_without_a_name_phone_title_or_kind_nothing_is_stored(signed_in):
    response = signed_in.post(new_url(), {"content": "太短", "urgency": "normal"})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("请选择诉求类型。", "请填写诉求标题。", "请把诉求写清楚（不少于10个字）。", "请填写来访人姓名。"):
        assert message in page
    assert "请填写来访人的手机号码" in page
    assert not Appeal.objects.exists()


def test_a_wrong_phone_number_is_refused_in_chinese(signed_in, company):
    response = register(signed_in, company, contact_phone="12345")
    assert response.status_code == 400
    assert "手机" in response.content.decode() or "电话" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_region_without_an_operations_centre_is_refused(signed_in):
    elsewhere = CityFactory(code="420600", name="襄阳市")
    response = register(signed_in, contact_name="张三", contact_phone="13700137000", region=elsewhere.pk)
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_scans_are_kept_and_a_forged_one_is_refused_with_nothing_stored(signed_in, company, clerk):
    forged = files.upload("营业执照.pdf", b"MZ\x90\x00 not a pdf at all" * 20)
    response = register(signed_in, company, contact_phone="13900139000", files=[forged])
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()

    scan = files.upload("投诉材料.pdf", files.pdf())
    response = register(signed_in, company, contact_phone="13900139000", files=[scan])
    assert response.status_code == 302
    attachment = Appeal.objects.get().attachments.get()
    assert attachment.name == "投诉材料.pdf" and attachment.uploaded_by == clerk


def test_an_unknown_enterprise_code_is_a_404(signed_in):
    assert signed_in.get(reverse("appeals:window_new") + "?enterprise=91420500MA4KXXXX0X").status_code == 404


# --- the slip --------------------------------------------------------------------------------------------------------


def test_the_slip_shows_what_the_visitor_needs(signed_in, company, clerk):
    register(signed_in, company, contact_phone="13900139000")
    appeal = Appeal.objects.get()
    response = signed_in.get(reverse("appeals:window_slip", args=[appeal.number]))
    page = response.content.decode()
    assert response.status_code == 200
    due = clocks.of(appeal, "appeal_accept").get().due_on
    for text in (
        "诉求登记回执",
        appeal.number,
        appeal.tracking_code,
        "投诉",
        appeal.title,
        f"{due:%Y-%m-%d}",
        "1个工作日内受理",
        "派单后13个工作日内答复",
        "/appeals/track/",
        "宜昌市政务服务中心",
        "王窗口",
        "window-print.css",
        "data-print",
    ):
        assert text in page, text
    assert "13900139000" not in page


# --- 本窗口登记的诉求, and who may see what ---------------------------------------------------------------------


def test_the_list_shows_the_halls_appeals_and_another_hall_sees_only_its_own(signed_in, company, hall, centre):
    colleague = member(hall, Role.CLERK, name="李窗口")
    register(client_for(colleague), company, contact_phone="13900139000", title="同事登记的诉求")
    register(signed_in, contact_name="张三", contact_phone="13700137000", region=hall.region_id)
    other_hall = DepartmentFactory(name="西陵区政务服务中心", region=centre.region, kind=Department.Kind.SERVICE_HALL)
    stranger = member(other_hall, Role.CLERK, name="赵窗口")
    register(
        client_for(stranger),
        contact_name="王五",
        contact_phone="13600136000",
        title="别的大厅登记的诉求",
        region=centre.region_id,
    )

    page = signed_in.get(reverse("appeals:window_list")).content.decode()
    assert "同事登记的诉求" in page and COMPLAINT["title"] in page and "待受理" in page
    assert "别的大厅登记的诉求" not in page

    theirs = client_for(stranger)
    page = theirs.get(reverse("appeals:window_list")).content.decode()
    assert "别的大厅登记的诉求" in page and "同事登记的诉求" not in page
    mine = Appeal.objects.get(title="同事登记的诉求")
    response = theirs.get(reverse("appeals:window_slip", args=[mine.number]))
    assert response.status_code == 403 and "不是本窗口登记的" in response.content.decode()


def test_a_portal_appeal_has_no_window_slip(signed_in):
    from tests.factories.appeals import portal_appeal

    appeal = portal_appeal()
    assert signed_in.get(reverse("appeals:window_slip", args=[appeal.number])).status_code == 404


def test_anyone_but_a_clerk_gets_the_windows_403(company, centre):
    reviewer = member(DepartmentFactory(name="市科技局"), Role.REVIEWER)
    operator = operator_of(centre)
    urls = [reverse("appeals:window_list"), new_url(), new_url(company)]
    for user, text in ((company.user, "仅供政务服务大厅的窗口人员使用"), (reviewer, "您没有窗口受理权限")):
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403 and text in response.content.decode()
        assert client.post(new_url(company), {**COMPLAINT, "contact_phone": "13900139000"}).status_code == 403
    assert client_for(operator).get(urls[0]).status_code == 403
    assert not Appeal.objects.exists()
    response = Client().get(urls[0])
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


# --- the operations centre receives it --------------------------------------------------------------------------


def test_the_appeal_waits_in_the_operations_centres_queue(signed_in, company, centre):
    register(signed_in, company, contact_phone="13900139000")
    appeal = Appeal.objects.get()
    operator = operator_of(centre)
    assert list(selectors.queue(Appeal.objects.all(), "submitted", operator)) == [appeal]
    response = client_for(operator).get(reverse("admin:appeals_appeal_changelist"), {"queue": "submitted"})
    page = response.content.decode()
    assert response.status_code == 200
    assert appeal.number in page and "服务大厅窗口" in page and "待受理" in page


def test_the_slip_reads_in_english(signed_in, company, settings):
    register(signed_in, company, contact_phone="13900139000")
    appeal = Appeal.objects.get()
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = signed_in.get(reverse("appeals:window_slip", args=[appeal.number])).content.decode()
    assert "Appeal registration slip" in page and "Accepted within 1 working day, by" in page
    assert "Answered within 13 working days of dispatch" in page and "/appeals/track/" in page
