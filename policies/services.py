"""Changes to policies (政策发布流程): one function per transition, each in a transaction.

Every function locks the policy row, checks the transition against
`policies.workflow.ALLOWED_TRANSITIONS`, checks the actor through
`portal.org.permissions.can`, records who did it and why in the history, and
starts its side effects (search index, home-page cache, subscription notices)
only after the transaction commits. Each returns the updated policy.

`by=None` means the platform itself (the daily beat task); only the automatic
transitions — expiry and taking expired or repealed policies offline — accept it.
"""

import logging
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies import workflow
from policies.models import (
    Interpretation,
    Policy,
    PolicyOfflineRequest,
    PolicyRelation,
    PolicySubscription,
)
from portal import workdays
from portal.core.tasks import enqueue_on_commit
from portal.org.models import Department
from portal.org.permissions import can, grant_to_department, revoke_from_department

log = logging.getLogger(__name__)

HOME_CACHE_KEY = "home:v1"
SUBSCRIPTION_SMS_TEMPLATE = "policy_subscription"
SUBSCRIPTION_SMS_TEXT = "您订阅的惠企政策《{title}》已发布，请登录惠企服务平台查看。"
OFFLINE_DAYS = 3
MIN_OFFLINE_REASON_LENGTH = 10

PERM_SUBMIT = "policies.submit_policy"
PERM_APPROVE = "policies.approve_policy"
PERM_DECIDE_OFFLINE = "policies.decide_offline"


def _require(user, perm: str, obj, message) -> None:
    if user is None or not can(user, perm, obj):
        raise PermissionDenied(message)


def _locked(policy: Policy) -> Policy:
    return Policy.objects.select_for_update().get(pk=policy.pk)


def _save(policy: Policy, by, reason: str) -> None:
    policy._history_user = by
    policy._change_reason = reason
    policy.save()


def _after_public_change(policy: Policy) -> None:
    """The home page and the search index change whenever what the public sees changes."""
    policy_id = policy.pk
    transaction.on_commit(lambda: cache.delete(HOME_CACHE_KEY))
    transaction.on_commit(lambda: _update_search_index(policy_id))


def _update_search_index(policy_id: int) -> None:
    from portal.search import index

    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        return
    try:
        if policy.is_public:
            index.update_document(policy)
        else:
            index.remove_document(policy)
    except Exception:
        # The transition has committed; a failed index write is repaired by the next reindex, not by the user.
        log.exception("search index update failed", extra={"policy_id": policy_id})


OWNER_PERMS = ["view", "change", "delete", "submit_policy", "approve_policy"]


def assign_ownership(policy: Policy, *, previous_lead: Department | None = None) -> None:
    """ "谁制定、谁发布": the lead department owns the policy; co-issuing departments may only view it."""
    if previous_lead is not None and previous_lead.pk != policy.lead_department_id:
        revoke_from_department(policy, previous_lead, OWNER_PERMS)
    grant_to_department(policy, policy.lead_department, OWNER_PERMS)
    for department in policy.co_departments.exclude(pk=policy.lead_department_id):
        grant_to_department(policy, department, ["view"])


def offline_due(ended_on: date) -> date:
    """Expired or repealed policies go offline within 3 working days of the day they end (§18)."""
    return workdays.add_workdays(ended_on, OFFLINE_DAYS)


@transaction.atomic
def submit(policy: Policy, *, by) -> Policy:
    """草稿 → 待审核, by an editor of the lead department; the policy must be complete."""
    policy = _locked(policy)
    workflow.check(policy, workflow.SUBMITTED)
    _require(by, PERM_SUBMIT, policy, _("只有牵头部门的录入员可以提交该政策。"))
    policy.full_clean()
    if not policy.categories.exists():
        raise ValidationError({"categories": _("请至少选择一个政策分类。")})
    policy.status = workflow.SUBMITTED
    _save(policy, by, "提交审核")
    return policy


@transaction.atomic
def approve(policy: Policy, *, by) -> Policy:
    """待审核 → 已审核, by an approver of the lead department."""
    policy = _locked(policy)
    workflow.check(policy, workflow.APPROVED)
    _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以审核该政策。"))
    policy.status = workflow.APPROVED
    _save(policy, by, "审核通过")
    return policy


