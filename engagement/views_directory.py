"""办事服务、增值服务 (the service directory): the public page, one door to every related online service."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement import directory
from engagement.models.directory import ServiceCategory
from portal.org.models import Region
from portal.search import query as search_query
from portal.search.models import SearchDocument


@require_GET
def directory_page(request):
    """`/services/?region=420502&category=legal&q=商标`: the region's links and those above it, by section and
    category; a query narrows them with the portal's search. An unknown region or category is ignored."""
    regions = list(Region.objects.select_related("parent").order_by("code"))
    by_code = {region.code: region for region in regions}
    region = by_code.get(request.GET.get("region", "").strip()) or directory.default_region(request.user)
    category = request.GET.get("category", "")
    category = category if category in ServiceCategory.values else ""
    typed = " ".join(request.GET.get("q", "").split())[: search_query.MAX_QUERY_LENGTH]
    q = typed if search_query.clean_query(typed) else ""

    links = directory.public_links(region, category=category or None)
    results = None
    if q:
        results = search_query.search(q, kind=SearchDocument.Kind.SERVICE, restrict=links.values("pk"))
        links = links.filter(pk__in=results.matching_ids())
    sections = directory.grouped(links)
    if category or q:
        for section in sections:
            section["categories"] = [c for c in section["categories"] if c["links"]]
        sections = [s for s in sections if s["categories"]]
    context = {
        "regions": regions,
        "region": region,
        "chain": directory.region_chain(region) if region else [],
        "category": category,
        "category_label": ServiceCategory(category).label if category else "",
        "categories": ServiceCategory.choices,
        "q": q,
        "typed": typed,
        "sections": sections,
        "found": sum(len(c["links"]) for s in sections for c in s["categories"]),
        "searching": bool(q),
    }
    return render(request, "engagement/directory/index.html", context)
