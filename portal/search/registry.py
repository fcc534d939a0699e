"""The search registry (检索登记): which models are searchable and how each becomes a `SearchDocument`.

One entry of the kernel's registry type (`portal.core.registry.Registry`) per searchable
model, keyed by the model's label (`policies.policy`). A domain registers its adapter
with the `@register` class decorator, from `portal.search.adapters` or its own
`search_index` module; `portal.search.index` turns objects into documents with it,
and `manage.py check` runs each adapter's `check()`.
"""

from __future__ import annotations

from django.core import checks
from django.db import models

from portal.core.registry import Registry


class SearchAdapter:
    """How one model is indexed. Subclass and override; `kind` is a `SearchDocument.Kind` value."""

    model: type[models.Model]
    kind: str

    def queryset(self) -> models.QuerySet:
        """Everything that may appear in the index, public or not (`reindex` walks it)."""
        return self.model._default_manager.all()

    def title(self, obj) -> str:
        return str(obj)

    def body(self, obj) -> str:
        """Plain text; HTML is stripped by the registry."""
        return ""

    def url(self, obj) -> str:
        return obj.get_absolute_url()

    def is_published(self, obj) -> bool:
        return True

    def published_at(self, obj):
        return None

    def facets(self, obj) -> dict:
        return {}

    def check(self) -> list[checks.CheckMessage]:
        """System check: the adapter names a kind of document the index knows."""
        from .models import SearchDocument

        if getattr(self, "kind", None) not in SearchDocument.Kind.values:
            return [
                checks.Error(
                    f"search adapter {type(self).__name__}: kind {getattr(self, 'kind', None)!r} "
                    f"is not one of {', '.join(SearchDocument.Kind.values)}",
                    id="search.E001",
                )
            ]
        return []


adapters: Registry[SearchAdapter] = Registry("search_adapters", label="检索对象")


def _key(model: type[models.Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


def register(adapter_class: type[SearchAdapter]) -> type[SearchAdapter]:
    """Class decorator: `@register` on a `SearchAdapter` subclass makes its model searchable."""
    adapter = adapter_class()
    adapters.add(_key(adapter.model), adapter, label=str(adapter.model._meta.verbose_name))
    return adapter_class


def adapter_for(model: type[models.Model]) -> SearchAdapter:
    """The adapter of `model` (or of its concrete model); `LookupError` when it is not searchable."""
    return adapters.get(_key(model))


def searchable_models() -> list[type[models.Model]]:
    """Every registered model, in registry order."""
    return [adapter.model._meta.concrete_model for adapter in adapters]
