"""专题文章 (feature articles attached to policies, 无锡 §22(三)): the workflow, use cases and registrations.

"惠企政策出台后，各地、市惠企主管部门(单位)要在“惠企通”以政策评论、专题文章等形式及时进行宣传解读": an
editor of a department writes an article on the department's published policies and submits it; a reviewer or
approver of the same department (never its author) publishes it or returns it with a reason, and may withdraw a
published one with a reason. Who works on which article is the department's object permissions (granted by
`assign_ownership`), so another department's staff neither see nor change it.

Every transition goes through the kernel (`portal.core.workflow.perform`); the search index follows the article
after each commit that changes it (`engagement.search_index`). A policy's public page shows its published articles
(「专题文章」) and the interaction area's questions about it (「政策咨询」, with 我要提问 pre-filled with the policy).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engagement.models import Article, ArticleState
from portal.core.workflow import Transition, Workflow, perform
from portal.org.permissions import grant_to_department

S = ArticleState
RULE = "无锡 §22(三)"

# What the owning department's group holds on each of its articles.
OWNER_PERMS = ["view", "change", "delete", "submit_article", "publish_article"]

NOT_OWN_ARTICLE = _("不能审核发布自己撰写的专题文章，请由本部门其他审核人员办理。")
NOT_PUBLISHER = _("只有本部门的审核人员可以审核发布专题文章，且不能发布自己撰写的文章。")


def assign_ownership(article: Article) -> None:
    """The writing department owns the article: its staff view, change, submit and publish it (by role)."""
    grant_to_department(article, article.department, OWNER_PERMS)


def _not_author(user, article) -> bool:
    """The four-eyes rule: whoever wrote an article does not publish it."""
    return article is None or article.created_by_id is None or article.created_by_id != user.pk


def _complete(step) -> None:
    """提交审核: a title, a body with text and at least one policy."""
    article = step.obj
    article.full_clean(exclude=["cover", "policies", "matters"])
    if not article.policies.exists():
        raise ValidationError({"policies": _("请至少选择一项本文解读的政策。")}, code="no_policy")


def _publish(step) -> None:
    article = step.obj
    article.reviewed_by = step.by
    article.return_reason = ""
    article.withdraw_reason = ""
    article.withdrawn_at = None
    article.published_at = step.at


def _return(step) -> None:
    step.obj.return_reason = step.reason
    step.obj.reviewed_by = step.by


def _withdraw(step) -> None:
    step.obj.withdraw_reason = step.reason
    step.obj.withdrawn_at = step.at


def _reindex(article) -> None:
    from engagement.search_index import update_article

    update_article(article.pk)


ARTICLE = Workflow(
    Article,
    key="article",
    label=_("专题文章发布流程"),
    transitions=[
        Transition(
            "submit",
            _("提交审核"),
            sources={S.DRAFT},
            target=S.PENDING,
            permission="engagement.submit_article",
            guard=_complete,
            article=RULE,
        ),
        Transition(
            "publish",
            _("审核发布"),
            sources={S.PENDING},
            target=S.PUBLISHED,
            permission="engagement.publish_article",
            allowed=_not_author,
            permission_message=NOT_PUBLISHER,
            run=_publish,
            after_commit=(_reindex,),
            article=RULE,
        ),
        Transition(
            "return",
            _("退回修改"),
            sources={S.PENDING},
            target=S.DRAFT,
            permission="engagement.publish_article",
            reason_required=True,
            reason_label=_("退回理由"),
            run=_return,
            article=RULE,
        ),
        Transition(
            "withdraw",
            _("撤下"),
            sources={S.PUBLISHED},
            target=S.WITHDRAWN,
            permission="engagement.publish_article",
            reason_required=True,
            reason_label=_("撤下理由"),
            run=_withdraw,
            after_commit=(_reindex,),
            article=RULE,
        ),
        Transition(
            "revise",
            _("重新编辑"),
            sources={S.WITHDRAWN},
            target=S.DRAFT,
            permission="engagement.submit_article",
            article=RULE,
        ),
    ],
)


# --- use cases ---------------------------------------------------------------------------------------


def write(*, by, department, title: str, summary: str, body: str, policies, matters=(), cover=None) -> Article:
    """A new draft by `by` for `department`, owned by the department. ValidationError (Chinese) for bad input."""
    policies = list(policies)
    if not policies:
        raise ValidationError({"policies": _("请至少选择一项本文解读的政策。")}, code="no_policy")
    with transaction.atomic():
        article = Article(
            title=title, summary=summary, body=body, department=department, created_by=by, cover=cover or ""
        )
        article.full_clean(exclude=["policies", "matters"])
        article._history_user = by
        article.save()
        article.policies.set(policies)
        article.matters.set(list(matters))
        assign_ownership(article)
    return article


def submit(article: Article, *, by) -> Article:
    return perform(article, "submit", by=by)


def publish(article: Article, *, by) -> Article:
    return perform(article, "publish", by=by)


def return_for_changes(article: Article, *, by, reason: str) -> Article:
    return perform(article, "return", by=by, reason=reason)


def withdraw(article: Article, *, by, reason: str) -> Article:
    return perform(article, "withdraw", by=by, reason=reason)


def revise(article: Article, *, by) -> Article:
    return perform(article, "revise", by=by)


# --- reads -------------------------------------------------------------------------------------------


def published_articles() -> QuerySet[Article]:
    """The public articles, newest first."""
    return Article.objects.filter(status=S.PUBLISHED).select_related("department").order_by("-published_at", "-pk")


def articles_on(policy) -> list[Article]:
    return list(published_articles().filter(policies=policy))


def public_policies_of(article: Article) -> list:
    """The article's policies a visitor may open (public ones only)."""
    from policies.models import Policy

    return list(article.policies.filter(status__in=Policy.PUBLIC_STATUSES).order_by("-issue_date", "pk"))


