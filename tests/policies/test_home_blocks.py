"""The policies' home-page blocks follow publishing: the kernel's cached home data is cleared on publish."""

import pytest
from django.core.cache import cache

from policies import services
from portal.core.home import HOME_CACHE_KEY
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_a_published_policy_after_publishing_clears_the_cache(
    client, policy, editor_a, approver_a, django_capture_on_commit_callbacks
):
    cache.delete(HOME_CACHE_KEY)
    assert policy.title not in client.get("/").content.decode()  # cached now, without the policy
    services.submit(policy, by=editor_a)
    services.approve(policy, by=approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(policy, by=approver_a)

    assert policy.title in client.get("/").content.decode()
