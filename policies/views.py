"""Public policy pages (政策公开): list with facets, search, detail, print view, suggestions."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from policies import selectors
from policies.filters import PolicyFilter
from portal.search import query as search_query
from portal.search.models import SearchDocument
from portal.supervision import activity

PAGE_SIZE = 20
FACET_LABELS = {
    "level": _("政策层级"),
    "category": _("政策分类"),
    "department": _("牵头部门"),
    "region": _("所属区划"),
    "status": _("效力状态"),
    "year": _("印发年度"),
}
SORTS = {"relevance": _("相关度"), "date": pgettext_lazy("sort", "发布时间")}
# The other kinds of public documents a search of the portal finds, each on a tab of its own beside the policies
# (the default tab, with its facets): the tab's label is the kind's label.
OTHER_SEARCH_KINDS = [
    SearchDocument.Kind.ARTICLE,
    SearchDocument.Kind.CONSULTATION,
    SearchDocument.Kind.SESSION,
    SearchDocument.Kind.SERVICE,
]


@require_GET
def policy_list(request):
    """`/policies/` and `/policies/search/?q=`: the same page, ranked by relevance when there is a query."""
    params = request.GET.copy()
    params.pop("page", None)
    # The reader's words are shown as typed (無錫 stays 無錫); the search folds them itself.
    typed = " ".join(params.get("q", "").split())[: search_query.MAX_QUERY_LENGTH]
    q = typed if search_query.clean_query(typed) else ""
    filterset = PolicyFilter(params, queryset=selectors.public_policies())
    filtered = filterset.qs

    if q and request.GET.get("page", "1") in ("", "1"):
        activity.count("search")  # 检索次数: one per search, not per page of its results
    if q and params.get("kind") in OTHER_SEARCH_KINDS:
        return _other_kind_results(request, q, params["kind"])
    results = search_query.search(q, restrict=filtered.values("pk")) if q else None
    # A search defaults to relevance whether or not it finds anything, so the zero-result page offers the
    # same order as a page of results; without a query there is only the date.
    sort = params.get("sort") if params.get("sort") in SORTS else "relevance"
    if results is None:
        sort = "date"

    if results is not None and sort == "relevance":
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        policies = (
            selectors.public_policies()
            .select_related("lead_department", "region")
            .in_bulk([hit.object_id for hit in page.object_list])
        )
        items = [(policies[h.object_id], h) for h in page.object_list if h.object_id in policies]
    else:
        ordered = filtered
        if results is not None:
            ordered = ordered.filter(pk__in=results.matching_ids())
        ordered = ordered.select_related("lead_department", "region").order_by("-published_at", "-issue_date", "-pk")
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        hits = results.hits_for(p.pk for p in page.object_list) if results is not None else {}
        items = [(p, hits.get(p.pk)) for p in page.object_list]

    context = {
        "q": q,
        "results": results,
        "page_obj": page,
        "items": items,
        "sort": sort,
        "sorts": _sort_links(params, results is not None, sort),
        "facets": _facets(params, filterset, results),
        "filter_errors": filterset.errors,
        "search_tabs": _search_tabs(q, params, results.total if results is not None else 0) if q else [],
    }
    # no policy found: the other kinds that have results are offered by name (a tab's count alone is missed)
    context["found_elsewhere"] = [tab for tab in context["search_tabs"] if tab["count"] and not tab["current"]]
    return render(request, "policies/policy_list.html", context)


def _search_tabs(q: str, params, policies_found: int, current: str = SearchDocument.Kind.POLICY) -> list[dict]:
    """政策 | 专题文章 …: each kind's tab with how many public documents of it the words find (the policies' count
    with the chosen filters, the others' over all their public documents)."""
    tabs = [
        {
            "label": SearchDocument.Kind.POLICY.label,
            "count": policies_found,
            "url": "?" + urlencode({k: v for k, v in params.items() if k not in ("kind", "page")}),
            "current": current == SearchDocument.Kind.POLICY,
        }
    ]
    for kind in OTHER_SEARCH_KINDS:
        tabs.append(
            {
                "label": SearchDocument.Kind(kind).label,
                "count": search_query.search(q, kind=kind).total,
                "url": "?" + urlencode({"q": q, "kind": kind}),
                "current": current == kind,
            }
        )
    return tabs