@transaction.atomic
def reject(policy: Policy, *, by, reason: str) -> Policy:
    """待审核 / 已审核 → 草稿, with the approver's reason."""
    policy = _locked(policy)
    workflow.check(policy, workflow.DRAFT)
    if policy.status not in (workflow.SUBMITTED, workflow.APPROVED):
        raise workflow.TransitionError(_("只有待审核或已审核的政策可以退回。"))
    _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以退回该政策。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回理由。")})
    policy.status = workflow.DRAFT
    _save(policy, by, f"退回修改：{reason}")
    return policy


@transaction.atomic
def approve_interpretation(interpretation: Interpretation, *, by) -> Interpretation:
    """A policy interpretation is signed off (审签) by the same approver who approves the policy."""
    interpretation = Interpretation.objects.select_for_update().get(pk=interpretation.pk)
    _require(by, PERM_APPROVE, interpretation.policy, _("只有牵头部门的审批人可以审签政策解读。"))
    interpretation.full_clean()
    interpretation.status = Interpretation.Status.APPROVED
    interpretation.approved_by = by
    interpretation.approved_at = timezone.now()
    interpretation._history_user = by
    interpretation._change_reason = "审签"
    interpretation.save()
    return interpretation


@transaction.atomic
def publish(policy: Policy, *, by, now: datetime | None = None) -> Policy:
    """已审核 → 已发布, together with at least one approved interpretation (同步起草、同步审签、同步发布)."""
    now = now or timezone.now()
    policy = _locked(policy)
    workflow.check(policy, workflow.PUBLISHED)
    _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以发布该政策。"))
    if not policy.interpretations.filter(status=Interpretation.Status.APPROVED).exists():
        raise ValidationError(
            _("政策解读应与政策原文同步起草、同步审签、同步发布：请先审签至少一篇政策解读再发布。"),
            code="no_approved_interpretation",
        )
    today = timezone.localdate(now)
    if policy.expiry_date and policy.expiry_date < today:
        raise ValidationError(_("政策已过失效日期，不能发布。"), code="already_expired")
    policy.status = workflow.PUBLISHED
    policy.published_at = now
    policy.published_late = bool(policy.publish_deadline and today > policy.publish_deadline)
    policy.ended_on = policy.offline_due = policy.offline_at = None
    policy.offline_reason = ""
    _save(policy, by, "逾期发布" if policy.published_late else "发布")
    _after_public_change(policy)
    if policy.subscribers_notified_at is None:
        from policies.tasks import notify_subscribers_task

        enqueue_on_commit(notify_subscribers_task, policy.pk)
    return policy


def _end(policy: Policy, status: str, *, by, on: date, reason: str) -> Policy:
    policy.status = status
    policy.ended_on = on
    policy.offline_due = offline_due(on)
    _save(policy, by, reason)
    _after_public_change(policy)
    return policy


@transaction.atomic
def expire(policy: Policy, *, by=None, on: date | None = None) -> Policy:
    """已发布 → 已失效, normally by the daily task once the expiry date has passed."""
    policy = _locked(policy)
    workflow.check(policy, workflow.EXPIRED)
    if by is not None:
        _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以宣布该政策失效。"))
    on = on or policy.expiry_date or timezone.localdate()
    return _end(policy, workflow.EXPIRED, by=by, on=on, reason="政策失效")


@transaction.atomic
def repeal(policy: Policy, *, by, on: date | None = None, repealed_by: Policy | None = None) -> Policy:
    """已发布 → 已废止; `repealed_by`, the repealing policy, is recorded as a relation."""
    policy = _locked(policy)
    workflow.check(policy, workflow.REPEALED)
    _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以宣布该政策废止。"))
    if repealed_by is not None:
        PolicyRelation.objects.get_or_create(policy=repealed_by, target=policy, kind=PolicyRelation.Kind.REPEALS)
    on = on or timezone.localdate()
    return _end(policy, workflow.REPEALED, by=by, on=on, reason="政策废止")


@transaction.atomic
def request_offline(policy: Policy, *, by, reason: str) -> PolicyOfflineRequest:
    """已发布 → 申请下线: before it expires, a policy goes offline only with a detailed reason (§18)."""
    policy = _locked(policy)
    workflow.check(policy, workflow.OFFLINE_REQUESTED)
    _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以申请下线该政策。"))
    reason = (reason or "").strip()
    if len(reason) < MIN_OFFLINE_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("请填写详细的下线理由（不少于%(n)d个字）。") % {"n": MIN_OFFLINE_REASON_LENGTH}},
            code="reason_too_short",
        )
    request = PolicyOfflineRequest.objects.create(policy=policy, reason=reason, requested_by=by)
    policy.status = workflow.OFFLINE_REQUESTED
    policy.offline_reason = reason
    _save(policy, by, f"申请下线：{reason}")
    return request


