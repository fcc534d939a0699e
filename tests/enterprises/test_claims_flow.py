"""Claiming an enterprise (企业认领) and managing its agents (经办人)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises import services
from enterprises.models import ChangeEvent, EnterpriseMember
from portal.notify.models import OutboxMessage
from tests.factories.accounts import EnterpriseUserFactory, StaffUserFactory
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory

pytestmark = pytest.mark.django_db

CODE = "246810"


@pytest.fixture(autouse=True)
def known_code(monkeypatch):
    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: CODE)


@pytest.fixture
def enterprise():
    return EnterpriseFactory(legal_rep_name="王建国", registered_phone="13907170001")


def claim(user, enterprise, name="王建国", code=CODE):
    services.start_claim(user, enterprise.uscc, name)
    return services.confirm_claim(user, enterprise.uscc, name, code)


def test_the_right_name_and_code_make_the_user_the_legal_representative(enterprise):
    user = EnterpriseUserFactory()

    member = claim(user, enterprise)

    assert (member.enterprise, member.user, member.role) == (enterprise, user, "legal_rep")


def test_the_code_goes_to_the_enterprises_registered_phone(enterprise):
    from portal.core.crypto import digest

    services.start_claim(EnterpriseUserFactory(), enterprise.uscc, "王建国")

    assert OutboxMessage.objects.filter(phone_digest=digest("13907170001"), template__code="verify_code").exists()


def test_a_claim_queues_the_welcome_push_once_and_records_a_registration(enterprise):
    claim(EnterpriseUserFactory(), enterprise)

    welcome = OutboxMessage.objects.get(template__code="new_enterprise_welcome")
    assert welcome.dedupe_key == f"welcome:enterprise:{enterprise.pk}"
    assert enterprise.name in welcome.text
    assert ChangeEvent.objects.filter(enterprise=enterprise, kind="registered").count() == 1


def test_a_lower_case_uscc_with_spaces_is_understood(enterprise):
    user = EnterpriseUserFactory()
    typed = " " + enterprise.uscc.lower()[:9] + " " + enterprise.uscc.lower()[9:]

    services.start_claim(user, typed, "王建国")
    services.confirm_claim(user, typed, "王建国", CODE)

    assert EnterpriseMember.objects.filter(enterprise=enterprise, user=user).exists()


def test_a_wrong_name_is_refused_and_sends_nothing(enterprise):
    with pytest.raises(ValidationError, match="法定代表人姓名与企业登记信息不一致"):
        services.start_claim(EnterpriseUserFactory(), enterprise.uscc, "王建")

    assert not OutboxMessage.objects.exists()


def test_a_wrong_code_is_refused_and_changes_nothing(enterprise):
    user = EnterpriseUserFactory()
    services.start_claim(user, enterprise.uscc, "王建国")

    with pytest.raises(ValidationError, match="验证码错误"):
        services.confirm_claim(user, enterprise.uscc, "王建国", "000000")

    assert not EnterpriseMember.objects.exists()
    assert not ChangeEvent.objects.exists()
    assert not OutboxMessage.objects.filter(template__code="new_enterprise_welcome").exists()


def test_an_invalid_uscc_says_what_is_wrong():
    with pytest.raises(ValidationError, match="18"):
        services.start_claim(EnterpriseUserFactory(), "9142050200000001", "王建国")


def test_an_unknown_uscc_is_refused():
    from tests.factories.enterprises import uscc_for

    with pytest.raises(ValidationError, match="企业档案中没有"):
        services.start_claim(EnterpriseUserFactory(), uscc_for(99999), "王建国")


def test_an_enterprise_already_claimed_cannot_be_claimed_again(enterprise):
    claim(EnterpriseUserFactory(), enterprise)

    with pytest.raises(ValidationError, match="已被认领"):
        services.start_claim(EnterpriseUserFactory(), enterprise.uscc, "王建国")


def test_a_cancelled_enterprise_cannot_be_claimed():
    enterprise = EnterpriseFactory(legal_rep_name="王建国", operating_status="cancelled")

    with pytest.raises(ValidationError, match="注销"):
        services.start_claim(EnterpriseUserFactory(), enterprise.uscc, "王建国")


def test_staff_cannot_claim(enterprise):
    with pytest.raises(PermissionDenied):
        services.start_claim(StaffUserFactory(), enterprise.uscc, "王建国")


def test_the_legal_representative_adds_an_agent_by_phone():
    member = EnterpriseMemberFactory()
    agent = EnterpriseUserFactory(phone="13600001111")

    added = services.add_agent(member.enterprise, by=member.user, phone="136 0000 1111")

    assert (added.user, added.role, added.added_by) == (agent, "agent", member.user)


def test_an_unregistered_phone_cannot_be_added_as_agent():
    member = EnterpriseMemberFactory()

    with pytest.raises(ValidationError, match="尚未注册"):
        services.add_agent(member.enterprise, by=member.user, phone="13600002222")


def test_an_agent_cannot_add_agents():
    legal = EnterpriseMemberFactory()
    agent = EnterpriseMemberFactory(enterprise=legal.enterprise, role="agent")
    EnterpriseUserFactory(phone="13600003333")

    with pytest.raises(PermissionDenied):
        services.add_agent(legal.enterprise, by=agent.user, phone="13600003333")


def test_the_legal_representative_removes_an_agent():
    legal = EnterpriseMemberFactory()
    agent = EnterpriseMemberFactory(enterprise=legal.enterprise, role="agent")

    services.remove_agent(legal.enterprise, by=legal.user, member_id=agent.pk)

    assert not EnterpriseMember.objects.filter(pk=agent.pk).exists()


def test_the_legal_representative_cannot_be_removed_as_an_agent():
    legal = EnterpriseMemberFactory()

    with pytest.raises(ValidationError, match="没有找到该经办人"):
        services.remove_agent(legal.enterprise, by=legal.user, member_id=legal.pk)
