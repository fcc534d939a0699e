"""专题文章 (feature articles attached to policies): the public pages — the list, an article and its print view."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement import articles
from engagement.models import Article
from policies.selectors import public_policies
from portal.org.models import Department

PAGE_SIZE = 20


@require_GET
def article_list(request):
    """The published articles, newest first; filters: department (code) and policy (slug). An unknown value of
    either filter is ignored (the whole list is shown, with a notice), never an error."""
    shown = articles.published_articles()
    department = policy = None
    ignored = False
    if code := request.GET.get("department", "").strip():
        department = Department.objects.filter(code=code).first()
        ignored |= department is None
    if slug := request.GET.get("policy", "").strip():
        policy = public_policies().filter(slug=slug).first()
        ignored |= policy is None
    if department is not None:
        shown = shown.filter(department=department)
    if policy is not None:
        shown = shown.filter(policies=policy)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(articles__status=articles.S.PUBLISHED).distinct().order_by("code")
    return render(
        request,
        "engagement/articles/article_list.html",
        {
            "page_obj": page,
            "department": department,
            "policy": policy,
            "departments": departments,
            "filter_ignored": ignored,
        },
    )


def _published(pk: int) -> Article:
    article = articles.published_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


@require_GET
def article_detail(request, pk: int):
    """One published article with the policies it explains; a draft, pending or withdrawn article is a 404."""
    article = _published(pk)
    return render(
        request,
        "engagement/articles/article_detail.html",
        {"article": article, "policies": articles.public_policies_of(article)},
    )


@require_GET
def article_print(request, pk: int):
    article = _published(pk)
    return render(
        request,
        "engagement/articles/article_print.html",
        {"article": article, "policies": articles.public_policies_of(article)},
    )