def _other_kind_results(request, q: str, kind: str):
    """The search page's tab of another kind of document: its hits by relevance, each labelled with its kind."""
    results = search_query.search(q, kind=kind)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    policies_found = search_query.search(q, restrict=selectors.public_policies().values("pk")).total
    context = {
        "q": q,
        "kind": kind,
        "kind_label": SearchDocument.Kind(kind).label,
        "results": results,
        "page_obj": page,
        "hits": page.object_list,
        "search_tabs": _search_tabs(q, request.GET, policies_found, current=kind),
    }
    return render(request, "policies/search_documents.html", context)


def _sort_links(params, searching: bool, current: str) -> list[dict]:
    if not searching:
        return []
    links = []
    for value, label in SORTS.items():
        query = params.copy()
        query["sort"] = value
        links.append({"label": label, "url": "?" + query.urlencode(), "current": value == current})
    return links


def _facets(params, filterset, results) -> list[dict]:
    """Each facet counted on the policies matching the query and every other filter."""
    facets = []
    valid = filterset.form.cleaned_data if filterset.is_valid() else {}
    for name, counter in selectors.facet_counters().items():
        others = params.copy()
        others.pop(name, None)
        queryset = PolicyFilter(others, queryset=selectors.public_policies()).qs
        if results is not None:
            queryset = queryset.filter(pk__in=results.matching_ids())
        chosen = params.get(name) if valid.get(name) not in (None, "") else None
        options = []
        for value, label, count in counter(queryset):
            link = others.copy()
            if str(value) != chosen:
                link[name] = value
            options.append(
                {"value": value, "label": label, "count": count, "selected": str(value) == chosen, "url": _url(link)}
            )
        if options:
            label = FACET_LABELS.get(name) or selectors.policy_list_facets.entry(name).label
            facets.append({"name": name, "label": label, "options": options, "clear": _url(others)})
    return facets


def _url(params) -> str:
    encoded = urlencode([(k, v) for k, v in params.lists() for v in v if v != ""], doseq=False)
    return "?" + encoded if encoded else "?"


@require_GET
def policy_search(request):
    return policy_list(request)


def _detail_context(request, slug):
    policy = selectors.get_public_policy(slug)
    return {
        "policy": policy,
        "interpretations": list(selectors.approved_interpretations(policy)),
        "attachments": list(policy.attachments.all()),
        "relations": selectors.relations(policy),
        "blocks": selectors.detail_blocks(policy),
        **_subscribe_links(request, policy),
    }


def _subscribe_links(request, policy) -> dict:
    """订阅同类政策: only enterprise users subscribe; the link pre-ticks this policy's categories, lead
    department and region. A visitor is offered the same link through the login page (登录后订阅)."""
    subscribe = f"{reverse('policies:subscriptions')}?{urlencode({'policy': policy.slug})}"
    user = request.user
    if not user.is_authenticated:
        return {"subscribe_login_url": f"{reverse('accounts:login')}?{urlencode({'next': subscribe})}"}
    if getattr(user, "kind", None) != "enterprise":
        return {}
    return {"subscribe_url": subscribe}


@require_GET
def policy_detail(request, slug):
    if slug.isdigit():
        # Old links by number keep working, but the slug is the address to share.
        return redirect(selectors.public_policy_by_id(int(slug)), permanent=True)
    return render(request, "policies/policy_detail.html", _detail_context(request, slug))


@require_GET
def policy_print(request, slug):
    return render(request, "policies/policy_print.html", _detail_context(request, slug))


@require_GET
@cache_control(public=True, max_age=60)
def search_suggest(request):
    """Search-as-you-type (联想): JSON {"query", "terms": [...], "titles": [{"title", "url", "kind"}]}."""
    return JsonResponse(search_query.suggest(request.GET.get("q", "")), json_dumps_params={"ensure_ascii": False})
