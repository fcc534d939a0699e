"""What each role's real work is, in words, checked on the real URLs as the demo accounts.

Written from the job descriptions, not from portal/org/roles.py: if roles.py lost
or gained a permission, one of these sentences would stop being true.
"""

import datetime as dt

import pytest
from django.urls import reverse

from policies.models import Policy, PolicyAttachment
from portal.audit.models import SensitiveAccessLog
from tests.backoffice import pages
from tests.backoffice.roundtrip import AdminPage, signed_in, small_pdf
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _admin(model):
    from django.contrib import admin

    return admin.site._registry[model]


def _reveal(client, enterprise):
    url = reverse("admin:enterprises_enterprise_contacts", args=[enterprise.pk])
    page = client.get(url)
    if page.status_code != 200:
        return page
    token = pages.csrf_token(pages.parse(page.content))
    return client.post(url, {"purpose": "电话回访核实经营情况", "csrfmiddlewaretoken": token})


def test_an_editor_adds_a_policy_with_a_pdf_attachment_and_it_is_saved_as_a_draft(staff):
    editor = staff["kjj_editor"]
    page = AdminPage(signed_in(editor), reverse("admin:policies_policy_add"), _admin(Policy), editor)
    page.fill_required().set("title", "宜昌市科技型中小企业培育办法")
    page.set("attachments-TOTAL_FORMS", "1").set("attachments-0-title", "办法全文").set("attachments-0-order", "0")
    page.files["attachments-0-file"] = small_pdf("办法全文.pdf")
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response)
    policy = Policy.objects.get(title="宜昌市科技型中小企业培育办法")
    assert policy.status == Policy.Status.DRAFT
    attachment = PolicyAttachment.objects.get(policy=policy)
    assert attachment.kind == "pdf"


def test_an_approver_cannot_add_a_policy(staff):
    assert signed_in(staff["kjj_approver"]).get(reverse("admin:policies_policy_add")).status_code == 403


def test_a_reviewer_sees_the_departments_policies(staff, draft_policy):
    response = signed_in(staff["kjj_reviewer"]).get(reverse("admin:policies_policy_changelist"))
    assert response.status_code == 200
    assert draft_policy.title in response.content.decode()


def test_a_reviewer_reads_a_policy_of_the_department_but_cannot_change_it(staff, draft_policy):
    client = signed_in(staff["kjj_reviewer"])
    response = client.get(reverse("admin:policies_policy_change", args=[draft_policy.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_finance_staff_cannot_see_policy_drafts(staff, draft_policy):
    client = signed_in(staff["czj_finance"])
    assert client.get(reverse("admin:policies_policy_changelist")).status_code == 403
    assert client.get(reverse("admin:policies_policy_change", args=[draft_policy.pk])).status_code in (403, 404)


@pytest.mark.parametrize("login", ["zwfw_clerk", "cyzx_operator", "kjj_reviewer"])
def test_those_who_call_enterprises_reveal_contacts_and_the_reveal_is_logged(staff, login):
    enterprise = EnterpriseFactory(contact_phone="13712345678")
    response = _reveal(signed_in(staff[login]), enterprise)
    assert response.status_code == 200
    assert "13712345678" in response.content.decode()
    entry = SensitiveAccessLog.objects.get(user=staff[login], object_id=str(enterprise.pk))
    assert entry.purpose == "电话回访核实经营情况"


@pytest.mark.parametrize("login", ["czj_finance", "kjj_editor", "kjj_approver", "sjj_supervisor"])
def test_others_cannot_reveal_contacts(staff, login):
    enterprise = EnterpriseFactory(contact_phone="13712345678")
    response = _reveal(signed_in(staff[login]), enterprise)
    assert response.status_code == 403
    assert not SensitiveAccessLog.objects.exists()


def test_everyone_who_works_on_enterprises_sees_only_masked_contacts_in_the_archive(staff):
    enterprise = EnterpriseFactory(contact_name="王小明", contact_phone="13712345678", registered_phone="13912345678")
    response = signed_in(staff["zwfw_clerk"]).get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    html = response.content.decode()
    assert "13712345678" not in html and "13912345678" not in html and "王小明" not in html


def test_a_supervisor_reads_the_sensitive_access_log_but_cannot_change_anything(staff):
    enterprise = EnterpriseFactory()
    _reveal(signed_in(staff["zwfw_clerk"]), enterprise)
    entry = SensitiveAccessLog.objects.get()
    client = signed_in(staff["sjj_supervisor"])
    listing = client.get(reverse("admin:audit_sensitiveaccesslog_changelist"))
    assert listing.status_code == 200
    assert enterprise.name in listing.content.decode()
    detail = client.get(reverse("admin:audit_sensitiveaccesslog_change", args=[entry.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:audit_sensitiveaccesslog_delete", args=[entry.pk])).status_code == 403
    assert client.get(reverse("admin:enterprises_enterprise_add")).status_code == 403
    assert client.get(reverse("admin:policies_policy_add")).status_code == 403


@pytest.mark.parametrize("login", ["kjj_editor", "zwfw_clerk", "czj_finance"])
def test_working_roles_cannot_read_the_sensitive_access_log(staff, login):
    response = signed_in(staff[login]).get(reverse("admin:audit_sensitiveaccesslog_changelist"))
    assert response.status_code == 403


def test_the_platform_admin_enters_a_holiday_into_the_working_day_calendar(staff):
    from portal.workcalendar.models import CalendarDay

    admin_user = staff["platform_admin"]
    page = AdminPage(
        signed_in(admin_user), reverse("admin:workcalendar_calendarday_add"), _admin(CalendarDay), admin_user
    )
    page.set("date", "2031-10-01").set("name", "国庆节")
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response)
    day = CalendarDay.objects.get(date=dt.date(2031, 10, 1))
    assert not day.is_workday and day.name == "国庆节"


@pytest.mark.parametrize("login", ["kjj_editor", "kjj_approver", "sjj_supervisor", "zwfw_clerk"])
def test_other_roles_cannot_enter_the_calendar(staff, login):
    assert signed_in(staff[login]).get(reverse("admin:workcalendar_calendarday_add")).status_code == 403


def test_an_editor_keeps_the_archive_but_an_operator_only_reads_it(staff):
    enterprise = EnterpriseFactory()
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    assert 'name="_save"' in signed_in(staff["kjj_editor"]).get(url).content.decode()
    operator_page = signed_in(staff["cyzx_operator"]).get(url)
    assert operator_page.status_code == 200 and 'name="_save"' not in operator_page.content.decode()


def test_an_enterprise_user_cannot_reach_the_back_office(enterprise_user):
    client = signed_in(enterprise_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("admin:policies_policy_changelist")).status_code == 302


def test_the_supervisors_blanket_view_does_not_include_revealing_contacts(staff):
    from portal.org.permissions import can

    supervisor = staff["sjj_supervisor"]
    assert can(supervisor, "enterprises.view_enterprise")
    assert not can(supervisor, "enterprises.view_enterprise_contacts")