def is_data_bureau_for(user, policy: Policy) -> bool:
    """The data bureau (政务服务和数据管理部门) at the lead department's level verifies early offline requests."""
    if user is None or not can(user, PERM_DECIDE_OFFLINE):
        return False
    return user.memberships.filter(
        department__kind=Department.Kind.DATA_BUREAU, department__region_id=policy.lead_department.region_id
    ).exists()


def _pending_request(policy: Policy) -> PolicyOfflineRequest:
    return PolicyOfflineRequest.objects.select_for_update().get(
        policy=policy, decision=PolicyOfflineRequest.Decision.PENDING
    )


@transaction.atomic
def approve_offline(policy: Policy, *, by, note: str = "", now: datetime | None = None) -> Policy:
    """申请下线 → 已下线, when the data bureau agrees."""
    policy = _locked(policy)
    workflow.check(policy, workflow.OFFLINE)
    if policy.status != workflow.OFFLINE_REQUESTED:
        raise workflow.TransitionError(_("只有申请下线的政策可以核准下线。"))
    if not is_data_bureau_for(by, policy):
        raise PermissionDenied(_("提前下线须经同级政务服务和数据管理部门核实同意。"))
    now = now or timezone.now()
    request = _pending_request(policy)
    request.decision = PolicyOfflineRequest.Decision.APPROVED
    request.decided_by, request.decided_at, request.decision_note = by, now, (note or "").strip()
    request.save()
    policy.status = workflow.OFFLINE
    policy.offline_at = now
    _save(policy, by, "数据局核实同意下线")
    _after_public_change(policy)
    return policy


@transaction.atomic
def reject_offline(policy: Policy, *, by, note: str, now: datetime | None = None) -> Policy:
    """申请下线 → 已发布, when the data bureau does not agree; its note is required."""
    policy = _locked(policy)
    workflow.check(policy, workflow.PUBLISHED)
    if not is_data_bureau_for(by, policy):
        raise PermissionDenied(_("提前下线申请由同级政务服务和数据管理部门核实。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写不同意下线的理由。")})
    request = _pending_request(policy)
    request.decision = PolicyOfflineRequest.Decision.REJECTED
    request.decided_by, request.decided_at, request.decision_note = by, now or timezone.now(), note
    request.save()
    policy.status = workflow.PUBLISHED
    policy.offline_reason = ""
    _save(policy, by, f"数据局不同意下线：{note}")
    return policy


@transaction.atomic
def take_offline(policy: Policy, *, by=None, now: datetime | None = None) -> Policy:
    """已失效 / 已废止 → 已下线; the daily task does it when due, staff may do it earlier."""
    policy = _locked(policy)
    if policy.status in (workflow.PUBLISHED, workflow.OFFLINE_REQUESTED):
        raise workflow.TransitionError(_("未失效（废止）的政策提前下线须申请并经数据局核实。"))
    workflow.check(policy, workflow.OFFLINE)
    if policy.status not in (workflow.EXPIRED, workflow.REPEALED):
        raise workflow.TransitionError(_("只有已失效或已废止的政策可以直接下线。"))
    if by is not None:
        _require(by, PERM_APPROVE, policy, _("只有牵头部门的审批人可以下线该政策。"))
    policy.status = workflow.OFFLINE
    policy.offline_at = now or timezone.now()
    _save(policy, by, "失效（废止）政策下线")
    _after_public_change(policy)
    return policy


@transaction.atomic
def revise(policy: Policy, *, by) -> Policy:
    """已下线 → 草稿, to correct and publish again; subscribers are not told a second time."""
    policy = _locked(policy)
    workflow.check(policy, workflow.DRAFT)
    _require(by, PERM_SUBMIT, policy, _("只有牵头部门的录入员可以修订该政策。"))
    policy.status = workflow.DRAFT
    _save(policy, by, "下线后修订")
    return policy


