"""Published questions of the interaction area in the search index (kind "question", 互动问答).

A question is public (`published`) once moderated (已公开 or 已答复); its document holds the public title, content
and the official answer with the answering department. The index follows the question after every commit that
changes it (`update_question`, from the workflow and on save).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from appeals import interaction_workflow  # noqa: F401 - the question workflow registers on import
from appeals.models_interaction import Question, QuestionState
from portal.search.models import SearchDocument
from portal.search.registry import SearchAdapter, register

log = logging.getLogger(__name__)


@register
class QuestionAdapter(SearchAdapter):
    """互动区提问: title, content (personal data hidden) and the official answer."""

    model = Question
    kind = SearchDocument.Kind.QUESTION

    def queryset(self):
        return Question.objects.select_related("answer_department")

    def title(self, question) -> str:
        return question.title

    def body(self, question) -> str:
        parts = [question.content]
        if question.answer:
            parts += [question.answer, question.answer_department.name if question.answer_department_id else ""]
        return "\n".join(p for p in parts if p)

    def is_published(self, question) -> bool:
        return question.is_public

    def published_at(self, question):
        return question.answered_at or question.published_at

    def facets(self, question) -> dict:
        return {
            "status": question.status,
            "answered": question.status == QuestionState.ANSWERED,
            "policy": question.policy_id,
            "matter": question.matter_id,
            "department": question.answer_department_id,
        }


def update_question(question_id: int) -> None:
    """Index the question as it is now (or drop it when gone); a failure is logged and repaired by reindex."""
    from portal.search import index

    question = Question.objects.select_related("answer_department").filter(pk=question_id).first()
    try:
        if question is None:
            return
        index.update_document(question)
    except Exception:
        log.exception("search index update failed", extra={"question_id": question_id})


@receiver(post_save, sender=Question, dispatch_uid="question_search_index")
def _question_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        pk = instance.pk
        transaction.on_commit(lambda: update_question(pk))


@receiver(post_delete, sender=Question, dispatch_uid="question_search_remove")
def _question_deleted(sender, instance, **kwargs):
    from portal.search import index

    index.remove_document(instance)
