"""Reads of policies for the public pages and the home page (政策查询)."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from policies.models import Policy, PolicyCategory, PolicyRelation

IN_FORCE = (Policy.Status.PUBLISHED, Policy.Status.OFFLINE_REQUESTED)
ENDED = (Policy.Status.EXPIRED, Policy.Status.REPEALED)
STATUS_CHOICES = [("in_force", _("现行有效")), ("ended", _("已失效或废止"))]


def public_policies() -> QuerySet[Policy]:
    """Policies the public may see: published (incl. pending offline), expired and repealed. Never drafts."""
    return Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES)


def get_public_policy(key: str) -> Policy:
    """A public policy by its slug (2025-3f9a1c2e); 404 for anything else, drafts included."""
    queryset = (
        public_policies().select_related("region", "lead_department").prefetch_related("categories", "co_departments")
    )
    try:
        return queryset.get(slug=key)
    except Policy.DoesNotExist:
        raise Http404 from None


def public_policy_by_id(pk: int) -> Policy:
    try:
        return public_policies().get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404 from None


def approved_interpretations(policy: Policy):
    return policy.interpretations.filter(status="approved").order_by("order", "pk")


def relations(policy: Policy) -> dict:
    """What this policy does to others and what others did to it, public policies only."""
    public = Policy.PUBLIC_STATUSES
    outgoing = policy.relations.filter(target__status__in=public).select_related("target")
    incoming = policy.reverse_relations.filter(policy__status__in=public).select_related("policy")
    superseded_by = [r for r in incoming if r.kind in (PolicyRelation.Kind.REPLACES, PolicyRelation.Kind.REPEALS)]
    return {"outgoing": list(outgoing), "incoming": list(incoming), "superseded_by": superseded_by}


# ---- matters (事项): the matters app may not have its models yet; everything below degrades to "unknown".


def _matters_selectors():
    """`matters.selectors` once `matters.Matter` exists, else None (checked at run time, not import time)."""
    try:
        apps.get_model("matters", "Matter")
        return import_module("matters.selectors")
    except (LookupError, ImportError):
        return None


def matters_available() -> bool:
    module = _matters_selectors()
    return module is not None and hasattr(module, "policy_ids_with_open_matters")


def policy_ids_with_open_matters() -> QuerySet | None:
    """Policy ids having a matter open for application now, or None while matters do not exist."""
    module = _matters_selectors()
    if module is None or not hasattr(module, "policy_ids_with_open_matters"):
        return None
    return module.policy_ids_with_open_matters()


def matters_of(policy: Policy) -> list | None:
    """The matters split from a policy (name and link), or None while matters do not exist."""
    module = _matters_selectors()
    if module is None or not hasattr(module, "public_matters_of_policy"):
        return None
    return list(module.public_matters_of_policy(policy))


def open_matter_count() -> int | None:
    module = _matters_selectors()
    if module is None or not hasattr(module, "open_matter_count"):
        return None
    return module.open_matter_count()


# ---- facets (分面统计): one GROUP BY query per facet. The view counts each facet on the set
# filtered by everything except that facet, so a chosen facet's other values stay visible
# with the number of policies each would give.


def count_levels(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    counts = dict(base.values_list("level").annotate(n=Count("pk")).order_by())
    return [(value, label, counts[value]) for value, label in Policy.Level.choices if counts.get(value)]


def count_regions(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    rows = base.values_list("region__code", "region__name").annotate(n=Count("pk")).order_by("region__code")
    return [(code, name, n) for code, name, n in rows]


def count_departments(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    rows = (
        base.values_list("lead_department__code", "lead_department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_department__code")
    )
    return [(code, name, n) for code, name, n in rows]


def count_categories(queryset) -> list[tuple[str, str, int]]:
    rows = (
        PolicyCategory.objects.filter(policies__in=queryset.values("pk"))
        .annotate(n=Count("policies"))
        .order_by("order", "code")
        .values_list("code", "name", "n")
    )
    return list(rows)


def count_status(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    counts = base.aggregate(
        in_force=Count("pk", filter=Q(status__in=IN_FORCE)), ended=Count("pk", filter=Q(status__in=ENDED))
    )
    return [(value, label, counts[value]) for value, label in STATUS_CHOICES if counts[value]]


def count_years(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    rows = base.annotate(year=ExtractYear("issue_date")).values_list("year").annotate(n=Count("pk")).order_by("-year")
    return [(str(year), _("%(year)s年") % {"year": year}, n) for year, n in rows]


def count_open_matters(queryset) -> list[tuple[str, str, int]]:
    ids = policy_ids_with_open_matters()
    if ids is None:
        return []
    n = Policy.objects.filter(pk__in=queryset.values("pk")).filter(pk__in=ids).count()
    return [("true", _("有可申报事项"), n)] if n else []


FACET_COUNTERS = {
    "level": count_levels,
    "category": count_categories,
    "department": count_departments,
    "region": count_regions,
    "status": count_status,
    "year": count_years,
    "has_open_matters": count_open_matters,
}


# ---- home page (首页): the blocks `policies/home_blocks.py` registers in the kernel read these


def latest_policies(limit: int = 8) -> list[dict]:
    """The newest policies in force, newest first."""
    in_force = public_policies().filter(status__in=IN_FORCE)
    return [
        {
            "title": p.title,
            "url": p.get_absolute_url(),
            "issuer": p.issuing_authority or p.lead_department.name,
            "date": p.published_at.date() if p.published_at else p.issue_date,
            "level": p.get_level_display(),
            "document_number": p.document_number,
        }
        for p in in_force.select_related("lead_department").order_by("-published_at", "-pk")[:limit]
    ]


def category_counts() -> list[dict]:
    """Every category with the number of policies in force in it and the link to them."""
    list_url = reverse("policies:list")
    return [
        {"name": category.name, "count": category.n, "url": f"{list_url}?{urlencode({'category': category.code})}"}
        for category in PolicyCategory.objects.annotate(
            n=Count("policies", filter=Q(policies__status__in=IN_FORCE))
        ).order_by("order", "code")
    ]


def level_counts() -> list[dict]:
    """Every level (国家级 … 县级) with the number of policies in force and the link to them."""
    list_url = reverse("policies:list")
    counts = dict(public_policies().filter(status__in=IN_FORCE).values_list("level").annotate(n=Count("pk")).order_by())
    return [
        {"name": label, "count": counts.get(value, 0), "url": f"{list_url}?{urlencode({'level': value})}"}
        for value, label in Policy.Level.choices
    ]


def headline_figures() -> list[dict]:
    """The home page's headline figures: policies in force, and matters open for application once they exist."""
    figures = [
        {"label": _("现行有效政策"), "value": public_policies().filter(status__in=IN_FORCE).count(), "unit": _("项")}
    ]
    matters_open = open_matter_count()
    if matters_open is not None:
        figures.append({"label": _("正在受理的事项"), "value": matters_open, "unit": _("项")})
    return figures
