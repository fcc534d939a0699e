"""Subscriptions (政策订阅): a newly published policy tells each matching subscriber once, by site message and SMS."""

import datetime as dt

import pytest
from django.urls import reverse

from policies import services
from policies.models import PolicySubscription
from portal.notify.models import OutboxMessage, SiteMessage
from portal.org.models import Role
from tests.factories.org import CountyFactory, DepartmentFactory
from tests.factories.policies import (
    EnterpriseUserFactory,
    InterpretationFactory,
    PolicyFactory,
    SubscriptionFactory,
    category,
    member,
)

pytestmark = pytest.mark.django_db


def _publish(policy, editor, approver):
    services.submit(policy, by=editor)
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    return services.publish(policy, by=approver)


def _subscribe(**criteria):
    keywords = criteria.pop("keywords", [])
    subscription = SubscriptionFactory(keywords=keywords)
    for name, values in criteria.items():
        getattr(subscription, name).set(values)
    return subscription


def test_a_matching_subscriber_gets_one_site_message_and_one_sms(policy, editor_a, approver_a):
    subscription = _subscribe(categories=[category("keji")])
    _publish(policy, editor_a, approver_a)
    assert services.notify_subscribers(policy.pk) == 1
    assert (
        SiteMessage.objects.filter(
            user=subscription.user, dedupe_key=f"policy-sub:{policy.pk}:{subscription.user.pk}"
        ).count()
        == 1
    )
    assert OutboxMessage.objects.filter(dedupe_key=f"policy-sub:{policy.pk}:{subscription.user.pk}").count() == 1


def test_the_sms_names_the_policy(policy, editor_a, approver_a):
    _subscribe(categories=[category("keji")])
    _publish(policy, editor_a, approver_a)
    services.notify_subscribers(policy.pk)
    assert policy.title in OutboxMessage.objects.get().text


def test_a_subscriber_of_other_categories_hears_nothing(policy, editor_a, approver_a):
    _subscribe(categories=[category("waizi")])
    _publish(policy, editor_a, approver_a)
    assert services.notify_subscribers(policy.pk) == 0
    assert not SiteMessage.objects.exists()


def test_a_keyword_in_the_title_matches(policy, editor_a, approver_a):
    _subscribe(keywords=["科技创新"])
    _publish(policy, editor_a, approver_a)
    assert services.notify_subscribers(policy.pk) == 1


def test_a_co_issuing_department_matches(policy, editor_a, approver_a, dept_b):
    policy.co_departments.add(dept_b)
    _subscribe(departments=[dept_b])
    _publish(policy, editor_a, approver_a)
    assert services.notify_subscribers(policy.pk) == 1


def test_a_city_subscription_covers_its_counties():
    county = CountyFactory()
    county_department = DepartmentFactory(name="西陵区科学技术局", code="xl-kjj", region=county)
    policy = PolicyFactory(lead_department=county_department, region=county, level="county")
    services.assign_ownership(policy)
    _subscribe(regions=[county.parent])
    _publish(policy, member(county_department, Role.EDITOR), member(county_department, Role.APPROVER))
    assert services.notify_subscribers(policy.pk) == 1


def test_a_subscriber_matching_on_several_criteria_is_told_once(policy, editor_a, approver_a, dept_a):
    _subscribe(categories=[category("keji")], departments=[dept_a], keywords=["科技", "创新"])
    _publish(policy, editor_a, approver_a)
    assert services.notify_subscribers(policy.pk) == 1
    assert SiteMessage.objects.count() == 1


def test_sms_can_be_turned_off(policy, editor_a, approver_a):
    subscription = _subscribe(categories=[category("keji")])
    subscription.sms_enabled = False
    subscription.save()
    _publish(policy, editor_a, approver_a)
    services.notify_subscribers(policy.pk)
    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (1, 0)


def test_notifying_twice_sends_once(policy, editor_a, approver_a):
    _subscribe(categories=[category("keji")])
    _publish(policy, editor_a, approver_a)
    services.notify_subscribers(policy.pk)
    assert services.notify_subscribers(policy.pk) == 0
    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (1, 1)


