"""专题文章 in the back office, by the demo roles: the editor's add and change forms (valid, invalid, script
stripped), the reviewer publishing from the change form, another department's staff kept out, and no author
publishing their own article."""

import pytest
from django.urls import reverse

from engagement import articles
from engagement.models import Article, ArticleState
from portal.org import demo as org_demo
from portal.org.models import Department, Role
from tests.backoffice.conftest import staff_by_login
from tests.engagement.articles_support import BODY, public_policy
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

S = ArticleState
ADD = reverse("admin:engagement_article_add")


def _change(article) -> str:
    return reverse("admin:engagement_article_change", args=[article.pk])


def _transition(article, name) -> str:
    return reverse("admin:engagement_article_transition", args=[article.pk, name])


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def staff(db):
    """The demo accounts (kjj_editor, kjj_reviewer, kjj_approver, platform_admin …) in their real departments."""
    org_demo.load()
    return staff_by_login()


@pytest.fixture
def kjj(staff):
    return Department.objects.get(code="yc-kjj")


@pytest.fixture
def policy(kjj):
    return public_policy(kjj, title="高新技术企业认定管理办法")


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _form(policy, **overrides) -> dict:
    data = {
        "title": "高新技术企业认定，这些条件要看清",
        "summary": "一文读懂高新技术企业认定的三项硬指标。",
        "body": BODY,
        "policies": [str(policy.pk)],
        "matters": [],
        "_save": "保存",
    }
    data.update(overrides)
    return data


def _written(staff, kjj, policy, **kw) -> Article:
    return articles.write(
        by=staff["kjj_editor"],
        department=kjj,
        title=kw.get("title", "认定条件解读"),
        summary="摘要",
        body=BODY,
        policies=[policy],
    )


# --- the editor's forms -------------------------------------------------------------------------------


def test_the_editor_adds_an_article_owned_by_the_department_with_the_script_stripped(signed_in, staff, kjj, policy):
    client = signed_in(staff["kjj_editor"])
    assert client.get(ADD).status_code == 200
    body = "<p>认定奖励20万元</p><script>document.location='https://evil.example'</script>"
    response = client.post(ADD, _form(policy, body=body))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.department, article.created_by) == (S.DRAFT, kjj, staff["kjj_editor"])
    assert article.body == "<p>认定奖励20万元</p>"
    assert list(article.policies.all()) == [policy]
    assert client.get(_change(article)).status_code == 200
    assert article.history.filter(history_user=staff["kjj_editor"]).exists()


