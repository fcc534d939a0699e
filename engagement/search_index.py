"""The search adapters of 政企互动 (found by autodiscovery of `search_index` modules), one section per kind."""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from engagement import articles as _articles  # noqa: F401 - the article workflow registers on import
from engagement.models import Article, ArticleState
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

log = logging.getLogger(__name__)


# --- 专题文章 (kind "article") --------------------------------------------------------------------------
#
# A published article is public; its document holds the title, the summary, the body and the names of the
# policies it explains, so searching a policy's name finds the articles on it too. The index follows the
# article after every commit that changes it (publish, withdraw, an edit, its policies changed).


@register
class ArticleAdapter(SearchAdapter):
    """专题文章: title, summary, body and the titles of the policies it explains."""

    model = Article
    kind = SearchDocument.Kind.ARTICLE

    def queryset(self):
        return Article.objects.select_related("department").prefetch_related("policies")

    def title(self, article) -> str:
        return article.title

    def body(self, article) -> str:
        parts = [article.summary, article.body, article.department.name]
        parts += [policy.title for policy in article.policies.all()]
        return "\n".join(p for p in parts if p)

    def is_published(self, article) -> bool:
        return article.status == ArticleState.PUBLISHED

    def published_at(self, article):
        return article.published_at

    def facets(self, article) -> dict:
        return {
            "status": article.status,
            "department": article.department_id,
            "policies": [policy.pk for policy in article.policies.all()],
        }


def update_article(article_id: int) -> None:
    """Index the article as it is now; a failure is logged and repaired by `reindex_search`."""
    from portal.search import index

    article = Article.objects.select_related("department").filter(pk=article_id).first()
    if article is None:
        return
    try:
        index.update_document(article)
    except Exception:
        log.exception("search index update failed", extra={"article_id": article_id})


def _after_commit(pk: int) -> None:
    transaction.on_commit(lambda: update_article(pk))


@receiver(post_save, sender=Article, dispatch_uid="article_search_index")
def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(instance.pk)


@receiver(m2m_changed, sender=Article.policies.through, dispatch_uid="article_policies_search_index")
def _article_policies_changed(sender, instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        _after_commit(instance.pk)


@receiver(post_delete, sender=Article, dispatch_uid="article_search_remove")
def _article_deleted(sender, instance, **kwargs):
    from portal.search import index

    index.remove_document(instance)
