"""Public matter pages (事项目录、申报指南): the catalogue with facets and search, the guide, its PDF."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from matters import public
from matters.models import Matter
from portal.core.context_processors import identity
from portal.core.pdf import render_pdf
from portal.supervision import activity

PAGE_SIZE = 20
# Parameters the catalogue reads; anything else in the query string is dropped from the links it builds.
PARAMETERS = ("q", *(facet.name for facet in public.FACETS))


@require_GET
def matter_list(request):
    """`/matters/`: every public matter (已上架、已截止), searchable, filtered by facets, by window closing date."""
    params = {name: _single(request.GET.get(name)) for name in PARAMETERS}
    typed = " ".join(params["q"].split())[: public.MAX_QUERY_LENGTH]
    words = public.query_words(typed)
    today = timezone.localdate()
    found = public.catalogue(params, today=today, words=words)
    if words and request.GET.get("page", "1") in ("", "1"):
        activity.count("search")  # 检索次数: one per search, not per page of its results

    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = {c.matter.pk: c for c in public.cards(Matter.objects.filter(pk__in=[r.pk for r in page]), today)}
    kept = {name: value for name, value in params.items() if value and name not in found.ignored}
    if not words:
        kept.pop("q", None)
    context = {
        "q": typed if words else "",
        "page_obj": page,
        "items": [cards[r.pk] for r in page.object_list if r.pk in cards],
        "total": found.total,
        "facets": _facet_links(found.facets, kept),
        "ignored": found.ignored,
        "hidden": {name: value for name, value in kept.items() if name != "q"},
        "clear_all": "?" + urlencode({"q": kept["q"]}) if "q" in kept else "?",
        "filtered": bool(found.chosen),
        "chosen_count": len(found.chosen),
    }
    return render(request, "matters/matter_list.html", context)


def _single(value) -> str:
    """A parameter as one line of text, at most 200 characters (a facet value or a query, never more)."""
    return " ".join(str(value or "").split())[:200]


def _facet_links(facets: list[dict], kept: dict) -> list[dict]:
    """Each option's link: choosing it, or (when chosen) clearing it; every other parameter kept."""
    for facet in facets:
        others = {k: v for k, v in kept.items() if k != facet["name"]}
        facet["clear"] = _url(others)
        for option in facet["options"]:
            option["url"] = _url(others if option["selected"] else {**others, facet["name"]: option["value"]})
    return facets


def _url(params: dict) -> str:
    return "?" + urlencode(params) if params else "?"


def _guide_context(request, code):
    matter = public.get_public_matter(code)
    return public.guide(matter, timezone.localdate())


@require_GET
def matter_detail(request, code):
    """`/matters/<code>/`: the guide (申报指南) of a public matter; 404 for drafts and withdrawn matters."""
    return render(request, "matters/matter_detail.html", _guide_context(request, code))


@require_GET
def matter_guide_pdf(request, code):
    """`/matters/<code>/guide.pdf`: the guide as a PDF (WeasyPrint, the CJK font embedded as text)."""
    context = _guide_context(request, code)
    context["page_url"] = request.build_absolute_uri(context["matter"].get_absolute_url())
    context["media_base"] = request.build_absolute_uri("/")[:-1]
    context.update(identity())
    data = render_pdf("matters/guide_pdf.html", context, title=_("申报指南：%(name)s") % {"name": context["name"]})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{context['matter'].code}-申报指南.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
