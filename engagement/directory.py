"""办事服务、增值服务 (the service directory, 宜昌 §5): use cases and registrations.

Who curates (维护) the links. 宜昌 §9 gives the running of the platform to the 市数据局 and, within their
territory, to the county 政务服务和数据主管部门; so the curators are

- platform admins (and superusers): every region;
- staff of a data bureau department (`Department.Kind.DATA_BUREAU`) in a working role (editor, reviewer,
  approver or admin): the links of their department's region and of every region below it (市数据局: 宜昌市
  and its districts; a province's links only by a provincial data bureau or a platform admin).

Supervisors (督查) see the links and their health and change nothing; every other member of staff does not see
the directory's back office at all. Dead links are reported to the curators of the link's region.

A region's page shows its own links and those of every region above it (a district's page shows the city's
and the province's), nearest first within a category.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engagement import search_index_directory  # noqa: F401 - the search adapter registers on import
from engagement.models.directory import CATEGORY_SECTION, ServiceCategory, ServiceLink, ServiceSection
from portal.core import normalize
from portal.org.models import Department, Region, Role
from portal.org.permissions import is_platform_admin, is_supervisor

log = logging.getLogger(__name__)

CURATOR_ROLES = (Role.EDITOR, Role.REVIEWER, Role.APPROVER, Role.ADMIN)

# The link check (链接检查): each request waits at most CHECK_TIMEOUT seconds for a connection and as long for
# each read; CHECK_WORKERS links are checked at once, and a run stops starting new checks after
# CHECK_BUDGET seconds (the links not reached are the first ones checked next time).
CHECK_TIMEOUT = 10.0
CHECK_WORKERS = 4
CHECK_BUDGET = 15 * 60.0
USER_AGENT = "HuiqiPortal-LinkCheck/1.0"


# URLs


def _internal(host: str) -> bool:
    """A host the public cannot reach: localhost, a single-label intranet name, or a private, loopback,
    link-local or reserved IP address (IPv4, or IPv6 in brackets). The daily check would otherwise probe the
    government intranet from the portal's own network."""
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return host == "localhost" or host.endswith(".localhost") or "." not in host


def clean_service_url(raw: str) -> str:
    """The address as stored: folded (full-width ｈｔｔｐｓ：／／ typed in a Chinese input method becomes https://),
    http or https only, with a host and no user name, scheme and host in lower case, the default port dropped.

    Raises `ValidationError` with a Chinese message; `javascript:`, `data:` and other schemes are refused.
    """
    text = normalize.fold(raw)
    if not text:
        raise ValidationError(_("请填写网址"), code="required")
    if any(c.isspace() for c in text):
        raise ValidationError(_("网址中不能有空格"), code="space")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(_("网址只能以 http:// 或 https:// 开头"), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("网址缺少域名，如 https://www.hbzwfw.gov.cn/"), code="host")
    if "@" in parts.netloc:
        raise ValidationError(_("网址中不能包含用户名或密码"), code="userinfo")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("网址的端口号不正确"), code="port") from exc
    host = parts.hostname.lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError(_("网址的域名不正确"), code="host") from exc
    if _internal(host):
        raise ValidationError(_("网址不能是内网或本机地址，公众无法访问"), code="internal")
    default_port = {"http": 80, "https": 443}[scheme]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(_("网址格式不正确"), code="invalid") from exc
    if len(url) > 500:
        raise ValidationError(_("网址不能超过500个字符"), code="length")
    return url


# Regions


def region_chain(region: Region) -> list[Region]:
    """The region and every region above it, nearest first (西陵区 → 宜昌市 → 湖北省)."""
    chain, seen = [], set()
    while region is not None and region.pk not in seen:
        chain.append(region)
        seen.add(region.pk)
        region = region.parent
    return chain


def default_region(user) -> Region | None:
    """The region the page opens on: the signed-in enterprise's (its only or first enterprise's registration
    region), else the platform's city (市级统建, 宜昌 §4), else the province."""
    if getattr(user, "is_authenticated", False) and getattr(user, "kind", None) == "enterprise":
        from enterprises.selectors import enterprises_for_user

        enterprise = enterprises_for_user(user).filter(region__isnull=False).first()
        if enterprise is not None:
            return enterprise.region
    return (
        Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
        or Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    )


