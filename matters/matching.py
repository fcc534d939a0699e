"""政策找企业: matching the register against matters, storing the results, and telling the enterprises.

    match_matter(matter, *, on=None, enterprise_ids=None) -> MatchCounts
    push_matched(matter, *, enterprise_ids=None) -> int          # 第二个短信节点 (宜昌 §26)
    consume_change_events(*, limit=500) -> int                   # 档案变更 → 重新匹配, 第一个短信节点
    rematch_open_matters() -> int                                # nightly repair
    batch_push(matter, enterprises, *, by) -> BatchPush          # 部门批量推送 (常州 §17)
    eligible_for_confirmation(matter) -> QuerySet[MatchResult]   # 免申即享 list

Matching is set-based: for each chunk of enterprise ids, one `INSERT … SELECT
… ON CONFLICT (enterprise, matter) DO UPDATE` built from the eligibility
engine's own querysets (`status_annotation`, `near_misses`), so the database
judges every enterprise of the chunk in one statement and no enterprise ever
passes through Python. An enterprise gets a `MatchResult` row when it is
eligible, unknown (data missing) or a near miss (差一条); a plain "ineligible"
only updates a row that already exists, so the table holds what staff and
enterprises act on, not the whole register times every matter.

Telling is at most once per enterprise and matter: the `MatchResult` row is
the work item (eligible, `notified_at` empty). A push claims such rows in
chunks with `FOR UPDATE SKIP LOCKED`, writes a `PushRecord` (unique per
matter, enterprise and kind), one site message per member of the enterprise
and one SMS to its contact phone through the notify outbox (dedupe keys:
a repeated chunk writes nothing twice), and sets `notified_at` in the same
short transaction. Re-publishing, re-matching or the nightly run therefore
never tell an enterprise twice; a sweep finishes what a dead worker left.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, CharField, F, Func, Max, Min, Q, Value, When
from django.db.models.functions import Concat
from django.db.models.signals import post_save
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matters.models import (
    DeliveryKind,
    MatchResult,
    MatchStatus,
    Matter,
    MatterStatus,
    PushRecord,
    RuleSet,
    RuleSetStatus,
    SupportKind,
    WindowKind,
)

log = logging.getLogger(__name__)

# Enterprise ids per matching statement: a chunk is one short transaction, and the register is read by id range.
MATCH_CHUNK = 50_000
# Enterprises told per push transaction (site messages, SMS, push records, notified_at).
PUSH_CHUNK = 500
# Change events consumed per transaction.
EVENT_CHUNK = 500

SMS_MATCHED = "matter_matched"
SMS_MATCHED_TEXT = (
    "{enterprise}：经惠企服务平台匹配，贵企业符合政策事项“{matter}”的条件{amount}，申报时间：{window}。详见{link}"
)
SMS_BATCH = "matter_batch_push"
SMS_BATCH_TEXT = "{enterprise}：{department}向贵企业推送政策事项“{matter}”{amount}，申报时间：{window}。详见{link}"
SMS_REGISTERED = "enterprise_registered_matches"
SMS_REGISTERED_TEXT = (
    "{enterprise}：根据企业档案，贵企业可能符合{matters}项政策事项（涉及{policies}项政策）的条件，"
    "请登录惠企服务平台企业空间查看：{link}"
)


@dataclass
class MatchCounts:
    """What one matching run stored: rows written per status and how many of them are near misses."""

    matter_id: int
    rule_set_id: int | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    near_miss: int = 0

    @property
    def eligible(self) -> int:
        return self.by_status.get(MatchStatus.ELIGIBLE, 0)

    @property
    def unknown(self) -> int:
        return self.by_status.get(MatchStatus.UNKNOWN, 0)


# --- which matters, which rules ----------------------------------------------------------------------------------


def open_matters(on: dt.date | None = None):
    """Published matters whose window has not closed (常年申报, 期限待定, or a fixed window still running or ahead)."""
    on = on or timezone.localdate()
    return Matter.objects.filter(status=MatterStatus.PUBLISHED).filter(
        ~Q(window_kind=WindowKind.FIXED) | Q(window_closes__gte=on)
    )


def rule_sets_on(matter_ids, on: dt.date) -> dict[int, RuleSet]:
    """The published rule version valid on `on` for each matter (as `Matter.rule_set_on`), criteria prefetched."""
    rule_sets = (
        RuleSet.objects.filter(matter_id__in=list(matter_ids), status=RuleSetStatus.PUBLISHED, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("matter_id", "-version")
        .prefetch_related("criteria")
    )
    found: dict[int, RuleSet] = {}
    for rule_set in rule_sets:
        found.setdefault(rule_set.matter_id, rule_set)
    return found


# --- the gap of a near miss, rendered by the database ------------------------------------------------------------

# to_char's FM drops padding and trailing zeros but keeps the point ("2,300."): rtrim removes it, as text.number does.
_NUMBER_FORMAT = "FM999,999,999,999,999,990.999999"


def _number_sql(expression):
    """`text.number` in SQL: thousands separated, no trailing zeros ('2,300', '180.5')."""
    formatted = Func(expression, Value(_NUMBER_FORMAT), function="to_char", output_field=CharField())
    return Func(formatted, Value("."), function="rtrim", output_field=CharField())


def _split(message: str) -> tuple[str, str]:
    """A translated '…%(gap)s…' message around its gap: (before, after)."""
    before, _marker, after = message.partition("\x00")
    return before, after


def _gap_text_sql(criteria):
    """`text.gap_text` of the failed criterion as one SQL CASE over `near_miss_criterion` / `near_miss_gap`.

    The same message ids as `text.gap_text`, so the stored gap reads exactly as
    the enterprise's own explanation ("营业收入还差 180万元").
    """
    from matters.eligibility import text
    from matters.eligibility.evaluator import fact_of

    gap = F("near_miss_gap")
    whens = []
    for criterion in criteria:
        fact = fact_of(criterion)
        fallback = _("未满足：%(message)s") % {"message": criterion.message}
        if fact is None or fact.is_set or criterion.operator not in ("gte", "gt", "lte", "lt", "between"):
            whens.append(When(near_miss_criterion=criterion.pk, then=Value(fallback)))
            continue
        more = _split(_("%(label)s还差 %(gap)s") % {"label": fact.label, "gap": "\x00"})
        less = _split(_("%(label)s超出 %(gap)s") % {"label": fact.label, "gap": "\x00"})
        exact = text.gap_text(criterion, fact, 0)
        rendered = Case(
            When(near_miss_gap__gt=0, then=Concat(Value(more[0]), _number_sql(gap), Value(fact.unit + more[1]))),
            When(
                near_miss_gap__lt=0,
                then=Concat(Value(less[0]), _number_sql(-gap), Value(fact.unit + less[1])),
            ),
            When(near_miss_gap=0, then=Value(exact)),
            default=Value(fallback),
            output_field=CharField(),
        )
        whens.append(When(near_miss_criterion=criterion.pk, then=rendered))
    return Case(*whens, default=Value(""), output_field=CharField())


# --- matching -------------------------------------------------------------------------------------------------------


def _chunk_filters(enterprise_ids, chunk: int) -> list[Q]:
    """The enterprise filters of the statements of one run: id ranges over the register, or the ids given."""
    from enterprises.models import Enterprise

    if enterprise_ids is not None:
        ids = sorted(set(enterprise_ids))
        return [Q(pk__in=ids[i : i + chunk]) for i in range(0, len(ids), chunk)]
    bounds = Enterprise.objects.order_by().aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    return [Q(pk__gte=start, pk__lt=start + chunk) for start in range(bounds["low"], bounds["high"] + 1, chunk)]


def _upsert_sql(matter: Matter, rule_set: RuleSet, on: dt.date, where: Q, now: dt.datetime) -> tuple[str, list]:
    """One statement: judge the enterprises matching `where`, upsert their rows, return the counts per status."""
    from enterprises.models import Enterprise
    from matters.eligibility import near_misses, status_annotation
    from matters.eligibility.compiler import STATUS_FIELD

    criteria = list(rule_set.criteria.all())
    chunk = Enterprise.objects.filter(where).order_by()
    status_sql, status_params = (
        status_annotation(rule_set, on=on, queryset=chunk).order_by().values_list("pk", STATUS_FIELD).query
    ).sql_with_params()
    try:
        near_sql, near_params = (
            near_misses(rule_set, on=on, queryset=chunk)
            .order_by()
            .annotate(near_miss_text=_gap_text_sql(criteria))
            .values_list("pk", "near_miss_text")
            .query.sql_with_params()
        )
    except EmptyResultSet:
        near_sql, near_params = "SELECT NULL::bigint, NULL::text WHERE false", ()
    table = MatchResult._meta.db_table
    sql = f"""
        WITH judged (id, status) AS ({status_sql}),
             near (id, gap) AS ({near_sql}),
             stored AS (
                INSERT INTO {table}
                    (enterprise_id, matter_id, rule_set_id, status, near_miss, gap,
                     first_matched_at, matched_at, first_eligible_at)
                SELECT judged.id, %s, %s, judged.status, near.id IS NOT NULL, left(coalesce(near.gap, ''), 255),
                       %s, %s, CASE WHEN judged.status = %s THEN %s::timestamptz END
                FROM judged LEFT JOIN near ON near.id = judged.id
                WHERE judged.status <> %s OR near.id IS NOT NULL
                   OR EXISTS (SELECT 1 FROM {table} m WHERE m.matter_id = %s AND m.enterprise_id = judged.id)
                ON CONFLICT (enterprise_id, matter_id) DO UPDATE SET
                    rule_set_id = EXCLUDED.rule_set_id,
                    status = EXCLUDED.status,
                    near_miss = EXCLUDED.near_miss,
                    gap = EXCLUDED.gap,
                    matched_at = EXCLUDED.matched_at,
                    first_eligible_at = coalesce({table}.first_eligible_at, EXCLUDED.first_eligible_at)
                RETURNING status, near_miss
             )
        SELECT status, near_miss, count(*) FROM stored GROUP BY status, near_miss
    """  # noqa: S608 - table names from the models; every value is a parameter
    params = [
        *status_params,
        *near_params,
        matter.pk,
        rule_set.pk,
        now,
        now,
        MatchStatus.ELIGIBLE,
        now,
        MatchStatus.INELIGIBLE,
        matter.pk,
    ]
    return sql, params


def _store(matter: Matter, rule_set: RuleSet, on: dt.date, where: Q, now: dt.datetime, counts: MatchCounts) -> None:
    sql, params = _upsert_sql(matter, rule_set, on, where, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for status, near, n in cursor.fetchall():
            counts.by_status[status] = counts.by_status.get(status, 0) + n
            counts.near_miss += n if near else 0


def match_matter(
    matter: Matter,
    *,
    on: dt.date | None = None,
    enterprise_ids=None,
    rule_set: RuleSet | None = None,
    chunk: int | None = None,
) -> MatchCounts:
    """政策找企业: judges the register (or `enterprise_ids`) against `matter`'s rule version valid on `on`
    and stores the results (`MatchResult`), one set-based statement per chunk of enterprises.

    Each chunk is its own transaction (a savepoint inside the caller's); a
    full run then sets `matter.matched_at`. A matter without a valid
    published rule version matches nothing (counts empty). Idempotent: a run
    repeated stores the same rows, keeping `first_matched_at`,
    `first_eligible_at` and `notified_at`.
    """
    on = on or timezone.localdate()
    counts = MatchCounts(matter.pk)
    rule_set = rule_set or rule_sets_on([matter.pk], on).get(matter.pk)
    if rule_set is None:
        log.warning("matter has no rule version valid today; nothing matched", extra={"matter_id": matter.pk})
        return counts
    counts.rule_set_id = rule_set.pk
    now = timezone.now()
    for where in _chunk_filters(enterprise_ids, chunk or MATCH_CHUNK):
        with transaction.atomic():
            _store(matter, rule_set, on, where, now, counts)
    if enterprise_ids is None:
        Matter.objects.filter(pk=matter.pk).update(matched_at=now)
        log.info(
            "matter matched",
            extra={"matter_id": matter.pk, "rule_set_id": rule_set.pk, "counts": counts.by_status},
        )
    return counts


# --- telling enterprises ------------------------------------------------------------------------------------------


def portal_link(path: str) -> str:
    """An absolute link for an SMS: the portal's public address (`PORTAL_URL`) and `path`."""
    return settings.PORTAL_URL.rstrip("/") + path


def window_text(matter: Matter) -> str:
    """申报时间 as an SMS says it: 常年申报, 2026-03-01至2026-05-31, 期限待定."""
    if matter.window_kind == WindowKind.YEAR_ROUND:
        return _("常年申报")
    if matter.window_opens and matter.window_closes:
        return _("%(opens)s至%(closes)s") % {
            "opens": matter.window_opens.isoformat(),
            "closes": matter.window_closes.isoformat(),
        }
    if matter.window_opens:
        return _("%(opens)s起") % {"opens": matter.window_opens.isoformat()}
    return _("期限待定")


def amount_text(matter: Matter) -> str:
    """'，预计可获20万元' for a fixed amount (定额), '' otherwise: a rate or tier needs the enterprise's figures."""
    from matters.amounts import money_text

    if matter.support_kind == SupportKind.FIXED and matter.support_amount:
        return _("，预计可获%(amount)s") % {"amount": money_text(matter.support_amount)}
    return ""


def _sms_name(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_MATCHED, _("事项上架匹配推送"), SMS_MATCHED_TEXT)
    ensure_template(SMS_BATCH, _("部门批量推送"), SMS_BATCH_TEXT)
    ensure_template(SMS_REGISTERED, _("新注册企业可享政策推送"), SMS_REGISTERED_TEXT)


def _phone(enterprise) -> str:
    """The enterprise's contact phone (联系人电话), else the phone it registered (登记联系电话)."""
    return enterprise.contact_phone or enterprise.registered_phone


def _members(enterprise_ids) -> list[tuple[int, int]]:
    from enterprises.models import EnterpriseMember

    return list(
        EnterpriseMember.objects.filter(enterprise_id__in=enterprise_ids, user__is_active=True).values_list(
            "enterprise_id", "user_id"
        )
    )


def _deliver(matter: Matter, enterprise_ids: list[int], kind: str) -> None:
    """One site message per member and one SMS per enterprise about `matter`, written to the outbox (dedupe keys)."""
    from enterprises.models import Enterprise
    from portal.notify.services import queue_sms_batch, send_site_message_batch

    if not enterprise_ids:
        return
    key = f"matter-push:{kind}:{matter.pk}:%s"
    link = matter.get_absolute_url()
    if kind == PushRecord.Kind.BATCH:
        title = _("%(department)s向您推送政策事项：%(matter)s") % {
            "department": matter.department,
            "matter": matter.name,
        }
    else:
        title = _("您的企业符合政策事项“%(matter)s”的条件") % {"matter": matter.name}
    body = _("%(matter)s。扶持标准：%(support)s。申报时间：%(window)s。") % {
        "matter": matter.name,
        "support": matter.support_text.strip().rstrip("。．.；;"),
        "window": window_text(matter),
    }
    send_site_message_batch(
        [(user_id, key % enterprise_id) for enterprise_id, user_id in _members(enterprise_ids)], title, body, link=link
    )
    common = {
        "matter": _sms_name(matter.name),
        "amount": amount_text(matter),
        "window": window_text(matter),
        "link": portal_link(link),
    }
    template = SMS_MATCHED
    if kind == PushRecord.Kind.BATCH:
        template = SMS_BATCH
        common["department"] = str(matter.department)
    recipients = []
    for enterprise in Enterprise.objects.filter(pk__in=enterprise_ids).only(
        "pk", "name", "contact_phone", "registered_phone"
    ):
        phone = _phone(enterprise)
        if phone:
            recipients.append((phone, {**common, "enterprise": _sms_name(enterprise.name)}, key % enterprise.pk))
    queue_sms_batch(template, recipients)


def _record_pushes(matter_id: int, enterprise_ids, kind: str, *, by=None, at=None) -> list[int]:
    """Writes the push records not yet written; returns the enterprises newly recorded (the ones to tell)."""
    done = set(
        PushRecord.objects.filter(matter_id=matter_id, kind=kind, enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", flat=True
        )
    )
    fresh = [pk for pk in enterprise_ids if pk not in done]
    PushRecord.objects.bulk_create(
        [
            PushRecord(matter_id=matter_id, enterprise_id=pk, kind=kind, by=by, created_at=at or timezone.now())
            for pk in fresh
        ],
        ignore_conflicts=True,
    )
    return fresh


def push_matched(matter: Matter, *, enterprise_ids=None, chunk: int | None = None) -> int:
    """事项上架推送 (宜昌 §26, the second SMS moment): tells every enterprise eligible for `matter` and not yet told.

    Chunk by chunk, each one short transaction: claims the rows (`FOR UPDATE
    SKIP LOCKED`, so two workers share the work), records the pushes, writes
    a site message to each member and one SMS to the enterprise's contact
    phone, and sets `notified_at`. Returns how many enterprises were told.
    """
    _ensure_templates()
    size = chunk or PUSH_CHUNK
    told = 0
    while True:
        with transaction.atomic():
            rows = MatchResult.objects.select_for_update(skip_locked=True).filter(
                matter=matter, status=MatchStatus.ELIGIBLE, notified_at__isnull=True
            )
            if enterprise_ids is not None:
                rows = rows.filter(enterprise_id__in=list(enterprise_ids))
            claimed = list(rows.order_by("pk").values_list("pk", "enterprise_id")[:size])
            if not claimed:
                return told
            enterprises = [enterprise_id for _pk, enterprise_id in claimed]
            fresh = _record_pushes(matter.pk, enterprises, PushRecord.Kind.MATCHED)
            _deliver(matter, fresh, PushRecord.Kind.MATCHED)
            MatchResult.objects.filter(pk__in=[pk for pk, _e in claimed]).update(notified_at=timezone.now())
            told += len(fresh)


@contextlib.contextmanager
def matter_run(matter_id: int):
    """One full run per matter at a time (a session advisory lock); yields False when another run holds it.

    The sweep may start a run while the task's run of a large matter is still
    going: the second one skips instead of doing the same work again.
    """
    key = f"matters.match:{matter_id}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


def _full_run(matter: Matter) -> MatchCounts | None:
    with matter_run(matter.pk) as mine:
        if not mine:
            log.info("matter is being matched by another run; skipped", extra={"matter_id": matter.pk})
            return None
        counts = match_matter(matter)
        push_matched(matter)
        return counts


def match_and_push(matter_id: int) -> MatchCounts | None:
    """The work after a matter is published (上架): match the register, then tell the newly eligible.

    None when the matter is not published, or another run of it is going on.
    """
    matter = Matter.objects.filter(pk=matter_id, status=MatterStatus.PUBLISHED).select_related("department").first()
    if matter is None:
        return None
    return _full_run(matter)


def after_publish(matter: Matter) -> None:
    """After-commit hook of the "publish" transition: queues the match (a sweep repairs a lost message)."""
    from matters.tasks import match_matter_task
    from portal.core.tasks import publish

    publish(match_matter_task, matter.pk)


def unmatched_matters():
    """Published matters not matched since they were (re)published: the sweep's work list."""
    return Matter.objects.filter(status=MatterStatus.PUBLISHED).filter(
        Q(matched_at__isnull=True) | Q(matched_at__lt=F("published_at"))
    )


def unpushed_matters():
    """Open matters with eligible enterprises not yet told."""
    return open_matters().filter(
        pk__in=MatchResult.objects.filter(status=MatchStatus.ELIGIBLE, notified_at__isnull=True).values("matter_id")
    )


def rematch_open_matters() -> int:
    """Nightly repair (每日全量重新匹配): every open matter is matched over the whole register and the newly
    eligible are told; whatever drifted (a missed event, a fact read by date, a rule version that took effect
    today) is put right. One failing matter is logged and the rest go on. Returns how many matters ran."""
    ran = 0
    for matter in open_matters().select_related("department"):
        try:
            ran += _full_run(matter) is not None
        except Exception:
            log.exception("nightly re-match failed", extra={"matter_id": matter.pk})
    return ran


# --- archive changes and registration (the first SMS moment) --------------------------------------------------------


def push_registered(enterprise_ids, *, on: dt.date | None = None) -> int:
    """新注册企业推送 (宜昌 §26, the first SMS moment): one SMS per newly registered enterprise saying how many
    published matters (and policies) it may enjoy, and a site message listing them.

    Records a `PushRecord` (kind "registered") per matter listed and marks those
    results told, so the same matters are not pushed again one by one. An
    enterprise already told at an earlier registration (its SMS dedupe key)
    is not told again; one eligible for nothing gets nothing. Runs in the
    caller's transaction. Returns how many enterprises were told.
    """
    from enterprises.models import Enterprise
    from portal.notify.services import queue_sms_batch, send_site_message_batch

    _ensure_templates()
    on = on or timezone.localdate()
    open_ids = open_matters(on).values("pk")
    eligible = (
        MatchResult.objects.filter(enterprise_id__in=list(enterprise_ids), status=MatchStatus.ELIGIBLE)
        .filter(matter_id__in=open_ids)
        .select_related("matter")
        .order_by("enterprise_id", "matter__window_closes", "matter__code")
    )
    by_enterprise: dict[int, list[MatchResult]] = {}
    for result in eligible:
        by_enterprise.setdefault(result.enterprise_id, []).append(result)
    if not by_enterprise:
        return 0
    members = _members(list(by_enterprise))
    recipients = []
    for enterprise in Enterprise.objects.filter(pk__in=list(by_enterprise)).only(
        "pk", "uscc", "name", "contact_phone", "registered_phone"
    ):
        results = by_enterprise[enterprise.pk]
        matters = [r.matter for r in results]
        for matter in matters:
            _record_pushes(matter.pk, [enterprise.pk], PushRecord.Kind.REGISTERED)
        MatchResult.objects.filter(pk__in=[r.pk for r in results], notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        try:
            path = reverse("enterprises:space", kwargs={"uscc": enterprise.uscc})
        except NoReverseMatch:
            path = "/"
        key = f"matter-push:registered:{enterprise.pk}"
        lines = [f"{n}. {m.name}{amount_text(m)}；{window_text(m)}" for n, m in enumerate(matters, start=1)]
        title = _("为您推荐%(n)d项可申报的政策事项") % {"n": len(matters)}
        send_site_message_batch(
            [(user_id, key) for enterprise_id, user_id in members if enterprise_id == enterprise.pk],
            title,
            "\n".join(lines),
            link=path,
        )
        phone = _phone(enterprise)
        if phone:
            params = {
                "enterprise": _sms_name(enterprise.name),
                "matters": len(matters),
                "policies": len({m.policy_id for m in matters}),
                "link": portal_link(path),
            }
            recipients.append((phone, params, key))
    queue_sms_batch(SMS_REGISTERED, recipients)
    return len(by_enterprise)


def consume_change_events(*, limit: int | None = None, on: dt.date | None = None) -> int:
    """档案变更后重新匹配: consumes pending `ChangeEvent`s in chunks, re-matching the changed enterprises against
    every open matter, then telling the newly eligible (and, for a "registered" event, sending the
    registration push first). Each chunk — matching, messages and `consumed_at` — is one transaction; events
    are claimed with `SKIP LOCKED`, so two runs share the work. Returns how many events were consumed.
    """
    from enterprises.models import ChangeEvent

    on = on or timezone.localdate()
    size = limit or EVENT_CHUNK
    consumed = 0
    while True:
        with transaction.atomic():
            events = list(
                ChangeEvent.objects.select_for_update(skip_locked=True)
                .filter(consumed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", "enterprise_id", "kind")[:size]
            )
            if not events:
                return consumed
            changed = sorted({enterprise_id for _pk, enterprise_id, _kind in events})
            matters = list(open_matters(on).select_related("department"))
            rules = rule_sets_on([m.pk for m in matters], on)
            for matter in matters:
                if matter.pk in rules:
                    match_matter(matter, on=on, enterprise_ids=changed, rule_set=rules[matter.pk])
            registered = sorted({e for _pk, e, kind in events if kind == ChangeEvent.Kind.REGISTERED})
            if registered:
                push_registered(registered, on=on)
            for matter in matters:
                if matter.pk in rules:
                    push_matched(matter, enterprise_ids=changed)
            ChangeEvent.objects.filter(pk__in=[pk for pk, _e, _k in events]).update(consumed_at=timezone.now())
            consumed += len(events)


def nudge_on_change(sender, instance, created, **kwargs) -> None:
    """A recorded change event starts the consumer once its transaction commits (beat catches the rest)."""
    if created and instance.consumed_at is None:
        from matters.tasks import consume_change_events_task
        from portal.core.tasks import enqueue_once_on_commit

        enqueue_once_on_commit(consume_change_events_task)


# --- 部门批量推送 (常州 §17) ----------------------------------------------------------------------------------

BATCH_FANOUT_PREFIX = "matter-batch:"


@dataclass
class BatchPush:
    """A confirmed batch push: how many enterprises were selected, how many are new to it, its fan-out key."""

    selected: int
    recorded: int
    key: str


def batch_push(matter: Matter, enterprises, *, by) -> BatchPush:
    """部门批量推送: records a push (kind "batch") to each enterprise of `enterprises` (a queryset) not yet
    told of this matter in any way (automatic, registration or batch push), and queues its delivery after commit.

    One `INSERT … SELECT … ON CONFLICT DO NOTHING` records the selection,
    whatever its size; the fan-out row (`notify.FanOut`, key
    "matter-batch:<matter>:<user>:<time>") is the job, delivered chunk by
    chunk by `deliver_batch`, and found again by the sweep if the broker
    message is lost. Caller checks the permission (matters.push_matter on the matter).
    """
    from matters.tasks import deliver_batch_task
    from portal.core.tasks import enqueue_on_commit
    from portal.notify.models import FanOut

    now = timezone.now()
    key = f"{BATCH_FANOUT_PREFIX}{matter.pk}:{by.pk}:{now.isoformat()}"
    ids_sql, ids_params = enterprises.order_by().values_list("pk").query.sql_with_params()
    table = PushRecord._meta.db_table
    with transaction.atomic():
        selected = enterprises.order_by().count()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (matter_id, enterprise_id, kind, by_id, created_at)
                    SELECT %s, chosen.id, %s, %s, %s FROM ({ids_sql}) AS chosen (id)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM {table} told WHERE told.matter_id = %s AND told.enterprise_id = chosen.id
                    )
                    ON CONFLICT (matter_id, enterprise_id, kind) DO NOTHING""",  # noqa: S608
                [matter.pk, PushRecord.Kind.BATCH, by.pk, now, *ids_params, matter.pk],
            )
            recorded = cursor.rowcount
        if recorded:
            FanOut.objects.create(key=key)
            enqueue_on_commit(deliver_batch_task, key)
    return BatchPush(selected=selected, recorded=recorded, key=key)


def _parse_batch_key(key: str) -> tuple[int, int, dt.datetime]:
    matter_id, user_id, at = key.removeprefix(BATCH_FANOUT_PREFIX).split(":", 2)
    return int(matter_id), int(user_id), dt.datetime.fromisoformat(at)


def deliver_batch(key: str) -> int:
    """Delivers the batch push `key` chunk by chunk (`notify.run_fanout`); returns how many were told now."""
    from portal.notify.services import run_fanout

    matter_id, user_id, at = _parse_batch_key(key)
    matter = Matter.objects.select_related("department").filter(pk=matter_id).first()
    if matter is None:
        return 0
    _ensure_templates()
    records = PushRecord.objects.filter(matter_id=matter_id, kind=PushRecord.Kind.BATCH, by_id=user_id, created_at=at)

    def next_chunk(cursor: int, size: int):
        return list(records.filter(pk__gt=cursor).order_by("pk").values_list("pk", "enterprise_id")[:size])

    def deliver(enterprise_ids: list[int]) -> None:
        _deliver(matter, enterprise_ids, PushRecord.Kind.BATCH)
        MatchResult.objects.filter(
            matter_id=matter_id,
            enterprise_id__in=enterprise_ids,
            status=MatchStatus.ELIGIBLE,
            notified_at__isnull=True,
        ).update(notified_at=timezone.now())

    _fanout, told = run_fanout(key, next_chunk, deliver)
    return told


def unfinished_batches() -> list[str]:
    from portal.notify.models import FanOut

    return list(
        FanOut.objects.filter(key__startswith=BATCH_FANOUT_PREFIX, finished_at__isnull=True).values_list(
            "key", flat=True
        )
    )


# --- selectors --------------------------------------------------------------------------------------------------------


def eligible_for_confirmation(matter: Matter):
    """免申即享 (无锡 §20): the stored eligible results of an automatic matter under its rule version valid
    today — the list the applications turn into confirmations. Empty for any other delivery kind or a
    matter not published."""
    if matter.delivery_kind != DeliveryKind.AUTOMATIC or matter.status != MatterStatus.PUBLISHED:
        return MatchResult.objects.none()
    rule_set = matter.rule_set_on(timezone.localdate())
    if rule_set is None:
        return MatchResult.objects.none()
    return (
        MatchResult.objects.filter(matter=matter, rule_set=rule_set, status=MatchStatus.ELIGIBLE)
        .select_related("enterprise", "rule_set")
        .order_by("enterprise_id")
    )


# A change recorded through the ORM starts the consumer after its commit; bulk imports write their events in
# SQL and are picked up by the beat entry within half a minute.
post_save.connect(nudge_on_change, sender="enterprises.ChangeEvent", dispatch_uid="matters.nudge_on_change")
