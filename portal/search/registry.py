"""The search registry (检索登记): which models are searchable and how each becomes a `SearchDocument`.

Each searchable model registers one adapter; `portal.search.index` turns objects
into documents with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


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


@dataclass
class Registry:
    adapters: dict[type[models.Model], SearchAdapter] = field(default_factory=dict)

    def register(self, adapter_class: type[SearchAdapter]) -> type[SearchAdapter]:
        """Class decorator: `@registry.register` on a `SearchAdapter` subclass."""
        adapter = adapter_class()
        self.adapters[adapter.model] = adapter
        return adapter_class

    def adapter_for(self, model: type[models.Model]) -> SearchAdapter:
        concrete = model._meta.concrete_model
        try:
            return self.adapters[concrete]
        except KeyError:
            raise LookupError(f"{concrete._meta.label} is not registered for search") from None


registry = Registry()
register = registry.register