def expire_policies(today: date | None = None, *, now: datetime | None = None) -> dict[str, int]:
    """The daily task: policies past their expiry date expire, and expired or repealed ones due go offline.

    Each policy changes in its own transaction, so one failure does not hold up the rest.
    """
    today = today or timezone.localdate()
    expiring = Policy.objects.filter(
        status__in=[workflow.PUBLISHED, workflow.OFFLINE_REQUESTED], expiry_date__lt=today
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(expiring):
        expire(Policy(pk=pk))
        expired += 1
    due = Policy.objects.filter(status__in=[workflow.EXPIRED, workflow.REPEALED], offline_due__lte=today).values_list(
        "pk", flat=True
    )
    offline = 0
    for pk in list(due):
        take_offline(Policy(pk=pk), now=now)
        offline += 1
    return {"expired": expired, "offline": offline}


def _region_and_ancestors(region) -> list[int]:
    ids = []
    while region is not None:
        ids.append(region.pk)
        region = region.parent
    return ids


def matching_subscriptions(policy: Policy):
    """The subscriptions a policy fits, in one query: category, department, region (or a parent) or keyword."""
    through = PolicySubscription
    category_ids = list(policy.categories.values_list("pk", flat=True))
    department_ids = [policy.lead_department_id, *policy.co_departments.values_list("pk", flat=True)]
    region_ids = _region_and_ancestors(policy.region)
    text = f"{policy.title}\n{policy.summary}"
    keyword_hit = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(policies_policysubscription.keywords) AS k "
        "WHERE length(k) > 0 AND strpos(%s, k) > 0)",
        [text],
    )
    return (
        PolicySubscription.objects.filter(user__is_active=True)
        .annotate(keyword_hit=keyword_hit)
        .filter(
            Q(
                pk__in=through.categories.through.objects.filter(policycategory_id__in=category_ids).values(
                    "policysubscription_id"
                )
            )
            | Q(
                pk__in=through.departments.through.objects.filter(department_id__in=department_ids).values(
                    "policysubscription_id"
                )
            )
            | Q(pk__in=through.regions.through.objects.filter(region_id__in=region_ids).values("policysubscription_id"))
            | Q(keyword_hit=True)
        )
        .select_related("user")
    )


def notify_subscribers(policy_id: int, *, now: datetime | None = None) -> int:
    """One site message and one SMS per matching subscriber, once per policy ever; returns how many this call told.

    The policy row says the work is pending (published, `subscribers_notified_at`
    empty); the fan-out row (`notify.FanOut` "policy-subscribers:<id>") is its
    bookmark. Subscribers are told in chunks of `NOTIFY_FANOUT_CHUNK_SIZE`, by
    subscription id, each chunk its own short transaction (`run_fanout`), so
    no transaction holds thousands of locks and a crash resumes after the last
    committed chunk. Dedupe keys make a repeated chunk write nothing twice.
    """
    from portal.notify.services import ensure_template, queue_sms_batch, run_fanout, send_site_message_batch

    policy = (
        Policy.objects.filter(pk=policy_id, status=workflow.PUBLISHED, subscribers_notified_at__isnull=True)
        .select_related("region", "region__parent", "region__parent__parent")
        .first()
    )
    if policy is None:
        return 0
    ensure_template(SUBSCRIPTION_SMS_TEMPLATE, "政策订阅提醒", SUBSCRIPTION_SMS_TEXT)
    link = policy.get_absolute_url()
    title = str(_("您订阅的政策已发布：%(title)s") % {"title": policy.title})
    body = policy.summary or policy.title
    sms_title = policy.title if len(policy.title) <= 30 else policy.title[:29] + "…"
    subscriptions = matching_subscriptions(policy)

    def next_chunk(cursor: int, size: int):
        return [(s.pk, s) for s in subscriptions.filter(pk__gt=cursor).order_by("pk")[:size]]

    def deliver(chunk: list[PolicySubscription]) -> None:
        key = f"policy-sub:{policy.pk}:%s"
        send_site_message_batch([(s.user_id, key % s.user_id) for s in chunk], title, body, link=link)
        queue_sms_batch(
            SUBSCRIPTION_SMS_TEMPLATE,
            [(s.user.phone, {"title": sms_title}, key % s.user_id) for s in chunk if s.sms_enabled and s.user.phone],
        )

    def finish() -> None:
        Policy.objects.filter(pk=policy.pk, subscribers_notified_at__isnull=True).update(
            subscribers_notified_at=now or timezone.now()
        )

    _fanout, told = run_fanout(f"policy-subscribers:{policy.pk}", next_chunk, deliver, on_finish=finish)
    return told


def pending_subscription_notices() -> list[int]:
    """Published policies whose subscribers have not been told yet (the sweep's work list)."""
    return list(
        Policy.objects.filter(status=workflow.PUBLISHED, subscribers_notified_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