def test_republishing_after_offline_does_not_send_again(policy, editor_a, approver_a):
    _subscribe(categories=[category("keji")])
    _publish(policy, editor_a, approver_a)
    services.notify_subscribers(policy.pk)
    services.expire(policy, on=dt.date(2026, 6, 1))
    services.take_offline(policy)
    policy = services.revise(policy, by=editor_a)
    policy.expiry_date = None
    policy.save()
    services.submit(policy, by=editor_a)
    services.approve(policy, by=approver_a)
    services.publish(policy, by=approver_a)
    services.notify_subscribers(policy.pk)
    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (1, 1)


def test_publishing_starts_the_notices_after_commit(
    policy, editor_a, approver_a, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _subscribe(categories=[category("keji")])
    with django_capture_on_commit_callbacks(execute=True):
        _publish(policy, editor_a, approver_a)
    assert SiteMessage.objects.count() == 1


def test_an_unpublished_policy_tells_nobody(policy):
    _subscribe(categories=[category("keji")])
    assert services.notify_subscribers(policy.pk) == 0


# The subscription page.


def test_subscription_page_requires_login(client):
    response = client.get(reverse("policies:subscriptions"))
    assert response.status_code == 302


def test_staff_cannot_subscribe(client, editor_a):
    client.force_login(editor_a)
    assert client.get(reverse("policies:subscriptions")).status_code == 403


def test_enterprise_user_subscribes_to_categories_and_keywords(client):
    user = EnterpriseUserFactory()
    client.force_login(user)
    response = client.post(
        reverse("policies:subscriptions"),
        {"categories": [category("keji").pk], "keywords": "专精特新，高新技术企业", "sms_enabled": "on"},
    )
    assert response.status_code == 302
    subscription = PolicySubscription.objects.get(user=user)
    assert subscription.keywords == ["专精特新", "高新技术企业"]
    assert list(subscription.categories.all()) == [category("keji")]


def test_an_empty_subscription_is_refused_in_chinese(client):
    client.force_login(EnterpriseUserFactory())
    response = client.post(reverse("policies:subscriptions"), {"keywords": ""})
    assert response.status_code == 200
    assert "请至少选择一项订阅条件" in response.content.decode()
    assert not PolicySubscription.objects.exists()


def test_a_one_character_keyword_is_refused(client):
    client.force_login(EnterpriseUserFactory())
    response = client.post(reverse("policies:subscriptions"), {"keywords": "税 专精特新"})
    assert "每个关键词应为2至20个字" in response.content.decode()
    assert not PolicySubscription.objects.exists()


def test_saving_again_changes_the_one_subscription(client):
    user = EnterpriseUserFactory()
    client.force_login(user)
    client.post(reverse("policies:subscriptions"), {"keywords": "专精特新"})
    client.post(reverse("policies:subscriptions"), {"keywords": "小巨人"})
    assert list(PolicySubscription.objects.filter(user=user).values_list("keywords", flat=True)) == [["小巨人"]]


def test_cancelling_deletes_the_subscription(client):
    user = EnterpriseUserFactory()
    SubscriptionFactory(user=user, keywords=["专精特新"])
    client.force_login(user)
    client.post(reverse("policies:subscriptions_delete"))
    assert not PolicySubscription.objects.filter(user=user).exists()


def test_a_departments_choices_are_only_policy_departments(client, data_bureau, dept_a):
    client.force_login(EnterpriseUserFactory())
    page = client.get(reverse("policies:subscriptions")).content.decode()
    assert dept_a.name in page
    assert data_bureau.name not in page


def test_the_sweep_goes_on_past_a_policy_whose_notices_fail(dept_a, editor_a, approver_a, monkeypatch):
    from policies import tasks

    first, second = (PolicyFactory(lead_department=dept_a) for _n in range(2))
    for policy in (first, second):
        services.assign_ownership(policy)
        _publish(policy, editor_a, approver_a)
    _subscribe(categories=[category("keji")])
    notify = services.notify_subscribers

    def failing_for_the_first(policy_id, **kwargs):
        if policy_id == first.pk:
            raise RuntimeError("database gone away")
        return notify(policy_id, **kwargs)

    monkeypatch.setattr(services, "notify_subscribers", failing_for_the_first)
    assert tasks.sweep_subscription_notices() == 1
    assert services.pending_subscription_notices() == [first.pk]
