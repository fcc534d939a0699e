"""The public policy pages: list with facets, search, detail, print view, suggestions, home data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies import selectors, services
from policies.models import Policy, PolicyRelation
from portal.core import home
from portal.search import demo as search_demo
from portal.search.models import SearchDocument
from tests.factories.policies import EnterpriseUserFactory, InterpretationFactory, category
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    search_demo.load()
    yield
    cache.clear()


def test_the_list_shows_public_policies_and_never_drafts(client):
    public_policy(title="稳岗返还实施细则")
    public_policy(title="尚未发布的草稿办法", status=Policy.Status.DRAFT)

    page = client.get(reverse("policies:list")).content.decode()

    assert "稳岗返还实施细则" in page
    assert "尚未发布的草稿办法" not in page


def test_a_draft_detail_is_404(client):
    draft = public_policy(status=Policy.Status.DRAFT)

    assert client.get(reverse("policies:detail", kwargs={"slug": draft.slug})).status_code == 404
    assert client.get(reverse("policies:print", kwargs={"slug": draft.slug})).status_code == 404


def test_an_old_link_by_number_redirects_to_the_slug(client):
    policy = public_policy()

    response = client.get(f"/policies/{policy.pk}/")

    assert response.status_code == 301
    assert response["Location"] == policy.get_absolute_url()


def test_the_detail_shows_text_interpretation_key_points_and_attachments(client):
    policy = public_policy(
        title="高新技术企业认定奖励办法",
        original_text="<p>对首次认定的高新技术企业给予奖励。</p>",
        interpretation={"body": "<p>解读正文。</p>", "key_points": ["首次认定奖励20万元"]},
    )

    page = client.get(policy.get_absolute_url()).content.decode()

    assert "对首次认定的高新技术企业给予奖励。" in page
    assert "首次认定奖励20万元" in page
    assert "政策干货" in page
    assert 'class="breadcrumbs"' in page


def test_a_replaced_policy_says_so_with_a_link(client):
    old = public_policy(title="旧版稳岗办法", status=Policy.Status.REPEALED)
    new = public_policy(title="新版稳岗办法")
    PolicyRelation.objects.create(policy=new, target=old, kind=PolicyRelation.Kind.REPLACES)

    page = client.get(old.get_absolute_url()).content.decode()

    assert "本政策已被《新版稳岗办法》替代" in page
    assert new.get_absolute_url() in page


def test_the_print_view_has_the_text_and_no_navigation(client):
    policy = public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>")

    page = client.get(reverse("policies:print", kwargs={"slug": policy.slug})).content.decode()

    assert "失业保险稳岗返还。" in page
    assert "policy-print.css" in page
    assert "site-header" not in page
    assert "main-nav" not in page


def test_enterprise_users_see_a_subscribe_button(client):
    policy = public_policy()
    client.force_login(EnterpriseUserFactory())

    page = client.get(policy.get_absolute_url()).content.decode()

    assert reverse("policies:subscriptions") in page


def test_anonymous_visitors_see_no_subscribe_button(client):
    policy = public_policy()

    assert reverse("policies:subscriptions") not in client.get(policy.get_absolute_url()).content.decode()


def test_facets_count_each_value_on_the_other_filters(client):
    public_policy(title="甲", level=Policy.Level.MUNICIPAL, categories=[category("keji")])
    public_policy(title="乙", level=Policy.Level.MUNICIPAL, categories=[category("keji")])
    public_policy(title="丙", level=Policy.Level.COUNTY, categories=[category("keji")])

    response = client.get(reverse("policies:list"), {"level": "municipal"})
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in response.context["facets"]}

    assert response.context["page_obj"].paginator.count == 2
    assert facets["level"] == {"municipal": 2, "county": 1}
    assert facets["category"] == {"keji": 2}


def test_an_unknown_filter_value_is_reported_and_ignored(client):
    public_policy(title="稳岗返还实施细则")

    response = client.get(reverse("policies:list"), {"level": "galactic", "year": "abc"})

    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()
    assert "稳岗返还实施细则" in response.content.decode()


def test_the_open_matters_filter_is_absent_and_ignored_while_nothing_registers_it(client):
    public_policy()

    response = client.get(reverse("policies:list"), {"has_open_matters": "true"})

    assert "has_open_matters" not in {f["name"] for f in response.context["facets"]}
    assert response.context["page_obj"].paginator.count == 1


def test_the_list_promises_no_filter_that_does_not_exist(client):
    public_policy()

    assert "可申报事项" not in client.get(reverse("policies:list")).content.decode()


class TitledFacet:
    """A facet another app could register: policies whose title contains a word."""

    def options(self, queryset):
        n = queryset.filter(title__contains="稳岗").count()
        return [("wengang", "稳岗类", n)] if n else []

    def filter(self, queryset, value):
        return queryset.filter(title__contains="稳岗") if value == "wengang" else queryset


@pytest.fixture
def titled_facet():
    selectors.policy_list_facets.add("topic", TitledFacet(), label="专题", order=90)
    yield
    selectors.policy_list_facets.unregister("topic")


def test_a_registered_facet_is_counted_and_shown_under_its_label(client, titled_facet):
    public_policy(title="稳岗返还实施细则")
    public_policy(title="高新技术企业认定奖励办法")

    response = client.get(reverse("policies:list"))

    facet = next(f for f in response.context["facets"] if f["name"] == "topic")
    assert (facet["label"], [(o["value"], o["count"]) for o in facet["options"]]) == ("专题", [("wengang", 1)])


def test_a_registered_facet_filters_the_list(client, titled_facet):
    public_policy(title="稳岗返还实施细则")
    public_policy(title="高新技术企业认定奖励办法")

    response = client.get(reverse("policies:list"), {"topic": "wengang"})

    assert [p.title for p, _hit in response.context["items"]] == ["稳岗返还实施细则"]


def test_search_page_ranks_and_highlights(client):
    public_policy(title="高新技术企业认定奖励办法", original_text="<p>对高新技术企业给予奖励。</p>")
    public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>", summary="")

    page = client.get(reverse("policies:search"), {"q": "高企"}).content.decode()

    assert "<mark>高新技术企业</mark>认定奖励办法" in page
    assert "稳岗返还实施细则" not in page


@pytest.mark.parametrize("q", ["x" * 2000, "' OR 1=1 --", '"unbalanced', "&|!():*", "<script>alert(1)</script>"])
def test_hostile_queries_return_a_normal_page(client, q):
    public_policy()

    response = client.get(reverse("policies:search"), {"q": q})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_search_request_writes_nothing(client):
    public_policy(title="高新技术企业认定奖励办法")
    client.get(reverse("policies:search"), {"q": "高企"})  # warm caches; they live in Redis, not the database

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("policies:search"), {"q": "高企"}).status_code == 200

    verbs = {q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries}
    assert not verbs & {"INSERT", "UPDATE", "DELETE"}


def test_did_you_mean_links_to_the_corrected_query(client):
    public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>", summary="")

    page = client.get(reverse("policies:search"), {"q": "稳岗反还"}).content.decode()

    assert "您是不是要找" in page
    assert "?q=%E7%A8%B3%E5%B2%97%E8%BF%94%E8%BF%98" in page


def test_the_suggestion_endpoint_returns_json(client):
    public_policy(title="专精特新中小企业培育办法")

    data = client.get(reverse("policies:suggest"), {"q": "专精"}).json()

    assert "专精特新" in data["terms"]
    assert data["titles"][0]["title"] == "专精特新中小企业培育办法"


def test_publishing_indexes_the_policy_and_going_offline_removes_it(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    services.approve(policy, by=approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    with pytest.raises(SearchDocument.DoesNotExist):
        SearchDocument.objects.get(object_id=policy.pk)

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.publish(policy, by=approver_a)

    assert SearchDocument.objects.get(object_id=policy.pk).published


def test_the_home_blocks_show_latest_categories_levels_and_figures():
    public_policy(title="稳岗返还实施细则", level=Policy.Level.MUNICIPAL)
    public_policy(title="已失效的办法", status=Policy.Status.EXPIRED)

    data = home.home_data()

    assert [p["title"] for p in data["latest_policies"]] == ["稳岗返还实施细则"]
    assert data["policy_figures"][0]["value"] == 1
    assert {"name": "市级", "count": 1, "url": "/policies/?level=municipal&status=in_force"} in data["policy_browse"][
        "levels"
    ]
    assert any(
        c["url"] == "/policies/?category=keji&status=in_force" and c["count"] == 1
        for c in data["policy_browse"]["categories"]
    )


def test_the_home_data_is_cached_until_its_key_is_deleted():
    public_policy(title="第一条")
    assert home.home_data()["policy_figures"][0]["value"] == 1

    public_policy(title="第二条")
    assert home.home_data()["policy_figures"][0]["value"] == 1

    cache.delete(home.HOME_CACHE_KEY)
    assert home.home_data()["policy_figures"][0]["value"] == 2


def test_publishing_deletes_the_key_the_kernel_caches_the_home_page_under():
    assert services.HOME_CACHE_KEY == home.HOME_CACHE_KEY


def test_a_search_that_finds_nothing_is_sorted_by_relevance_like_one_that_finds_something(client):
    public_policy(title="稳岗返还实施细则")

    found = client.get("/policies/search/", {"q": "稳岗返还"}).context
    nothing = client.get("/policies/search/", {"q": "量子纠缠望远镜"}).context

    assert found["page_obj"].paginator.count == 1 and nothing["page_obj"].paginator.count == 0
    assert found["sort"] == nothing["sort"] == "relevance"
