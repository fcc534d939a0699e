"""The nightly rebuild repairs the index; the demo leaves every public policy searchable."""

import pytest

from portal.search.models import SearchDocument
from portal.search.tasks import reindex_all

pytestmark = pytest.mark.django_db


def test_nightly_rebuild_indexes_policies_written_without_the_services():
    from policies import demo as policies_demo
    from portal.org import demo as org_demo

    org_demo.load()
    policies_demo.load()
    SearchDocument.objects.all().delete()

    counts = reindex_all()

    assert counts["policies.Policy"] == SearchDocument.objects.count() > 0
    assert SearchDocument.objects.filter(published=True).exists()
