"""The enterprise space (企业空间): each user sees only their own enterprises."""

import pytest
from django.urls import reverse

from enterprises.models import CorrectionRequest
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.enterprises import (
    AnnualFigureFactory,
    EnterpriseFactory,
    EnterpriseMemberFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db


def space_url(enterprise):
    return reverse("enterprises:space", kwargs={"uscc": enterprise.uscc})


@pytest.fixture
def member(client):
    member = EnterpriseMemberFactory()
    client.force_login(member.user)
    return member


def test_the_space_shows_the_profile_with_the_source_of_each_fact(client, member):
    AnnualFigureFactory(enterprise=member.enterprise, year=2025, revenue_wan="5000.00")
    QualificationFactory(enterprise=member.enterprise)

    page = client.get(space_url(member.enterprise)).content.decode()

    assert member.enterprise.name in page
    assert "市场监管" in page
    assert "5000.00" in page
    assert "高新技术企业" in page


def test_contacts_on_the_space_are_masked(client, member):
    page = client.get(space_url(member.enterprise)).content.decode()

    assert member.enterprise.registered_phone not in page
    assert member.enterprise.registered_phone[:3] + "****" in page


def test_a_user_of_one_enterprise_gets_404_for_another(client, member):
    other = EnterpriseFactory()

    assert client.get(space_url(other)).status_code == 404
    assert client.get(reverse("enterprises:members", kwargs={"uscc": other.uscc})).status_code == 404
    assert client.get(reverse("enterprises:correction_new", kwargs={"uscc": other.uscc})).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(space_url(EnterpriseFactory()))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_with_one_enterprise_the_space_opens_it(client, member):
    response = client.get(reverse("enterprises:home"))

    assert response.status_code == 302
    assert response["Location"] == space_url(member.enterprise)


def test_with_several_enterprises_the_user_chooses(client, member):
    second = EnterpriseMemberFactory(user=member.user, role="agent")

    page = client.get(reverse("enterprises:home")).content.decode()

    assert member.enterprise.name in page
    assert second.enterprise.name in page


def test_without_an_enterprise_the_space_explains_how_to_claim(client):
    client.force_login(EnterpriseUserFactory())

    page = client.get(reverse("enterprises:home")).content.decode()

    assert reverse("enterprises:claim") in page


@pytest.mark.parametrize("heading", ["匹配政策"])
def test_the_space_shows_no_section_for_a_service_not_built_yet(client, member, heading):
    page = client.get(space_url(member.enterprise)).content.decode()

    assert heading not in page


def test_the_space_links_the_payout_records_now_they_exist(client, member):
    page = client.get(space_url(member.enterprise)).content.decode()

    assert "兑付记录" in page and reverse("payouts:records") in page


def test_a_correction_request_is_recorded_with_the_current_value(client, member):
    response = client.post(
        reverse("enterprises:correction_new", kwargs={"uscc": member.enterprise.uscc}),
        {"field": "address", "proposed_value": "宜昌市西陵区夷陵大道100号", "reason": "已于2025年迁址，见新营业执照"},
    )

    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.user, request.current_value, request.status) == (
        member.user,
        member.enterprise.address,
        "submitted",
    )


def test_a_correction_without_a_reason_is_refused(client, member):
    response = client.post(
        reverse("enterprises:correction_new", kwargs={"uscc": member.enterprise.uscc}),
        {"field": "address", "proposed_value": "新地址", "reason": ""},
    )

    assert response.status_code == 200
    assert not CorrectionRequest.objects.exists()


def test_the_claim_pages_walk_through_both_steps(client, monkeypatch):
    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: "135790")
    enterprise = EnterpriseFactory(legal_rep_name="刘敏")
    client.force_login(EnterpriseUserFactory())

    step1 = client.post(reverse("enterprises:claim"), {"uscc": enterprise.uscc, "legal_rep_name": "刘敏"})
    step2 = client.post(reverse("enterprises:claim_confirm"), {"code": "135790"})

    assert step1["Location"] == reverse("enterprises:claim_confirm")
    assert step2["Location"] == space_url(enterprise)


def test_a_wrong_code_on_the_claim_page_shows_the_error(client, monkeypatch):
    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: "135790")
    enterprise = EnterpriseFactory(legal_rep_name="刘敏")
    client.force_login(EnterpriseUserFactory())
    client.post(reverse("enterprises:claim"), {"uscc": enterprise.uscc, "legal_rep_name": "刘敏"})

    page = client.post(reverse("enterprises:claim_confirm"), {"code": "111111"}).content.decode()

    assert "验证码错误" in page
    assert not enterprise.members.exists()


def test_a_wrong_legal_representative_is_one_error_on_that_field(client):
    enterprise = EnterpriseFactory(legal_rep_name="刘敏")
    client.force_login(EnterpriseUserFactory())

    response = client.post(reverse("enterprises:claim"), {"uscc": enterprise.uscc, "legal_rep_name": "刘明"})
    page = response.content.decode()

    form = response.context["form"]
    assert form.errors == {"legal_rep_name": ["法定代表人姓名与企业登记信息不一致"]}
    assert page.count("法定代表人姓名与企业登记信息不一致") == 1
    assert 'aria-invalid="true"' in page and 'id="id_legal_rep_name_error"' in page
    assert 'aria-describedby="id_legal_rep_name_helptext id_legal_rep_name_error"' in page


def test_a_uscc_copied_with_a_hyphen_is_read_like_the_code(client, monkeypatch):
    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: "135790")
    enterprise = EnterpriseFactory(legal_rep_name="刘敏")
    client.force_login(EnterpriseUserFactory())
    typed = f"{enterprise.uscc[:17]}-{enterprise.uscc[17]}"

    response = client.post(reverse("enterprises:claim"), {"uscc": typed, "legal_rep_name": "刘敏"})

    assert response["Location"] == reverse("enterprises:claim_confirm")


def test_the_legal_representative_adds_an_agent_on_the_members_page(client, member):
    agent = EnterpriseUserFactory(phone="13511112222")

    client.post(reverse("enterprises:members", kwargs={"uscc": member.enterprise.uscc}), {"phone": "13511112222"})

    assert member.enterprise.members.filter(user=agent, role="agent").exists()
