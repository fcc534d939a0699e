import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

from portal.core.registry import Registry, check_registries


@pytest.fixture
def registry(request):
    reg = Registry(f"test_{request.node.name}", label="测试")
    yield reg
    Registry._all.pop(reg.name)


def test_entries_are_listed_by_order_then_key(registry):
    registry.add("b", "second", label="乙", order=1)
    registry.add("a", "third", label="甲", order=2)
    registry.add("c", "first", label="丙", order=0)
    assert list(registry) == ["first", "second", "third"]
    assert registry.choices() == [("c", "丙"), ("b", "乙"), ("a", "甲")]


def test_a_key_is_registered_once(registry):
    registry.register("x")(object())
    with pytest.raises(ImproperlyConfigured):
        registry.register("x")(object())


def test_an_unknown_key_names_the_known_ones(registry):
    registry.add("known", 1)
    with pytest.raises(LookupError, match="known"):
        registry.get("missing")


def test_a_registry_name_is_declared_once(registry):
    with pytest.raises(ImproperlyConfigured):
        Registry(registry.name)


def test_entries_checks_run_as_a_system_check(registry):
    class Broken:
        def check(self):
            return [Error("配置不完整", id="test.E001")]

    registry.add("broken", Broken())
    assert [m.id for m in check_registries()] == ["test.E001"]
