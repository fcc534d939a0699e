"""Searching: synonyms, ranking, bad input, snippets, "did you mean", suggestions."""

import pytest
from django.core.cache import cache

from policies.models import Policy
from portal.search import query
from portal.search.models import SearchDocument, Synonym
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db


def titles(results, n=20):
    return [hit.document.title for hit in results[0:n]]


def test_searching_gaoqi_finds_policies_that_say_high_tech_enterprise():
    public_policy(title="高新技术企业认定奖励办法", original_text="<p>对首次认定的高新技术企业给予奖励。</p>")
    public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>", summary="")

    assert titles(query.search("高企")) == ["高新技术企业认定奖励办法"]


def test_a_synonym_added_by_staff_is_used_at_once():
    public_policy(title="创业担保贷款贴息办法", original_text="<p>创业担保贷款财政贴息。</p>", summary="")
    assert query.search("小额贷").total == 0

    Synonym.objects.create(word="小额贷", canonical="创业担保贷款")

    assert titles(query.search("小额贷")) == ["创业担保贷款贴息办法"]


def test_the_policy_whose_title_says_the_whole_query_ranks_first():
    public_policy(
        title="宜昌市企业奖励办法",
        original_text="<p>对专精特新“小巨人”企业给予奖励，对小巨人企业再给予奖励，专精特新企业奖励。</p>" * 3,
        summary="",
    )
    public_policy(title="关于支持专精特新“小巨人”企业奖励的通知", original_text="<p>给予一次性奖励50万元。</p>")

    assert titles(query.search("专精特新小巨人奖励"))[0] == "关于支持专精特新“小巨人”企业奖励的通知"


def test_title_matches_rank_above_body_matches():
    public_policy(title="人才公寓管理办法", original_text="<p>支持高新技术企业引进人才。</p>", summary="")
    public_policy(title="高新技术企业培育办法", original_text="<p>培育入库企业。</p>", summary="")

    assert titles(query.search("高新技术企业"))[0] == "高新技术企业培育办法"


@pytest.mark.parametrize(
    "raw",
    ["x" * 2000, "' OR 1=1 --", '"unbalanced', "&|!():*", "高企' & !(", "\\", "'); DROP TABLE search_synonym; --", ""],
)
def test_hostile_or_odd_queries_run_as_plain_words(raw):
    public_policy(title="高新技术企业认定奖励办法")

    results = query.search(raw)

    assert results.total >= 0
    assert results[0:20] is not None
    assert Synonym.objects.exists()


def test_a_long_query_is_cut_to_one_hundred_characters():
    assert len(query.parse("专" * 2000).text) == query.MAX_QUERY_LENGTH


def test_operators_and_quotes_never_reach_the_tsquery_unescaped():
    tsquery = query.parse("高企' | !奖励 & (x):*").tsquery()

    for operator in ("!", ":*", "''"):
        assert operator not in tsquery


def test_when_no_policy_has_every_word_the_results_have_some_of_them():
    public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>", summary="")

    results = query.search("稳岗返还 火星基地")

    assert results.broadened
    assert titles(results) == ["稳岗返还实施细则"]


def test_snippets_show_the_original_text_around_the_match_escaped_and_marked():
    public_policy(
        title="研发投入补助办法",
        original_text="<p>" + "前言" * 60 + "企业研发费用加计扣除后仍有&lt;script&gt;困难的，给予补助。</p>",
        summary="",
    )

    hit = query.search("研发费用加计扣除")[0]

    assert "<mark>研发费用加计扣除</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("…")
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html


def test_drafts_are_not_found():
    public_policy(title="高新技术企业认定奖励办法", status=Policy.Status.DRAFT)

    assert query.search("高新技术企业").total == 0


def test_did_you_mean_offers_a_title_word_for_a_typo():
    public_policy(title="稳岗返还实施细则", original_text="<p>失业保险稳岗返还。</p>", summary="")

    results = query.search("稳岗反还")

    assert results.did_you_mean == "稳岗返还"


def test_did_you_mean_is_silent_when_the_query_finds_what_it_says():
    public_policy(title="稳岗返还实施细则")

    assert query.search("稳岗返还").did_you_mean is None


def test_suggestions_list_dictionary_terms_and_titles_by_prefix():
    public_policy(title="专精特新中小企业培育办法")

    suggestions = query.suggest("专精")

    assert "专精特新" in suggestions["terms"]
    assert [t["title"] for t in suggestions["titles"]] == ["专精特新中小企业培育办法"]


def test_suggestions_for_nothing_are_empty():
    assert query.suggest("  &|  ") == {"query": "", "terms": [], "titles": []}


def test_searching_writes_nothing(django_assert_max_num_queries):
    public_policy(title="高新技术企业认定奖励办法")
    before = list(SearchDocument.objects.values_list("pk", "updated_at"))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        results = query.search("高企")
        results[0:20]
        query.suggest("高")

    statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert list(SearchDocument.objects.values_list("pk", "updated_at")) == before


def test_suggestions_only_offer_terms_that_find_a_public_policy():
    public_policy(title="首台套重大技术装备保险补偿办法")

    terms = query.suggest("首台")["terms"]

    assert "首台套重大技术装备" in terms or "首台套" in terms
    assert all(query.search(term).found for term in terms)


def test_a_dictionary_term_in_no_document_is_not_suggested():
    public_policy(title="人才引进奖励办法", original_text="<p>给予引进人才奖励。</p>")

    assert "人才公寓" not in query.suggest("人才")["terms"]


def test_with_the_demo_data_every_suggested_term_finds_something(settings):
    from django.core.management import call_command

    settings.DEMO_LOADERS = [loader for loader in settings.DEMO_LOADERS if loader != "matters.demo"]  # not needed here
    call_command("load_demo")
    cache.clear()

    for typed in ["首台", "人才", "研发", "高新", "专精", "稳岗"]:
        for term in query.suggest(typed)["terms"]:
            assert query.search(term).found, term
