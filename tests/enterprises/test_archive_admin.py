"""The archive's back office: search, filters, masked contacts, logged reveal, answers to corrections."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from enterprises import services
from enterprises.models import CorrectionRequest, Enterprise
from portal.audit.models import SensitiveAccessLog
from portal.notify.models import SiteMessage
from tests.factories.accounts import StaffUserFactory, SuperuserFactory
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enterprises_enterprise_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def archive_reader(*codenames):
    user = StaffUserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="enterprises", codename__in=codenames))
    return user


def test_search_by_full_uscc_finds_exactly_that_enterprise(admin_client):
    wanted, other = EnterpriseFactory(), EnterpriseFactory()

    page = admin_client.get(CHANGELIST, {"q": wanted.uscc.lower()}).content.decode()

    assert wanted.name in page
    assert other.name not in page


def test_search_by_the_start_of_the_name(admin_client):
    EnterpriseFactory(name="宜昌长江电子有限公司")
    EnterpriseFactory(name="伍家岗食品有限公司")

    page = admin_client.get(CHANGELIST, {"q": "宜昌长江"}).content.decode()

    assert "宜昌长江电子有限公司" in page
    assert "伍家岗食品有限公司" not in page


def test_the_industry_section_filter(admin_client):
    EnterpriseFactory(name="制造甲公司", industry_code="C3911")
    EnterpriseFactory(name="软件乙公司", industry_code="I6513")

    page = admin_client.get(CHANGELIST, {"section": "I"}).content.decode()

    assert "软件乙公司" in page
    assert "制造甲公司" not in page


def test_the_tag_filter(admin_client):
    services.ensure_rule_tags()
    small = EnterpriseFactory(name="小型丙公司", size="small")
    EnterpriseFactory(name="中型丁公司", size="medium")
    services.refresh_rule_tags()
    tag = small.tags.get(tag__rule_key="size:small").tag

    page = admin_client.get(CHANGELIST, {"tag": tag.pk}).content.decode()

    assert "小型丙公司" in page
    assert "中型丁公司" not in page


def test_contacts_are_masked_in_the_list_and_the_form(admin_client):
    enterprise = EnterpriseFactory(registered_phone="13912345678", contact_phone="13787654321")

    listing = admin_client.get(CHANGELIST).content.decode()
    form = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).content.decode()

    for page in (listing, form):
        assert "13912345678" not in page
        assert "13787654321" not in page
    assert "139****5678" in listing


def test_revealing_contacts_needs_a_purpose_and_is_logged(admin_client):
    enterprise = EnterpriseFactory(registered_phone="13912345678")
    url = reverse("admin:enterprises_enterprise_contacts", kwargs={"object_id": enterprise.pk})

    without = admin_client.post(url, {"purpose": ""}).content.decode()
    assert "13912345678" not in without
    assert not SensitiveAccessLog.objects.exists()

    revealed = admin_client.post(url, {"purpose": "核实企业纠错申请"}).content.decode()
    assert "13912345678" in revealed
    log = SensitiveAccessLog.objects.get()
    assert (log.object_id, log.purpose) == (str(enterprise.pk), "核实企业纠错申请")
    assert "registered_phone" in log.fields


def test_staff_without_the_contacts_permission_cannot_reveal(client):
    client.force_login(archive_reader("view_enterprise"))
    enterprise = EnterpriseFactory()

    response = client.post(
        reverse("admin:enterprises_enterprise_contacts", kwargs={"object_id": enterprise.pk}), {"purpose": "好奇"}
    )

    assert response.status_code == 403
    assert not SensitiveAccessLog.objects.exists()


def test_the_list_does_not_count_the_whole_table(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EnterpriseFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST)

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "enterprises_enterprise" in q["sql"]]
    assert len(counts) <= 1


def test_a_correction_is_answered_in_the_admin_and_the_requester_told(admin_client):
    member = EnterpriseMemberFactory()
    request = services.submit_correction(
        member.enterprise, user=member.user, field="address", proposed_value="新地址", reason="已迁址"
    )

    admin_client.post(
        reverse("admin:enterprises_correctionrequest_change", args=[request.pk]),
        {"decision": "answered", "answer": "已核实，住所已更正。"},
    )

    request.refresh_from_db()
    assert (request.status, request.answer) == (CorrectionRequest.Status.ANSWERED, "已核实，住所已更正。")
    assert SiteMessage.objects.filter(user=member.user).exists()


def test_a_staff_edit_in_the_admin_is_an_event_and_keeps_history(admin_client):
    enterprise = EnterpriseFactory(address="旧地址")
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {
        "address": "新地址",
        "source": "staff",
        "source_updated_at_0": "2026-01-05",
        "source_updated_at_1": "10:00",
    }
    for prefix in ("annual_figures", "qualifications", "tags", "tags-2", "members"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise.refresh_from_db()
    assert enterprise.address == "新地址"
    assert enterprise.change_events.filter(kind="facts", payload__fields__contains=["address"]).exists()
    assert enterprise.history.filter(address="旧地址").exists()
    assert enterprise.history.filter(address="新地址", history_user__is_superuser=True).exists()


def test_staff_add_an_enterprise_with_its_registered_phone(admin_client):
    from tests.factories.enterprises import uscc_for
    from tests.factories.org import CountyFactory

    region = CountyFactory()
    data = {
        "uscc": uscc_for(4242),
        "name": "宜昌新增测试有限公司",
        "legal_rep_name": "赵六",
        "region": region.pk,
        "industry_code": "C3911",
        "ownership_type": "limited_liability",
        "operating_status": "existing",
        "source": "staff",
        "source_updated_at_0": "2026-01-05",
        "source_updated_at_1": "10:00",
        "credit_status": "normal",
        "contact_source": "self_declared",
        "new_registered_phone": "139 0000 4242",
    }
    for prefix in ("annual_figures", "qualifications", "tags", "tags-2", "members"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}

    assert admin_client.get(reverse("admin:enterprises_enterprise_add")).status_code == 200
    response = admin_client.post(reverse("admin:enterprises_enterprise_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    from portal.core.crypto import digest

    created = Enterprise.objects.get(uscc=uscc_for(4242))
    assert created.registered_phone == "13900004242"
    assert created.registered_phone_digest == digest("13900004242")


def test_the_code_check_filter_comes_before_the_long_tag_filter_and_is_a_column(admin_client):
    from enterprises.admin import EnterpriseAdmin, TagFilter

    assert EnterpriseAdmin.list_filter.index("uscc_check") < EnterpriseAdmin.list_filter.index(TagFilter)
    EnterpriseFactory()
    page = admin_client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert "column-uscc_check" in page
