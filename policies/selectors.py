"""Reads of policies for the public pages and the home page (政策查询)."""

from __future__ import annotations

from itertools import pairwise

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy

from policies.models import Policy, PolicyCategory, PolicyRelation
from portal.core.registry import Registry
from portal.core.translation import Bilingual
from portal.org.models import Department

# 效力状态 of a public policy. A published policy (incl. one pending offline) is 现行有效 from its
# 施行日期 on and 尚未施行 before it; expired and repealed ones have ended. Every count, facet and
# filter of "in force" goes through in_force()/not_yet_in_force() so they all agree.
CURRENT = (Policy.Status.PUBLISHED, Policy.Status.OFFLINE_REQUESTED)
ENDED = (Policy.Status.EXPIRED, Policy.Status.REPEALED)
STATUS_CHOICES = [("in_force", _("现行有效")), ("not_yet", _("尚未施行")), ("ended", _("已失效或废止"))]


def in_force(prefix: str = "") -> Q:
    """现行有效: published and its 施行日期 reached (today, local time). `prefix` reaches a policy over a relation."""
    return Q(**{f"{prefix}status__in": CURRENT, f"{prefix}effective_date__lte": timezone.localdate()})


def not_yet_in_force(prefix: str = "") -> Q:
    """尚未施行: published, but its 施行日期 is still to come."""
    return Q(**{f"{prefix}status__in": CURRENT, f"{prefix}effective_date__gt": timezone.localdate()})


def status_q(value: str) -> Q:
    """The 效力状态 filter for one of STATUS_CHOICES' values."""
    if value == "in_force":
        return in_force()
    if value == "not_yet":
        return not_yet_in_force()
    return Q(status__in=ENDED)


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


def issuing_departments() -> QuerySet[Department]:
    """发文部门: policy departments and every department that leads or co-issues a public policy (the
    data bureau and the finance bureau issue some too). The policy list's facet and the subscription
    form both offer these, so a department seen on one is on the other."""
    public = Policy.PUBLIC_STATUSES
    issued = Q(led_policies__status__in=public) | Q(co_issued_policies__status__in=public)
    ids = Department.objects.filter(Q(kind=Department.Kind.POLICY) | issued).values("pk")
    return Department.objects.filter(pk__in=ids).select_related("region").order_by("region__code", "code")


def approved_interpretations(policy: Policy):
    return policy.interpretations.filter(status="approved").order_by("order", "pk")


def relations(policy: Policy) -> dict:
    """What this policy does to others and what others did to it, public policies only."""
    public = Policy.PUBLIC_STATUSES
    outgoing = policy.relations.filter(target__status__in=public).select_related("target")
    incoming = policy.reverse_relations.filter(policy__status__in=public).select_related("policy")
    superseded_by = [r for r in incoming if r.kind in (PolicyRelation.Kind.REPLACES, PolicyRelation.Kind.REPEALS)]
    return {"outgoing": list(outgoing), "incoming": list(incoming), "superseded_by": superseded_by}


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
        .values_list("code", "name", "name_en", "n")
    )
    return [(code, Bilingual(name, name_en), n) for code, name, name_en, n in rows]


