"""订阅同类政策 from a policy page, and the help page saying only what the portal does."""

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import Policy, PolicySubscription
from portal.org.models import Department
from tests.factories.org import DepartmentFactory
from tests.factories.policies import EnterpriseUserFactory, PolicyFactory, SubscriptionFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_policy():
    return PolicyFactory(
        status=Policy.Status.PUBLISHED, published_at=timezone.now(), categories=[category("keji"), category("chuangye")]
    )


def ticked(response, name) -> set[int]:
    return {int(v) for v in response.context["form"][name].value()}


def test_a_visitor_on_a_policy_page_is_offered_to_log_in_and_subscribe(client, public_policy):
    page = client.get(public_policy.get_absolute_url()).content.decode()

    assert "登录后订阅同类政策" in page
    assert "/accounts/login/?next=" in page or reverse("accounts:login") + "?next=" in page


def test_subscribing_from_a_policy_ticks_its_categories_department_and_region(client, public_policy):
    client.force_login(EnterpriseUserFactory())

    link = client.get(public_policy.get_absolute_url()).context["subscribe_url"]
    response = client.get(link)

    assert ticked(response, "categories") == {category("keji").pk, category("chuangye").pk}
    assert ticked(response, "departments") == {public_policy.lead_department_id}
    assert ticked(response, "regions") == {public_policy.region_id}


def test_subscribing_from_a_policy_keeps_what_was_already_subscribed(client, public_policy):
    user = EnterpriseUserFactory()
    subscription = SubscriptionFactory(user=user, keywords=["专精特新"])
    subscription.categories.set([category("rencai")])
    client.force_login(user)

    response = client.get(reverse("policies:subscriptions"), {"policy": public_policy.slug})

    assert ticked(response, "categories") == {category("rencai").pk, category("keji").pk, category("chuangye").pk}
    assert PolicySubscription.objects.get(user=user).categories.count() == 1  # nothing saved until confirmed


def test_a_department_that_issued_a_public_policy_can_be_subscribed_to(client):
    finance = DepartmentFactory(name="宜昌市财政局", code="czj", kind=Department.Kind.FINANCE)
    PolicyFactory(status=Policy.Status.PUBLISHED, published_at=timezone.now(), lead_department=finance)
    client.force_login(EnterpriseUserFactory())

    form_departments = client.get(reverse("policies:subscriptions")).context["form"].fields["departments"].queryset
    list_departments = client.get("/policies/").context["facets"]

    assert finance in form_departments
    assert "宜昌市财政局" in str(list_departments)


def test_the_help_page_does_not_promise_an_attachment_for_every_policy(client):
    page = client.get("/help/").content.decode()

    assert "每项政策都有原文、附件和政策解读" not in page
    assert "订阅同类政策" in page