# Reads


def public_links(region: Region | None, *, category: str | None = None):
    """The active links shown on `region`'s page: its own and those of the regions above it."""
    links = ServiceLink.objects.filter(active=True).select_related("region")
    if region is not None:
        links = links.filter(region__in=[r.pk for r in region_chain(region)])
    if category:
        links = links.filter(category=category)
    return links


def grouped(links) -> list[dict]:
    """Sections → categories → links, in the order of the choices; within a category by `order`, nearest region
    first, then title. Empty categories are kept so the reader sees what the directory covers."""
    by_category: dict[str, list[ServiceLink]] = {value: [] for value in ServiceCategory.values}
    for link in links:
        by_category[link.category].append(link)
    sections = []
    for section in ServiceSection:
        categories = []
        for category in ServiceCategory:
            if CATEGORY_SECTION[category] != section:
                continue
            items = sorted(by_category[category], key=lambda x: (x.order, -x.region.depth, x.title, x.pk))
            categories.append({"value": category.value, "label": category.label, "links": items})
        sections.append({"value": section.value, "label": section.label, "categories": categories})
    return sections


# Curators


def curated_region_ids(user) -> set[int] | None:
    """The regions whose links `user` may add, change and delete; None means every region (platform admins)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if is_platform_admin(user):
        return None
    if not (user.is_staff and user.kind == user.Kind.STAFF):
        return set()
    regions = Region.objects.filter(
        departments__kind=Department.Kind.DATA_BUREAU,
        departments__memberships__user=user,
        departments__memberships__role__in=CURATOR_ROLES,
    ).distinct()
    ids: set[int] = set()
    for region in regions:
        ids |= region.subtree_ids()
    return ids


def is_curator(user) -> bool:
    regions = curated_region_ids(user)
    return regions is None or bool(regions)


def may_curate(user, region_id: int | None) -> bool:
    regions = curated_region_ids(user)
    return regions is None or (region_id is not None and region_id in regions)


def may_view_back_office(user) -> bool:
    """Curators and supervisors (who read everything, change nothing)."""
    return is_curator(user) or is_supervisor(user)


def curators_of(region: Region) -> list[int]:
    """The user ids told about `region`'s dead links: platform admins and the data bureau staff of the region or
    a region above it, active staff accounts only."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    admins = users.filter(models.Q(is_superuser=True) | models.Q(memberships__role=Role.ADMIN))
    bureau = users.filter(
        memberships__department__kind=Department.Kind.DATA_BUREAU,
        memberships__department__region__in=[r.pk for r in region_chain(region)],
        memberships__role__in=CURATOR_ROLES,
    )
    return sorted(set(admins.values_list("pk", flat=True)) | set(bureau.values_list("pk", flat=True)))


# The link check


@dataclass(frozen=True)
class Probe:
    """What one check of one address found: the final HTTP status (after redirects) or an error."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and self.status < 400

    def describe(self) -> str:
        return self.error or _("状态码 %(status)s") % {"status": self.status}


def probe(url: str, *, timeout: float = CHECK_TIMEOUT) -> Probe:
    """HEAD the address, following redirects; a server that answers HEAD with an error status (many refuse HEAD
    with 403, 404 or 405) is asked again with GET, whose status decides. Never raises."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    try:
        response = session.head(url, timeout=timeout, allow_redirects=True)
        if response.status_code >= 400:
            with session.get(url, timeout=timeout, allow_redirects=True, stream=True) as again:
                response = again
        return Probe(status=response.status_code)
    except requests.Timeout:
        return Probe(status=None, error=_("连接超时"))
    except requests.TooManyRedirects:
        return Probe(status=None, error=_("重定向次数过多"))
    except requests.exceptions.SSLError:
        return Probe(status=None, error=_("证书错误"))
    except requests.ConnectionError:
        return Probe(status=None, error=_("无法连接"))
    except requests.RequestException as exc:
        return Probe(status=None, error=_("请求失败：%(error)s") % {"error": type(exc).__name__})
    finally:
        session.close()


