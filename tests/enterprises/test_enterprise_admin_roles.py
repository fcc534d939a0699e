"""The enterprise page in the back office as each role sees it: Chinese labels, never “None”."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.org import demo as org_demo
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.STAFF_OTP_REQUIRED = False
    org_demo.load()
    users = get_user_model().objects.filter(username__in=[login for login, *_rest in org_demo.STAFF])
    return {user.username: user for user in users}


@pytest.mark.parametrize("login", ["zwfw_clerk", "platform_admin"])
def test_the_contacts_section_shows_no_english_label_and_no_none(client, staff, login):
    enterprise = EnterpriseFactory()
    client.force_login(staff[login])
    response = client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "联系方式（已脱敏）" in page
    for english in ("New registered phone", "New contact name", "New contact phone"):
        assert english not in page
    section = page.split("联系方式（已脱敏）", 1)[1].split("</fieldset>", 1)[0]
    assert ">None<" not in section
    assert "None" not in section
