"""The moderation of the interaction area (互动区审核与答复) on the workflow kernel.

    submitted（待审核）─公开→ published（已公开）─答复→ answered（已答复）
        └─不予公开（理由）→ rejected（不予公开）

Who: the operators (Role.OPERATOR) of an operations centre moderate (公开 / 不予公开); the reviewers and approvers
of the related matter's department or the related policy's lead department answer, and so may the operators;
anyone else is refused with a message. The search index follows every change (after the commit).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from appeals.models_interaction import Question, QuestionState
from portal.core.workflow import Transition, Workflow

S = QuestionState
ARTICLE = "无锡 §6、§22"

NOT_MODERATOR = gettext_lazy("只有城运中心（12345）的话务员可以审核互动区提问。")
NOT_ANSWERER = gettext_lazy("该提问不涉及您所在部门的政策或事项，不能答复；请由相关部门或城运中心答复。")


def _moderator(user, question) -> bool:
    from appeals.interaction import is_moderator

    return is_moderator(user, question)


def _answerer(user, question) -> bool:
    from appeals.interaction import may_answer

    return may_answer(user, question)


def _publish(step) -> None:
    step.obj.review_note = step.reason  # kept whole: the history's change reason holds 100 characters
    step.obj.moderated_by = step.by
    step.obj.moderated_at = step.at
    step.obj.published_at = step.at


def _reject(step) -> None:
    step.obj.moderated_by = step.by
    step.obj.moderated_at = step.at
    step.obj.reject_reason = step.reason[:500]


def _answer(step) -> None:
    from appeals.interaction import answering_department_of

    question = step.obj
    question.answer = step.reason
    question.answer_department = answering_department_of(step.by, question)
    question.answered_by = step.by
    question.answered_at = step.at
    step.history = str(step.transition.label)


def _reindex(question) -> None:
    from appeals.search_index import update_question

    update_question(question.pk)


QUESTION = Workflow(
    Question,
    key="question",
    label=gettext_lazy("互动区提问审核与答复"),
    transitions=[
        Transition(
            "publish",
            gettext_lazy("审核公开"),
            sources={S.SUBMITTED},
            target=S.PUBLISHED,
            permission="appeals.moderate_question",
            per_object=False,
            allowed=_moderator,
            permission_message=NOT_MODERATOR,
            reason_label=gettext_lazy("审核意见"),
            run=_publish,
            article=ARTICLE,
            after_commit=(_reindex,),
        ),
        Transition(
            "reject",
            gettext_lazy("不予公开"),
            sources={S.SUBMITTED},
            target=S.REJECTED,
            permission="appeals.moderate_question",
            per_object=False,
            allowed=_moderator,
            permission_message=NOT_MODERATOR,
            reason_required=True,
            reason_label=gettext_lazy("不予公开理由（将告知提问人）"),
            reason_min_length=4,
            run=_reject,
            article=ARTICLE,
            after_commit=(_reindex,),
        ),
        Transition(
            "answer",
            gettext_lazy("答复"),
            sources={S.PUBLISHED},
            target=S.ANSWERED,
            permission="appeals.answer_question",
            per_object=False,
            allowed=_answerer,
            permission_message=NOT_ANSWERER,
            reason_required=True,
            reason_label=gettext_lazy("答复内容（公开）"),
            reason_min_length=10,
            run=_answer,
            article=ARTICLE,
            after_commit=(_reindex,),
        ),
    ],
)