# --- what a policy's public page shows ----------------------------------------------------------------


class PolicyArticles:
    """专题文章: a public policy's page lists the published articles that explain it."""

    template = "engagement/articles/includes/policy_articles.html"

    def context(self, policy) -> dict | None:
        articles = articles_on(policy)
        return {"articles": articles} if articles else None


QUESTIONS_SHOWN = 5


class PolicyQuestions:
    """政策咨询: on every public policy's page, the answered public questions about it and 我要提问, which opens
    the interaction area's new question pre-filled with this policy (a visitor signs in first and comes back)."""

    template = "engagement/articles/includes/policy_questions.html"

    def context(self, policy) -> dict:
        from urllib.parse import urlencode

        from django.urls import reverse

        from appeals import interaction
        from appeals.models_interaction import QuestionState

        answered = interaction.public_questions().filter(policy=policy, status=QuestionState.ANSWERED)
        return {
            "questions": list(
                answered.select_related("answer_department").order_by("-answered_at", "-pk")[:QUESTIONS_SHOWN]
            ),
            "answered_count": answered.count(),
            "ask_url": f"{reverse('appeals:new_question')}?{urlencode({'policy': policy.slug})}",
            "all_url": f"{reverse('appeals:questions')}?{urlencode({'policy': policy.slug})}",
        }


def _register() -> None:
    from policies.selectors import policy_detail_blocks
    from portal.core.uploads import served_uploads

    policy_detail_blocks.add("articles", PolicyArticles(), label=_("专题文章"), order=15)
    policy_detail_blocks.add("questions", PolicyQuestions(), label=_("政策咨询"), order=25)
    served_uploads.add("engagement/articles/", _cover_download_name, label="专题文章封面图")


def _cover_download_name(request, name: str) -> str | None:
    """A cover is served when its article is published, or to staff who may view the article."""
    from portal.org.permissions import can

    article = Article.objects.filter(cover=name).first()
    if article is None:
        return None
    if article.is_public or can(request.user, "engagement.view_article", article):
        return name.rsplit("/", 1)[-1]
    return None


_register()
