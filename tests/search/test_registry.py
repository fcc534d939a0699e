"""Searchable models are entries of the kernel's one registry type (portal.core.registry.Registry)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from policies.models import Interpretation, Policy
from portal.core.registry import Registry, check_registries
from portal.search import registry
from portal.search.adapters import PolicyAdapter


@pytest.fixture
def interpretations_searchable():
    """A domain registering a second searchable model, removed afterwards."""

    @registry.register
    class InterpretationAdapter(registry.SearchAdapter):
        model = Interpretation
        kind = "faq"

    yield InterpretationAdapter
    registry.adapters.unregister("policies.interpretation")


def test_the_search_registry_is_a_kernel_registry():
    assert isinstance(registry.adapters, Registry)
    assert registry.adapters in Registry.all()
    assert ("policies.policy", "政策") in registry.adapters.choices()


def test_an_adapter_is_found_by_its_model():
    assert isinstance(registry.adapter_for(Policy), PolicyAdapter)


def test_a_model_not_registered_is_a_lookup_error():
    with pytest.raises(LookupError, match=r"policies\.interpretation"):
        registry.adapter_for(Interpretation)


def test_a_domain_registers_with_one_decorator(interpretations_searchable):
    assert isinstance(registry.adapter_for(Interpretation), interpretations_searchable)
    assert Interpretation in registry.searchable_models()


def test_a_model_is_registered_once(interpretations_searchable):
    with pytest.raises(ImproperlyConfigured):
        registry.register(interpretations_searchable)


def test_an_adapter_with_an_unknown_kind_fails_the_system_check():
    class Broken(registry.SearchAdapter):
        model = Interpretation
        kind = "news"

    registry.register(Broken)
    try:
        assert "search.E001" in [message.id for message in check_registries()]
    finally:
        registry.adapters.unregister("policies.interpretation")