@dataclass
class CheckRun:
    """The outcome of one run of the link check."""

    checked: int = 0
    failing: int = 0
    recovered: int = 0
    not_reached: int = 0
    newly_dead: list[int] = field(default_factory=list)
    messages: int = 0


def record(link: ServiceLink, result: Probe, now) -> str:
    """Stores one check's result on the link; returns "ok", "recovered", "failing" or "newly_dead"."""
    rows = ServiceLink.objects.filter(pk=link.pk)
    if result.ok:
        rows.update(
            last_checked_at=now, last_status=result.status, last_error="", failing_since=None, consecutive_failures=0
        )
        return "recovered" if link.consecutive_failures else "ok"
    rows.update(
        last_checked_at=now,
        last_status=result.status,
        last_error=result.error[:200],
        failing_since=Coalesce(models.F("failing_since"), models.Value(now)),
        consecutive_failures=models.F("consecutive_failures") + 1,
    )
    return "failing" if link.consecutive_failures else "newly_dead"


def check_links(
    *, timeout: float = CHECK_TIMEOUT, workers: int = CHECK_WORKERS, budget: float = CHECK_BUDGET, now=None
) -> CheckRun:
    """Checks every active link, least recently checked first, and reports the newly dead ones to their curators.

    Links are checked `workers` at a time; once `budget` seconds have passed no new batch starts.
    """
    run = CheckRun()
    links = list(
        ServiceLink.objects.filter(active=True).order_by(models.F("last_checked_at").asc(nulls_first=True), "pk")
    )
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="linkcheck") as pool:
        for start in range(0, len(links), max(1, workers)):
            if time.monotonic() - started > budget:
                run.not_reached = len(links) - start
                break
            batch = links[start : start + max(1, workers)]
            results = list(pool.map(lambda link: probe(link.url, timeout=timeout), batch))
            for link, result in zip(batch, results, strict=True):
                outcome = record(link, result, now or timezone.now())
                run.checked += 1
                run.failing += outcome in ("failing", "newly_dead")
                run.recovered += outcome == "recovered"
                if outcome == "newly_dead":
                    run.newly_dead.append(link.pk)
    if run.newly_dead:
        run.messages = report_dead_links(run.newly_dead)
    log.info(
        "service links checked",
        extra={"checked": run.checked, "failing": run.failing, "newly_dead": len(run.newly_dead)},
    )
    return run


def report_dead_links(link_ids: list[int]) -> int:
    """One site message per curator listing the newly dead links they curate; returns how many were written.

    The dedupe key names each link with the moment it started failing, so a repeated run (or a retried task)
    never tells the same failure twice, while a link that recovers and fails again is told again.
    """
    from portal.notify.services import send_site_message_batch

    links = list(ServiceLink.objects.filter(pk__in=link_ids, failing_since__isnull=False).select_related("region"))
    per_user: dict[int, list[ServiceLink]] = {}
    chains: dict[int, list[int]] = {}
    for link in links:
        if link.region_id not in chains:
            chains[link.region_id] = curators_of(link.region)
        for user_id in chains[link.region_id]:
            per_user.setdefault(user_id, []).append(link)
    groups: dict[tuple[int, ...], list[int]] = {}
    for user_id, theirs in per_user.items():
        groups.setdefault(tuple(sorted(link.pk for link in theirs)), []).append(user_id)
    by_pk = {link.pk: link for link in links}
    written = 0
    admin_list = reverse("admin:engagement_servicelink_changelist") + "?health=failing"
    for pks, user_ids in groups.items():
        theirs = [by_pk[pk] for pk in pks]
        fingerprint = ";".join(f"{link.pk}@{link.failing_since.isoformat()}" for link in theirs)
        key = "directory-dead:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        lines = [
            f"{link.region.name} · {link.get_category_display()} · {link.title} — {link.url}"
            f"（{Probe(link.last_status, link.last_error).describe()}）"
            for link in theirs
        ]
        title = _("服务链接失效提醒：%(count)d 个链接无法访问") % {"count": len(theirs)}
        body = _("以下服务链接在今天的检查中无法访问，请核实后更正网址或停用：") + "\n" + "\n".join(lines)
        with transaction.atomic():
            written += send_site_message_batch([(uid, key) for uid in user_ids], title, body, link=admin_list)
    return written
