"""效力状态: a published policy whose 施行日期 is still to come is 尚未施行, not 现行有效, everywhere."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from policies import selectors
from policies.models import Policy
from portal.core.home import HOME_CACHE_KEY
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db


def published(**kwargs) -> Policy:
    return PolicyFactory(status=Policy.Status.PUBLISHED, published_at=timezone.now(), **kwargs)


@pytest.fixture
def future_policy():
    today = timezone.localdate()
    return published(title="尚未施行的新政策", issue_date=today, effective_date=today + dt.timedelta(days=30))


@pytest.fixture
def current_policy():
    return published(title="已经施行的政策", effective_date=dt.date(2026, 3, 2))


def test_a_policy_before_its_effective_date_says_not_yet_in_effect(client, future_policy):
    page = client.get(future_policy.get_absolute_url()).content.decode()

    assert "尚未施行" in page
    assert "现行有效" not in page


def test_a_policy_from_its_effective_date_on_is_in_force(client, current_policy):
    page = client.get(current_policy.get_absolute_url()).content.decode()

    assert "现行有效" in page
    assert "尚未施行" not in page


def test_the_home_figures_count_only_policies_already_in_force(future_policy, current_policy):
    assert selectors.headline_figures()[0]["value"] == 1
    assert sum(c["count"] for c in selectors.category_counts()) == 1
    assert sum(level["count"] for level in selectors.level_counts()) == 1


def test_the_status_facet_counts_not_yet_in_effect_apart(future_policy, current_policy):
    facet = {value: n for value, _label, n in selectors.count_status(selectors.public_policies())}

    assert facet == {"in_force": 1, "not_yet": 1}


def test_the_in_force_filter_leaves_out_a_policy_not_yet_in_effect(client, future_policy, current_policy):
    in_force = client.get("/policies/", {"status": "in_force"}).content.decode()
    not_yet = client.get("/policies/", {"status": "not_yet"}).content.decode()

    assert current_policy.title in in_force and future_policy.title not in in_force
    assert future_policy.title in not_yet and current_policy.title not in not_yet


def test_the_home_page_does_not_count_a_future_policy_as_in_force(client, future_policy):
    cache.delete(HOME_CACHE_KEY)

    figures = selectors.headline_figures()

    assert figures[0]["value"] == 0
    assert client.get("/").status_code == 200


def test_every_home_count_links_to_a_list_of_exactly_that_many(client, settings):
    from django.core.management import call_command

    settings.DEMO_LOADERS = [loader for loader in settings.DEMO_LOADERS if loader != "matters.demo"]  # not needed here
    call_command("load_demo")
    links = [*selectors.category_counts(), *selectors.level_counts()]
    assert any(link["count"] for link in links)

    for link in links:
        listed = client.get(link["url"]).context["page_obj"].paginator.count
        assert listed == link["count"], link
