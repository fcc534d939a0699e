"""What the tests of 专题文章 share: a department with its staff, public policies and articles in a given state."""

from django.utils import timezone

from engagement import articles
from engagement.models import Article
from policies.models import Policy
from portal.org.models import Role
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member

BODY = "<p>首次认定的高新技术企业可获一次性奖励20万元，资格有效期3年。</p>"


def people():
    """市科技局 (own) with an editor, a reviewer and an approver; 市商务局 (other) with its own editor and reviewer."""
    city = CityFactory()
    own = DepartmentFactory(name="宜昌市科学技术局", code="kjj", region=city)
    other = DepartmentFactory(name="宜昌市商务局", code="swj", region=city)
    return {
        "own": own,
        "other": other,
        "editor": member(own, Role.EDITOR, username="kjj_editor"),
        "reviewer": member(own, Role.REVIEWER, username="kjj_reviewer"),
        "approver": member(own, Role.APPROVER, username="kjj_approver"),
        "other_editor": member(other, Role.EDITOR, username="swj_editor"),
        "other_reviewer": member(other, Role.REVIEWER, username="swj_reviewer"),
    }


def public_policy(department, **fields) -> Policy:
    """A published policy of `department` (published directly: its own workflow is tested in tests/policies)."""
    policy = PolicyFactory(lead_department=department, region=department.region, **fields)
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED, published_at=timezone.now())
    policy.refresh_from_db()
    return policy


def draft_article(p, policy, title="高新技术企业认定，这些条件要看清", **fields) -> Article:
    return articles.write(
        by=p["editor"],
        department=p["own"],
        title=title,
        summary=fields.pop("summary", "一文读懂高新技术企业认定的三项硬指标。"),
        body=fields.pop("body", BODY),
        policies=[policy],
        **fields,
    )


def published_article(p, policy, **fields) -> Article:
    article = draft_article(p, policy, **fields)
    articles.submit(article, by=p["editor"])
    articles.publish(article, by=p["reviewer"])
    article.refresh_from_db()
    return article
