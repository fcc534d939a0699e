"""Every (state × transition × role) of the feature-article workflow: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (无锡 §22(三): the department that made the policy
explains it; an editor writes and submits, another member of the department — a reviewer or approver, never the
author — publishes, returns or withdraws), not read from `engagement.articles` or roles.py.
"""

import pytest

from engagement import articles
from engagement.models import Article, ArticleState
from tests.engagement.articles_support import draft_article, public_policy
from tests.engagement.cast import cast
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = ArticleState
REASON = "文章引用的条款已调整，请更新后再发布。"

WHO = {
    "submit": {"editor", "platform_admin"},
    "publish": {"reviewer", "approver", "platform_admin"},
    "return": {"reviewer", "approver", "platform_admin"},
    "withdraw": {"reviewer", "approver", "platform_admin"},
    "revise": {"editor", "platform_admin"},
}

FROM = {
    "submit": {S.DRAFT},
    "publish": {S.PENDING},
    "return": {S.PENDING},
    "withdraw": {S.PUBLISHED},
    "revise": {S.WITHDRAWN},
}

ROLES = [
    "editor",
    "reviewer",
    "approver",
    "other_editor",
    "other_reviewer",
    "clerk",
    "finance",
    "operator",
    "supervisor",
    "platform_admin",
    "enterprise_user",
    "platform",
]


@pytest.fixture
def roles():
    p = cast()
    p["policy"] = public_policy(p["own"])
    return p


def _in_state(state, p) -> Article:
    """An article of 市科技局, written by its editor, brought to `state` through the workflow itself."""
    article = draft_article(p, p["policy"])
    if state != S.DRAFT:
        articles.submit(article, by=p["editor"])
    if state in (S.PUBLISHED, S.WITHDRAWN):
        articles.publish(article, by=p["reviewer"])
    if state == S.WITHDRAWN:
        articles.withdraw(article, by=p["reviewer"], reason=REASON)
    article.refresh_from_db()
    assert article.status == state
    return article


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, roles):
    article = _in_state(state, roles)
    expected = expected_outcomes(state, name, ROLES, WHO, FROM)
    assert {role: outcome(article, name, roles[role], REASON) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, roles):
    article = _in_state(state, roles)
    assert_offered_exactly(article, state, roles, ROLES[:-1], WHO, FROM)


def test_the_editor_who_wrote_it_is_not_offered_publishing_even_as_platform_admin(roles):
    article = articles.write(
        by=roles["platform_admin"],
        department=roles["own"],
        title="平台管理员撰写的文章",
        summary="摘要",
        body="<p>正文</p>",
        policies=[roles["policy"]],
    )
    article = articles.submit(article, by=roles["editor"])
    offered = {t.name for t in articles.ARTICLE.available(article, roles["platform_admin"])}
    assert offered == {"return"}
