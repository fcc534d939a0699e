"""专题文章 (无锡 §22(三)): writing, the workflow's effects, the public pages, the policy page's blocks and search."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from engagement import articles, demo_articles
from engagement.models import Article, ArticleState
from portal.core.workflow import TransitionNotAllowed
from portal.search.models import SearchDocument
from portal.search.query import search
from tests.engagement.articles_support import BODY, draft_article, people, public_policy, published_article

pytestmark = pytest.mark.django_db

S = ArticleState


@pytest.fixture
def p():
    return people()


@pytest.fixture
def policy(p):
    return public_policy(p["own"], title="高新技术企业认定管理办法")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- writing -----------------------------------------------------------------------------------------


def test_a_new_article_is_a_draft_of_its_department_with_its_policies(p, policy):
    article = draft_article(p, policy)
    assert article.status == S.DRAFT
    assert article.department == p["own"]
    assert article.created_by == p["editor"]
    assert list(article.policies.all()) == [policy]
    first = article.history.earliest("history_date")
    assert (first.history_type, first.history_user) == ("+", p["editor"])


def test_script_and_styles_are_stripped_from_the_body_when_saved(p, policy):
    body = '<p onclick="steal()">认定奖励20万元</p><script>alert(1)</script><style>p{}</style><img src="https://evil.example/x.png">'
    article = draft_article(p, policy, body=body)
    article.refresh_from_db()
    # The outside image loses its address (only the portal's own uploads may be shown).
    assert article.body == "<p>认定奖励20万元</p><img>"


def test_a_body_with_only_script_is_refused(p, policy):
    with pytest.raises(ValidationError) as error:
        draft_article(p, policy, body="<script>alert(1)</script>")
    assert error.value.message_dict["body"] == ["正文不能为空（脚本、样式等内容已被清除）。"]
    assert not Article.objects.exists()


def test_an_article_explains_at_least_one_policy(p):
    with pytest.raises(ValidationError) as error:
        articles.write(by=p["editor"], department=p["own"], title="标题", summary="摘要", body=BODY, policies=[])
    assert error.value.message_dict["policies"] == ["请至少选择一项本文解读的政策。"]
    assert not Article.objects.exists()


def test_the_cover_is_judged_by_its_content(p, policy):
    cover = SimpleUploadedFile("cover.gif", _png(), content_type="image/gif")
    article = draft_article(p, policy, cover=cover)
    assert article.cover.name.startswith("engagement/articles/")
    assert article.cover.name.endswith("/cover.png")
    article.cover.delete(save=False)


def test_a_page_called_an_image_is_refused_as_cover(p, policy):
    fake = SimpleUploadedFile("cover.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        draft_article(p, policy, cover=fake)
    assert error.value.message_dict["cover"] == ["封面图须为PNG、JPEG或GIF图片（按文件内容判断，改扩展名无效）。"]


# --- the workflow's effects ----------------------------------------------------------------------------


def test_publishing_records_the_reviewer_and_the_time(p, policy):
    article = published_article(p, policy)
    assert article.status == S.PUBLISHED
    assert article.reviewed_by == p["reviewer"]
    assert article.published_at is not None
    reasons = [h.history_change_reason for h in article.history.order_by("history_date", "history_id")]
    assert reasons[-2:] == ["提交审核", "审核发布"]


def test_the_author_cannot_publish_their_own_article_even_as_approver(p, policy):
    article = articles.write(
        by=p["approver"], department=p["own"], title="负责人撰写的文章", summary="摘要", body=BODY, policies=[policy]
    )
    # An approver holds no submit permission: the editor submits on the department's behalf.
    articles.submit(article, by=p["editor"])
    with pytest.raises(PermissionDenied) as error:
        articles.publish(article, by=p["approver"])
    assert str(error.value) == "只有本部门的审核人员可以审核发布专题文章，且不能发布自己撰写的文章。"
    articles.publish(article, by=p["reviewer"])
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_returning_needs_a_reason_and_keeps_it_for_the_editor(p, policy):
    article = draft_article(p, policy)
    articles.submit(article, by=p["editor"])
    with pytest.raises(ValidationError) as error:
        articles.return_for_changes(article, by=p["reviewer"], reason="  ")
    assert error.value.message_dict["reason"] == ["请填写退回理由。"]
    articles.return_for_changes(article, by=p["reviewer"], reason="请补充研发费用占比的计算口径。")
    article.refresh_from_db()
    assert (article.status, article.return_reason) == (S.DRAFT, "请补充研发费用占比的计算口径。")


def test_submitting_without_a_policy_is_refused(p, policy):
    article = draft_article(p, policy)
    article.policies.clear()
    with pytest.raises(ValidationError) as error:
        articles.submit(article, by=p["editor"])
    assert error.value.message_dict["policies"] == ["请至少选择一项本文解读的政策。"]
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_withdrawing_then_revising_makes_a_draft_again(p, policy):
    article = published_article(p, policy)
    articles.withdraw(article, by=p["approver"], reason="政策已调整，文章内容需要更新。")
    article.refresh_from_db()
    assert (article.status, article.withdraw_reason) == (S.WITHDRAWN, "政策已调整，文章内容需要更新。")
    articles.revise(article, by=p["editor"])
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_publishing_twice_is_refused_with_a_message(p, policy):
    article = published_article(p, policy)
    with pytest.raises(TransitionNotAllowed) as error:
        articles.publish(article, by=p["approver"])
    assert error.value.messages == ["专题文章当前状态为“已发布”，不能执行“审核发布”。"]


# --- public pages --------------------------------------------------------------------------------------


def test_the_list_shows_published_articles_newest_first(client, p, policy):
    first = published_article(p, policy, title="第一篇：认定条件")
    second = published_article(p, policy, title="第二篇：税收优惠")
    draft_article(p, policy, title="草稿：不公开")
    response = client.get(reverse("engagement:articles"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page_obj"].object_list] == [second.pk, first.pk]
    assert "草稿：不公开" not in response.content.decode()


def test_the_list_filters_by_department_and_policy(client, p, policy):
    other_policy = public_policy(p["own"], title="科技型中小企业评价办法")
    on_policy = published_article(p, policy, title="关于认定管理办法")
    published_article(p, other_policy, title="关于评价办法")
    by_policy = client.get(reverse("engagement:articles"), {"policy": policy.slug})
    assert [a.pk for a in by_policy.context["page_obj"].object_list] == [on_policy.pk]
    by_other_department = client.get(reverse("engagement:articles"), {"department": p["other"].code})
    assert list(by_other_department.context["page_obj"].object_list) == []
    unknown = client.get(reverse("engagement:articles"), {"department": "no-such"})
    assert unknown.context["page_obj"].paginator.count == 2
    assert "部分筛选条件无效，已忽略。" in unknown.content.decode()


def test_the_list_is_paginated_by_twenty(client, p, policy):
    for n in range(21):
        published_article(p, policy, title=f"第{n + 1}篇")
    page_two = client.get(reverse("engagement:articles"), {"page": 2})
    assert page_two.context["page_obj"].paginator.count == 21
    assert [a.title for a in page_two.context["page_obj"].object_list] == ["第1篇"]


def test_an_article_page_links_its_policies_and_offers_a_print_view(client, p, policy):
    article = published_article(p, policy)
    page = client.get(article.get_absolute_url()).content.decode()
    assert policy.get_absolute_url() in page
    assert "首次认定的高新技术企业可获一次性奖励20万元" in page
    assert reverse("engagement:article_print", args=[article.pk]) in page
    printed = client.get(reverse("engagement:article_print", args=[article.pk]))
    assert printed.status_code == 200
    assert "policy-print.css" in printed.content.decode()


@pytest.mark.parametrize("state", [S.DRAFT, S.PENDING, S.WITHDRAWN])
def test_an_article_not_published_is_a_404(client, p, policy, state):
    article = published_article(p, policy) if state == S.WITHDRAWN else draft_article(p, policy)
    if state == S.PENDING:
        articles.submit(article, by=p["editor"])
    if state == S.WITHDRAWN:
        articles.withdraw(article, by=p["reviewer"], reason="内容需要更新。")
    assert client.get(reverse("engagement:article", args=[article.pk])).status_code == 404
    assert client.get(reverse("engagement:article_print", args=[article.pk])).status_code == 404


def test_the_cover_is_served_once_published_and_not_before(client, p, policy):
    cover = SimpleUploadedFile("cover.png", _png(), content_type="image/png")
    article = draft_article(p, policy, cover=cover)
    url = reverse("media", args=[article.cover.name])
    assert client.get(url).status_code == 404
    articles.submit(article, by=p["editor"])
    articles.publish(article, by=p["reviewer"])
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert response["X-Content-Type-Options"] == "nosniff"
    article.refresh_from_db()
    article.cover.delete(save=False)


# --- the policy's page -----------------------------------------------------------------------------------


def test_the_policy_page_lists_its_published_articles(client, p, policy):
    article = published_article(p, policy, title="认定条件解读")
    draft_article(p, policy, title="尚未发布的解读")
    page = client.get(policy.get_absolute_url()).content.decode()
    assert 'id="policy-articles"' in page
    assert article.get_absolute_url() in page
    assert "尚未发布的解读" not in page


def test_a_policy_without_articles_has_no_article_block(client, p, policy):
    assert 'id="policy-articles"' not in client.get(policy.get_absolute_url()).content.decode()


def test_every_policy_page_offers_to_ask_about_the_policy(client, p, policy):
    page = client.get(policy.get_absolute_url()).content.decode()
    assert 'id="policy-questions"' in page
    assert f"{reverse('appeals:new_question')}?policy={policy.slug}" in page
    assert "本政策暂无公开的问答。" in page


# --- search ----------------------------------------------------------------------------------------------


def test_search_finds_a_published_article_and_not_a_draft(django_capture_on_commit_callbacks, p, policy):
    with django_capture_on_commit_callbacks(execute=True):
        published = published_article(p, policy, title="研发费用加计扣除怎么算")
        draft_article(p, policy, title="研发费用归集草稿")
    found = search("研发费用", kind=SearchDocument.Kind.ARTICLE)
    assert [hit.object_id for hit in found[0:10]] == [published.pk]
    assert found[0].document.url == published.get_absolute_url()


def test_a_withdrawn_article_leaves_the_search(django_capture_on_commit_callbacks, p, policy):
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(p, policy, title="研发费用加计扣除怎么算")
    assert search("研发费用", kind="article").found == 1
    with django_capture_on_commit_callbacks(execute=True):
        articles.withdraw(article, by=p["reviewer"], reason="内容需要更新。")
    assert search("研发费用", kind="article").found == 0


def test_the_search_page_has_an_article_tab_with_its_label(client, django_capture_on_commit_callbacks, p, policy):
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(p, policy, title="研发费用加计扣除怎么算")
    tabs = client.get(reverse("policies:search"), {"q": "研发费用"}).context["search_tabs"]
    assert [(str(t["label"]), t["count"], t["current"]) for t in tabs] == [
        ("政策", 0, True),
        ("专题文章", 1, False),
        ("征求意见", 0, False),
        ("政策咨询会", 0, False),
        ("办事服务", 0, False),
    ]
    response = client.get(reverse("policies:search"), {"q": "研发费用", "kind": "article"})
    page = response.content.decode()
    assert [hit.object_id for hit in response.context["hits"]] == [article.pk]
    assert '<span class="tag">专题文章</span>' in page
    assert article.get_absolute_url() in page
    assert "找到 1 条专题文章" in page


# --- demo data ---------------------------------------------------------------------------------------------


def test_the_demo_loads_two_published_articles_and_a_draft_once(django_capture_on_commit_callbacks):
    from policies import demo as policies_demo
    from portal.accounts import demo as accounts_demo
    from portal.org import demo as org_demo

    accounts_demo.load()
    org_demo.load()
    policies_demo.load()
    with django_capture_on_commit_callbacks(execute=True):
        demo_articles.load()
        demo_articles.load()
    rows = sorted(Article.objects.values_list("department__code", "status"))
    assert rows == [("yc-kjj", "draft"), ("yc-kjj", "published"), ("yc-kjj", "published")]
    assert search("高新技术企业认定", kind="article").found == 2


# --- asking about a policy from its page ------------------------------------------------------------------


def test_a_visitor_pressing_ask_signs_in_first_and_comes_back_to_the_policy(client, p, policy):
    ask = f"{reverse('appeals:new_question')}?policy={policy.slug}"
    response = client.get(ask)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/appeals/questions/new/%3Fpolicy%3D{policy.slug}"


def test_a_question_asked_from_the_policy_page_carries_the_policy_to_its_department(client, p, policy):
    from appeals import interaction
    from appeals.models_interaction import Question
    from tests.factories.applications import enterprise_with_user

    client.force_login(enterprise_with_user().user)
    ask = f"{reverse('appeals:new_question')}?policy={policy.slug}"
    form = client.get(ask)
    assert form.context["policy"] == policy
    client.post(
        ask,
        {
            "title": "培育库企业能否申报",
            "content": "我公司已入库培育库，请问能否同时申报研发补助？",
            "policy": policy.slug,
        },
    )
    question = Question.objects.get()
    assert question.policy == policy
    assert interaction.answering_departments(question) == [p["own"]]


def test_the_policy_page_shows_the_answered_questions_about_it(client, p, policy):
    from appeals import interaction
    from portal.core.workflow import perform
    from tests.factories.appeals import centre_of, operator_of
    from tests.factories.applications import enterprise_with_user

    asker = enterprise_with_user().user
    answered = interaction.ask(
        asker=asker, title="认定奖励何时发放", content="请问认定奖励什么时候发放？谢谢。", policy=policy
    )
    waiting = interaction.ask(
        asker=asker, title="尚未答复的提问", content="这个问题还没有答复，请问何时答复？", policy=policy
    )
    operator = operator_of(centre_of(policy.region))
    perform(answered, "publish", by=operator)
    perform(answered, "answer", by=p["reviewer"], reason="认定奖励在每年第三季度统一兑现。")
    perform(waiting, "publish", by=operator)
    block = client.get(policy.get_absolute_url()).content.decode()
    assert "认定奖励何时发放" in block
    assert "认定奖励在每年第三季度统一兑现。" in block
    assert "尚未答复的提问" not in block
