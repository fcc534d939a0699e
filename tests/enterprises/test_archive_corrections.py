"""纠错: an enterprise reports a wrong fact; staff answer; the answer reaches the requester."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises import services
from portal.notify.models import SiteMessage
from tests.factories.accounts import EnterpriseUserFactory, StaffUserFactory
from tests.factories.enterprises import EnterpriseMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_():
    member = EnterpriseMemberFactory()
    return services.submit_correction(
        member.enterprise, user=member.user, field="legal_rep_name", proposed_value="王五", reason="已变更法定代表人"
    )


def test_an_answer_is_sent_to_the_requester_as_a_site_message(request_):
    services.answer_correction(request_, by=StaffUserFactory(), answer="已与市场监管部门核实并更正。", accepted=True)

    message = SiteMessage.objects.get(user=request_.user)
    assert "已与市场监管部门核实并更正" in message.body
    assert request_.enterprise.uscc in message.link


def test_an_answered_request_records_who_and_when(request_):
    staff = StaffUserFactory()

    answered = services.answer_correction(request_, by=staff, answer="登记信息无误。", accepted=False)

    assert (answered.status, answered.answered_by) == ("rejected", staff)
    assert answered.answered_at is not None


def test_a_request_is_answered_only_once(request_):
    services.answer_correction(request_, by=StaffUserFactory(), answer="已更正。", accepted=True)

    with pytest.raises(ValidationError, match="已答复"):
        services.answer_correction(request_, by=StaffUserFactory(), answer="再次答复", accepted=True)
    assert SiteMessage.objects.count() == 1


def test_an_empty_answer_is_refused(request_):
    with pytest.raises(ValidationError, match="请填写答复内容"):
        services.answer_correction(request_, by=StaffUserFactory(), answer=" ", accepted=True)


def test_only_members_may_report_errors():
    member = EnterpriseMemberFactory()

    with pytest.raises(PermissionDenied):
        services.submit_correction(
            member.enterprise, user=EnterpriseUserFactory(), field="address", proposed_value="x", reason="y"
        )
