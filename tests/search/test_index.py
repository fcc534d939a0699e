"""The index changes when policies are published or changed, through the registry only."""

import pytest
from django.core.management import call_command

from policies.models import Policy
from portal.search import index
from portal.search.models import SearchDocument
from tests.factories.policies import PolicyFactory
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db


def test_a_public_policy_has_one_document_with_title_weighted_tokens():
    policy = public_policy(title="高新技术企业认定奖励办法")

    document = SearchDocument.objects.get(object_id=policy.pk)

    assert document.kind == "policy"
    assert document.published
    assert "高新技术企业" in document.title_tokens.split()
    assert document.url == policy.get_absolute_url()
    assert document.facets["level"] == policy.level


def test_updating_a_document_replaces_its_text():
    policy = public_policy(title="旧标题办法")
    Policy.objects.filter(pk=policy.pk).update(title="稳岗返还实施细则")
    policy.refresh_from_db()

    index.update_document(policy)

    assert SearchDocument.objects.get(object_id=policy.pk).title == "稳岗返还实施细则"
    assert SearchDocument.objects.count() == 1


def test_removing_a_document():
    policy = public_policy()

    index.remove_document(policy)

    assert not SearchDocument.objects.exists()


def test_a_draft_is_indexed_as_not_public():
    policy = PolicyFactory()

    index.update_document(policy)

    assert SearchDocument.objects.get(object_id=policy.pk).published is False


def test_reindex_command_rebuilds_and_drops_documents_of_deleted_objects():
    kept = public_policy(title="稳岗返还实施细则")
    gone = public_policy(title="旧办法")
    SearchDocument.objects.filter(object_id=kept.pk).update(title="过期的标题")
    Policy.objects.filter(pk=gone.pk).delete()

    call_command("reindex_search", "policies.Policy", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["稳岗返还实施细则"]
