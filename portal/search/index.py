"""Writing the search index (检索索引). Only these functions change it.

The owning app calls `update_document` after an object is published or changed
and `remove_document` when it goes offline or is deleted; `reindex` (and the
`reindex_search` command) rebuilds a whole model. Searching never writes.
"""

import html
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils.html import strip_tags

from . import segment
from .models import SearchDocument
from .registry import SearchAdapter, adapter_for

INDEX_VERSION_KEY = "search:index-version"


def plain_text(value: str) -> str:
    return " ".join(html.unescape(strip_tags(value or "")).split())


def document_fields(adapter: SearchAdapter, obj) -> dict:
    title = plain_text(adapter.title(obj))
    body = plain_text(adapter.body(obj))
    return {
        "kind": adapter.kind,
        "title": title[:500],
        "body": body,
        "url": adapter.url(obj)[:500],
        "published": bool(adapter.is_published(obj)),
        "published_at": adapter.published_at(obj),
        "facets": adapter.facets(obj),
        "title_tokens": " ".join(segment.index_tokens(title)),
        "body_tokens": " ".join(segment.index_tokens(body)),
    }


def bump_index_version() -> None:
    """Cached suggestions and "did you mean" vocabularies are keyed by this version."""
    try:
        cache.incr(INDEX_VERSION_KEY)
    except ValueError:
        cache.set(INDEX_VERSION_KEY, 2, timeout=None)


def index_version() -> int:
    return cache.get(INDEX_VERSION_KEY) or 1


def update_document(obj) -> SearchDocument:
    """Index (or re-index) one object; call after publishing or changing it."""
    adapter = adapter_for(type(obj))
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    document, _created = SearchDocument.objects.update_or_create(
        content_type=content_type, object_id=obj.pk, defaults=document_fields(adapter, obj)
    )
    transaction.on_commit(bump_index_version)
    return document


def remove_document(obj) -> None:
    """Take one object out of the index (deleted objects)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    SearchDocument.objects.filter(content_type=content_type, object_id=obj.pk).delete()
    transaction.on_commit(bump_index_version)


def reindex(model: type[models.Model], batch_size: int = 500) -> int:
    """Rebuild the documents of one model from scratch, in batches; returns how many are indexed."""
    adapter = adapter_for(model)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    seen: list[int] = []
    with transaction.atomic():
        for batch in _batches(adapter.queryset().order_by("pk").iterator(chunk_size=batch_size), batch_size):
            SearchDocument.objects.bulk_create(
                [
                    SearchDocument(content_type=content_type, object_id=obj.pk, **document_fields(adapter, obj))
                    for obj in batch
                ],
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=[
                    "kind",
                    "title",
                    "body",
                    "url",
                    "published",
                    "published_at",
                    "facets",
                    "title_tokens",
                    "body_tokens",
                    "updated_at",
                ],
            )
            seen.extend(obj.pk for obj in batch)
        SearchDocument.objects.filter(content_type=content_type).exclude(object_id__in=seen).delete()
        transaction.on_commit(bump_index_version)
    return len(seen)


def _batches(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def track(model: type[models.Model]):
    """Keeps the documents of `model` in step after every commit: a saved object is read again through its
    adapter's queryset and (re)indexed, a deleted one removed. Returns `update(pk)`, for changes no save
    signal reports (e.g. a many-to-many set changed). A failure is logged and repaired by the next `reindex`.
    """
    import logging

    from django.db.models.signals import post_delete, post_save

    log = logging.getLogger(__name__)
    label = model._meta.label_lower

    def update(pk: int) -> None:
        try:
            obj = adapter_for(model).queryset().filter(pk=pk).first()
            if obj is not None:
                update_document(obj)
        except Exception:
            log.exception("search index update failed", extra={"model": label, "pk": pk})

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            pk = instance.pk
            transaction.on_commit(lambda: update(pk))

    def deleted(sender, instance, **kwargs):
        remove_document(instance)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{label}_search_track")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{label}_search_untrack")
    return update


def follow(model: type[models.Model], *, parent: type[models.Model], via: str) -> None:
    """Keeps the documents of `model` (rows shown on a `parent`'s page, e.g. FAQs) in step after every commit.

    A saved row is (re)indexed, a deleted one removed, and saving the parent re-indexes all its rows (whether
    they are public follows the parent's status). `via` is the foreign key from `model` to `parent`. A failure
    is logged and repaired by the next `reindex`.
    """
    import logging

    from django.db.models.signals import post_delete, post_save

    log = logging.getLogger(__name__)
    label = model._meta.label_lower

    def update(filters: dict) -> None:
        try:
            for row in model._default_manager.select_related(via).filter(**filters):
                update_document(row)
        except Exception:
            log.exception("search index update failed", extra={"model": label, **filters})

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            pk = instance.pk
            transaction.on_commit(lambda: update({"pk": pk}))

    def deleted(sender, instance, **kwargs):
        remove_document(instance)

    def parent_saved(sender, instance, raw=False, **kwargs):
        if not raw and instance.pk:
            pk = instance.pk
            transaction.on_commit(lambda: update({f"{via}_id": pk}))

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{label}_search_index")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{label}_search_remove")
    post_save.connect(parent_saved, sender=parent, weak=False, dispatch_uid=f"{label}_search_parent")
