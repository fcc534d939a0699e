import pytest
from django.core.cache import cache

from portal.search import demo


@pytest.fixture(autouse=True)
def synonyms(db):
    """The seeded synonym table, and no cached lookups from another test."""
    cache.clear()
    demo.load()
    yield
    cache.clear()