def count_status(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    counts = base.aggregate(**{value: Count("pk", filter=status_q(value)) for value, _label in STATUS_CHOICES})
    return [(value, label, counts[value]) for value, label in STATUS_CHOICES if counts[value]]


def count_years(queryset) -> list[tuple[str, str, int]]:
    base = Policy.objects.filter(pk__in=queryset.values("pk"))
    rows = base.annotate(year=ExtractYear("issue_date")).values_list("year").annotate(n=Count("pk")).order_by("-year")
    return [(str(year), _("%(year)s年") % {"year": year}, n) for year, n in rows]


FACET_COUNTERS = {
    "level": count_levels,
    "category": count_categories,
    "department": count_departments,
    "region": count_regions,
    "status": count_status,
    "year": count_years,
}

# Facets another app adds to the policy list (筛选项), e.g. matters' "有可申报事项" once
# matters exist. Register an object with `options(queryset) -> [(value, label, count)]`
# (counted on the given public policies) and `filter(queryset, value) -> queryset`;
# the entry's label (a lazy Chinese msgid) heads the facet and the key is the URL parameter:
#
#     policy_list_facets.add("has_open_matters", OpenMattersFacet(), label=_("可申报事项"), order=70)
policy_list_facets: Registry = Registry("policy_list_facets", label="政策列表筛选项")


# Blocks another app adds to a public policy's page (政策详情), e.g. matters' "本政策的资金事项".
# Register an object with `template` (a template name, rendered with `block` as its context)
# and `context(policy) -> dict | None` (None when it has nothing to show for this policy):
#
#     policy_detail_blocks.add("matters", PolicyMatters(), label=_("本政策的资金事项"), order=10)
policy_detail_blocks: Registry = Registry("policy_detail_blocks", label="政策详情栏目")


class PolicyFAQs:
    """常见问题: a public policy's page lists its FAQs (`PolicyFAQ`), as a matter's guide lists its own."""

    template = "policies/includes/policy_faqs.html"

    def context(self, policy) -> dict | None:
        faqs = list(policy.faqs.order_by("position", "id"))
        return {"faqs": faqs} if faqs else None


def detail_blocks(policy: Policy) -> list[dict]:
    """The registered blocks with something to show for `policy`, in order: {"key", "label", "template", "block"}."""
    blocks = []
    for entry in policy_detail_blocks.entries():
        context = entry.obj.context(policy)
        if context:
            blocks.append({"key": entry.key, "label": entry.label, "template": entry.obj.template, "block": context})
    return blocks


def facet_counters() -> dict:
    """Every facet of the policy list, name → counter: the built-in ones, then the registered ones in order."""
    return {**FACET_COUNTERS, **{entry.key: entry.obj.options for entry in policy_list_facets.entries()}}


# ---- home page (首页): the blocks `policies/home_blocks.py` registers in the kernel read these


def latest_policies(limit: int = 8) -> list[dict]:
    """The newest published policies that have not ended (in force or 尚未施行), newest first."""
    in_force = public_policies().filter(status__in=CURRENT)
    return [
        {
            "title": p.title,
            "url": p.get_absolute_url(),
            "issuer": p.issuing_authority or p.lead_department.name,
            "date": p.published_at.date() if p.published_at else p.issue_date,
            "level": Policy.Level(p.level).label,
            "document_number": p.document_number,
        }
        for p in in_force.select_related("lead_department").order_by("-published_at", "-pk")[:limit]
    ]


def category_counts() -> list[dict]:
    """Every category with the number of policies in force in it and the link to exactly those (the list
    filtered by the category and 效力状态 现行有效, so the list's total is the count shown)."""
    list_url = reverse("policies:list")
    return [
        {
            "name": category.label,
            "count": category.n,
            "url": f"{list_url}?{urlencode({'category': category.code, 'status': 'in_force'})}",
        }
        for category in PolicyCategory.objects.annotate(n=Count("policies", filter=in_force("policies__"))).order_by(
            "order", "code"
        )
    ]


def level_counts() -> list[dict]:
    """Every level (国家级 … 县级) with the number of policies in force and the link to exactly those."""
    list_url = reverse("policies:list")
    counts = dict(public_policies().filter(in_force()).values_list("level").annotate(n=Count("pk")).order_by())
    return [
        {
            "name": label,
            "count": counts.get(value, 0),
            "url": f"{list_url}?{urlencode({'level': value, 'status': 'in_force'})}",
        }
        for value, label in Policy.Level.choices
    ]


def headline_figures() -> list[dict]:
    """The home page's headline figures: the policies in force."""
    count = public_policies().filter(in_force()).count()
    return [{"label": _("现行有效政策"), "value": count, "unit": npgettext_lazy("policy count", "项", "项", count)}]


def with_publish_clock(queryset: QuerySet[Policy]) -> QuerySet[Policy]:
    """Adds the 发布时限 (§17) clock's `publish_due` and `publish_provisional` to each policy, in the same query."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Subquery

    from policies.services import PUBLISH_CLOCK
    from portal.workcalendar.models import Clock

    clock = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Policy), object_id=OuterRef("pk"), kind=PUBLISH_CLOCK
    ).order_by("-started_on", "-id")
    return queryset.annotate(
        publish_due=Subquery(clock.values("due_on")[:1]),
        publish_provisional=Subquery(clock.values("provisional")[:1]),
    )


def latest_return(policy: Policy):
    """The 退回修改 that made this draft a draft again (its history record: who, when, reason), or None.

    None for a policy that is not a draft, a draft never submitted, or one that became a draft by 重新修订.
    """
    if policy.status != Policy.Status.DRAFT:
        return None
    from policies.workflow import POLICY

    records = list(policy.history.order_by("-history_date", "-history_id").select_related("history_user")[:50])
    for newer, older in pairwise(records):
        if newer.status == Policy.Status.DRAFT and older.status != Policy.Status.DRAFT:
            return newer if (newer.history_change_reason or "").startswith(str(POLICY["reject"].label)) else None
    return None