def test_the_add_form_refuses_an_article_without_a_policy_or_with_only_script(signed_in, staff, policy):
    client = signed_in(staff["kjj_editor"])
    response = client.post(ADD, _form(policy, policies=[], body="<script>alert(1)</script>"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["policies"] == ["请至少选择一项本文解读的政策。"]
    assert errors["body"] == ["正文不能为空（脚本、样式等内容已被清除）。"]
    assert not Article.objects.exists()


def test_the_add_form_refuses_a_draft_policy(signed_in, staff, kjj):
    from tests.factories.policies import PolicyFactory

    draft = PolicyFactory(lead_department=kjj, region=kjj.region)
    response = signed_in(staff["kjj_editor"]).post(ADD, _form(draft))
    assert response.status_code == 200
    assert "policies" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_the_editor_changes_a_draft_and_an_empty_title_is_refused(signed_in, staff, kjj, policy):
    article = _written(staff, kjj, policy)
    client = signed_in(staff["kjj_editor"])
    refused = client.post(_change(article), _form(policy, title="  "))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["title"] == ["该字段是必填项。"]
    assert Article.objects.get(pk=article.pk).title == "认定条件解读"
    saved = client.post(
        _change(article), _form(policy, title="认定条件解读（修订）", body="<p>修订</p><iframe src=x></iframe>")
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("认定条件解读（修订）", "<p>修订</p>")


def test_a_submitted_article_is_read_only_to_its_editor(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    client = signed_in(staff["kjj_editor"])
    page = client.get(_change(article))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    client.post(_change(article), _form(policy, title="改了标题"))
    assert Article.objects.get(pk=article.pk).title == "认定条件解读"


# --- the reviewer and approver ---------------------------------------------------------------------------


def test_the_reviewer_publishes_from_the_change_form(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    client = signed_in(staff["kjj_reviewer"])
    page = client.get(_change(article))
    assert [t.name for t in page.context["workflow_transitions"]] == ["publish", "return"]
    response = client.post(_transition(article, "publish"), {"confirm": "1"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.reviewed_by) == (S.PUBLISHED, staff["kjj_reviewer"])


def test_the_approver_returns_with_a_reason_and_an_empty_reason_is_refused(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    client = signed_in(staff["kjj_approver"])
    refused = client.post(_transition(article, "return"), {"confirm": "1", "reason": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == ["该字段是必填项。"]
    assert Article.objects.get(pk=article.pk).status == S.PENDING
    client.post(_transition(article, "return"), {"confirm": "1", "reason": "请补充研发费用的计算口径。"})
    article.refresh_from_db()
    assert (article.status, article.return_reason) == (S.DRAFT, "请补充研发费用的计算口径。")


def test_the_reviewer_cannot_add_or_change_articles(signed_in, staff, kjj, policy):
    article = _written(staff, kjj, policy)
    client = signed_in(staff["kjj_reviewer"])
    assert client.get(ADD).status_code == 403
    client.post(_change(article), _form(policy, title="审核员改的标题"))
    assert Article.objects.get(pk=article.pk).title == "认定条件解读"


# --- another department, and the author -------------------------------------------------------------------


def test_another_departments_staff_neither_see_nor_change_the_article(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    swj = Department.objects.get(code="yc-swj")
    for role in (Role.EDITOR, Role.REVIEWER):
        client = signed_in(member(swj, role))
        listed = client.get(reverse("admin:engagement_article_changelist"))
        assert listed.status_code == 200
        assert list(listed.context["cl"].result_list) == []
        assert client.get(_change(article)).status_code == 404
        assert client.post(_transition(article, "publish"), {"confirm": "1"}).status_code == 404
    assert Article.objects.get(pk=article.pk).status == S.PENDING


def test_the_editor_is_not_offered_publishing_and_a_posted_publish_changes_nothing(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    client = signed_in(staff["kjj_editor"])
    page = client.get(_change(article))
    assert page.context["workflow_transitions"] == []
    assert page.context["workflow_notes"] == ["已提交审核，待本部门审核人员发布。"]
    response = client.post(_transition(article, "publish"), {"confirm": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "只有本部门的审核人员可以审核发布专题文章，且不能发布自己撰写的文章。"
    ]
    assert Article.objects.get(pk=article.pk).status == S.PENDING


def test_an_approver_who_wrote_the_article_is_told_someone_else_must_publish(signed_in, staff, kjj, policy):
    article = articles.write(
        by=staff["kjj_approver"], department=kjj, title="负责人撰写", summary="摘要", body=BODY, policies=[policy]
    )
    article = articles.submit(article, by=staff["kjj_editor"])
    client = signed_in(staff["kjj_approver"])
    page = client.get(_change(article))
    assert [t.name for t in page.context["workflow_transitions"]] == ["return"]
    assert page.context["workflow_notes"] == ["不能审核发布自己撰写的专题文章，请由本部门其他审核人员办理。"]
    response = client.post(_transition(article, "publish"), {"confirm": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "只有本部门的审核人员可以审核发布专题文章，且不能发布自己撰写的文章。"
    ]
    assert Article.objects.get(pk=article.pk).status == S.PENDING


def test_the_platform_admin_chooses_the_writing_department(signed_in, staff, kjj, policy):
    client = signed_in(staff["platform_admin"])
    response = client.post(ADD, _form(policy, owner_department=str(kjj.pk)))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.department == kjj
    editor_client = signed_in(staff["kjj_editor"])
    assert editor_client.get(_change(article)).status_code == 200


def test_the_reviewer_reads_the_body_as_the_public_will(signed_in, staff, kjj, policy):
    article = articles.submit(_written(staff, kjj, policy), by=staff["kjj_editor"])
    page = signed_in(staff["kjj_reviewer"]).get(_change(article)).content.decode()
    assert (
        '<div class="article-body-preview"><p>首次认定的高新技术企业可获一次性奖励20万元，资格有效期3年。</p></div>'
        in page
    )
    assert "&lt;p&gt;" not in page
