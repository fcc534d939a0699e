"""The search adapters of 政企互动 (found by autodiscovery of `search_index` modules), one section per kind."""

import datetime as dt

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from engagement import articles as _articles  # noqa: F401 - the article workflow registers on import
from engagement.models import Article, ArticleState, Consultation, ConsultationSession, SessionState
from portal.search import index
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

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


# saved, published, withdrawn or deleted: the document follows after commit
update_article = index.track(Article)


@receiver(m2m_changed, sender=Article.policies.through, dispatch_uid="article_policies_search_index")
def _article_policies_changed(sender, instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        pk = instance.pk
        transaction.on_commit(lambda: update_article(pk))


# --- 征求意见 (kind "consultation") ----------------------------------------------------------------------------
#
# A consultation is public from the day it opens: its document holds the introduction, the draft text, the
# questions it asks and, once published, the summary of the comments (personal data removed), so an enterprise
# finds a draft by its subject while it can still comment.


@register
class ConsultationAdapter(SearchAdapter):
    """征求意见稿: title, introduction, draft text, questions and the published summary."""

    model = Consultation
    kind = SearchDocument.Kind.CONSULTATION

    def queryset(self):
        return Consultation.objects.select_related("department").prefetch_related("questions")

    def title(self, consultation) -> str:
        return consultation.title

    def body(self, consultation) -> str:
        parts = [consultation.introduction, consultation.draft_text, consultation.department.name]
        parts += [question.text for question in consultation.questions.all()]
        if consultation.status == Consultation.Status.PUBLISHED:
            parts.append(consultation.public_summary)
        return "\n".join(p for p in parts if p)

    def is_published(self, consultation) -> bool:
        return consultation.status in Consultation.PUBLIC_STATUSES

    def published_at(self, consultation):
        if consultation.opened_on is None:
            return None
        return timezone.make_aware(dt.datetime.combine(consultation.opened_on, dt.time()))

    def facets(self, consultation) -> dict:
        return {"status": consultation.status, "department": consultation.department_id}


update_consultation = index.track(Consultation)


# --- 线上政策咨询会 (kind "session") -------------------------------------------------------------------------
#
# A session is found once published for booking, and after it is held (its recording and answers are on its
# page); a cancelled one is not.


@register
class SessionAdapter(SearchAdapter):
    """线上政策咨询会: topic, description, host, department and the policy or matter it is about."""

    model = ConsultationSession
    kind = SearchDocument.Kind.SESSION

    def queryset(self):
        return ConsultationSession.objects.select_related("department", "policy", "matter")

    def title(self, session) -> str:
        return session.topic

    def body(self, session) -> str:
        parts = [session.description, session.host, session.department.name]
        parts += [session.policy.title if session.policy_id else "", session.matter.name if session.matter_id else ""]
        return "\n".join(p for p in parts if p)

    def is_published(self, session) -> bool:
        return session.status in (SessionState.PUBLISHED, SessionState.HELD, SessionState.REPLAYED)

    def published_at(self, session):
        return session.published_at

    def facets(self, session) -> dict:
        return {"status": session.status, "department": session.department_id, "policy": session.policy_id}


update_session = index.track(ConsultationSession)
